using IntelShare.Access.Client;
using IntelShare.Graph.Domain;
using IntelShare.Graph.Engine;
using IntelShare.Graph.Engine.Neo4j;
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
    /// Records and Access are those in this process, or else the services at Records:Address and Access:Address.
    /// Optional: Graph:MaxNodesVisited, Graph:QueryTimeout.
    /// </summary>
    public static IHostApplicationBuilder AddGraphServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddRecordsChangeSource();
        builder.AddAccessClient();
        builder.AddResolutionReplica();
        builder.Services.AddSingleton(new GraphOptions
        {
            MaxNodesVisited = configuration.GetValue("Graph:MaxNodesVisited", 200_000),
            QueryTimeout = configuration.GetValue("Graph:QueryTimeout", TimeSpan.FromSeconds(10)),
        });
        builder.Services.AddSingleton<IGraphStore>(_ => OpenStore(configuration));
        builder.Services.AddSingleton(_ => new GraphRecordIndex(Path.Combine(DataDirectory.Resolve(configuration, "graph"), "records.db")));
        builder.Services.AddSingleton<GraphWriteGate>();
        builder.Services.AddSingleton<GraphProjection>();
        builder.Services.AddProjection<GraphProjection>();

        // Same_as edges follow Resolution's entities where Resolution runs in this process.
        builder.Services.AddHostedService<EntityMembershipFollower>();
        return builder;
    }

    /// <summary>
    /// The embedded engine by default; Neo4j (over its HTTP Query API) when Graph:Store is "neo4j", with Neo4j:Uri,
    /// Neo4j:Database, Neo4j:User and Neo4j:Password. Either way the projection and the queries are the same.
    /// </summary>
    private static IGraphStore OpenStore(IConfiguration configuration)
    {
        var store = configuration["Graph:Store"] ?? "embedded";
        if (string.Equals(store, "neo4j", StringComparison.OrdinalIgnoreCase))
        {
            var uri = configuration["Neo4j:Uri"] is { Length: > 0 } configured
                ? new Uri(configured)
                : throw new InvalidOperationException("Graph:Store is neo4j but Neo4j:Uri is not set: give the server's HTTP address, e.g. http://localhost:7474.");
            return Neo4jGraphStore.OpenAsync(new Neo4jOptions
            {
                Uri = uri,
                Database = configuration["Neo4j:Database"] ?? "neo4j",
                User = configuration["Neo4j:User"],
                Password = configuration["Neo4j:Password"],
            }).GetAwaiter().GetResult();
        }

        if (!string.Equals(store, "embedded", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Graph:Store is '{store}': use embedded (the default) or neo4j.");
        }

        return EmbeddedGraphStore.OpenAsync(DataDirectory.Resolve(configuration, "graph")).GetAwaiter().GetResult();
    }

    public static WebApplication MapGraphEndpoints(this WebApplication app)
    {
        app.MapGrpcService<GraphGrpcService>();
        return app;
    }
}
