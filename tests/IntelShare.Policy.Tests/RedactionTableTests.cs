using System.Text.RegularExpressions;

namespace IntelShare.Policy.Tests;

public sealed partial class RedactionTableTests
{
    /// <summary>The message that holds each body kind's fields in protos/intelshare/v1/common.proto.</summary>
    private static readonly Dictionary<BodyKind, string> BodyMessages = new()
    {
        [BodyKind.Person] = "Person",
        [BodyKind.Organisation] = "Organisation",
        [BodyKind.Phone] = "Phone",
        [BodyKind.Vehicle] = "Vehicle",
        [BodyKind.Document] = "Document",
        [BodyKind.Account] = "Account",
        [BodyKind.Place] = "Place",
        [BodyKind.Event] = "Event",
        [BodyKind.Report] = "Report",
        [BodyKind.Link] = "RecordLink",
    };

    [Fact]
    public void Every_protected_field_is_a_field_of_the_contract()
    {
        // A path the contract does not have would remove nothing and leak what it meant to protect.
        var fields = ContractFields();

        Assert.All(RedactionTable.Default.Rows.SelectMany(row => row.Fields.Select(path => (row.Body, path))), entry =>
        {
            var segments = entry.path.Split('.');
            var known = segments is ["evaluation"]
                ? fields["RecordContent"].Contains("evaluation")
                : segments.Length == 2
                    && segments[0] == entry.Body.ToString().ToLowerInvariant()
                    && fields[BodyMessages[entry.Body]].Contains(segments[1]);
            Assert.True(known, $"{entry.Body}: '{entry.path}' is not a field of common.proto");
        });
    }

    [Fact]
    public void Every_body_kind_protects_fields_for_victim_identity_and_child_alike()
    {
        foreach (var body in BodyMessages.Keys)
        {
            Assert.True(RedactionTable.Default.TryGetFields(body, Caveat.VictimIdentity, out var victim));
            Assert.True(RedactionTable.Default.TryGetFields(body, Caveat.Child, out var child));
            Assert.Equal<string>(victim, child);
        }
    }

    [Fact]
    public void Fields_of_several_missing_caveats_are_removed_once_each()
    {
        Assert.True(RedactionTable.Default.TryGetFields(BodyKind.Report, CaveatNames.All, out var fields));

        Assert.Equal<string>(["evaluation", "report.text", "report.title"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_unknown_body_or_caveat_cannot_be_redacted()
    {
        Assert.False(RedactionTable.Default.TryGetFields(BodyKind.Unspecified, Caveat.VictimIdentity, out _));
        Assert.False(RedactionTable.Default.TryGetFields((BodyKind)99, Caveat.VictimIdentity, out _));
        Assert.False(RedactionTable.Default.TryGetFields(BodyKind.Person, (Caveat)8, out _));
    }

    private static Dictionary<string, HashSet<string>> ContractFields()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "protos")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var fields = new Dictionary<string, HashSet<string>>();

        // common.proto declares its messages at top level, so a "}" in the first column closes one.
        string? current = null;
        foreach (var line in File.ReadLines(Path.Combine(directory.FullName, "protos", "intelshare", "v1", "common.proto")))
        {
            if (MessageStart().Match(line) is { Success: true } message)
            {
                current = message.Groups["name"].Value;
                fields[current] = [];
            }
            else if (Field().Match(line) is { Success: true } field && current is not null)
            {
                fields[current].Add(field.Groups["name"].Value);
            }
            else if (line.StartsWith('}'))
            {
                current = null;
            }
        }

        return fields;
    }

    [GeneratedRegex(@"^\s*message\s+(?<name>\w+)\s*\{")]
    private static partial Regex MessageStart();

    [GeneratedRegex(@"^\s*(repeated\s+)?[\w.]+\s+(?<name>\w+)\s*=\s*\d+\s*;")]
    private static partial Regex Field();
}
