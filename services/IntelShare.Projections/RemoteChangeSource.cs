using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.ServiceDefaults;

namespace IntelShare.Projections;

/// <summary>
/// The Records change log over gRPC, for a read-model service deployed on its own: pages from ReadChanges, a
/// following ReadChanges stream to wait for the next change, GetChangeHead for the lag, and ReadMarkings for records
/// the read model does not hold. Every call is made on the service's own account (the projection role), as the log
/// holds every agency's records.
/// </summary>
public sealed class RemoteChangeSource(RecordsService.RecordsServiceClient records, ServiceCredentials credentials) : IChangeSource, IRecordMarkings
{
    public async Task<IReadOnlyList<ChangeEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        using var call = records.ReadChanges(
            new ReadChangesRequest { AfterSequence = afterSequence, Limit = limit },
            await credentials.HeadersAsync(cancellationToken),
            cancellationToken: cancellationToken);
        var changes = new List<ChangeEvent>(limit);
        await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            changes.Add(change);
        }

        return changes;
    }

    public async Task WaitAsync(long afterSequence, CancellationToken cancellationToken)
    {
        // A following stream answers as soon as a change after the sequence is committed; the change itself is read
        // again by ReadAsync, in a page with whatever followed it.
        using var call = records.ReadChanges(
            new ReadChangesRequest { AfterSequence = afterSequence, Limit = 1, Follow = true },
            await credentials.HeadersAsync(cancellationToken),
            cancellationToken: cancellationToken);
        await call.ResponseStream.MoveNext(cancellationToken);
    }

    public async Task<long> GetHeadAsync(CancellationToken cancellationToken) =>
        (await records.GetChangeHeadAsync(new GetChangeHeadRequest(), await credentials.HeadersAsync(cancellationToken), cancellationToken: cancellationToken)).Sequence;

    public async Task<IReadOnlyList<RecordMarking>> ReadMarkingsAsync(IReadOnlyCollection<string> recordIds, CancellationToken cancellationToken)
    {
        var markings = new List<RecordMarking>(recordIds.Count);
        foreach (var chunk in recordIds.Chunk(IRecordMarkings.MaxPerCall))
        {
            var request = new ReadMarkingsRequest { RecordIds = { chunk } };
            var response = await records.ReadMarkingsAsync(request, await credentials.HeadersAsync(cancellationToken), cancellationToken: cancellationToken);
            markings.AddRange(response.Markings);
        }

        return markings;
    }
}
