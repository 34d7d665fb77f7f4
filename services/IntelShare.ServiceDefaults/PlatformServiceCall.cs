using Grpc.Core;
using IntelShare.Domain;
using Microsoft.AspNetCore.Authentication;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// A call one platform service makes to another on a user's behalf: the user's token as the call's authorization, so
/// that the callee decides and audits as that user, and the calling service's own token beside it. Calls that take the
/// caller's word for facts a user must not state (the marking of a resource to decide on, the audit events to append)
/// require both, so that a user cannot make them directly and write into the audit log what never happened.
/// </summary>
public static class PlatformServiceCall
{
    /// <summary>The calling service's own bearer token (client credentials, platform services role).</summary>
    public const string Header = "x-intelshare-service";

    public const string Scheme = "PlatformService";

    /// <summary>Headers for a call on behalf of the user whose authorization header is forwarded.</summary>
    public static async Task<Metadata> OnBehalfOfAsync(string? callerAuthorization, ServiceCredentials service, CancellationToken cancellationToken)
    {
        var headers = new Metadata();
        if (callerAuthorization is { Length: > 0 })
        {
            headers.Add("authorization", callerAuthorization);
        }

        headers.Add(Header, await service.TokenAsync(cancellationToken));
        return headers;
    }

    /// <summary>Refuses the call unless a platform service, signed in on its own account, makes it.</summary>
    public static async Task RequirePlatformServiceAsync(this ServerCallContext context, string what)
    {
        var result = await context.GetHttpContext().AuthenticateAsync(Scheme);
        if (result.Succeeded && result.Principal.ToSubject().HasRole(Roles.Projection))
        {
            return;
        }

        throw new PermissionDeniedException(
            $"{what} is made only by IntelShare's own services on a user's behalf, with their own credentials as well ({Header}).");
    }
}
