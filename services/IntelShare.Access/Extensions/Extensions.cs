using Grpc.Net.Client;
using IntelShare.Access.Client;
using IntelShare.Access.Domain;
using IntelShare.Access.Grpc;
using IntelShare.Audit.Domain;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.ServiceDefaults;

namespace IntelShare.Access.Extensions;

public static class Extensions
{
    /// <summary>
    /// Cases, requests, grants and the audited need-to-know check. Needs an <see cref="IntelShare.Domain.IAuditTrail"/>
    /// (the Audit service, hosted beside Access). Access requests need to know who holds a record: from Records in the
    /// same process, or else from the Records service at Records:Address.
    /// </summary>
    public static IHostApplicationBuilder AddAccessServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new AccessOptions
        {
            MaxGrantDuration = builder.Configuration.GetValue("Access:MaxGrantDuration", TimeSpan.FromDays(90)),
        });
        builder.Services.AddSingleton(_ => new AccessStore(Path.Combine(DataDirectory.Resolve(builder.Configuration), "access.db")));
        builder.Services.AddSingleton(new NeedToKnowPolicy());
        builder.Services.AddSingleton<AuditedAccessChecker>();
        builder.Services.AddSingleton<IAccessChecker>(services => services.GetRequiredService<AuditedAccessChecker>());
        builder.Services.AddSingleton<IAccessSessionFactory>(services => services.GetRequiredService<AuditedAccessChecker>());
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICompromisedOperations, CompromisedCaseList>();
        builder.Services.AddSingleton(services => new AccessManager(
            services.GetRequiredService<AccessStore>(),
            services.GetService<IRecordDirectory>() ?? RemoteRecordDirectory(builder.Configuration, services),
            services.GetRequiredService<IAgencyDirectory>(),
            services.GetRequiredService<IUserDirectory>(),
            services.GetRequiredService<AccessOptions>(),
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ICaseDirectory, AccessCaseDirectory>();
        builder.AddIdentityDirectory();
        return builder;
    }

    private static RemoteRecordDirectory? RemoteRecordDirectory(IConfiguration configuration, IServiceProvider services)
    {
        if (configuration["Records:Address"] is not { Length: > 0 } address)
        {
            return null;
        }

        var accessor = services.GetRequiredService<IHttpContextAccessor>();
        var client = new RecordsService.RecordsServiceClient(GrpcChannel.ForAddress(address));
        return new RemoteRecordDirectory(client, () => accessor.HttpContext?.Request.Headers.Authorization.ToString());
    }

    public static WebApplication MapAccessEndpoints(this WebApplication app)
    {
        app.MapGrpcService<AccessGrpcService>();
        return app;
    }
}
