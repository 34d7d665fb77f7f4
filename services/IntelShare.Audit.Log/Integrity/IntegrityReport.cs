namespace IntelShare.Audit.Log.Integrity;

public enum IntegrityProblemKind
{
    /// <summary>An entry's bytes no longer match the leaf hash recorded when it was appended.</summary>
    EditedEntry,

    /// <summary>The entries file cannot be parsed past some point: a torn write or damage.</summary>
    MalformedEntries,

    /// <summary>Entries are intact one by one but sit at other positions than when they were appended.</summary>
    ReorderedEntries,

    /// <summary>Fewer entries than a signed head, the checkpoint or the index and node files account for.</summary>
    TruncatedLog,

    /// <summary>The index or node-hash files disagree with the entries or with themselves.</summary>
    NodeFileMismatch,

    /// <summary>A signed tree head whose signature does not verify with the given key.</summary>
    BadHeadSignature,

    /// <summary>A signed tree head whose root is not the root of the stored entries at its size.</summary>
    HeadRootMismatch,

    /// <summary>Two signed heads that no single append-only history can explain (failed consistency proof, or out of order).</summary>
    InconsistentHeads,

    /// <summary>A line of the heads file that is not a signed tree head.</summary>
    MalformedHeads,
}

/// <param name="Indices">The entry indices the problem is about, when it is about particular entries.</param>
public sealed record IntegrityProblem(IntegrityProblemKind Kind, string Message, IReadOnlyList<long> Indices)
{
    public override string ToString() => $"{Kind}: {Message}";
}

public sealed record IntegrityReport(long EntryCount, IReadOnlyList<IntegrityProblem> Problems, IReadOnlyList<string> Notes)
{
    public bool IsIntact => Problems.Count == 0;

    public IEnumerable<IntegrityProblem> Of(IntegrityProblemKind kind) => Problems.Where(problem => problem.Kind == kind);

    public override string ToString() =>
        string.Join(Environment.NewLine, [
            IsIntact ? $"intact: {EntryCount} entries" : $"{Problems.Count} problem(s) in {EntryCount} entries",
            .. Problems.Select(problem => "  " + problem),
            .. Notes.Select(note => "  note: " + note)]);
}

/// <summary>Options for <see cref="LogIntegrityCheck.CheckDirectory"/>.</summary>
public sealed record IntegrityCheckOptions
{
    /// <summary>Checks the signatures of the heads; without it the heads are compared but not authenticated.</summary>
    public Signing.TreeHeadVerifier? Verifier { get; init; }

    /// <summary>
    /// Heads kept outside the log, e.g. by oversight. The log's own heads file can be rewritten together with
    /// the entries by whoever holds the key; a head held elsewhere cannot.
    /// </summary>
    public IReadOnlyList<Signing.SignedTreeHead> TrustedHeads { get; init; } = [];
}
