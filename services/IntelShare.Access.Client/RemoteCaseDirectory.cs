using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Access.Client;

/// <summary>
/// The cases a caller knows of, asked of an Access service in another process on the caller's own token: GetCase
/// answers a case only to its owner agency, its members and oversight.
/// </summary>
public sealed class RemoteCaseDirectory(AccessService.AccessServiceClient client, Func<string?> callerToken) : ICaseDirectory
{
    public async Task<string?> FindKnownAsync(Subject subject, string caseRef, CancellationToken cancellationToken)
    {
        try
        {
            var found = await client.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef }, ContractMapping.ForwardedCaller(callerToken()), cancellationToken: cancellationToken);
            return found.CaseRef;
        }
        catch (RpcException error) when (error.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied or StatusCode.InvalidArgument)
        {
            return null;
        }
    }
}
