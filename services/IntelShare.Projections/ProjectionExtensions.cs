using Microsoft.AspNetCore.Builder;
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
            provider.GetRequiredService<ILogger<ProjectionRunner>>()));
        services.AddSingleton<IHostedService>(provider =>
        {
            var projection = provider.GetRequiredService<TProjection>();
            return provider.GetRequiredService<ProjectionRegistry>().Find(projection.Name)
                ?? throw new InvalidOperationException($"Projection {projection.Name} is not registered.");
        });
        return services;
    }

    /// <summary>The Projections service: mapped once per process, however many projections it hosts.</summary>
    public static WebApplication MapProjectionEndpoints(this WebApplication app)
    {
        app.MapGrpcService<ProjectionsGrpcService>();
        return app;
    }
}
