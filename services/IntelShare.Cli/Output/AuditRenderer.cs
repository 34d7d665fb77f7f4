using System.Globalization;
using IntelShare.Cli.Import;
using IntelShare.Cli.Verification;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Output;

/// <summary>Audit entries, anomaly reports and the verification checklist, for oversight to read.</summary>
internal static class AuditRenderer
{
    /// <param name="more">The server has entries beyond those shown even if it did not count them.</param>
    public static void ShowEntries(IAnsiConsole console, string title, IReadOnlyList<AuditEntry> entries, long total, bool more)
    {
        if (entries.Count == 0)
        {
            console.WriteLine($"{title}: no audited access in this period.");
            return;
        }

        var table = new Table()
            .Title(Markup.Escape(title))
            .AddColumns("#", "Time", "User", "Agency", "Action")
            .AddColumn(Display.IdColumn("Resource"))
            .AddColumns("Holder", "Case", "Reason", "Purpose", "Effect", "Rule");
        foreach (var entry in entries)
        {
            var justification = entry.Justification ?? new Justification();
            table.AddRow(
                entry.Index.ToString(CultureInfo.InvariantCulture),
                Display.Time(entry.At),
                User(entry),
                Markup.Escape(entry.Agency),
                Markup.Escape(entry.Action),
                Markup.Escape(entry.ResourceKind is { Length: > 0 } kind and not "record" ? $"{kind} {entry.ResourceId}" : entry.ResourceId),
                Markup.Escape(entry.HolderAgency),
                Markup.Escape(justification.CaseRef),
                Markup.Escape(justification.Reason),
                Markup.Escape(justification.Purpose == Purpose.Unspecified ? "" : EnumValues.Name(justification.Purpose).ToLowerInvariant().Replace('_', '-')),
                EffectCell(entry.Effect),
                Markup.Escape(entry.Rule));
        }

        if (total > entries.Count || more)
        {
            var shown = total > entries.Count ? $"{entries.Count:N0} of {total:N0} entries" : $"The first {entries.Count:N0} entries";
            table.Caption(Markup.Escape($"{shown}: raise --limit or narrow --from/--to for the rest."));
        }

        console.WriteTable(table);
    }

    public static void ShowAnomalies(IAnsiConsole console, AnomalyReport report, string period)
    {
        var examined = $"{Count(report.UsersExamined, "user")} and {Count(report.EntriesExamined, "audit entry", "audit entries")} examined, {period}";
        if (report.Anomalies.Count == 0)
        {
            console.Success($"No anomalies: {examined}.");
            return;
        }

        const int shownEntries = 5;
        var table = new Table().Title("Anomalies").AddColumns("Kind", "User", "Agency", "Score", "What", "Entries").Caption(Markup.Escape(examined));
        foreach (var anomaly in report.Anomalies.OrderByDescending(a => a.Score))
        {
            var indexes = anomaly.EntryIndexes;
            var entries = string.Join(", ", indexes.Take(shownEntries)) + (indexes.Count > shownEntries ? $" (+{indexes.Count - shownEntries})" : "");
            table.AddRow(
                Markup.Escape(EnumValues.Name(anomaly.Kind).ToLowerInvariant().Replace('_', ' ')),
                Markup.Escape(anomaly.UserId),
                Markup.Escape(anomaly.Agency),
                anomaly.Score.ToString("0.##", CultureInfo.InvariantCulture),
                Markup.Escape(anomaly.Description),
                Markup.Escape(entries));
        }

        console.WriteTable(table);
    }

    public static void ShowCheck(IAnsiConsole console, CheckOutcome check)
    {
        console.MarkupLine(check.Passed ? $"[green]✓[/] {Markup.Escape(check.Text)}" : $"[red]✗ {Markup.Escape(check.Text)}[/]");
        if (check.Note is { } note)
        {
            console.MarkupLine($"  [yellow]{Markup.Escape(note)}[/]");
        }
    }

    public static void ShowVerdict(IAnsiConsole console, VerifyResult result)
    {
        if (result.AllPassed)
        {
            console.Success($"All {result.Checks} checks passed.");
        }
        else
        {
            console.Error($"{result.Failures} of {result.Checks} checks failed.");
        }
    }

    /// <summary>The name people know, over the id that --user takes.</summary>
    private static string User(AuditEntry entry) =>
        entry.UserName is { Length: > 0 } name && name != entry.UserId
            ? $"{Markup.Escape(name)}\n[grey]{Markup.Escape(entry.UserId)}[/]"
            : Markup.Escape(entry.UserId);

    private static string Count(long count, string one, string? many = null) => Display.Count(count, one, many);

    private static string EffectCell(Effect effect) => effect switch
    {
        Effect.Permit => "[green]permit[/]",
        Effect.PermitRedacted => "[yellow]redacted[/]",
        Effect.ExistenceOnly => "[blue]existence only[/]",
        Effect.Deny => "[red]deny[/]",
        _ => Markup.Escape(EnumValues.Name(effect).ToLowerInvariant()),
    };
}
