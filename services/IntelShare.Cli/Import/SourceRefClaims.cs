namespace IntelShare.Cli.Import;

/// <summary>
/// One row per record in a file: a second row with a source reference already used in the file is rejected. Both sent,
/// each would be a new version of the other, and every re-import of the unchanged file would add two more, where a
/// re-import is meant to change only what changed at the source. The first row keeps the reference whatever becomes of
/// it, so the file is read the same way on every run, and rows skipped on resuming claim theirs as before.
/// </summary>
internal sealed class SourceRefClaims
{
    private readonly Dictionary<string, long> _firstRow = new(StringComparer.Ordinal);

    public PreparedRow Claim(PreparedRow row)
    {
        if (row.SourceRef.Length == 0 || _firstRow.TryAdd(row.SourceRef, row.Number))
        {
            return row;
        }

        var problem = Problems.Of("source_ref", $"'{row.SourceRef}' is also the reference of row {_firstRow[row.SourceRef]:N0}, the first to use it (it keeps the reference even if rejected, so that every run reads the file alike): one row per record, so merge the two rows or give each its own reference");
        return new PreparedRow(row.Number, row.SourceRef, null, [.. row.Problems, problem]) { Remainder = row.Content ?? row.Remainder };
    }
}
