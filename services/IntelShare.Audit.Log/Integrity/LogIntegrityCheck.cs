using System.Buffers.Binary;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Signing;
using IntelShare.Audit.Log.Storage;
using static IntelShare.Audit.Log.Integrity.IntegrityProblemKind;

namespace IntelShare.Audit.Log.Integrity;

/// <summary>
/// Offline check of a log. Only reads: unlike opening a <see cref="MerkleLog"/> it never repairs anything,
/// so it can be run on a copy, on a log that is in use, or on a log nobody should touch. Every leaf hash is
/// recomputed from the entry bytes, and everything else (stored hashes, index, node files, signed heads) is
/// compared against those recomputed hashes, so a problem is named where it is, not just detected.
/// </summary>
public static class LogIntegrityCheck
{
    public static IntegrityReport CheckDirectory(string directory, IntegrityCheckOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new IntegrityCheckOptions();
        var findings = new Findings();

        var issued = ReadIssuedHeads(directory, findings);
        var trusted = options.TrustedHeads.Select(head => Head.Of(head, $"trusted head of size {head.Head.TreeSize}")).ToList();
        CheckSignatures([.. issued, .. trusted], options.Verifier, findings);
        CheckOrder(issued, findings);

        var scan = ScanEntries(directory, issued.Concat(trusted).Select(head => head.Size).ToHashSet(), findings);
        CheckDerivedFiles(directory, scan.Count, findings);
        CompareWithEntries([.. issued, .. trusted], scan, findings);
        CheckConsistency(directory, issued, trusted, scan, findings);
        return findings.ToReport(scan.Count);
    }

    /// <summary>Checks exported entries (in log order, from the first) against one signed head.</summary>
    public static IntegrityReport CheckEntries(IEnumerable<byte[]> entries, SignedTreeHead head, TreeHeadVerifier? verifier = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(head);
        var findings = new Findings();
        var signed = Head.Of(head, $"signed head of size {head.Head.TreeSize}");
        CheckSignatures([signed], verifier, findings);

        var roots = new RootRecorder(new HashSet<long> { signed.Size });
        foreach (var entry in entries)
        {
            roots.Append(MerkleHash.LeafHash(entry));
        }

        var scan = roots.Finish();
        CompareWithEntries([signed], scan, findings);
        return findings.ToReport(scan.Count);
    }

    private static List<Head> ReadIssuedHeads(string directory, Findings findings)
    {
        var contents = SignedHeadFile.Read(Path.Combine(directory, LogFormat.HeadsFile));
        foreach (var problem in contents.Problems)
        {
            findings.Add(MalformedHeads, problem);
        }

        if (contents.HasTornLine)
        {
            findings.Notes.Add($"the last line of {LogFormat.HeadsFile} is incomplete (a write cut short); it was ignored");
        }

        return [.. contents.Heads.Select((head, i) => Head.Of(head, $"head {i + 1} of {LogFormat.HeadsFile} (size {head.Head.TreeSize})"))];
    }

    private static void CheckSignatures(IReadOnlyList<Head> heads, TreeHeadVerifier? verifier, Findings findings)
    {
        if (heads.Count == 0)
        {
            return;
        }

        if (verifier is null)
        {
            findings.Notes.Add("tree head signatures were not checked: no public key was given");
            return;
        }

        foreach (var head in heads)
        {
            if (verifier.Verify(head.Signed!) is { IsValid: false } result)
            {
                findings.Add(BadHeadSignature, $"{head.Name}: {result.Message}");
            }
        }
    }

    private static void CheckOrder(IReadOnlyList<Head> issued, Findings findings)
    {
        for (var i = 1; i < issued.Count; i++)
        {
            var (earlier, later) = (issued[i - 1], issued[i]);
            if (later.Size < earlier.Size || later.Signed!.Head.Timestamp < earlier.Signed!.Head.Timestamp)
            {
                findings.Add(InconsistentHeads, $"{later.Name} was issued after {earlier.Name} but is smaller or older; a log's heads only grow");
            }
        }
    }

    private static Scan ScanEntries(string directory, IReadOnlySet<long> sizes, Findings findings)
    {
        var roots = new RootRecorder(sizes);
        var path = Path.Combine(directory, LogFormat.EntriesFile);
        if (!File.Exists(path))
        {
            findings.Add(MalformedEntries, $"there is no {LogFormat.EntriesFile}");
            return roots.Finish();
        }

        using var reader = EntryFileReader.Open(path, LogFormat.EntriesHeaderSize);
        if (reader.CheckHeader() is { } headerProblem)
        {
            findings.Add(MalformedEntries, headerProblem);
            return roots.Finish();
        }

        using var offsets = new SequentialRecordReader(Path.Combine(directory, LogFormat.OffsetsFile), LogFormat.OffsetSize);
        using var nodes = new StoredNodeComparer(directory, findings);
        Span<byte> offset = stackalloc byte[LogFormat.OffsetSize];
        while (true)
        {
            var index = roots.Count;
            var status = reader.ReadNext(out var record);
            if (status == EntryReadStatus.End)
            {
                break;
            }

            if (status == EntryReadStatus.Incomplete)
            {
                findings.Add(MalformedEntries,
                    $"the {reader.Length - reader.Position} bytes after entry {index - 1} (from offset {reader.Position}) are not a complete entry: a torn write or damage",
                    index);
                break;
            }

            var edited = !record.HashMatches(out var leafHash);
            if (edited)
            {
                findings.Add(EditedEntry, $"entry {index} (offset {record.Offset}) was changed after it was appended: its bytes no longer match its leaf hash", index);
            }

            if (offsets.TryRead(offset) && BinaryPrimitives.ReadInt64BigEndian(offset) is var indexed && indexed != record.Offset)
            {
                findings.Add(NodeFileMismatch, $"{LogFormat.OffsetsFile} puts entry {index} at offset {indexed} but it starts at offset {record.Offset}", index);
            }

            nodes.CompareLeaf(index, leafHash, edited);
            roots.Append(leafHash, nodes.CompareNode);
        }

        ReportMisplaced(nodes.MisplacedLeaves, findings);
        return roots.Finish();
    }

    /// <summary>
    /// Entries whose recomputed leaf hash is recorded at another misplaced position have been moved, not
    /// altered: that is what a reordering looks like. The rest mean the level-0 node file was changed.
    /// </summary>
    private static void ReportMisplaced(List<(long Index, byte[] Actual, byte[] Stored)> misplaced, Findings findings)
    {
        var storedHashes = misplaced.Select(leaf => Convert.ToHexString(leaf.Stored)).ToHashSet();
        var moved = misplaced.Where(leaf => storedHashes.Contains(Convert.ToHexString(leaf.Actual))).Select(leaf => leaf.Index).ToArray();
        if (moved.Length > 0)
        {
            findings.Add(ReorderedEntries,
                $"entries {string.Join(", ", moved)} are not where they were appended: each holds the content recorded for another of these positions",
                moved);
        }

        foreach (var leaf in misplaced.Where(leaf => !moved.Contains(leaf.Index)))
        {
            findings.Add(NodeFileMismatch, $"the stored leaf hash of entry {leaf.Index} in the level 0 node file does not match the entry", leaf.Index);
        }
    }

    private static void CheckDerivedFiles(string directory, long count, Findings findings)
    {
        var indexed = FileLength(Path.Combine(directory, LogFormat.OffsetsFile)) / LogFormat.OffsetSize;
        var leaves = FileLength(LevelPath(directory, 0)) / MerkleHash.Size;
        if (indexed > count || leaves > count)
        {
            findings.Add(TruncatedLog,
                $"{LogFormat.EntriesFile} holds {count} entries but {LogFormat.OffsetsFile} indexes {indexed} and the node files hold {leaves} leaf hashes: entries were removed from the end");
        }
        else if (indexed < count || leaves < count)
        {
            findings.Notes.Add($"index ({indexed}) and node files ({leaves}) lag the {count} entries, as after a crash; opening the log rebuilds them");
        }

        var checkpoint = Checkpoint.TryRead(Path.Combine(directory, LogFormat.CheckpointFile));
        if (checkpoint is not null && checkpoint.Count > count)
        {
            findings.Add(TruncatedLog,
                $"the checkpoint recorded {checkpoint.Count} entries in {checkpoint.EntriesLength} bytes but {LogFormat.EntriesFile} holds {count} entries");
        }
    }

    private static void CompareWithEntries(IReadOnlyList<Head> heads, Scan scan, Findings findings)
    {
        long lastMatching = 0;
        foreach (var head in heads.OrderBy(head => head.Size))
        {
            if (head.Size > scan.Count)
            {
                findings.Add(TruncatedLog, $"{head.Name} covers {head.Size} entries but the log holds {scan.Count}: entries were removed");
            }
            else if (!head.Root.AsSpan().SequenceEqual(scan.Roots[head.Size]))
            {
                findings.Add(HeadRootMismatch,
                    $"{head.Name} does not match the entries: some of entries {lastMatching} to {head.Size - 1} were changed, reordered or replaced after it was signed");
            }
            else
            {
                lastMatching = head.Size;
            }
        }
    }

    /// <summary>
    /// What a remote auditor does with heads alone: ask for a consistency proof between an earlier head and a
    /// later one and verify it. Checked between successive issued heads, and from every trusted head to the
    /// log's latest head (or its current tree when it has none). Proofs come from the stored node files.
    /// </summary>
    private static void CheckConsistency(string directory, IReadOnlyList<Head> issued, IReadOnlyList<Head> trusted, Scan scan, Findings findings)
    {
        var latest = issued.Count > 0 ? issued[^1] : new Head($"the log's current tree (size {scan.Count})", scan.Count, scan.Root, null);
        var pairs = issued.Zip(issued.Skip(1)).Concat(trusted.Select(head => (First: head, Second: latest)))
            .Where(pair => pair.First.Size <= pair.Second.Size)
            .ToList();
        if (pairs.Count == 0)
        {
            return;
        }

        var nodesDirectory = Path.Combine(directory, LogFormat.NodesDirectory);
        using var nodes = System.IO.Directory.Exists(nodesDirectory) ? NodeStore.Open(nodesDirectory, writable: false) : null;
        foreach (var (earlier, later) in pairs)
        {
            if (nodes is null || !nodes.Covers(later.Size))
            {
                findings.Notes.Add($"consistency of {earlier.Name} with {later.Name} was not checked: the node files do not reach size {later.Size}");
                continue;
            }

            var proof = ConsistencyProof.Generate(nodes, earlier.Size, later.Size);
            var result = ProofVerifier.VerifyConsistency(earlier.Size, later.Size, earlier.Root, later.Root, proof);
            if (!result.IsValid)
            {
                findings.Add(InconsistentHeads, $"{later.Name} does not extend {earlier.Name}, so history was rewritten: {result.Message}");
            }
        }
    }

    private static string LevelPath(string directory, int level) =>
        Path.Combine(directory, LogFormat.NodesDirectory, LogFormat.LevelFile(level));

    private static long FileLength(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private sealed record Head(string Name, long Size, byte[] Root, SignedTreeHead? Signed)
    {
        public static Head Of(SignedTreeHead signed, string name) => new(name, signed.Head.TreeSize, signed.Head.RootHash.ToArray(), signed);
    }

    private sealed record Scan(long Count, byte[] Root, IReadOnlyDictionary<long, byte[]> Roots);

    /// <summary>Recomputes the tree as leaves stream past, keeping the root at each size a head claims.</summary>
    private sealed class RootRecorder(IReadOnlySet<long> sizes)
    {
        private readonly MerkleFrontier _frontier = new();
        private readonly Dictionary<long, byte[]> _roots = new() { [0] = MerkleHash.EmptyRoot() };

        public long Count => _frontier.Count;

        public void Append(byte[] leafHash, Action<int, long, byte[]>? completed = null)
        {
            _frontier.Append(leafHash, completed);
            if (sizes.Contains(_frontier.Count))
            {
                _roots[_frontier.Count] = _frontier.Root();
            }
        }

        public Scan Finish() => new(_frontier.Count, _frontier.Root(), _roots);
    }
}
