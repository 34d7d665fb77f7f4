using IntelShare.Graph.Domain;
using IntelShare.Graph.Engine;
using IntelShare.Graph.Grpc;
using IntelShare.Projections;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IntelShare.Graph.Extensions;

public static class Extensions
{
    /// <summary>
    /// The offender network in {DataDirectory}/graph on the embedded engine, projected from the Records change log.
    /// Needs an <see cref="IChangeSource"/> (Records in-process) and an <see cref="Access.Client.IAccessSessionFactory"/>
    /// (Access in-process). Optional: Graph:MaxNodesVisited, Graph:QueryTimeout.
    /// </summary>
    public static IHostApplicationBuilder AddGraphServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton(new GraphOptions
        {
            MaxNodesVisited = configuration.GetValue("Graph:MaxNodesVisited", 200_000),
            QueryTimeout = configuration.GetValue("Graph:QueryTimeout", TimeSpan.FromSeconds(10)),
        });
        builder.Services.AddSingleton<IGraphStore>(_ =>
            EmbeddedGraphStore.OpenAsync(DataDirectory.Resolve(configuration, "graph")).GetAwaiter().GetResult());
        builder.Services.AddSingleton(_ => new GraphRecordIndex(Path.Combine(DataDirectory.Resolve(configuration, "graph"), "records.db")));
        builder.Services.AddSingleton<GraphProjection>();
        builder.Services.AddProjection<GraphProjection>();
        return builder;
    }

    public static WebApplication MapGraphEndpoints(this WebApplication app)
    {
        app.MapGrpcService<GraphGrpcService>();
        return app;
    }
}
