using System.Numerics;

namespace IntelShare.Audit.Log.Merkle;

/// <summary>
/// The right edge of a growing tree: one perfect-subtree root per set bit of <see cref="Count"/>. It is all
/// that is needed to append a leaf and to know the current root, in O(log n) memory and no reads.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly byte[]?[] _roots = new byte[64][];

    public long Count { get; private set; }

    /// <summary>Rebuilds the frontier of a tree of <paramref name="count"/> leaves from its stored subtrees.</summary>
    public static MerkleFrontier Restore(long count, INodeHashSource nodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var frontier = new MerkleFrontier { Count = count };
        for (var level = 0; level < 63; level++)
        {
            if (((count >> level) & 1) == 1)
            {
                frontier._roots[level] = nodes.GetNode(level, (count >> level) - 1);
            }
        }

        return frontier;
    }

    /// <summary>
    /// Appends a leaf. <paramref name="completed"/> hears about every subtree that this leaf completes,
    /// the leaf itself first, so a store can persist them as they appear.
    /// </summary>
    public void Append(byte[] leafHash, Action<int, long, byte[]>? completed = null)
    {
        MerkleHash.RequireHash(leafHash, nameof(leafHash));
        var hash = leafHash;
        var index = Count;
        var level = 0;
        completed?.Invoke(level, index, hash);
        while (((Count >> level) & 1) == 1)
        {
            hash = MerkleHash.NodeHash(_roots[level]!, hash);
            _roots[level] = null;
            level++;
            index >>= 1;
            completed?.Invoke(level, index, hash);
        }

        _roots[level] = hash;
        Count++;
    }

    /// <summary>MTH of all leaves so far: the subtree roots folded from the smallest (rightmost) up.</summary>
    public byte[] Root()
    {
        if (Count == 0)
        {
            return MerkleHash.EmptyRoot();
        }

        var level = BitOperations.TrailingZeroCount(Count);
        var root = _roots[level]!;
        for (level++; level < 63; level++)
        {
            if (((Count >> level) & 1) == 1)
            {
                root = MerkleHash.NodeHash(_roots[level]!, root);
            }
        }

        return root;
    }
}
