namespace IntelShare.Audit.Log.Storage;

public sealed record MerkleLogOptions
{
    /// <summary>Entries larger than this are refused; audit events are small, a huge one is a bug.</summary>
    public int MaxEntryBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Entries between fsyncs of entries.idx and nodes/. Only entries.log is fsynced per append; after a
    /// crash at most this many entries are re-read to rebuild the rest.
    /// </summary>
    public long CheckpointInterval { get; init; } = 1 << 16;

    /// <summary>
    /// Most bytes of zeros written ahead of the appends at a time (0: none). Appends then overwrite space the file
    /// already has, and each commit flushes only its data, not a new file size too.
    /// </summary>
    public int MaxPreallocationBytes { get; init; } = 4 << 20;

    /// <summary>Clock for tree head timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Called as each commit starts, on the committing thread: lets a test hold a commit while it arranges a race.</summary>
    internal Action? CommitStarting { get; init; }
}

/// <summary>An entry read back from the log.</summary>
public sealed record LogEntry(long Index, byte[] Data, byte[] LeafHash);

/// <summary>What opening the log had to repair; the host should log it when <see cref="Repaired"/> is true.</summary>
public sealed record RecoveryReport(
    long EntryCount,
    long CheckpointCount,
    long EntriesReplayed,
    long TornBytes,
    string? QuarantinePath,
    string Description)
{
    public bool Repaired => EntriesReplayed > 0 || TornBytes > 0;
}
