using IntelShare.Access.Client;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Records.Domain;

/// <summary>
/// Tells Access who holds a record, for access requests, without Access reading content. The asker learns it only as
/// a Get would tell them: a record they may not know exists (not discoverable, withdrawn, or refused to them by purpose)
/// is unknown, as it is to <see cref="RemoteRecordDirectory"/> over gRPC.
/// </summary>
public sealed class RecordDirectory(RecordStore store, IAccessChecker access) : IRecordDirectory
{
    public async Task<RecordHolder?> FindAsync(Subject asker, string recordId, ReadJustification justification, CancellationToken cancellationToken)
    {
        if (store.GetVersion(recordId, 0) is not { Withdrawn: false } record)
        {
            return null;
        }

        var query = new AccessQuery(asker, justification, "read", "", "records");
        var decision = (await access.CheckAsync(query, [record.ToResourceMarking()], cancellationToken))[0];
        return decision.Effect == AccessEffect.Deny ? null : new RecordHolder(record.RecordId, record.Content.Marking.OriginatorAgency);
    }
}
