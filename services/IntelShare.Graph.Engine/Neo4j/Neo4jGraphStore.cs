namespace IntelShare.Graph.Engine.Neo4j;

/// <summary>
/// The graph kept in Neo4j, spoken to over its HTTP Query API. A batch and its checkpoint commit in one explicit
/// transaction. Queries never run the need-to-know policy in Cypher (it is a .NET callback): each fetches what it
/// needs hop by hop, asking the policy before expanding further, and the embedded engine's algorithms answer over
/// what was fetched, so both stores give the same answers.
/// </summary>
public sealed class Neo4jGraphStore : IGraphStore
{
    private readonly Neo4jOptions options;
    private readonly Neo4jHttpClient client;
    private readonly Neo4jStatements cypher;
    private readonly Neo4jBatchWriter writer;

    private Neo4jGraphStore(Neo4jOptions options, Neo4jHttpClient client)
    {
        this.options = options;
        this.client = client;
        cypher = new Neo4jStatements(options.Label);
        writer = new Neo4jBatchWriter(cypher, options.BatchSize);
    }

    /// <summary>True when the server has no Query API and the older transactional endpoint is used.</summary>
    public bool UsesLegacyApi => client.Legacy;

    /// <summary>Connects and creates the schema if need be: a unique node id, an index on kind and the checkpoint node.</summary>
    /// <param name="handler">Sends the HTTP requests (a proxy, client certificates, a test's fake server); not disposed by the store.</param>
    public static async Task<Neo4jGraphStore> OpenAsync(Neo4jOptions options, HttpMessageHandler? handler = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = new Neo4jGraphStore(options, new Neo4jHttpClient(options, handler));
        try
        {
            await store.client.ConnectAsync(cancellation);

            // Schema changes cannot share a transaction with writes, so each goes on its own.
            foreach (var statement in store.cypher.Schema)
            {
                await store.client.RunAsync(statement, null, cancellation);
            }

            return store;
        }
        catch
        {
            store.client.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Deletes this graph's nodes, links, checkpoint and schema, as when a projection is rebuilt from scratch.</summary>
    public async Task DeleteGraphAsync(CancellationToken cancellation = default)
    {
        foreach (var statement in cypher.Drop)
        {
            await client.RunAsync(statement, null, cancellation);
        }
    }

    public async Task ApplyAsync(GraphBatch batch, long checkpoint, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellation.ThrowIfCancellationRequested();
        await using var tx = client.Begin();
        await writer.WriteAsync(tx, batch, checkpoint, cancellation);
        await tx.CommitAsync(cancellation);
    }

    public async Task<long> GetCheckpointAsync(CancellationToken cancellation = default)
    {
        var result = await client.RunAsync(cypher.ReadCheckpoint, null, cancellation);
        return result.Rows is [[{ ValueKind: System.Text.Json.JsonValueKind.Number } value]] ? value.GetInt64() : 0;
    }

    public async Task<GraphNode?> GetNodeAsync(string id, CancellationToken cancellation = default)
    {
        var result = await client.RunAsync(cypher.Nodes, new Dictionary<string, object?> { ["ids"] = new[] { id } }, cancellation);
        return result.Rows is [var row, ..] ? Neo4jMapping.Node(row[0]) : null;
    }

    public Task<Subgraph> NeighbourhoodAsync(NeighbourhoodQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.NeighbourhoodAsync(query, budget),
            (engine, v) => engine.NeighbourhoodAsync(query, v, budget, cancellation),
            r => r with { Truncated = true });

    public Task<PathResult> ShortestPathAsync(PathQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.PathAsync(query.From, query.To, query.MaxHops, query.NodeKinds, query.EdgeKinds, query.Window, budget),
            (engine, v) => engine.ShortestPathAsync(query, v, budget, cancellation),
            r => r with { Graph = r.Graph with { Truncated = true } });

    public Task<PathResult> AllShortestPathsAsync(PathQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.PathAsync(query.From, query.To, query.MaxHops, query.NodeKinds, query.EdgeKinds, query.Window, budget),
            (engine, v) => engine.AllShortestPathsAsync(query, v, budget, cancellation),
            r => r with { Graph = r.Graph with { Truncated = true } });

    public Task<ConnectResult> ConnectTheDotsAsync(ConnectQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            async s =>
            {
                var ids = query.Ids.Distinct(StringComparer.Ordinal).Take(GraphLimits.MaxConnectIds).ToArray();
                for (var i = 0; i < ids.Length; i++)
                {
                    for (var j = i + 1; j < ids.Length; j++)
                    {
                        await s.PathAsync(ids[i], ids[j], query.MaxHops, query.NodeKinds, query.EdgeKinds, query.Window, budget);
                    }
                }
            },
            (engine, v) => engine.ConnectTheDotsAsync(query, v, budget, cancellation),
            r => r with { Graph = r.Graph with { Truncated = true } });

    public Task<CommonAssociatesResult> CommonAssociatesAsync(CommonAssociatesQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.AroundAsync([query.First, query.Second], query.EdgeKinds),
            (engine, v) => engine.CommonAssociatesAsync(query, v, budget, cancellation),
            r => r with { Truncated = true });

    public Task<CentralityResult> CentralityAsync(CentralityQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.InducedAsync(query.NodeIds),
            (engine, v) => engine.CentralityAsync(query, v, budget, cancellation),
            r => r with { Truncated = true });

    public Task<CommunityResult> CommunitiesAsync(CommunityQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.InducedAsync(query.NodeIds),
            (engine, v) => engine.CommunitiesAsync(query, v, budget, cancellation),
            r => r with { Truncated = true });

    public Task<LinkedCasesResult> LinkedCasesAsync(LinkedCasesQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.CasesAsync(query.CaseIds),
            (engine, v) => engine.LinkedCasesAsync(query, v, budget, cancellation),
            r => r with { Truncated = true });

    public Task<TimelineResult> TimelineAsync(TimelineQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        QueryAsync(visibility, budget, cancellation,
            s => s.AroundAsync([query.EntityId]),
            (engine, v) => engine.TimelineAsync(query, v, budget, cancellation),
            r => r with { Truncated = true });

    /// <summary>
    /// Fetches, then lets the engine validate and answer. The fetch is bounded by the engine's limits even for a query
    /// the engine will reject, so validation can stay in one place. Running out of time or being cancelled while
    /// fetching ends the query with what was fetched and Truncated set, as the engine does while walking.
    /// </summary>
    private async Task<T> QueryAsync<T>(IGraphVisibility visibility, QueryBudget? budget, CancellationToken cancellation,
        Func<Neo4jSnapshot, Task> fetch, Func<EmbeddedGraphStore, IGraphVisibility, Task<T>> answer, Func<T, T> truncate)
    {
        ArgumentNullException.ThrowIfNull(visibility);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (budget?.Timeout is { } timeout && timeout > TimeSpan.Zero)
        {
            limit.CancelAfter(timeout);
        }

        var snapshot = new Neo4jSnapshot(client, cypher, options.BatchSize, visibility, limit.Token);
        var cut = false;
        try
        {
            await fetch(snapshot);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            cut = true;
        }

        var result = await answer(EmbeddedGraphStore.OverSnapshot(snapshot.State), snapshot.Visibility);
        return cut ? truncate(result) : result;
    }
}
