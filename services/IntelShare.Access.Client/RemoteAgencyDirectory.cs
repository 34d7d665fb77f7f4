using Grpc.Net.Client;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IntelShare.Access.Client;

public static class AgencyDirectoryExtensions
{
    /// <summary>
    /// The agencies taking part: Identity's own directory where Identity runs in this process (registered by it
    /// already), else Identity's ListAgencies at Identity:Authority, asked on the current caller's token.
    /// </summary>
    public static IHostApplicationBuilder AddAgencyDirectory(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton<IAgencyDirectory>(services =>
        {
            var address = configuration["Identity:Authority"] is { Length: > 0 } authority
                ? authority
                : throw new InvalidOperationException("This service checks the agencies a request names: set Identity:Authority to the Identity service's URL, or host Identity in this process.");
            var identity = new IdentityService.IdentityServiceClient(GrpcChannel.ForAddress(address));
            var accessor = services.GetRequiredService<IHttpContextAccessor>();
            return new CachedAgencyDirectory(
                async cancellationToken =>
                {
                    var caller = ContractMapping.ForwardedCaller(accessor.HttpContext?.Request.Headers.Authorization.ToString());
                    var reply = await identity.ListAgenciesAsync(new ListAgenciesRequest(), caller, cancellationToken: cancellationToken);
                    return reply.Agencies.Select(a => a.Code).ToList();
                },
                services.GetService<TimeProvider>() ?? TimeProvider.System);
        });
        return builder;
    }
}
