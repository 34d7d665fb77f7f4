using System.Security.Cryptography;

namespace IntelShare.Audit.Log.Tests;

/// <summary>
/// RFC 6962 §2.1 transcribed literally (recursion over lists of entries, no stored nodes), as an independent
/// reference for the library's node-based generation. Quadratic; only for small trees.
/// </summary>
internal static class NaiveRfc6962
{
    public static byte[] Mth(IReadOnlyList<byte[]> d) => d.Count switch
    {
        0 => SHA256.HashData(ReadOnlySpan<byte>.Empty),
        1 => SHA256.HashData([0x00, .. d[0]]),
        _ => SHA256.HashData([0x01, .. Mth(Slice(d, 0, K(d.Count))), .. Mth(Slice(d, K(d.Count), d.Count))]),
    };

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        var k = K(d.Count);
        return m < k
            ? [.. Path(m, Slice(d, 0, k)), Mth(Slice(d, k, d.Count))]
            : [.. Path(m - k, Slice(d, k, d.Count)), Mth(Slice(d, 0, k))];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> d) => SubProof(m, d, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, bool b)
    {
        if (m == d.Count)
        {
            return b ? [] : [Mth(d)];
        }

        var k = K(d.Count);
        return m <= k
            ? [.. SubProof(m, Slice(d, 0, k), b), Mth(Slice(d, k, d.Count))]
            : [.. SubProof(m - k, Slice(d, k, d.Count), false), Mth(Slice(d, 0, k))];
    }

    /// <summary>The largest power of two smaller than n.</summary>
    private static int K(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    private static List<byte[]> Slice(IReadOnlyList<byte[]> d, int start, int end) => [.. d.Skip(start).Take(end - start)];
}
