namespace IntelShare.Audit.Log.Merkle;

/// <summary>
/// The verification algorithms of RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), which check
/// RFC 6962 proofs. They need nothing but hashes, so oversight can run them offline against signed heads.
/// Every failure names the check that failed rather than returning a bare false.
/// </summary>
public static class ProofVerifier
{
    public static VerificationResult VerifyInclusion(
        long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (leafIndex < 0 || treeSize < 0 || leafIndex >= treeSize)
        {
            return Fail(VerificationFailure.InvalidArguments, $"leaf index {leafIndex} is not inside a tree of size {treeSize}");
        }

        if (CheckHashes(proof, ("leaf hash", leafHash.Length), ("root", root.Length)) is { } malformed)
        {
            return malformed;
        }

        var steps = Walk(leafIndex, treeSize - 1);
        if (steps.Count != proof.Count)
        {
            return WrongLength(proof.Count, steps.Count);
        }

        var computed = leafHash.ToArray();
        for (var i = 0; i < steps.Count; i++)
        {
            computed = steps.SiblingIsLeft(i) ? MerkleHash.NodeHash(proof[i], computed) : MerkleHash.NodeHash(computed, proof[i]);
        }

        return computed.AsSpan().SequenceEqual(root)
            ? VerificationResult.Valid
            : Fail(VerificationFailure.RootMismatch, $"root computed from the proof for leaf {leafIndex} differs from the expected root of the tree of size {treeSize}");
    }

    public static VerificationResult VerifyConsistency(
        long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 < 0 || size1 > size2)
        {
            return Fail(VerificationFailure.InvalidArguments, $"size1 {size1} must be between 0 and size2 {size2}");
        }

        if (CheckHashes(proof, ("root1", root1.Length), ("root2", root2.Length)) is { } malformed)
        {
            return malformed;
        }

        if (size1 == size2 || size1 == 0)
        {
            return VerifyTrivialConsistency(size1, size2, root1, root2, proof.Count);
        }

        // RFC 9162 §2.1.4.2 steps 2-4: a power-of-two old tree is itself a node of the new tree, so its root
        // is the first hash of the path; otherwise the proof starts with it. Levels where the old tree's last
        // leaf is a right child are shared by both trees and skipped.
        var oldTreeIsNode = TreeBits.IsPowerOfTwo(size1);
        long fn = size1 - 1, sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var steps = Walk(fn, sn);
        var expected = steps.Count + (oldTreeIsNode ? 0 : 1);
        if (proof.Count != expected)
        {
            return WrongLength(proof.Count, expected);
        }

        var seed = oldTreeIsNode ? root1.ToArray() : proof[0];
        var rest = oldTreeIsNode ? 0 : 1;
        byte[] oldRoot = seed, newRoot = seed;
        for (var i = 0; i < steps.Count; i++)
        {
            var hash = proof[rest + i];
            if (steps.SiblingIsLeft(i))
            {
                oldRoot = MerkleHash.NodeHash(hash, oldRoot);
                newRoot = MerkleHash.NodeHash(hash, newRoot);
            }
            else
            {
                newRoot = MerkleHash.NodeHash(newRoot, hash);
            }
        }

        if (!oldRoot.AsSpan().SequenceEqual(root1))
        {
            return Fail(VerificationFailure.OldRootMismatch, $"root computed for the tree of size {size1} differs from root1: the tree of size {size2} does not extend it");
        }

        return newRoot.AsSpan().SequenceEqual(root2)
            ? VerificationResult.Valid
            : Fail(VerificationFailure.RootMismatch, $"root computed for the tree of size {size2} differs from root2");
    }

    private static VerificationResult VerifyTrivialConsistency(long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, int proofLength)
    {
        if (proofLength != 0)
        {
            return WrongLength(proofLength, 0);
        }

        if (size1 == 0)
        {
            // Every tree extends the empty one, but root1 must still be the empty tree's root to be a real head.
            return root1.SequenceEqual(MerkleHash.EmptyRoot())
                ? VerificationResult.Valid
                : Fail(VerificationFailure.OldRootMismatch, "root1 is not the root of the empty tree");
        }

        return root1.SequenceEqual(root2)
            ? VerificationResult.Valid
            : Fail(VerificationFailure.RootMismatch, $"both trees have size {size2} but their roots differ");
    }

    /// <summary>
    /// The shape of the RFC 9162 loop from (fn, sn): one step per proof hash until sn reaches 0, each
    /// recording whether that hash is a left sibling. It depends only on the index and sizes, which is what
    /// lets the verifier name the expected proof length before hashing anything.
    /// </summary>
    private static PathSteps Walk(long fn, long sn)
    {
        var steps = new PathSteps();
        while (sn != 0)
        {
            var siblingIsLeft = (fn & 1) == 1 || fn == sn;
            steps.Add(siblingIsLeft);
            if (siblingIsLeft)
            {
                // On the right edge with no right sibling: climb until the node becomes a right child.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }

            fn >>= 1;
            sn >>= 1;
        }

        return steps;
    }

    private struct PathSteps
    {
        private ulong _leftMask;

        public int Count { get; private set; }

        public void Add(bool siblingIsLeft)
        {
            if (siblingIsLeft)
            {
                _leftMask |= 1UL << Count;
            }

            Count++;
        }

        public readonly bool SiblingIsLeft(int step) => (_leftMask & (1UL << step)) != 0;
    }

    private static VerificationResult? CheckHashes(IReadOnlyList<byte[]> proof, params ReadOnlySpan<(string Name, int Length)> named)
    {
        foreach (var (name, length) in named)
        {
            if (length != MerkleHash.Size)
            {
                return Fail(VerificationFailure.MalformedHash, $"{name} has {length} bytes, expected {MerkleHash.Size}");
            }
        }

        for (var i = 0; i < proof.Count; i++)
        {
            if (proof[i] is not { Length: MerkleHash.Size })
            {
                return Fail(VerificationFailure.MalformedHash, $"proof hash {i} has {proof[i]?.Length ?? 0} bytes, expected {MerkleHash.Size}");
            }
        }

        return null;
    }

    private static VerificationResult WrongLength(int actual, int expected) =>
        Fail(VerificationFailure.WrongProofLength, $"proof has {actual} hashes, expected {expected}");

    private static VerificationResult Fail(VerificationFailure failure, string message) => VerificationResult.Fail(failure, message);
}
