using IntelShare.Audit.Domain;
using IntelShare.Audit.Grpc;
using IntelShare.Audit.Log.Storage;
using IntelShare.Domain;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.Audit.Extensions;

public static class Extensions
{
    /// <summary>
    /// The audit log in {DataDirectory}/audit (entries, signed heads, index.db and, unless Audit:KeyPath says
    /// otherwise, signing-key.pem), as the platform's <see cref="IAuditTrail"/>, with oversight queries and anomaly
    /// detection. Optional: Audit:MinHeadInterval, Audit:IndexWaitTimeout, Audit:Anomalies:* (see
    /// <see cref="AnomalyOptions"/>), and an <see cref="ICompromisedOperations"/> registered by whoever owns cases.
    /// The agency and user directories (Identity's, in process or remote) are registered by whoever hosts the log.
    /// </summary>
    public static IHostApplicationBuilder AddAuditServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Resolved when first needed, so a test host can still change the configuration after this call.
        builder.Services.AddSingleton(services => AuditLog.Open(new AuditLogOptions
        {
            Directory = DataDirectory.Resolve(configuration, "audit"),
            KeyPath = configuration["Audit:KeyPath"],
            Log = new MerkleLogOptions { TimeProvider = services.GetRequiredService<TimeProvider>() },
            MinHeadInterval = configuration.GetValue("Audit:MinHeadInterval", TimeSpan.Zero),
            IndexWaitTimeout = configuration.GetValue("Audit:IndexWaitTimeout", TimeSpan.FromSeconds(30)),
        }));
        builder.Services.AddSingleton<IAuditTrail>(services => services.GetRequiredService<AuditLog>());
        builder.Services.AddSingleton(_ => new AnomalyDetector(configuration.GetSection("Audit:Anomalies").Get<AnomalyOptions>() ?? new AnomalyOptions()));
        builder.Services.AddSingleton(services => new OversightQueries(
            services.GetRequiredService<AuditLog>(),
            services.GetRequiredService<AnomalyDetector>(),
            services.GetService<ICompromisedOperations>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IAgencyDirectory>(),
            services.GetRequiredService<IUserDirectory>()));
        builder.Services.AddHostedService<AuditLogStartup>();
        return builder;
    }

    public static WebApplication MapAuditEndpoints(this WebApplication app)
    {
        app.MapGrpcService<AuditLogGrpcService>();
        app.MapGrpcService<OversightGrpcService>();
        return app;
    }
}

/// <summary>
/// Opens the log before the service takes requests: a log that cannot be opened stops the service rather than
/// failing every audited read, and what crash recovery repaired is logged.
/// </summary>
internal sealed class AuditLogStartup(IServiceProvider services, ILogger<AuditLogStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var log = services.GetRequiredService<AuditLog>();
        if (log.Recovery.Repaired)
        {
            logger.LogWarning("Audit log in {Directory} was repaired on opening: {Recovery}", log.Log.Directory, log.Recovery.Description);
        }

        logger.LogInformation("Audit log open with {Count} entries, key {KeyId}", log.Count, log.KeyId);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
