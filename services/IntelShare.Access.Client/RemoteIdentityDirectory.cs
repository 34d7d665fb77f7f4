using Grpc.Net.Client;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IntelShare.Access.Client;

/// <summary>Identity's agencies and users, asked of the Identity service on the current caller's token.</summary>
public sealed class RemoteIdentityDirectory(IdentityService.IdentityServiceClient identity, Func<string?> callerToken) : IUserDirectory
{
    public async Task<IReadOnlyCollection<string>> AgencyCodesAsync(CancellationToken cancellationToken)
    {
        var reply = await identity.ListAgenciesAsync(new ListAgenciesRequest(), ContractMapping.ForwardedCaller(callerToken()), cancellationToken: cancellationToken);
        return reply.Agencies.Select(a => a.Code).ToList();
    }

    public async Task<IReadOnlyList<DirectoryEntry>> FindAsync(IReadOnlyCollection<string> userIds, IReadOnlyCollection<string> userNames, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0 && userNames.Count == 0)
        {
            return [];
        }

        var request = new FindUsersRequest { UserIds = { userIds }, UserNames = { userNames } };
        var reply = await identity.FindUsersAsync(request, ContractMapping.ForwardedCaller(callerToken()), cancellationToken: cancellationToken);
        return reply.Users.Select(u => new DirectoryEntry(u.UserId, u.UserName, u.DisplayName, u.Agency, u.Disabled)).ToList();
    }
}

public static class IdentityDirectoryExtensions
{
    /// <summary>
    /// The agencies taking part and the users of the directory: Identity's own where Identity runs in this process
    /// (registered by it already), else the Identity service at Identity:Authority.
    /// </summary>
    public static IHostApplicationBuilder AddIdentityDirectory(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(services =>
        {
            var address = configuration["Identity:Authority"] is { Length: > 0 } authority
                ? authority
                : throw new InvalidOperationException("This service checks the agencies and users a request names: set Identity:Authority to the Identity service's URL, or host Identity in this process.");
            var accessor = services.GetRequiredService<IHttpContextAccessor>();
            return new RemoteIdentityDirectory(
                new IdentityService.IdentityServiceClient(GrpcChannel.ForAddress(address)),
                () => accessor.HttpContext?.Request.Headers.Authorization.ToString());
        });
        builder.Services.TryAddSingleton<IUserDirectory>(services => services.GetRequiredService<RemoteIdentityDirectory>());
        builder.Services.TryAddSingleton<IAgencyDirectory>(services => new CachedAgencyDirectory(
            services.GetRequiredService<RemoteIdentityDirectory>().AgencyCodesAsync, services.GetService<TimeProvider>() ?? TimeProvider.System));
        return builder;
    }
}
