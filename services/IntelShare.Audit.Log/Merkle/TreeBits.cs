using System.Numerics;

namespace IntelShare.Audit.Log.Merkle;

/// <summary>Bit arithmetic on tree sizes shared by the RFC 6962 algorithms.</summary>
internal static class TreeBits
{
    /// <summary>The k of RFC 6962 §2.1: the largest power of two smaller than <paramref name="size"/> (size &gt; 1).</summary>
    public static long SplitPoint(long size) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(size - 1)));

    public static bool IsPowerOfTwo(long value) => value > 0 && (value & (value - 1)) == 0;

    public static int Log2(long powerOfTwo) => BitOperations.Log2((ulong)powerOfTwo);
}
