namespace IntelShare.Audit.Log.Merkle;

/// <summary>PROOF(m, D[n]) of RFC 6962 §2.1.2: shows the tree of size m is a prefix of the tree of size n.</summary>
public static class ConsistencyProof
{
    public static IReadOnlyList<byte[]> Generate(INodeHashSource nodes, long size1, long size2)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfNegative(size1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);

        var proof = new List<byte[]>();
        if (size1 == 0 || size1 == size2)
        {
            return proof;
        }

        // SUBPROOF(m, D[start:end], b), unrolled; b records whether D[start:end] is still the whole old tree,
        // whose root the verifier already has and so is left out.
        long start = 0, end = size2, oldEnd = size1;
        var wholeOldTree = true;
        while (true)
        {
            if (oldEnd == end)
            {
                if (!wholeOldTree)
                {
                    proof.Add(MerkleRoot.RangeHash(nodes, start, end));
                }

                break;
            }

            var split = start + TreeBits.SplitPoint(end - start);
            if (oldEnd <= split)
            {
                proof.Add(MerkleRoot.RangeHash(nodes, split, end));
                end = split;
            }
            else
            {
                proof.Add(MerkleRoot.RangeHash(nodes, start, split));
                start = split;
                wholeOldTree = false;
            }
        }

        proof.Reverse();
        return proof;
    }
}
