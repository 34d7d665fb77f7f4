using IntelShare.Audit.Log.Merkle;
using static IntelShare.Audit.Log.Tests.TestData;

namespace IntelShare.Audit.Log.Tests;

/// <summary>
/// Known answers from the reference implementations: transparency-dev/merkle proof/verify_test.go (the same
/// vectors as google/trillian merkle/log_verifier_test.go and certificate-transparency-go), for the RFC 6962
/// tree of the eight leaves below. Leaf indices there are 1-based; here they are 0-based.
/// </summary>
public sealed class ReferenceVectorTests
{
    private static readonly byte[][] Leaves =
    [
        Hex(""), Hex("00"), Hex("10"), Hex("2021"), Hex("3031"), Hex("40414243"),
        Hex("5051525354555657"), Hex("606162636465666768696a6b6c6d6e6f"),
    ];

    /// <summary>Roots of the trees of the first 1..8 leaves.</summary>
    private static readonly string[] Roots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    public static TheoryData<long, long, string[]> InclusionProofs => new()
    {
        { 0, 1, [] },
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        { 1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
    };

    public static TheoryData<long, long, string[]> ConsistencyProofs => new()
    {
        { 1, 1, [] },
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    private static readonly InMemoryMerkleTree Tree = InMemoryMerkleTree.FromEntries(Leaves);

    private static byte[] Root(long size) => Hex(Roots[size - 1]);

    [Fact]
    public void Roots_of_every_prefix_match_the_reference()
    {
        for (var size = 1; size <= Leaves.Length; size++)
        {
            Assert.Equal(Roots[size - 1], Convert.ToHexStringLower(Tree.Root(size)));
            Assert.Equal(Roots[size - 1], Convert.ToHexStringLower(InMemoryMerkleTree.FromEntries(Leaves.Take(size)).Root()));
        }
    }

    [Fact]
    public void Empty_tree_root_is_the_hash_of_nothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(Tree.Root(0)));

    [Theory]
    [MemberData(nameof(InclusionProofs))]
    public void Inclusion_proofs_match_and_verify(long index, long size, string[] expected)
    {
        Assert.Equal(expected, Tree.InclusionProof(index, size).Select(Convert.ToHexStringLower));

        var proof = expected.Select(Hex).ToArray();
        var leaf = MerkleHash.LeafHash(Leaves[index]);
        Assert.True(ProofVerifier.VerifyInclusion(index, size, leaf, proof, Root(size)).IsValid);
    }

    [Theory]
    [MemberData(nameof(InclusionProofs))]
    public void Inclusion_proofs_fail_when_anything_is_off(long index, long size, string[] expected)
    {
        var proof = expected.Select(Hex).ToArray();
        var leaf = MerkleHash.LeafHash(Leaves[index]);
        var root = Root(size);
        var someHash = Hex("abacaba000000000000000000000000000000000000000000060061e00123456");

        // The probes of the reference tests: wrong index, wrong height, wrong leaf or root, extra hashes.
        Assert.False(ProofVerifier.VerifyInclusion(index - 1, size, leaf, proof, root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index + 1, size, leaf, proof, root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index ^ 2, size, leaf, proof, root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size * 2, leaf, proof, root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size / 2, leaf, proof, root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size, MerkleHash.LeafHash("WrongLeaf"u8), proof, root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, proof, MerkleHash.EmptyRoot()).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, proof, someHash).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, [.. proof, root], root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, [root, .. proof], root).IsValid);
        Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, [.. proof, []], root).IsValid);
        if (proof.Length > 0)
        {
            Assert.False(ProofVerifier.VerifyInclusion(index, size, leaf, proof[..^1], root).IsValid);
        }
    }

    [Theory]
    [MemberData(nameof(ConsistencyProofs))]
    public void Consistency_proofs_match_and_verify(long size1, long size2, string[] expected)
    {
        Assert.Equal(expected, Tree.ConsistencyProof(size1, size2).Select(Convert.ToHexStringLower));

        var proof = expected.Select(Hex).ToArray();
        Assert.True(ProofVerifier.VerifyConsistency(size1, size2, Root(size1), Root(size2), proof).IsValid);
    }

    [Theory]
    [MemberData(nameof(ConsistencyProofs))]
    public void Consistency_proofs_fail_when_anything_is_off(long size1, long size2, string[] expected)
    {
        if (size1 == size2)
        {
            return;
        }

        var proof = expected.Select(Hex).ToArray();
        var (root1, root2) = (Root(size1), Root(size2));
        Assert.False(ProofVerifier.VerifyConsistency(size1 - 1, size2, root1, root2, proof).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1 + 1, size2, root1, root2, proof).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1 ^ 2, size2, root1, root2, proof).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2 * 2, root1, root2, proof).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2 / 2, root1, root2, proof).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root2, root1, proof).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, []).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, [.. proof, root1]).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, [.. proof, root2]).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, [root1, .. proof]).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, [proof[0], .. proof]).IsValid);
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, proof[..^1]).IsValid);
    }
}
