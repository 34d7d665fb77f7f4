using IntelShare.Audit.Log.Merkle;

namespace IntelShare.Audit.Log.Tests;

/// <summary>A failed verification says which check failed, since that is what oversight acts on.</summary>
public sealed class VerifierMessageTests
{
    private static readonly InMemoryMerkleTree Tree = InMemoryMerkleTree.FromEntries(Enumerable.Range(0, 13).Select(TestData.Entry));

    [Fact]
    public void Short_inclusion_proof_names_both_lengths()
    {
        var proof = Tree.InclusionProof(3, 13);
        var result = ProofVerifier.VerifyInclusion(3, 13, Tree.GetNode(0, 3), proof.Take(proof.Count - 1).ToList(), Tree.Root(13));

        Assert.Equal(VerificationFailure.WrongProofLength, result.Failure);
        Assert.Equal($"proof has {proof.Count - 1} hashes, expected {proof.Count}", result.Message);
    }

    [Fact]
    public void Inclusion_proof_against_another_root_is_a_root_mismatch()
    {
        var result = ProofVerifier.VerifyInclusion(3, 13, Tree.GetNode(0, 3), Tree.InclusionProof(3, 13), Tree.Root(12));

        Assert.Equal(VerificationFailure.RootMismatch, result.Failure);
        Assert.Contains("differs from the expected root", result.Message);
    }

    [Fact]
    public void Leaf_outside_the_tree_is_invalid_arguments() =>
        Assert.Equal(VerificationFailure.InvalidArguments, ProofVerifier.VerifyInclusion(13, 13, Tree.GetNode(0, 3), [], Tree.Root(13)).Failure);

    [Fact]
    public void Truncated_hash_is_malformed()
    {
        var result = ProofVerifier.VerifyInclusion(3, 13, Tree.GetNode(0, 3)[..31], Tree.InclusionProof(3, 13), Tree.Root(13));

        Assert.Equal(VerificationFailure.MalformedHash, result.Failure);
        Assert.Equal("leaf hash has 31 bytes, expected 32", result.Message);
    }

    [Fact]
    public void Rewritten_prefix_is_an_old_root_mismatch()
    {
        var rewritten = InMemoryMerkleTree.FromEntries(Enumerable.Range(0, 13).Select(i => i == 2 ? "forged"u8.ToArray() : TestData.Entry(i)));
        var result = ProofVerifier.VerifyConsistency(5, 13, Tree.Root(5), rewritten.Root(13), rewritten.ConsistencyProof(5, 13));

        Assert.Equal(VerificationFailure.OldRootMismatch, result.Failure);
        Assert.Contains("does not extend it", result.Message);
    }

    [Fact]
    public void Equal_sizes_with_different_roots_fail() =>
        Assert.Equal(VerificationFailure.RootMismatch, ProofVerifier.VerifyConsistency(13, 13, Tree.Root(13), Tree.Root(12), []).Failure);

    [Fact]
    public void Shrinking_tree_is_invalid_arguments() =>
        Assert.Equal(VerificationFailure.InvalidArguments, ProofVerifier.VerifyConsistency(13, 12, Tree.Root(13), Tree.Root(12), []).Failure);

    [Fact]
    public void Empty_old_tree_must_have_the_empty_root()
    {
        Assert.True(ProofVerifier.VerifyConsistency(0, 13, MerkleHash.EmptyRoot(), Tree.Root(13), []).IsValid);
        Assert.Equal(VerificationFailure.OldRootMismatch, ProofVerifier.VerifyConsistency(0, 13, Tree.Root(1), Tree.Root(13), []).Failure);
    }
}
