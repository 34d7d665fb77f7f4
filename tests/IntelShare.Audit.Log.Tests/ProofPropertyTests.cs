using IntelShare.Audit.Log.Merkle;
using static IntelShare.Audit.Log.Tests.TestData;

namespace IntelShare.Audit.Log.Tests;

/// <summary>
/// Properties over random trees (seeded, so a failure reproduces). A tree of 300 leaves contains every tree of
/// sizes 1..300 as a prefix, so checking all (index, size) and (size1, size2) pairs of it covers them all.
/// </summary>
public sealed class ProofPropertyTests
{
    private const int MaxSize = 300;

    private static readonly byte[][] Entries = RandomEntries(new Random(6962), MaxSize);
    private static readonly InMemoryMerkleTree Tree = InMemoryMerkleTree.FromEntries(Entries);
    private static readonly byte[][] Roots = [.. Enumerable.Range(0, MaxSize + 1).Select(size => Tree.Root(size))];

    [Fact]
    public void Roots_and_proofs_equal_the_literal_rfc_definitions_for_small_trees()
    {
        for (var size = 1; size <= 48; size++)
        {
            var prefix = Entries[..size];
            Assert.Equal(NaiveRfc6962.Mth(prefix), Roots[size]);
            for (var index = 0; index < size; index++)
            {
                Assert.Equal(Hexes(NaiveRfc6962.Path(index, prefix)), Hexes(Tree.InclusionProof(index, size)));
            }

            for (var size1 = 1; size1 <= size; size1++)
            {
                Assert.Equal(Hexes(NaiveRfc6962.Proof(size1, prefix)), Hexes(Tree.ConsistencyProof(size1, size)));
            }
        }
    }

    [Fact]
    public void Every_inclusion_proof_of_every_leaf_verifies()
    {
        for (var size = 1; size <= MaxSize; size++)
        {
            for (var index = 0; index < size; index++)
            {
                var result = ProofVerifier.VerifyInclusion(index, size, Tree.GetNode(0, index), Tree.InclusionProof(index, size), Roots[size]);
                Assert.True(result.IsValid, $"leaf {index} of {size}: {result}");
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_between_every_pair_of_sizes_verifies()
    {
        for (var size2 = 0; size2 <= MaxSize; size2++)
        {
            for (var size1 = 0; size1 <= size2; size1++)
            {
                var result = ProofVerifier.VerifyConsistency(size1, size2, Roots[size1], Roots[size2], Tree.ConsistencyProof(size1, size2));
                Assert.True(result.IsValid, $"{size1} -> {size2}: {result}");
            }
        }
    }

    [Fact]
    public void Flipping_any_byte_of_an_inclusion_proof_leaf_or_root_fails()
    {
        foreach (var (index, size) in InclusionCases())
        {
            var proof = Tree.InclusionProof(index, size);
            var (leaf, root) = (Tree.GetNode(0, index), Roots[size]);
            for (var position = 0; position < MerkleHash.Size; position++)
            {
                Assert.False(ProofVerifier.VerifyInclusion(index, size, Flip(leaf, position), proof, root).IsValid);
                Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, proof, Flip(root, position)).IsValid);
                for (var hash = 0; hash < proof.Count; hash++)
                {
                    Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, Flip(proof, hash, position), root).IsValid,
                        $"leaf {index} of {size}, proof hash {hash} byte {position}");
                }
            }
        }
    }

    /// <summary>Only non-empty old trees: every tree extends the empty one, whatever root2 is.</summary>
    [Fact]
    public void Flipping_any_byte_of_a_consistency_proof_or_either_root_fails()
    {
        foreach (var (size1, size2) in ConsistencyCases())
        {
            var proof = Tree.ConsistencyProof(size1, size2);
            var (root1, root2) = (Roots[size1], Roots[size2]);
            for (var position = 0; position < MerkleHash.Size; position++)
            {
                Assert.False(ProofVerifier.VerifyConsistency(size1, size2, Flip(root1, position), root2, proof).IsValid);
                Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, Flip(root2, position), proof).IsValid);
                for (var hash = 0; hash < proof.Count; hash++)
                {
                    Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, Flip(proof, hash, position)).IsValid,
                        $"{size1} -> {size2}, proof hash {hash} byte {position}");
                }
            }
        }
    }

    [Fact]
    public void Proofs_checked_against_a_head_of_another_size_fail()
    {
        var random = new Random(9162);
        for (var trial = 0; trial < 3000; trial++)
        {
            var size = random.Next(2, MaxSize + 1);
            var other = OtherThan(random, size, 1, MaxSize);
            var index = random.Next(Math.Min(size, other));
            Assert.False(ProofVerifier.VerifyInclusion(index, other, Tree.GetNode(0, index), Tree.InclusionProof(index, size), Roots[other]).IsValid,
                $"proof of leaf {index} in {size} accepted for {other}");

            var size1 = random.Next(1, size);
            var otherSize1 = OtherThan(random, size1, 1, size - 1);
            var proof = Tree.ConsistencyProof(size1, size);
            if (otherSize1 != size1)
            {
                Assert.False(ProofVerifier.VerifyConsistency(otherSize1, size, Roots[otherSize1], Roots[size], proof).IsValid,
                    $"proof {size1} -> {size} accepted for {otherSize1} -> {size}");
            }

            if (other > size1)
            {
                Assert.False(ProofVerifier.VerifyConsistency(size1, other, Roots[size1], Roots[other], proof).IsValid,
                    $"proof {size1} -> {size} accepted for {size1} -> {other}");
            }
        }
    }

    /// <summary>Every leaf of every tree up to 16 leaves, then a seeded sample of larger trees.</summary>
    private static IEnumerable<(int Index, int Size)> InclusionCases()
    {
        var exhaustive = from size in Enumerable.Range(1, 16) from index in Enumerable.Range(0, size) select (index, size);
        var random = new Random(1);
        var sampled = Enumerable.Range(0, 150).Select(_ => random.Next(17, MaxSize + 1)).Select(size => (random.Next(size), size));
        return exhaustive.Concat(sampled);
    }

    private static IEnumerable<(int Size1, int Size2)> ConsistencyCases()
    {
        var exhaustive = from size2 in Enumerable.Range(1, 16) from size1 in Enumerable.Range(1, size2) select (size1, size2);
        var random = new Random(2);
        var sampled = Enumerable.Range(0, 150).Select(_ => random.Next(17, MaxSize + 1)).Select(size2 => (random.Next(1, size2 + 1), size2));
        return exhaustive.Concat(sampled);
    }

    /// <summary>A value in [min, max] other than <paramref name="value"/>, or the value itself if there is none.</summary>
    private static int OtherThan(Random random, int value, int min, int max)
    {
        if (max <= min)
        {
            return value;
        }

        var other = random.Next(min, max);
        return other >= value ? other + 1 : other;
    }
}
