using System.Diagnostics;

namespace IntelShare.Benchmarks;

/// <summary>
/// CPU time of this process and of the host over one phase, which shows which side of the loopback is the bottleneck,
/// and of the kernel's memory monitor, which took the CPU from both.
/// </summary>
public sealed class CpuMeter
{
    private readonly int? _hostProcessId;
    private readonly TimeSpan _clientStart;
    private readonly TimeSpan? _hostStart;
    private readonly double? _kernelMonitorStart = KernelMonitorCpu.TotalMilliseconds();
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
        var kernelMonitor = KernelMonitorCpu.TotalMilliseconds() - _kernelMonitorStart;
        return new CpuUsage(wall.TotalSeconds, (ClientCpu() - _clientStart).TotalSeconds, host?.TotalSeconds)
        {
            // Less than at the start means a monitor was stopped or restarted meanwhile: its time is then unknown.
            KernelMonitorMilliseconds = kernelMonitor >= 0 ? kernelMonitor : null,
        };
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
    /// <summary>CPU time of the kernel's data access monitor over the phase (<see cref="KernelMonitorCpu"/>); null without one.</summary>
    public double? KernelMonitorMilliseconds { get; init; }

    /// <summary>Share of one core: 2.0 means two cores were busy for the whole phase.</summary>
    public double? HostCores => HostCpuSeconds / WallSeconds;

    public double ClientCores => ClientCpuSeconds / WallSeconds;
}
