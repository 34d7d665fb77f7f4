using System.Diagnostics;

namespace IntelShare.Benchmarks;

public sealed record LatencyResult(int Calls, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs, CpuUsage Cpu)
{
    /// <summary>
    /// The host's CPU time over the timed calls per call, so including the background work they cause
    /// (auditing, indexing): unlike latency, it does not grow when other processes take the CPU.
    /// </summary>
    public double? HostCpuMicrosecondsPerCall => Cpu.HostCpuSeconds * 1e6 / Calls;

    /// <summary>
    /// The measuring process's own collections over calls to another process: each pause lands in the latency of the
    /// call it interrupts, so a tail that matches them is the client's, not the server's.
    /// </summary>
    public GcUsage? ClientGc { get; init; }

    /// <summary>The figures of the latencies (ms) of one run; sorts them in place.</summary>
    public static LatencyResult Of(double[] latenciesMs, CpuUsage cpu)
    {
        Array.Sort(latenciesMs);
        return new LatencyResult(
            latenciesMs.Length,
            Statistics.Percentile(latenciesMs, 0.50),
            Statistics.Percentile(latenciesMs, 0.90),
            Statistics.Percentile(latenciesMs, 0.99),
            latenciesMs[^1],
            latenciesMs.Average(),
            cpu);
    }
}

/// <summary>The medians across runs, each taken per figure (so they need not come from one run).</summary>
public sealed record LatencyMedian(double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs, double? HostCpuMicrosecondsPerCall)
{
    public static LatencyMedian? Of(IEnumerable<LatencyResult?> runs)
    {
        var measured = runs.OfType<LatencyResult>().ToArray();
        return measured.Length == 0
            ? null
            : new LatencyMedian(
                Statistics.Median(measured.Select(r => r.P50Ms)),
                Statistics.Median(measured.Select(r => r.P90Ms)),
                Statistics.Median(measured.Select(r => r.P99Ms)),
                Statistics.Median(measured.Select(r => r.MaxMs)),
                Statistics.Median(measured.Select(r => r.MeanMs)),
                Statistics.Median(measured.Select(r => r.HostCpuMicrosecondsPerCall)));
    }
}

/// <summary>
/// One caller's latency: calls made one after another, each timed alone, after untimed warm-up calls that
/// let the JIT, connection pools and caches settle.
/// </summary>
public static class LatencyMeter
{
    public static async Task<LatencyResult> MeasureAsync(int warmup, int calls, int? hostProcessId, Func<Task> call)
    {
        for (var i = 0; i < warmup; i++)
        {
            await call();
        }

        var latencies = new double[calls];
        var cpu = CpuMeter.Start(hostProcessId);
        var gc = GcMeter.Start();
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return LatencyResult.Of(latencies, cpu.Stop()) with { ClientGc = gc.Stop() };
    }

    /// <summary>In-process calls: the CPU time reported is this process's (there is no separate host).</summary>
    public static LatencyResult Measure(int warmup, int calls, Action call)
    {
        for (var i = 0; i < warmup; i++)
        {
            call();
        }

        var latencies = new double[calls];
        var cpu = CpuMeter.Start(Environment.ProcessId);
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call();
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return LatencyResult.Of(latencies, cpu.Stop());
    }
}
