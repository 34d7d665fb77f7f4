using Grpc.Net.Client;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IntelShare.Access.Client;

public static class AccessClientExtensions
{
    /// <summary>
    /// Where Access (with Audit) runs in this process it has registered the in-process check, sessions and audit log
    /// already; otherwise each of them is the Access service at Access:Address, called on the current caller's own
    /// token, so that Access decides and audits for the person asking.
    /// </summary>
    public static IHostApplicationBuilder AddAccessClient(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(new NeedToKnowPolicy());
        builder.Services.TryAddSingleton(_ => new RemoteAccess(configuration["Access:Address"] is { Length: > 0 } address
            ? new AccessService.AccessServiceClient(GrpcChannel.ForAddress(address))
            : throw new InvalidOperationException("This service needs the Access service: set Access:Address to its URL, or host Access in this process.")));
        // Check and AuditQuery take this service's word for a marking or an event: it signs them on its own account too.
        builder.AddServiceCredentials();
        builder.Services.TryAddSingleton<IAccessChecker>(services =>
            new RemoteAccessChecker(services.GetRequiredService<RemoteAccess>().Client, CallerToken(services), services.GetRequiredService<ServiceCredentials>()));
        builder.Services.TryAddSingleton<IAccessSessionFactory>(services => new RemoteAccessSessionFactory(
            services.GetRequiredService<RemoteAccess>().Client, services.GetRequiredService<NeedToKnowPolicy>(), CallerToken(services),
            services.GetRequiredService<ServiceCredentials>()));
        builder.Services.TryAddSingleton<IAuditTrail>(services =>
            new RemoteAuditTrail(services.GetRequiredService<RemoteAccess>().Client, CallerToken(services), services.GetRequiredService<ServiceCredentials>()));
        builder.Services.TryAddSingleton<ICaseDirectory>(services =>
            new RemoteCaseDirectory(services.GetRequiredService<RemoteAccess>().Client, CallerToken(services)));
        builder.AddIdentityDirectory();
        return builder;
    }

    /// <summary>The bearer token of the request being served, forwarded as it came.</summary>
    private static Func<string?> CallerToken(IServiceProvider services)
    {
        var accessor = services.GetRequiredService<IHttpContextAccessor>();
        return () => accessor.HttpContext?.Request.Headers.Authorization.ToString();
    }

    /// <summary>One channel to Access shared by the check, the sessions and the audit trail.</summary>
    private sealed record RemoteAccess(AccessService.AccessServiceClient Client);
}
