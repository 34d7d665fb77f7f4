namespace IntelShare.Graph.Engine;

/// <summary>
/// The graph in memory for traversal, backed by SQLite on disk for durability. Queries run concurrently under a read
/// lock; a batch is applied and committed under the write lock, so a query never sees half a batch. Queries are
/// CPU-bound and complete synchronously.
/// </summary>
public sealed class EmbeddedGraphStore : IGraphStore
{
    private readonly ReaderWriterLockSlim gate = new();
    private readonly string directory;
    private GraphLog log;
    private GraphState state;
    private long checkpoint;

    private EmbeddedGraphStore(string directory, GraphLog log, GraphState state, long checkpoint)
    {
        this.directory = directory;
        this.log = log;
        this.state = state;
        this.checkpoint = checkpoint;
    }

    /// <summary>
    /// Answers queries over a graph another store fetched into memory, so that store gives this engine's answers. It has
    /// no log: it must be neither applied to nor disposed.
    /// </summary>
    internal static EmbeddedGraphStore OverSnapshot(GraphState state) => new(string.Empty, null!, state, 0);

    public int NodeCount => Read(() => state.NodeCount);

    public int EdgeCount => Read(() => state.EdgeCount);

    /// <summary>Opens (creating if need be) the store in <paramref name="directory"/> and loads the whole graph into memory.</summary>
    public static Task<EmbeddedGraphStore> OpenAsync(string directory, CancellationToken cancellation = default) =>
        Task.Run(() =>
        {
            var (log, state, checkpoint) = Load(directory);
            return new EmbeddedGraphStore(directory, log, state, checkpoint);
        }, cancellation);

    public ValueTask DisposeAsync()
    {
        gate.EnterWriteLock();
        try
        {
            log.Dispose();
        }
        finally
        {
            gate.ExitWriteLock();
        }

        return ValueTask.CompletedTask;
    }

    public Task ApplyAsync(GraphBatch batch, long checkpoint, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellation.ThrowIfCancellationRequested();
        gate.EnterWriteLock();
        try
        {
            try
            {
                foreach (var operation in batch.Operations)
                {
                    state.Apply(operation);
                }

                log.Commit(state, checkpoint);
                this.checkpoint = checkpoint;
            }
            catch
            {
                // Memory already holds part of a batch the disk never got: the disk is the truth, start again from it.
                log.Dispose();
                (log, state, this.checkpoint) = Load(directory);
                throw;
            }
        }
        finally
        {
            gate.ExitWriteLock();
        }

        return Task.CompletedTask;
    }

    public Task<long> GetCheckpointAsync(CancellationToken cancellation = default) => Task.FromResult(Read(() => checkpoint));

    public Task<GraphNode?> GetNodeAsync(string id, CancellationToken cancellation = default) =>
        Task.FromResult(Read(() => state.NodeIndex.TryGetValue(id, out var index) ? state.Nodes[index] : null));

    public Task<Subgraph> NeighbourhoodAsync(NeighbourhoodQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default)
    {
        new QueryValidation()
            .Require(query.Seeds.Count is > 0 and <= GraphLimits.MaxSeeds, $"between 1 and {GraphLimits.MaxSeeds} seeds must be given (were {query.Seeds.Count}).")
            .Require(query.Seeds.All(s => !string.IsNullOrEmpty(s)), "seed ids must not be empty.")
            .Range(query.Depth, 1, GraphLimits.MaxDepth, "depth")
            .Range(query.MaxNodes, 1, GraphLimits.MaxNodes, "the node limit")
            .Range(query.MaxEdges, 1, GraphLimits.MaxEdges, "the edge limit")
            .Window(query.Window)
            .Budget(budget)
            .ThrowIfAny();
        return Query(visibility, budget, cancellation, c => Traversal.Neighbourhood(c, query), query.NodeKinds, query.EdgeKinds, query.Window);
    }

    public Task<PathResult> ShortestPathAsync(PathQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        Paths(query with { MaxPaths = 1 }, visibility, budget, cancellation);

    public Task<PathResult> AllShortestPathsAsync(PathQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default) =>
        Paths(query, visibility, budget, cancellation);

    public Task<ConnectResult> ConnectTheDotsAsync(ConnectQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default)
    {
        new QueryValidation()
            .Require(query.Ids.Count is >= 2 and <= GraphLimits.MaxConnectIds, $"between 2 and {GraphLimits.MaxConnectIds} ids must be given (were {query.Ids.Count}).")
            .Require(query.Ids.All(s => !string.IsNullOrEmpty(s)), "ids must not be empty.")
            .Range(query.MaxHops, 1, GraphLimits.MaxHops, "the hop limit")
            .Window(query.Window)
            .Budget(budget)
            .ThrowIfAny();
        return Query(visibility, budget, cancellation, c => Traversal.Connect(c, query), query.NodeKinds, query.EdgeKinds, query.Window);
    }

    public Task<CommonAssociatesResult> CommonAssociatesAsync(CommonAssociatesQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default)
    {
        new QueryValidation()
            .Id(query.First, "the first id")
            .Id(query.Second, "the second id")
            .Require(query.First != query.Second, "the two ids must differ.")
            .Window(query.Window)
            .Budget(budget)
            .ThrowIfAny();
        return Query(visibility, budget, cancellation, c => Traversal.CommonAssociates(c, query.First, query.Second), query.NodeKinds, query.EdgeKinds, query.Window);
    }

    public Task<CentralityResult> CentralityAsync(CentralityQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default)
    {
        new QueryValidation()
            .Range(query.Top, 1, GraphLimits.MaxTop, "top")
            .Require(query.SampleSources is null or >= 1, "the number of sampled sources must be at least 1.")
            .Require(query.Damping is > 0 and < 1, "the damping factor must be between 0 and 1 exclusive.")
            .Require(query.Tolerance > 0, "the tolerance must be positive.")
            .Range(query.MaxIterations, 1, 1_000, "the iteration limit")
            .Window(query.Window)
            .Budget(budget)
            .ThrowIfAny();
        return Query(visibility, budget, cancellation, c =>
        {
            var graph = AnalyticGraph.Build(c, query.NodeIds);
            var iterations = 0;
            var scores = query.Measure switch
            {
                CentralityMeasure.Degree => Centrality.Degree(graph),
                CentralityMeasure.Betweenness => Centrality.Betweenness(graph, query.SampleSources, query.Seed, c),
                _ => PageRank(graph, query, c, out iterations),
            };
            var ranked = Enumerable.Range(0, graph.Count)
                .OrderByDescending(i => scores[i])
                .ThenBy(i => c.State.Nodes[graph.Global[i]]!.Id, StringComparer.Ordinal)
                .Take(query.Top)
                .Select(i => new NodeScore(c.State.Nodes[graph.Global[i]]!.Id, scores[i]));
            return new CentralityResult(query.Measure, [.. ranked], graph.Count, graph.EdgeIds.Length, iterations, c.WithheldNodes, c.WithheldEdges, c.UndisclosedNodes, c.UndisclosedEdges, c.Truncated);
        }, query.NodeKinds, query.EdgeKinds, query.Window);
    }

    public Task<CommunityResult> CommunitiesAsync(CommunityQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default)
    {
        new QueryValidation().Range(query.MaxBridgeEdges, 0, GraphLimits.MaxResults, "the bridge limit").Window(query.Window).Budget(budget).ThrowIfAny();
        return Query(visibility, budget, cancellation, c =>
        {
            var graph = AnalyticGraph.Build(c, query.NodeIds);
            var (community, modularity) = Louvain.Run(graph, query.Seed, c);
            var ids = graph.Global.Select(g => c.State.Nodes[g]!.Id).ToArray();
            var communities = Enumerable.Range(0, graph.Count)
                .GroupBy(i => community[i])
                .Select(g => g.Select(i => ids[i]).Order(StringComparer.Ordinal).ToArray())
                .OrderByDescending(m => m.Length)
                .ThenBy(m => m[0], StringComparer.Ordinal)
                .Select((members, index) => new Community(index, members));
            var bridges = Enumerable.Range(0, graph.EdgeIds.Length).Where(e => community[graph.EdgeFrom[e]] != community[graph.EdgeTo[e]]).ToArray();
            var bridgeNodes = bridges
                .SelectMany(e => new[] { graph.EdgeFrom[e], graph.EdgeTo[e] })
                .CountBy(u => u)
                .OrderByDescending(p => p.Value)
                .ThenBy(p => ids[p.Key], StringComparer.Ordinal)
                .Take(query.MaxBridgeEdges)
                .Select(p => ids[p.Key]);
            c.Truncated |= bridges.Length > query.MaxBridgeEdges;
            var bridgeEdges = bridges.Take(query.MaxBridgeEdges).Select(e => c.State.Edge(graph.EdgeIds[e]));
            return new CommunityResult(modularity, [.. communities], [.. bridgeNodes], [.. bridgeEdges], c.WithheldNodes, c.WithheldEdges, c.UndisclosedNodes, c.UndisclosedEdges, c.Truncated);
        }, query.NodeKinds, query.EdgeKinds, query.Window);
    }

    public Task<LinkedCasesResult> LinkedCasesAsync(LinkedCasesQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default)
    {
        new QueryValidation().Range(query.MaxPairs, 1, GraphLimits.MaxResults, "the pair limit").Budget(budget).ThrowIfAny();
        return Query(visibility, budget, cancellation, c => Traversal.LinkedCases(c, query));
    }

    public Task<TimelineResult> TimelineAsync(TimelineQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default)
    {
        new QueryValidation().Id(query.EntityId, "the entity id").Range(query.MaxEvents, 1, GraphLimits.MaxResults, "the event limit").Window(query.Window).Budget(budget).ThrowIfAny();
        return Query(visibility, budget, cancellation, c => Traversal.Timeline(c, query, query.Window));
    }

    private Task<PathResult> Paths(PathQuery query, IGraphVisibility visibility, QueryBudget? budget, CancellationToken cancellation)
    {
        new QueryValidation()
            .Id(query.From, "the start id")
            .Id(query.To, "the end id")
            .Range(query.MaxHops, 1, GraphLimits.MaxHops, "the hop limit")
            .Range(query.MaxPaths, 1, GraphLimits.MaxPaths, "the path limit")
            .Window(query.Window)
            .Budget(budget)
            .ThrowIfAny();
        return Query(visibility, budget, cancellation, c => Traversal.ShortestPaths(c, query.From, query.To, query.MaxHops, query.MaxPaths), query.NodeKinds, query.EdgeKinds, query.Window);
    }

    private static double[] PageRank(AnalyticGraph graph, CentralityQuery query, QueryContext context, out int iterations)
    {
        (var rank, iterations, var converged) = Centrality.PageRank(graph, query.Damping, query.Tolerance, query.MaxIterations, context);
        context.Truncated |= !converged;
        return rank;
    }

    private Task<T> Query<T>(IGraphVisibility visibility, QueryBudget? budget, CancellationToken cancellation, Func<QueryContext, T> run,
        IReadOnlySet<NodeKind>? nodeKinds = null, IReadOnlySet<EdgeKind>? edgeKinds = null, TimeWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(visibility);
        return Task.FromResult(Read(() =>
        {
            using var context = new QueryContext(state, visibility, budget, cancellation, nodeKinds, edgeKinds, window);
            return run(context);
        }));
    }

    private T Read<T>(Func<T> read)
    {
        gate.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private static (GraphLog Log, GraphState State, long Checkpoint) Load(string directory)
    {
        var log = new GraphLog(directory);
        try
        {
            var state = new GraphState();
            log.Load(state);
            return (log, state, log.ReadCheckpoint());
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }
}
