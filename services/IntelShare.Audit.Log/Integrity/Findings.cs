namespace IntelShare.Audit.Log.Integrity;

/// <summary>Collects problems, keeping a damaged 10-million-entry log from producing 10 million lines.</summary>
internal sealed class Findings
{
    private const int MaxPerKind = 20;

    private readonly List<IntegrityProblem> _problems = [];
    private readonly Dictionary<IntegrityProblemKind, int> _counts = [];

    public List<string> Notes { get; } = [];

    public void Add(IntegrityProblemKind kind, string message, params long[] indices)
    {
        var count = _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        if (count <= MaxPerKind)
        {
            _problems.Add(new IntegrityProblem(kind, message, indices));
        }
    }

    public IntegrityReport ToReport(long entryCount)
    {
        var notes = Notes.Concat(_counts
            .Where(pair => pair.Value > MaxPerKind)
            .Select(pair => $"{pair.Value - MaxPerKind} more {pair.Key} problem(s) not listed"));
        return new IntegrityReport(entryCount, _problems, [.. notes]);
    }
}
