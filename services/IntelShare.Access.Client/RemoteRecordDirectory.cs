using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Access.Client;

/// <summary>
/// The holder of a record, asked of a Records service in another process on behalf of the caller whose token is
/// forwarded: a Get that the need-to-know check decides and the audit log records like any other read. A record the
/// caller may not even know exists (not discoverable) is reported as unknown, as Records reports it.
/// </summary>
public sealed class RemoteRecordDirectory(RecordsService.RecordsServiceClient client, Func<string?> callerToken) : IRecordDirectory
{
    // The asker's own token is forwarded, so the Records service decides for them.
    public async Task<RecordHolder?> FindAsync(Subject asker, string recordId, ReadJustification justification, CancellationToken cancellationToken)
    {
        var request = new GetRecordRequest { RecordId = recordId, Justification = justification.ToMessage() };
        try
        {
            var response = await client.GetAsync(request, ContractMapping.ForwardedCaller(callerToken()), cancellationToken: cancellationToken);
            var holder = response.Record?.Content?.Marking?.OriginatorAgency is { Length: > 0 } originator ? originator : response.Decision?.HolderAgency;
            return holder is { Length: > 0 } ? new RecordHolder(recordId, holder) : null;
        }
        catch (RpcException error) when (error.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            return null;
        }
    }
}
