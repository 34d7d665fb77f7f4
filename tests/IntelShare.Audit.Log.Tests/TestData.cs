namespace IntelShare.Audit.Log.Tests;

internal static class TestData
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static byte[][] RandomEntries(Random random, int count, int maxLength = 40) =>
        [.. Enumerable.Range(0, count).Select(_ => RandomBytes(random, random.Next(maxLength + 1)))];

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A copy of <paramref name="hash"/> with one byte changed.</summary>
    public static byte[] Flip(byte[] hash, int position)
    {
        var copy = (byte[])hash.Clone();
        copy[position] ^= 0x5a;
        return copy;
    }

    public static IReadOnlyList<byte[]> Flip(IReadOnlyList<byte[]> proof, int hash, int position) =>
        [.. proof.Select((h, i) => i == hash ? Flip(h, position) : h)];

    /// <summary>Proofs as one string: xunit's structural comparison of nested collections is slow in tight loops.</summary>
    public static string Hexes(IEnumerable<byte[]> hashes) => string.Join(' ', hashes.Select(Convert.ToHexStringLower));

    public static byte[] Entry(int i) => System.Text.Encoding.UTF8.GetBytes($"access {i:D6} by analyst-{i % 7} to record R-{i % 13}");
}

/// <summary>A scratch directory deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "intelshare-audit-" + Guid.NewGuid().ToString("N"));

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
