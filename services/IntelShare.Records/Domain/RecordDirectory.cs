using IntelShare.Access.Client;
using IntelShare.Policy;

namespace IntelShare.Records.Domain;

/// <summary>Tells Access who holds a record, for access requests, without Access reading content.</summary>
public sealed class RecordDirectory(RecordStore store) : IRecordDirectory
{
    public Task<RecordHolder?> FindAsync(string recordId, ReadJustification justification, CancellationToken cancellationToken) =>
        Task.FromResult(store.GetHead(recordId) is { Withdrawn: false } head ? new RecordHolder(head.RecordId, head.Agency) : null);
}
