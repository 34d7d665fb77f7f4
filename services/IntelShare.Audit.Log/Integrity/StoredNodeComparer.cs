using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Storage;

namespace IntelShare.Audit.Log.Integrity;

/// <summary>
/// Compares the stored node files with the tree recomputed from the entries, node by node, as the scan
/// produces it. A wrong leaf makes every stored node above it differ too, so a node is only blamed when its
/// own children agree: that points at the one place a node file was changed.
/// </summary>
internal sealed class StoredNodeComparer(string directory, Findings findings) : IDisposable
{
    private const int Levels = 64;

    private readonly SequentialRecordReader?[] _levels = new SequentialRecordReader?[Levels];
    private readonly bool[] _lastDiffers = new bool[Levels];
    private readonly bool[] _previousDiffers = new bool[Levels];

    /// <summary>Stored leaf hashes that differ from the entry at their index, for entries that were not edited.</summary>
    public List<(long Index, byte[] Actual, byte[] Stored)> MisplacedLeaves { get; } = [];

    public void CompareLeaf(long index, byte[] recomputed, bool entryEdited)
    {
        if (Differs(0, recomputed, out var stored) && !entryEdited)
        {
            // An edited entry already explains a differing stored leaf; anything else was moved or altered.
            MisplacedLeaves.Add((index, recomputed, stored));
        }
    }

    /// <summary>Called for every recomputed node; leaves are handled by <see cref="CompareLeaf"/> first.</summary>
    public void CompareNode(int level, long index, byte[] recomputed)
    {
        if (level == 0)
        {
            return;
        }

        var childrenDiffer = _lastDiffers[level - 1] || _previousDiffers[level - 1];
        if (Differs(level, recomputed, out _) && !childrenDiffer)
        {
            findings.Add(IntegrityProblemKind.NodeFileMismatch,
                $"node {index} of node file level {level} (leaves {index << level} to {((index + 1) << level) - 1}) does not match the entries, though its children do");
        }
    }

    private bool Differs(int level, byte[] recomputed, out byte[] stored)
    {
        var reader = _levels[level] ??= new SequentialRecordReader(
            Path.Combine(directory, LogFormat.NodesDirectory, LogFormat.LevelFile(level)), MerkleHash.Size);
        stored = new byte[MerkleHash.Size];

        // A node the files do not have yet (they lag after a crash) is not a disagreement.
        var differs = reader.TryRead(stored) && !stored.AsSpan().SequenceEqual(recomputed);
        _previousDiffers[level] = _lastDiffers[level];
        _lastDiffers[level] = differs;
        return differs;
    }

    public void Dispose()
    {
        foreach (var reader in _levels)
        {
            reader?.Dispose();
        }
    }
}
