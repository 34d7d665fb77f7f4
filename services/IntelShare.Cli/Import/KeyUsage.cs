namespace IntelShare.Cli.Import;

/// <summary>
/// Which keys a JSON file's flat rows had, gathered as they are read. A CSV's header is checked against the mapping
/// before any row is read (<see cref="RecordMapping.ForColumns"/>); a JSON file has no header, so what the mapping left
/// behind and which of its entries found nothing (a misspelt key) can only be told once every row has been read.
/// </summary>
internal sealed class KeyUsage(RecordMapping mapping)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _inOrder = [];

    /// <summary>Keys of the file's flat rows that no field reads, in the order they first appeared.</summary>
    public IReadOnlyList<string> NotImported => mapping.Unmapped(_inOrder);

    /// <summary>
    /// Entries the user wrote (--mapping, --source-ref-column) none of whose keys any flat row had; the built-in mapping
    /// names every usual column, most of which a file does not have. Nothing when no row was flat: rows in the record's
    /// own shape do not go through the mapping.
    /// </summary>
    public IReadOnlyList<MappingEntry> Unread =>
        _inOrder.Count == 0 ? [] : [.. mapping.Entries.Where(e => e.PerRow && e.Constant is null && !e.Columns.Any(_seen.Contains))];

    /// <summary>Notes the row's keys and passes it on, so that it can sit in the pipeline that reads the rows.</summary>
    public SourceRow Observe(SourceRow row)
    {
        foreach (var key in row.Keys ?? [])
        {
            if (_seen.Add(key))
            {
                _inOrder.Add(key);
            }
        }

        return row;
    }
}
