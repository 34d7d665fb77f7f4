using System.Diagnostics;
using IntelShare.Contracts.V1;

namespace IntelShare.Benchmarks;

/// <summary>One ContributeStream call: its records count only once its response is back, i.e. committed with fsync.</summary>
public sealed record StreamCallResult(int Records, long Accepted, double Seconds)
{
    public double RecordsPerSecond => Accepted / Seconds;
}

public sealed record IntakeResult(int Records, long Accepted, double Seconds, IReadOnlyList<StreamCallResult> Calls)
{
    /// <summary>Acknowledged records over the wall time from the first call's start to the last response.</summary>
    public double RecordsPerSecond => Accepted / Seconds;
}

/// <summary>
/// Bulk intake as the CLI sends it: the records cut into stream calls of a batch size, with a
/// number of calls in flight at once.
/// </summary>
public static class IntakeBenchmark
{
    public static async Task<IntakeResult> RunAsync(
        RecordsService.RecordsServiceClient records,
        IReadOnlyList<ContributeRequest> requests,
        int batchSize,
        int parallel,
        CancellationToken cancellation)
    {
        var batches = requests.Chunk(batchSize).ToArray();
        var calls = new StreamCallResult[batches.Length];
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, batches.Length)).Select(_ => Task.Run(async () =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < batches.Length)
            {
                calls[batch] = await SendAsync(records, batches[batch], cancellation);
            }
        }, cancellation)));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new IntakeResult(requests.Count, calls.Sum(c => c.Accepted), seconds, calls);
    }

    private static async Task<StreamCallResult> SendAsync(RecordsService.RecordsServiceClient records, ContributeRequest[] batch, CancellationToken cancellation)
    {
        var start = Stopwatch.GetTimestamp();
        using var call = records.ContributeStream(cancellationToken: cancellation);
        foreach (var request in batch)
        {
            await call.RequestStream.WriteAsync(request, cancellation);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Anything but all-new records would measure a different path (rejection or the duplicate check's shortcut).
        if (response.Rejected > 0)
        {
            var first = response.Rejections[0];
            throw new BenchmarkException(
                $"The server rejected {response.Rejected} of {batch.Length} generated records; the first, '{first.SourceRef}': " +
                string.Join("; ", first.Problems.Select(p => $"{p.Field} {p.Description}")));
        }

        if (response.Accepted != batch.Length || response.NewVersions > 0)
        {
            throw new BenchmarkException(
                $"Expected {batch.Length} new records, but {response.Accepted} were accepted ({response.NewVersions} as new versions) and {response.Duplicates} were duplicates.");
        }

        return new StreamCallResult(batch.Length, response.Accepted, seconds);
    }
}
