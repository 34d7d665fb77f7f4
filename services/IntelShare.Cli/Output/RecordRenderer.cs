using System.Globalization;
using Google.Protobuf;
using IntelShare.Cli.Import;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Output;

/// <summary>Records, their histories and the signed-in subject, for people to read.</summary>
internal static class RecordRenderer
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());

    public static void WriteJson(IAnsiConsole console, IMessage message) => console.WriteRaw(Json.Format(message));

    public static void ShowRecord(IAnsiConsole console, Record record, string handlingConditions, UserNames names)
    {
        var content = record.Content ?? new RecordContent();
        var header = Display.NewGrid();
        Display.AddRow(header, "Record", record.RecordId);
        Display.AddRow(header, "Type", EnumValues.Name(record.Type).ToLowerInvariant());
        Display.AddRow(header, "Version", record switch
        {
            { Withdrawn: true } => $"{record.Version} (withdrawn: {record.WithdrawalReason})",
            { AmendmentReason.Length: > 0 } => $"{record.Version} (amended: {record.AmendmentReason})",
            _ => $"{record.Version}",
        });
        Display.AddRow(header, "Recorded", $"{Display.Time(record.RecordedAt)} by {names.Show(record.RecordedBy)}");
        Display.AddRow(header, "Source ref", content.SourceRef);
        foreach (var (label, value) in MarkingLines(content.Marking))
        {
            Display.AddRow(header, label, value);
        }

        if (content.Evaluation is { } evaluation)
        {
            Display.AddRow(header, "Evaluation", $"source {EnumValues.Name(evaluation.Source)}, assessment {EnumValues.Name(evaluation.Assessment)}");
        }

        console.Write(header);
        var conditions = handlingConditions is { Length: > 0 } ? handlingConditions : content.Marking?.Handling?.Conditions;
        if (!string.IsNullOrEmpty(conditions))
        {
            console.Write(new Panel(new Text(conditions)).Header("Handling conditions: they travel with the data").BorderColor(Color.Yellow));
        }

        if (RecordTypes.BodyOf(content) is { } body && body.Accessor.GetValue(content) is IMessage bodyMessage)
        {
            console.Write(FieldTable(MessageFlattener.Flatten(bodyMessage, body.Name)));
        }

        if (content.Links.Count > 0)
        {
            var links = new Table().Title("Links").AddColumns("Relationship", "Target", "Valid");
            foreach (var link in content.Links)
            {
                var target = link.TargetRecordId is { Length: > 0 } id ? id : $"source ref {link.TargetSourceRef}";
                links.AddRow(Escape(link.Relationship), Escape(target), Escape($"{Display.Time(link.ValidFrom)} - {Display.Time(link.ValidTo)}".Trim(' ', '-')));
            }

            console.WriteTable(links);
        }

        if (content.LocalTerms.Count > 0)
        {
            console.Write(FieldTable(content.LocalTerms.Select(t => new KeyValuePair<string, string>(t.Field, t.Term)), "Contributor's terms"));
        }
    }

    /// <summary>
    /// What the need-to-know decision held back: the whole record (existence only: the caller learns who
    /// holds it and how to ask) or some caveated fields. Nothing is shown for a full release.
    /// </summary>
    public static void ShowDecision(IAnsiConsole console, string recordId, Decision? decision)
    {
        var why = decision is null ? "" : string.IsNullOrEmpty(decision.Explanation) ? decision.Rule : decision.Explanation;
        switch (decision?.Effect)
        {
            case Effect.ExistenceOnly:
                console.Warning($"Record {recordId} exists and is held by {decision.HolderAgency}, but you may not read it: {why}.");
                console.WriteLine($"Ask the holder for it: intelshare access request {recordId} --reason \"<why you need it>\" [--case <ref>]");
                break;
            case Effect.PermitRedacted:
                console.Warning($"Withheld by policy ({why}): {Display.List(decision.RedactedFields)}.");
                break;
        }
    }

    /// <param name="redacted">The versions come without fields withheld from the reader, whose changes they cannot show.</param>
    public static void ShowHistory(IAnsiConsole console, string recordId, IReadOnlyList<Record> versions, bool redacted, UserNames names)
    {
        var table = new Table().Title(Escape($"History of {recordId}")).AddColumns("Version", "Recorded at", "By", "Withdrawn", "Summary");
        Record? previous = null;
        foreach (var version in versions.OrderBy(v => v.Version))
        {
            table.AddRow(
                version.Version.ToString(CultureInfo.InvariantCulture),
                Escape(Display.Time(version.RecordedAt, "yyyy-MM-dd HH:mm")),
                Escape(names.Show(version.RecordedBy)),
                version.Withdrawn ? "yes" : "",
                Escape(Summary(previous, version, redacted)));
            previous = version;
        }

        console.WriteTable(table);
    }

    public static void ShowSubject(IAnsiConsole console, SubjectProfile subject, string server)
    {
        var grid = Display.NewGrid();
        Display.AddRow(grid, "User", subject.DisplayName == subject.UserId || subject.DisplayName.Length == 0 ? subject.UserId : $"{subject.DisplayName} ({subject.UserId})");
        Display.AddRow(grid, "Agency", subject.Agency);
        Display.AddRow(grid, "Roles", Display.List(subject.Roles));
        Display.AddRow(grid, "Clearance", EnumValues.Name(subject.Clearance));
        Display.AddRow(grid, "Caveats", Display.List(subject.CaveatEntitlements));
        Display.AddRow(grid, "Server", server);
        console.Write(grid);
    }

    /// <summary>What a version did: created what, changed which fields, or withdrew the record.</summary>
    private static string Summary(Record? previous, Record current, bool redacted)
    {
        if (current.Withdrawn)
        {
            return $"withdrawn: {current.WithdrawalReason}";
        }

        var after = Fields(current);
        if (previous is null)
        {
            var body = RecordTypes.BodyOf(current.Content ?? new RecordContent())?.Name ?? "";
            return "created: " + string.Join(" ", after.Where(p => p.Key.StartsWith(body + ".", StringComparison.Ordinal)).Take(3).Select(p => p.Value));
        }

        var why = current.AmendmentReason is { Length: > 0 } reason ? $": {reason}" : "";
        var before = Fields(previous);
        // A change inside an element of a list (an address, a document) is named by the list.
        var changed = before.Keys.Union(after.Keys)
            .Where(key => before.GetValueOrDefault(key) != after.GetValueOrDefault(key))
            .Select(key => key.IndexOf('[', StringComparison.Ordinal) is var index and >= 0 ? key[..index] : key)
            .Distinct()
            .ToList();
        const int shown = 5;
        return changed.Count switch
        {
            0 when previous.Withdrawn => "reinstated",
            0 => redacted ? "changed only fields withheld from you" : "no field changed",
            <= shown => "changed " + string.Join(", ", changed),
            _ => $"changed {string.Join(", ", changed.Take(shown))} and {changed.Count - shown} more",
        } + why;
    }

    private static Dictionary<string, string> Fields(Record record) =>
        MessageFlattener.Flatten(record.Content ?? new RecordContent(), indexAll: true).ToDictionary();

    private static IEnumerable<(string Label, string Value)> MarkingLines(Marking? marking)
    {
        if (marking is null)
        {
            yield break;
        }

        yield return ("Classification", EnumValues.Name(marking.Classification));
        yield return ("Originator", marking.OriginatorAgency);
        yield return ("Releasable to", marking.ReleaseToAllPartners ? "all partners" : marking.ReleasableTo.Count > 0 ? Display.List(marking.ReleasableTo) : "originator only");
        if (marking.Handling is { } handling)
        {
            // The conditions themselves get a panel of their own below.
            var code = EnumValues.Name(handling.Code);
            yield return ("Handling", string.IsNullOrEmpty(handling.Conditions) ? code : $"{code} (with conditions)");
        }

        yield return ("Caveats", Display.List(marking.Caveats));
        yield return ("Cases", Display.List(marking.CaseRefs));
        yield return ("Discoverable", marking.Discoverable ? "yes" : "no");
        if (marking.ReviewDate is not null)
        {
            yield return ("Review date", ProtoFields.FormatTimestamp(marking.ReviewDate));
        }
    }

    private static Table FieldTable(IEnumerable<KeyValuePair<string, string>> fields, string? title = null)
    {
        var table = new Table().AddColumns("Field", "Value");
        if (title is not null)
        {
            table.Title(Escape(title));
        }

        foreach (var (field, value) in fields)
        {
            table.AddRow(Escape(field), Escape(value));
        }

        return table;
    }

    private static string Escape(string text) => Markup.Escape(text);
}
