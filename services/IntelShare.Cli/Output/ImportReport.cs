using System.Globalization;
using IntelShare.Cli.Import;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Output;

/// <summary>What an import will do and what it did.</summary>
internal static class ImportReport
{
    public static void Mapping(IAnsiConsole console, RecordMapping mapping, IReadOnlyList<string>? columns, bool detailed)
    {
        if (detailed)
        {
            var table = new Table().Title(Markup.Escape($"Mapping for {mapping.Body.Name} records")).AddColumns("Field", "From column");
            foreach (var entry in mapping.Entries)
            {
                table.AddRow(Markup.Escape(entry.Path.Text), Markup.Escape(entry.Source));
            }

            console.WriteTable(table);
        }

        if (columns is not null && mapping.Unmapped(columns) is { Count: > 0 } unmapped)
        {
            console.Warning($"Columns not imported (no field reads them; see --mapping): {string.Join(", ", unmapped)}");
        }

        // A CSV import without one stops before this (RecordMapping.ForColumns); JSON Lines rows may carry their own.
        if (!mapping.ReadsSourceRef)
        {
            console.Warning("No field of the mapping gives the records their source reference (source_ref): rows that do not carry one of their own are rejected.");
        }
    }

    /// <summary>What a JSON file's rows had that the mapping left behind, and the mapping's entries that found nothing, said as for a CSV's header.</summary>
    public static void Keys(IAnsiConsole console, KeyUsage keys)
    {
        if (keys.NotImported is { Count: > 0 } notImported)
        {
            console.Warning($"Keys not imported (no field reads them; see --mapping): {string.Join(", ", notImported)}");
        }

        if (keys.Unread is { Count: > 0 } unread)
        {
            console.Warning(
                $"Mapping entries whose keys appear in no row, so that they set nothing (misspelt?): {string.Join(", ", unread.Select(e => $"{e.Path} from {e.Source}"))}");
        }
    }

    public static void Summary(IAnsiConsole console, ImportTotals totals, TimeSpan elapsed, long rowsThisRun, long resumedAt)
    {
        var table = SummaryTable("Import summary");
        AddCount(table, "Rows read", totals.RowsRead);
        AddCount(table, "Accepted (created)", totals.Created);
        AddCount(table, "New versions", totals.NewVersions);
        AddCount(table, "Duplicates", totals.Duplicates);
        AddCount(table, "Rejected (server)", totals.RejectedByServer);
        AddCount(table, "Rejected (client)", totals.RejectedByClient);
        AddTiming(table, elapsed, rowsThisRun);
        if (resumedAt > 0)
        {
            table.Caption(Markup.Escape($"Resumed after row {resumedAt:N0}: elapsed and rate cover this run."));
        }

        console.WriteTable(table);
    }

    /// <param name="notChecked">Why the platform's rules were not checked (no session, no platform answering), or null when they were.</param>
    public static void DryRun(
        IAnsiConsole console, ImportTotals totals, TimeSpan elapsed, RecordContent? sample, IReadOnlyList<RejectedRow> rejected, RejectsFile rejects, string? notChecked)
    {
        const int shownRejects = 10;
        if (sample is not null)
        {
            console.WriteLine("First record as it would be sent:");
            RecordRenderer.WriteJson(console, sample);
        }

        if (rejected.Count > 0)
        {
            var table = new Table().Title(Markup.Escape($"Rows the import would reject (first {Math.Min(shownRejects, rejected.Count)})")).AddColumns("Row", "Source ref", "Problems");
            foreach (var row in rejected.Take(shownRejects))
            {
                table.AddRow(
                    row.Row.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(row.SourceRef),
                    Markup.Escape(string.Join("; ", row.Problems.Select(Problems.Describe))));
            }

            console.WriteTable(table);
        }

        var summary = SummaryTable("Dry run: nothing was sent");
        AddCount(summary, "Rows read", totals.RowsRead);
        AddCount(summary, notChecked is null ? "Would be taken" : "Would be sent", totals.RowsRead - totals.Rejected);
        AddCount(summary, "Rejected (platform)", totals.RejectedByServer);
        AddCount(summary, "Rejected (client)", totals.RejectedByClient);
        AddTiming(summary, elapsed, totals.RowsRead);
        console.Write(summary);
        RejectsWritten(console, rejects.Written, rejects.FilePath);
        if (notChecked is not null)
        {
            console.Warning(notChecked);
        }
    }

    public static void RejectsWritten(IAnsiConsole console, long count, string path)
    {
        if (count > 0)
        {
            console.Warning($"{count:N0} rejected rows, with their problems, are in {path}");
        }
    }

    private static Table SummaryTable(string title) =>
        new Table().Title(Markup.Escape(title)).HideHeaders().AddColumn("What").AddColumn(new TableColumn("Value").RightAligned());

    private static void AddCount(Table table, string label, long value) =>
        table.AddRow(Markup.Escape(label), value.ToString("N0", CultureInfo.InvariantCulture));

    private static void AddTiming(Table table, TimeSpan elapsed, long rows)
    {
        table.AddRow("Elapsed", elapsed.ToString(@"hh\:mm\:ss\.f", CultureInfo.InvariantCulture));
        var rate = rows / Math.Max(elapsed.TotalSeconds, 0.001);
        table.AddRow("Rate", string.Create(CultureInfo.InvariantCulture, $"{rate:N0} rows/s"));
    }
}
