using System.Diagnostics;

namespace IntelShare.Benchmarks;

/// <summary>CPU time of this process and of the host over one phase: shows which side of the loopback is the bottleneck.</summary>
public sealed class CpuMeter
{
    private readonly int? _hostProcessId;
    private readonly TimeSpan _clientStart;
    private readonly TimeSpan? _hostStart;
    private readonly long _wallStart = Stopwatch.GetTimestamp();

    private CpuMeter(int? hostProcessId)
    {
        _hostProcessId = hostProcessId;
        _clientStart = ClientCpu();
        _hostStart = HostCpu(hostProcessId);
    }

    public static CpuMeter Start(int? hostProcessId) => new(hostProcessId);

    public CpuUsage Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_wallStart);
        var host = HostCpu(_hostProcessId) - _hostStart;
        return new CpuUsage(wall.TotalSeconds, (ClientCpu() - _clientStart).TotalSeconds, host?.TotalSeconds);
    }

    private static TimeSpan ClientCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static TimeSpan? HostCpu(int? processId)
    {
        if (processId is not { } id)
        {
            return null;
        }

        using var host = Process.GetProcessById(id);
        return host.TotalProcessorTime;
    }
}

public sealed record CpuUsage(double WallSeconds, double ClientCpuSeconds, double? HostCpuSeconds)
{
    /// <summary>Share of one core: 2.0 means two cores were busy for the whole phase.</summary>
    public double? HostCores => HostCpuSeconds / WallSeconds;

    public double ClientCores => ClientCpuSeconds / WallSeconds;
}
