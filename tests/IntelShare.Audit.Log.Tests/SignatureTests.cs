using System.Buffers.Binary;
using System.Text;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Signing;

namespace IntelShare.Audit.Log.Tests;

public sealed class SignatureTests : IDisposable
{
    private static readonly byte[] Root = MerkleHash.LeafHash("root"u8);
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_123);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string KeyPath => _temp.Sub("keys/tree-head.pem");

    [Fact]
    public void Signed_head_verifies_with_the_public_key_alone()
    {
        using var signer = TreeHeadSigner.OpenOrCreate(KeyPath);
        var signed = signer.Sign(new TreeHead(42, Time, Root));

        using var verifier = new TreeHeadVerifier(signer.PublicKeyPem);
        Assert.True(verifier.Verify(signed).IsValid);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", signer.PublicKeyPem);
    }

    [Fact]
    public void Changing_size_root_or_time_breaks_the_signature()
    {
        using var signer = TreeHeadSigner.OpenOrCreate(KeyPath);
        using var verifier = signer.CreateVerifier();
        var signed = signer.Sign(new TreeHead(42, Time, Root));

        foreach (var forged in new[]
        {
            new TreeHead(43, Time, Root),
            new TreeHead(42, Time, TestData.Flip(Root, 0)),
            new TreeHead(42, Time.AddMilliseconds(1), Root),
        })
        {
            var result = verifier.Verify(signed with { Head = forged });
            Assert.Equal(VerificationFailure.BadSignature, result.Failure);
        }
    }

    [Fact]
    public void Another_key_does_not_verify()
    {
        using var signer = TreeHeadSigner.OpenOrCreate(KeyPath);
        using var other = TreeHeadSigner.OpenOrCreate(_temp.Sub("other.pem"));
        using var verifier = other.CreateVerifier();

        Assert.False(verifier.Verify(signer.Sign(new TreeHead(1, Time, Root))).IsValid);
    }

    [Fact]
    public void Key_persists_across_reopen_and_is_private_to_its_owner()
    {
        SignedTreeHead signed;
        string publicKey;
        using (var signer = TreeHeadSigner.OpenOrCreate(KeyPath))
        {
            (signed, publicKey) = (signer.Sign(new TreeHead(7, Time, Root)), signer.PublicKeyPem);
        }

        using var reopened = TreeHeadSigner.OpenOrCreate(KeyPath);
        Assert.Equal(publicKey, reopened.PublicKeyPem);
        Assert.True(reopened.CreateVerifier().Verify(signed).IsValid);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        }
    }

    [Fact]
    public void Signing_bytes_follow_the_documented_layout()
    {
        var bytes = new TreeHead(0x0102030405060708, Time, Root).ToSigningBytes();

        Assert.Equal(80, bytes.Length);
        Assert.Equal("IntelShare-Audit-TreeHead/v1\0\0\0\0", Encoding.ASCII.GetString(bytes, 0, 32));
        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(32)));
        Assert.Equal((ulong)Time.ToUnixTimeMilliseconds(), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(40)));
        Assert.Equal(Root, bytes[48..]);
    }

    [Fact]
    public void Timestamps_are_kept_to_the_millisecond_that_is_signed() =>
        Assert.Equal(new TreeHead(1, Time, Root), new TreeHead(1, Time.AddTicks(9_999), Root));

    [Fact]
    public void Signed_head_text_round_trips()
    {
        using var signer = TreeHeadSigner.OpenOrCreate(KeyPath);
        var signed = signer.Sign(new TreeHead(99, Time, Root));

        var parsed = SignedTreeHead.Parse(signed.ToText());
        Assert.Equal(signed, parsed);
        Assert.True(signer.CreateVerifier().Verify(parsed).IsValid);
        Assert.False(SignedTreeHead.TryParse("v1 99 not-a-number", out _, out _));
    }
}
