using System.Globalization;

namespace IntelShare.Benchmarks;

/// <summary>
/// Resident memory of a process as the kernel counts it: what a container's memory limit or the
/// OOM killer sees, which the runtime's own GC figures leave out (native SQLite pages, stacks, code).
/// </summary>
public sealed record HostMemory(double RssMiB, double PeakRssMiB)
{
    public static HostMemory Read(int processId)
    {
        long? rss = null;
        long? peak = null;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        if (rss is null || peak is null)
        {
            throw new BenchmarkException($"/proc/{processId}/status has no VmRSS or VmHWM line: is the process alive, and is this Linux?");
        }

        return new HostMemory(rss.Value / 1024.0, peak.Value / 1024.0);
    }

    /// <summary>A line such as "VmRSS:\t  123456 kB".</summary>
    private static long Kilobytes(string line)
    {
        var value = line[(line.IndexOf(':') + 1)..].Trim();
        return long.Parse(value[..value.IndexOf(' ')], CultureInfo.InvariantCulture);
    }
}
