using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;

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

    /// <summary>Every timed call in the order made, when the caller kept them (<see cref="LatencyMeter.MeasureAsync"/>).</summary>
    [JsonIgnore]
    public IReadOnlyList<TimedCall> InOrder { get; init; } = [];

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

/// <summary>One timed call: when it started, in ms after the first timed call of its round, and how long it took.</summary>
public readonly record struct TimedCall(double StartMs, double LatencyMs);

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
        var inOrder = new TimedCall[calls];
        var cpu = CpuMeter.Start(hostProcessId);
        var gc = GcMeter.Start();
        var first = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            inOrder[i] = new TimedCall(Stopwatch.GetElapsedTime(first, start).TotalMilliseconds, latencies[i]);
        }

        return LatencyResult.Of(latencies, cpu.Stop()) with { ClientGc = gc.Stop(), InOrder = inOrder };
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

/// <summary>
/// Every timed call of a benchmark as CSV, one row per call in the order made: a tail that the percentiles only
/// summarise shows here whether its slow calls come alone or together, and when, to set beside the host's own records.
/// </summary>
public sealed class LatencyTrace(string path)
{
    public void Start() => File.WriteAllText(path, "run,round,call,start_ms,latency_ms\n");

    public void Append(int run, string round, LatencyResult? result)
    {
        if (result is null)
        {
            return;
        }

        File.AppendAllLines(path, result.InOrder.Select((call, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{run},{round},{i + 1},{call.StartMs:0.000},{call.LatencyMs:0.000}")));
    }
}
