using IntelShare.Access.Client;
using IntelShare.Access.Domain;
using IntelShare.Access.Grpc;
using IntelShare.Audit.Domain;
using IntelShare.Policy;
using IntelShare.ServiceDefaults;

namespace IntelShare.Access.Extensions;

public static class Extensions
{
    /// <summary>
    /// Cases, requests, grants and the audited need-to-know check. Needs an <see cref="IntelShare.Domain.IAuditTrail"/>
    /// (the Audit service, hosted beside Access) and uses an <see cref="IRecordDirectory"/> where Records runs in-process.
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
        builder.Services.AddSingleton<ICompromisedOperations, CompromisedCaseList>();
        builder.Services.AddSingleton(services => new AccessManager(
            services.GetRequiredService<AccessStore>(),
            services.GetService<IRecordDirectory>(),
            services.GetRequiredService<AccessOptions>(),
            services.GetRequiredService<TimeProvider>()));
        return builder;
    }

    public static WebApplication MapAccessEndpoints(this WebApplication app)
    {
        app.MapGrpcService<AccessGrpcService>();
        return app;
    }
}
