using System.Security.Claims;
using Grpc.Core;
using IntelShare.Domain;

namespace IntelShare.ServiceDefaults;

public static class SubjectExtensions
{
    public static Subject ToSubject(this ClaimsPrincipal principal)
    {
        var agency = principal.FindFirstValue(Claims.Agency);
        var userId = principal.FindFirstValue(Claims.Subject);
        if (string.IsNullOrEmpty(agency) || string.IsNullOrEmpty(userId))
        {
            // A valid signature without these claims is a token this platform did not mean for services.
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The access token carries no subject or agency."));
        }

        return new Subject(
            userId,
            principal.FindFirstValue(Claims.Name) ?? userId,
            agency,
            principal.FindAll(Claims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            ClearanceLevels.Parse(principal.FindFirstValue(Claims.Clearance)),
            principal.FindAll(Claims.Caveat).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The authenticated caller of an RPC.</summary>
    public static Subject GetSubject(this ServerCallContext context) => context.GetHttpContext().User.ToSubject();
}
