using System.Buffers.Binary;
using System.Text;
using IntelShare.Audit.Log.Merkle;

namespace IntelShare.Audit.Log.Signing;

/// <summary>
/// The statement "the log held <see cref="TreeSize"/> entries with root <see cref="RootHash"/> at
/// <see cref="Timestamp"/>". The timestamp is kept to the millisecond because that is what is signed.
/// </summary>
public sealed class TreeHead : IEquatable<TreeHead>
{
    /// <summary>
    /// Domain separation for the signed bytes, so a signature over a tree head can never be replayed as a
    /// signature over anything else this key signs. ASCII, zero-padded to <see cref="ContextSize"/> bytes.
    /// </summary>
    public const string Context = "IntelShare-Audit-TreeHead/v1";

    public const int ContextSize = 32;

    /// <summary>Length of <see cref="ToSigningBytes"/>: context(32) | tree size(8) | timestamp(8) | root(32).</summary>
    public const int SigningSize = ContextSize + 8 + 8 + MerkleHash.Size;

    private readonly byte[] _rootHash;

    public TreeHead(long treeSize, DateTimeOffset timestamp, ReadOnlySpan<byte> rootHash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(timestamp, DateTimeOffset.UnixEpoch);
        MerkleHash.RequireHash(rootHash, nameof(rootHash));
        TreeSize = treeSize;
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.ToUnixTimeMilliseconds());
        _rootHash = rootHash.ToArray();
    }

    public long TreeSize { get; }

    public DateTimeOffset Timestamp { get; }

    public ReadOnlySpan<byte> RootHash => _rootHash;

    /// <summary>
    /// The exact bytes that are signed, 80 bytes, integers unsigned big-endian:
    /// <code>
    /// offset  size  field
    ///      0    32  "IntelShare-Audit-TreeHead/v1" in ASCII, then zero bytes up to 32
    ///     32     8  tree size (number of entries)
    ///     40     8  timestamp, milliseconds since 1970-01-01T00:00:00Z
    ///     48    32  root hash, MTH of the first tree-size entries (RFC 6962 §2.1, SHA-256)
    /// </code>
    /// </summary>
    public byte[] ToSigningBytes()
    {
        var bytes = new byte[SigningSize];
        Encoding.ASCII.GetBytes(Context, bytes);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(ContextSize), (ulong)TreeSize);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(ContextSize + 8), (ulong)Timestamp.ToUnixTimeMilliseconds());
        _rootHash.CopyTo(bytes, ContextSize + 16);
        return bytes;
    }

    public bool Equals(TreeHead? other) =>
        other is not null && TreeSize == other.TreeSize && Timestamp == other.Timestamp && RootHash.SequenceEqual(other.RootHash);

    public override bool Equals(object? obj) => Equals(obj as TreeHead);

    public override int GetHashCode() => HashCode.Combine(TreeSize, Timestamp, BitConverter.ToInt64(_rootHash));

    public override string ToString() => $"size {TreeSize} at {Timestamp:O}, root {Convert.ToHexStringLower(_rootHash)}";
}
