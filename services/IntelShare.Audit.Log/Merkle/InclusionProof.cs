namespace IntelShare.Audit.Log.Merkle;

/// <summary>PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of one leaf, ordered leaf to root.</summary>
public static class InclusionProof
{
    public static IReadOnlyList<byte[]> Generate(INodeHashSource nodes, long leafIndex, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);

        // The RFC recursion descends from the root, so siblings are found root-first and reversed at the end.
        var path = new List<byte[]>();
        long start = 0, end = treeSize;
        while (end - start > 1)
        {
            var split = start + TreeBits.SplitPoint(end - start);
            if (leafIndex < split)
            {
                path.Add(MerkleRoot.RangeHash(nodes, split, end));
                end = split;
            }
            else
            {
                path.Add(MerkleRoot.RangeHash(nodes, start, split));
                start = split;
            }
        }

        path.Reverse();
        return path;
    }
}
