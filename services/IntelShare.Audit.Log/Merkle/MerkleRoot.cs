namespace IntelShare.Audit.Log.Merkle;

/// <summary>MTH(D[start:end]) of RFC 6962 §2.1, assembled from stored complete subtrees.</summary>
public static class MerkleRoot
{
    public static byte[] Compute(INodeHashSource nodes, long treeSize) => Compute(nodes, 0, treeSize);

    public static byte[] Compute(INodeHashSource nodes, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        return start == end ? MerkleHash.EmptyRoot() : RangeHash(nodes, start, end);
    }

    /// <summary>
    /// Every range the proof algorithms ask for starts on a multiple of the largest power of two below
    /// its size, so the recursion bottoms out in stored subtrees after O(log n) steps; other ranges
    /// still get the right answer, just with more reads.
    /// </summary>
    internal static byte[] RangeHash(INodeHashSource nodes, long start, long end)
    {
        var size = end - start;
        if (TreeBits.IsPowerOfTwo(size) && start % size == 0)
        {
            return nodes.GetNode(TreeBits.Log2(size), start / size);
        }

        var split = start + TreeBits.SplitPoint(size);
        return MerkleHash.NodeHash(RangeHash(nodes, start, split), RangeHash(nodes, split, end));
    }
}
