using System.Buffers;
using System.Security.Cryptography;

namespace IntelShare.Audit.Log.Merkle;

/// <summary>
/// The hashes of RFC 6962 §2.1. Leaves and interior nodes get different one-byte prefixes so that
/// no leaf can ever be presented as an interior node (second-preimage attack on the tree).
/// </summary>
public static class MerkleHash
{
    public const int Size = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Entries up to this size are hashed from a stack buffer; larger ones rent one.
    private const int StackLimit = 1024;

    /// <summary>MTH({}) = SHA-256 of the empty string.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>SHA-256(0x00 || entry).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[Size];
        LeafHash(entry, hash);
        return hash;
    }

    public static void LeafHash(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        var length = entry.Length + 1;
        byte[]? rented = null;
        var input = length <= StackLimit
            ? stackalloc byte[length]
            : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            input[0] = LeafPrefix;
            entry.CopyTo(input[1..]);
            SHA256.HashData(input, destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>SHA-256(0x01 || left || right).</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        RequireHash(left, nameof(left));
        RequireHash(right, nameof(right));
        Span<byte> input = stackalloc byte[1 + 2 * Size];
        input[0] = NodePrefix;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + Size)..]);
        return SHA256.HashData(input);
    }

    internal static void RequireHash(ReadOnlySpan<byte> hash, string name)
    {
        if (hash.Length != Size)
        {
            throw new ArgumentException($"A tree hash has {Size} bytes, this one has {hash.Length}.", name);
        }
    }
}
