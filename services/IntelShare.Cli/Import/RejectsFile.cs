using System.Globalization;
using CsvHelper;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

internal sealed record RejectedRow(long Row, string SourceRef, IReadOnlyList<FieldProblem> Problems);

/// <summary>
/// The rows an import could not deliver, one CSV line each: the 1-based data row, its source
/// reference and every problem as "field: description", for the contributor to fix and re-import.
/// Opened only when the first reject arrives; a resumed import appends to it.
/// </summary>
internal sealed class RejectsFile(string path, bool append) : IDisposable
{
    private CsvWriter? _writer;

    public string FilePath { get; } = path;

    public long Written { get; private set; }

    /// <summary>A new import replaces the rejects of an earlier one, which would otherwise be mistaken for this one's.</summary>
    public void DiscardPrevious()
    {
        if (!append)
        {
            File.Delete(FilePath);
        }
    }

    public void Write(IEnumerable<RejectedRow> rows)
    {
        foreach (var row in rows.OrderBy(r => r.Row))
        {
            var writer = _writer ??= Open();
            writer.WriteRecord(row.Row.ToString(CultureInfo.InvariantCulture), row.SourceRef, string.Join(" | ", row.Problems.Select(Problems.Describe)));
            Written++;
        }

        _writer?.Flush();
    }

    private CsvWriter Open()
    {
        var exists = append && File.Exists(FilePath) && new FileInfo(FilePath).Length > 0;
        // Contributors open this file in a spreadsheet; values from the source must not run as formulas there.
        var writer = CsvWriter.Create(new StreamWriter(FilePath, append), new CsvWriterOptions { Injection = CsvInjection.Escape });
        if (!exists)
        {
            writer.WriteHeader("row", "source_ref", "problems");
        }

        return writer;
    }

    public void Dispose() => _writer?.Dispose();
}
