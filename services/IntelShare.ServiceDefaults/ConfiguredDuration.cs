using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace IntelShare.ServiceDefaults;

/// <summary>Durations in configuration, read alike by every service.</summary>
public static class ConfiguredDuration
{
    /// <summary>
    /// A duration as "hh:mm:ss" (or "d.hh:mm:ss"), or a bare number of seconds; <paramref name="defaultValue"/> when
    /// unset. Plain TimeSpan binding would read "3600" as 3600 days, which is not what anyone writing it means.
    /// </summary>
    public static TimeSpan Read(IConfiguration configuration, string key, TimeSpan defaultValue, bool allowZero = false)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        var duration = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"{key} must be a duration such as 01:00:00 or a number of seconds, not '{value}'.");
        return duration > TimeSpan.Zero || (allowZero && duration == TimeSpan.Zero)
            ? duration
            : throw new InvalidOperationException($"{key} must be a {(allowZero ? "positive or zero" : "positive")} duration, not '{value}'.");
    }
}
