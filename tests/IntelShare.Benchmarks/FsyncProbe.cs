namespace IntelShare.Benchmarks;

/// <summary>
/// The latency of one small append and fsync on the disk the data goes to. Every audited call waits for one
/// (shared with its concurrent neighbours by group commit), so this is the floor under its latency, and
/// the figure that explains a slow p99 on a shared disk.
/// </summary>
public static class FsyncProbe
{
    /// <summary>About the size of one audit entry.</summary>
    public const int AppendBytes = 300;

    public static LatencyResult Measure(string? dataRoot, int appends = 500)
    {
        var directory = ScratchDirectory.Create(dataRoot);
        try
        {
            using var file = File.OpenHandle(Path.Combine(directory.FullName, "fsync-probe"), FileMode.CreateNew, FileAccess.Write);
            var bytes = new byte[AppendBytes];
            Random.Shared.NextBytes(bytes);
            long offset = 0;
            return LatencyMeter.Measure(warmup: 20, appends, () =>
            {
                RandomAccess.Write(file, bytes, offset);
                RandomAccess.FlushToDisk(file);
                offset += bytes.Length;
            });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
