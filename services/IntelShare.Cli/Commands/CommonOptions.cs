using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using IntelShare.Cli.Import;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Commands;

/// <summary>Options several commands share. Built per invocation: System.CommandLine symbols belong to one tree.</summary>
internal static class CommonOptions
{
    public static Option<string> Server() => new("--server")
    {
        Description = $"The platform's address (default: {CliContext.ServerVariable}, then the server you signed in to, then {CliContext.BuiltInServer}).",
        HelpName = "url",
        Recursive = true,
    };

    /// <summary>An option for a contract enum that accepts the short names (P, analysis, OFFICIAL-SENSITIVE); absent is the zero value.</summary>
    public static Option<T> Enum<T>(string name, string description, string? helpName = null)
        where T : struct, System.Enum
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = helpName ?? string.Join("|", EnumValues.Choices<T>()),
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                try
                {
                    return EnumValues.Parse<T>(text);
                }
                catch (FieldValueException e)
                {
                    result.AddError($"{name}: {e.Message}.");
                    return default;
                }
            },
        };
        option.CompletionSources.Add(EnumValues.Choices<T>().Select(c => c.ToLowerInvariant()).ToArray());
        return option;
    }

    /// <summary>A repeatable option whose values may also be comma-separated (--releasable-to A,B).</summary>
    public static Option<string[]> List(string name, string description, string helpName) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => result.Tokens
            .SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToArray(),
    };

    /// <summary>
    /// A point in time: ISO 8601 (a bare date is its midnight UTC) or a duration such as 7d, 12h, 30m or 2w
    /// counted from now, ahead (a grant expires in 7d) or back (an audit query from 30d ago).
    /// </summary>
    public static Option<DateTimeOffset?> Time(string name, string description, TimeDirection direction) => new(name)
    {
        Description = description,
        HelpName = direction == TimeDirection.Ahead ? "time|7d|12h" : "time|30d|12h",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim() : "";
            if (RelativeTime.TryParse(text, out var span))
            {
                return direction == TimeDirection.Ahead ? DateTimeOffset.UtcNow + span : DateTimeOffset.UtcNow - span;
            }

            try
            {
                return FieldValues.ParseTimestamp(text, format: null).ToDateTimeOffset();
            }
            catch (FieldValueException e)
            {
                result.AddError($"{name}: {e.Message}, or a duration such as 7d, 12h or 30m.");
                return null;
            }
        },
    };

    /// <summary>Options of which exactly one must be given (what to query, whom to add).</summary>
    public static void RequireExactlyOne(this Command command, params Option[] options) =>
        command.Validators.Add(result =>
        {
            if (options.Count(o => result.GetResult(o) is { Implicit: false }) != 1)
            {
                result.AddError($"Give exactly one of {string.Join(", ", options.Select(o => o.Name))}.");
            }
        });

    /// <summary>Runs the action with a signed-in connection to the platform, closed afterwards.</summary>
    public static void SetConnectedAction(this Command command, CliRun run, Option<string> server, Func<ParseResult, PlatformConnection, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, ct) =>
        {
            using var connection = await PlatformConnection.OpenAsync(run, parseResult.GetValue(server), ct);
            return await action(parseResult, connection, ct);
        });
}

internal enum TimeDirection
{
    Ahead,
    Back,
}

/// <summary>Durations as people type them for expiries and look-backs: a number and a unit (s, m, h, d, w).</summary>
internal static partial class RelativeTime
{
    public static bool TryParse(string text, out TimeSpan span)
    {
        span = default;
        var match = Pattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        var unit = char.ToLowerInvariant(match.Groups[2].Value[0]) switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.FromDays(7),
        };

        // Beyond ten years is a typo rather than an expiry, and stopping there keeps the arithmetic far from overflow.
        if (count > 10 * 366 * 24 * 3600L / (long)unit.TotalSeconds)
        {
            return false;
        }

        span = unit * count;
        return true;
    }

    [GeneratedRegex(@"^(\d{1,9})\s*([smhdwSMHDW])$")]
    private static partial Regex Pattern();
}

/// <summary>
/// The --reason, --case and --purpose of a read. The platform refuses reads without a reason and
/// writes all three to the audit log that oversight bodies inspect.
/// </summary>
internal sealed class JustificationOptions
{
    private readonly Option<string> _reason;
    private readonly Option<string> _case = new("--case")
    {
        Description = "The case or operation reference the read serves.",
        HelpName = "ref",
    };

    private readonly Option<Purpose> _purpose = CommonOptions.Enum<Purpose>(
        "--purpose",
        "Why the data is needed: investigation, victim-protection, analysis, frontline-check, immigration-enforcement or oversight.",
        "purpose");

    public JustificationOptions(bool reasonRequired)
    {
        _reason = new Option<string>("--reason")
        {
            Description = "Why you read the record, in your words; recorded in the audit log.",
            HelpName = "text",
            Required = reasonRequired,
        };
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_reason);
        command.Options.Add(_case);
        command.Options.Add(_purpose);
    }

    public Justification Read(ParseResult parseResult, string? defaultReason = null) => new()
    {
        Reason = parseResult.GetValue(_reason) ?? defaultReason ?? "",
        CaseRef = parseResult.GetValue(_case) ?? "",
        Purpose = parseResult.GetValue(_purpose),
    };
}
