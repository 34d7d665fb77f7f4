using IntelShare.Access.Client;
using IntelShare.Projections;
using IntelShare.Resolution.Domain;
using IntelShare.Resolution.Grpc;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IntelShare.Resolution.Extensions;

public static class Extensions
{
    /// <summary>
    /// Entity resolution in {DataDirectory}/resolution, projected from the Records change log (and asking Records the
    /// markings of the records its records link to). Records, Access and Audit are those in this process, or else the
    /// services at Records:Address and Access:Address. Optional: Resolution:DefaultRegion,
    /// Resolution:IncrementalRetrainLimit, Resolution:MaxParallelism (cores a retrain may use; default all but one).
    /// </summary>
    public static IHostApplicationBuilder AddResolutionServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddRecordsChangeSource();
        builder.AddAccessClient();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new EntityResolver(
            new ResolutionStore(Path.Combine(DataDirectory.Resolve(configuration, "resolution"), "resolution.db")),
            new ResolverOptions
            {
                Engine = new Engine.ResolutionOptions
                {
                    DefaultRegion = configuration["Resolution:DefaultRegion"],
                    MaxDegreeOfParallelism = configuration.GetValue("Resolution:MaxParallelism", Math.Max(1, Environment.ProcessorCount - 1)),
                },
                IncrementalRetrainLimit = configuration.GetValue("Resolution:IncrementalRetrainLimit", new ResolverOptions().IncrementalRetrainLimit),
            },
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IntelShare.Domain.IEntityDirectory>(services => services.GetRequiredService<EntityResolver>());
        builder.Services.AddSingleton<IntelShare.Domain.IEntityMembershipFeed>(services => services.GetRequiredService<EntityResolver>());
        builder.Services.AddSingleton<LinkTargetMarkings>();
        builder.Services.AddSingleton<ResolutionProjection>();
        builder.Services.AddProjection<ResolutionProjection>();
        return builder;
    }

    public static WebApplication MapResolutionEndpoints(this WebApplication app)
    {
        app.MapGrpcService<ResolutionGrpcService>();
        return app;
    }
}
