using Grpc.Net.Client;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.Projections;

public static class ProjectionExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TProjection"/> (registered by the caller as a singleton) against the change log,
    /// in the background, listed by the Projections service. Needs an <see cref="IChangeSource"/>.
    /// </summary>
    public static IServiceCollection AddProjection<TProjection>(this IServiceCollection services, ProjectionOptions? options = null)
        where TProjection : class, IProjection
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProjectionRegistry>();
        services.AddSingleton(provider => new ProjectionRunner(
            provider.GetRequiredService<TProjection>(),
            provider.GetRequiredService<IChangeSource>(),
            options ?? new ProjectionOptions(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ProjectionRunner>>(),
            provider.GetService<ForegroundActivity>()));
        services.AddSingleton<IHostedService>(provider =>
        {
            var projection = provider.GetRequiredService<TProjection>();
            return provider.GetRequiredService<ProjectionRegistry>().Find(projection.Name)
                ?? throw new InvalidOperationException($"Projection {projection.Name} is not registered.");
        });
        return services;
    }

    /// <summary>
    /// Where Records runs in this process it has registered its change log and markings already; otherwise both are
    /// read from the Records service at Records:Address, on this service's own account (<see cref="ServiceCredentials"/>).
    /// </summary>
    public static IHostApplicationBuilder AddRecordsChangeSource(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddServiceCredentials();
        builder.Services.TryAddSingleton(services =>
        {
            var address = configuration["Records:Address"] is { Length: > 0 } configured
                ? configured
                : throw new InvalidOperationException("This service projects the Records change log: set Records:Address to the Records service's URL, or host Records in this process.");
            return new RemoteChangeSource(new RecordsService.RecordsServiceClient(GrpcChannel.ForAddress(address)), services.GetRequiredService<ServiceCredentials>());
        });
        builder.Services.TryAddSingleton<IChangeSource>(services => services.GetRequiredService<RemoteChangeSource>());
        builder.Services.TryAddSingleton<IRecordMarkings>(services => services.GetRequiredService<RemoteChangeSource>());
        return builder;
    }

    /// <summary>
    /// Where Resolution is a service of its own at Resolution:Address, a replica of its record-to-entity map
    /// (<see cref="ReplicatedEntityDirectory"/>) serves this service as its <see cref="IEntityDirectory"/> and
    /// membership feed. Without that setting nothing is added: Resolution in this process registers its own.
    /// </summary>
    public static IHostApplicationBuilder AddResolutionReplica(this IHostApplicationBuilder builder)
    {
        // Search and Graph hosted together share one replica, started once.
        if (builder.Configuration["Resolution:Address"] is not { Length: > 0 } address
            || builder.Services.Any(d => d.ServiceType == typeof(ReplicatedEntityDirectory)))
        {
            return builder;
        }

        builder.Services.AddSingleton(services => new ReplicatedEntityDirectory(
            new ResolutionService.ResolutionServiceClient(GrpcChannel.ForAddress(address)),
            services.GetRequiredService<ServiceCredentials>(),
            services.GetRequiredService<ILogger<ReplicatedEntityDirectory>>()));
        builder.Services.TryAddSingleton<IEntityDirectory>(services => services.GetRequiredService<ReplicatedEntityDirectory>());
        builder.Services.TryAddSingleton<IEntityMembershipFeed>(services => services.GetRequiredService<ReplicatedEntityDirectory>());
        builder.Services.AddHostedService(services => services.GetRequiredService<ReplicatedEntityDirectory>());
        return builder;
    }

    /// <summary>The Projections service: mapped once per process, however many projections it hosts.</summary>
    public static WebApplication MapProjectionEndpoints(this WebApplication app)
    {
        app.MapGrpcService<ProjectionsGrpcService>();
        return app;
    }
}
