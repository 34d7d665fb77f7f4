using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>A value that cannot go into the field it is meant for; the message names the value and what was expected.</summary>
internal sealed class FieldValueException(string message) : Exception(message);

/// <summary>Text to protobuf field values, as agencies' exports write them.</summary>
internal static partial class FieldValues
{
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mmK",
        "yyyy-MM-dd",
        "yyyyMMdd'T'HHmmssK",
        "yyyyMMdd",
    ];

    /// <summary>
    /// A calendar date as the contracts store it: ISO 8601 at the precision the source has
    /// (YYYY-MM-DD, YYYY-MM or YYYY). Accepts those forms and YYYYMMDD, or an explicit .NET format.
    /// </summary>
    public static string ParseDate(string text, string? format)
    {
        if (format is not null)
        {
            if (!DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact))
            {
                throw new FieldValueException($"'{text}' is not a date in the format {format}");
            }

            // Keep the precision the format has: a source that records only a year must not gain a 1 January.
            var precision = format.Contains('d') ? "yyyy-MM-dd" : format.Contains('M') ? "yyyy-MM" : "yyyy";
            return exact.ToString(precision, CultureInfo.InvariantCulture);
        }

        var (pattern, output) = text switch
        {
            _ when CompactDate().IsMatch(text) => ("yyyyMMdd", "yyyy-MM-dd"),
            _ when IsoDate().IsMatch(text) => ("yyyy-MM-dd", "yyyy-MM-dd"),
            _ when IsoDateTime().IsMatch(text) => ("yyyy-MM-dd", "yyyy-MM-dd"),
            _ when IsoMonth().IsMatch(text) => ("yyyy-MM", "yyyy-MM"),
            _ when Year().IsMatch(text) => ("yyyy", "yyyy"),
            _ => throw new FieldValueException($"'{text}' is not a date (expected YYYY-MM-DD, YYYYMMDD, YYYY-MM or YYYY)"),
        };
        var datePart = text.Length > 10 && pattern == "yyyy-MM-dd" ? text[..10] : text;
        if (!DateTime.TryParseExact(datePart, pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new FieldValueException($"'{text}' is not a valid calendar date");
        }

        return date.ToString(output, CultureInfo.InvariantCulture);
    }

    /// <summary>A point in time; without an offset it is taken as UTC, a bare date as its midnight UTC.</summary>
    public static Timestamp ParseTimestamp(string text, string? format)
    {
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        var parsed = format is null
            ? DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, styles, out var value)
            : DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, styles, out value);
        return parsed
            ? Timestamp.FromDateTimeOffset(value)
            : throw new FieldValueException(format is null
                ? $"'{text}' is not a date or time (expected ISO 8601, e.g. 2024-05-01 or 2024-05-01T14:30:00Z)"
                : $"'{text}' is not a date or time in the format {format}");
    }

    /// <summary>
    /// Codes the platform takes in one case only, in that case: exports write "F" and "ro" as often as "f" and "RO", and a
    /// row refused for the case of a letter is lost for nothing. Mappings and amend --set both set fields through here.
    /// </summary>
    public static string InPlatformCase(FieldDescriptor field, string text) => field switch
    {
        { Name: "sex" } when field.ContainingType == Person.Descriptor => text.ToLowerInvariant(),
        // ISO 3166-1 alpha-2 wherever the contracts keep a country: country, issuing_country, nationalities.
        _ when field.Name == "nationalities" || field.Name.EndsWith("country", StringComparison.Ordinal) => text.ToUpperInvariant(),
        // Agency codes, as --releasable-to takes them: "border" is BORDER.
        _ when field.ContainingType == Marking.Descriptor && field.Name is "releasable_to" or "originator_agency" => text.ToUpperInvariant(),
        _ => text,
    };

    public static bool ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "y" or "1" => true,
        "false" or "no" or "n" or "0" => false,
        _ => throw new FieldValueException($"'{text}' is not true or false"),
    };

    /// <summary>
    /// A number with a decimal point or, as European exports write it, a single decimal comma ("5,3" is 5.3). Thousands
    /// separators are never taken: "1,234" would be 1.234 to one agency and 1234 to another, and a coordinate read the
    /// wrong way is stored silently, so a number with both marks, or several commas, is refused.
    /// </summary>
    public static T ParseNumber<T>(string text)
        where T : INumber<T>
    {
        var commas = text.Count(c => c == ',');
        if (commas > 1 || (commas == 1 && text.Contains('.')))
        {
            throw new FieldValueException(
                $"'{text}' has a thousands separator, which is ambiguous: write the number without one, with '.' or a single ',' before the decimals (e.g. 1234.5 or 1234,5)");
        }

        return T.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FieldValueException($"'{text}' is not a number");
    }

    [GeneratedRegex(@"^\d{8}$")]
    private static partial Regex CompactDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ].+$")]
    private static partial Regex IsoDateTime();

    [GeneratedRegex(@"^\d{4}-\d{2}$")]
    private static partial Regex IsoMonth();

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex Year();
}

/// <summary>
/// Protobuf enum values from what people type: the full name (OFFICIAL_SENSITIVE), the name
/// without the enum's prefix (P for HANDLING_P, A for ASSESSMENT_A), one distinctive word of it
/// (analysis for PURPOSE_INTELLIGENCE_ANALYSIS), or the number; case, '-' and ' ' do not matter.
/// The zero value means "unspecified" in every IntelShare enum and is never chosen by name.
/// </summary>
internal static class EnumValues
{
    public static int Parse(EnumDescriptor type, string text)
    {
        var values = type.Values.Where(v => v.Number != 0).ToList();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && values.Any(v => v.Number == number))
        {
            return number;
        }

        var wanted = text.Trim().ToUpperInvariant().Replace('-', '_').Replace(' ', '_');
        var prefix = CommonPrefix(values);
        var matches = values.Where(v => v.Name == wanted || v.Name == prefix + wanted).ToList();
        if (matches.Count == 0)
        {
            matches = values.Where(v => v.Name[prefix.Length..].Split('_').Contains(wanted)).ToList();
        }

        return matches.Count == 1
            ? matches[0].Number
            : throw new FieldValueException($"'{text}' is not one of {string.Join(", ", Choices(type))}");
    }

    public static T Parse<T>(string text)
        where T : struct, System.Enum =>
        (T)System.Enum.ToObject(typeof(T), Parse(Descriptor<T>(), text));

    /// <summary>The short names users may type, for help texts and error messages.</summary>
    public static IReadOnlyList<string> Choices(EnumDescriptor type)
    {
        var values = type.Values.Where(v => v.Number != 0).ToList();
        var prefix = CommonPrefix(values);
        return values.Select(v => v.Name[prefix.Length..]).ToList();
    }

    public static IReadOnlyList<string> Choices<T>()
        where T : struct, System.Enum => Choices(Descriptor<T>());

    /// <summary>The value's name without the enum's prefix, for display.</summary>
    public static string Name(EnumDescriptor type, int number)
    {
        var value = type.FindValueByNumber(number);
        if (value is null)
        {
            return number.ToString(CultureInfo.InvariantCulture);
        }

        var prefix = CommonPrefix(type.Values.Where(v => v.Number != 0).ToList());
        return number == 0 || !value.Name.StartsWith(prefix, StringComparison.Ordinal) ? value.Name : value.Name[prefix.Length..];
    }

    public static string Name<T>(T value)
        where T : struct, System.Enum => Name(Descriptor<T>(), Convert.ToInt32(value, CultureInfo.InvariantCulture));

    private static EnumDescriptor Descriptor<T>()
        where T : struct, System.Enum =>
        new[] { CommonReflection.Descriptor, RecordsReflection.Descriptor, AccessReflection.Descriptor, AuditReflection.Descriptor, GraphReflection.Descriptor, ResolutionReflection.Descriptor, SearchReflection.Descriptor, ProjectionsReflection.Descriptor }
            .SelectMany(file => file.EnumTypes)
            .Single(e => e.ClrType == typeof(T));

    /// <summary>The longest prefix, up to an underscore, that all values share (PURPOSE_, HANDLING_).</summary>
    private static string CommonPrefix(IReadOnlyList<EnumValueDescriptor> values)
    {
        if (values.Count < 2)
        {
            return "";
        }

        var prefix = values[0].Name;
        foreach (var value in values.Skip(1))
        {
            var length = 0;
            while (length < prefix.Length && length < value.Name.Length && prefix[length] == value.Name[length])
            {
                length++;
            }

            prefix = prefix[..length];
        }

        var cut = prefix.LastIndexOf('_');
        return cut < 0 ? "" : prefix[..(cut + 1)];
    }
}
