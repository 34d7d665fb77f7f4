using Grpc.Core;
using IntelShare.Contracts.V1;

namespace IntelShare.Benchmarks;

/// <summary>
/// Sequential Get calls of records picked at random from those just contributed: one caller's
/// latency, each call on an already open HTTP/2 connection, as an analyst's client would see it.
/// </summary>
public static class GetLatencyBenchmark
{
    /// <summary>
    /// The ids of this run's records. ContributeStream answers with counts only, so they are read
    /// back from the change log, which needs the admin or projection role.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ListRecordIdsAsync(
        RecordsService.RecordsServiceClient changeLog, string sourceRefPrefix, CancellationToken cancellation)
    {
        using var call = changeLog.ReadChanges(new ReadChangesRequest(), cancellationToken: cancellation);
        var ids = new List<string>();
        await foreach (var change in call.ResponseStream.ReadAllAsync(cancellation))
        {
            if (change.Kind == ChangeKind.RecordCreated && change.Record.Content.SourceRef.StartsWith(sourceRefPrefix, StringComparison.Ordinal))
            {
                ids.Add(change.RecordId);
            }
        }

        return ids;
    }

    /// <summary>Registers the case the reads are justified by: a read naming an unknown case is refused.</summary>
    public static async Task EnsureCaseAsync(AccessService.AccessServiceClient access, string caseRef, CancellationToken cancellation)
    {
        try
        {
            await access.CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Performance benchmark" }, cancellationToken: cancellation);
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.FailedPrecondition)
        {
            // It exists already (a --server that was benchmarked before).
        }
    }

    public static Task<LatencyResult> RunAsync(
        RecordsService.RecordsServiceClient records,
        IReadOnlyList<string> ids,
        string caseRef,
        int warmup,
        int calls,
        int seed,
        int? hostProcessId,
        CancellationToken cancellation) =>
        LatencyMeter.MeasureAsync(warmup, calls, hostProcessId, RandomGets(records, ids, caseRef, seed, cancellation));

    /// <summary>Untimed Gets, as a host that has served reads before has.</summary>
    public static async Task WarmUpAsync(
        RecordsService.RecordsServiceClient records, IReadOnlyList<string> ids, string caseRef, int calls, int seed, CancellationToken cancellation)
    {
        var get = RandomGets(records, ids, caseRef, seed, cancellation);
        for (var i = 0; i < calls; i++)
        {
            await get();
        }
    }

    /// <summary>Each call Gets a record picked at random from <paramref name="ids"/>.</summary>
    private static Func<Task> RandomGets(
        RecordsService.RecordsServiceClient records, IReadOnlyList<string> ids, string caseRef, int seed, CancellationToken cancellation)
    {
        if (ids.Count == 0)
        {
            throw new BenchmarkException("There are no records to read.");
        }

        var justification = new Justification { CaseRef = caseRef, Reason = "benchmark", Purpose = Purpose.IntelligenceAnalysis };
        var random = new Random(seed);
        return () => GetAsync(records, ids[random.Next(ids.Count)], justification, cancellation);
    }

    private static async Task GetAsync(RecordsService.RecordsServiceClient records, string id, Justification justification, CancellationToken cancellation)
    {
        var response = await records.GetAsync(new GetRecordRequest { RecordId = id, Justification = justification }, cancellationToken: cancellation);
        // A read the access policy did not permit comes back without the record: timing it would flatter the figures.
        if (response.Record?.RecordId != id)
        {
            throw new BenchmarkException($"Get of record '{id}' did not return it: {response}");
        }
    }
}
