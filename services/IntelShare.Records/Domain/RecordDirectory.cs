using IntelShare.Access.Client;

namespace IntelShare.Records.Domain;

/// <summary>Tells Access who holds a record, for access requests, without Access reading content.</summary>
public sealed class RecordDirectory(RecordStore store) : IRecordDirectory
{
    public RecordHolder? Find(string recordId) =>
        store.GetHead(recordId) is { Withdrawn: false } head ? new RecordHolder(head.RecordId, head.Agency) : null;
}
