using IntelShare.Graph.Engine;
using IntelShare.Graph.Engine.Neo4j;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>
/// The store contract against a real Neo4j server, given by NEO4J_URI (with NEO4J_USER, NEO4J_PASSWORD and
/// NEO4J_DATABASE, default "neo4j"); skipped when it is not set. Each test keeps its graph under its own label, so
/// tests never see each other's data and the database's other contents are left alone.
/// </summary>
[RequiresEnvironment("NEO4J_URI")]
public sealed class Neo4jGraphStoreContractTests : GraphStoreContract
{
    private readonly Neo4jOptions options = new()
    {
        Uri = new Uri(Environment.GetEnvironmentVariable("NEO4J_URI") ?? "http://localhost:7474"),
        Database = Environment.GetEnvironmentVariable("NEO4J_DATABASE") is { Length: > 0 } database ? database : "neo4j",
        User = Environment.GetEnvironmentVariable("NEO4J_USER"),
        Password = Environment.GetEnvironmentVariable("NEO4J_PASSWORD"),
        Label = "Test" + Guid.NewGuid().ToString("N"),

        // Small batches, so a test batch spans several UNWIND statements of the one transaction.
        BatchSize = 2,
    };

    protected override async Task<IGraphStore> CreateStoreAsync() => await Neo4jGraphStore.OpenAsync(options);

    protected override Task<IGraphStore> OpenAgainAsync() => CreateStoreAsync();

    protected override async Task CleanUpAsync()
    {
        await using var store = await Neo4jGraphStore.OpenAsync(options);
        await store.DeleteGraphAsync();
    }
}
