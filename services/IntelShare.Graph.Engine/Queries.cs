namespace IntelShare.Graph.Engine;

public sealed record NeighbourhoodQuery(
    IReadOnlyList<string> Seeds,
    int Depth = 1,
    IReadOnlySet<NodeKind>? NodeKinds = null,
    IReadOnlySet<EdgeKind>? EdgeKinds = null,
    TimeWindow? Window = null,
    int MaxNodes = 500,
    int MaxEdges = 2_000);

public sealed record PathQuery(
    string From,
    string To,
    IReadOnlySet<NodeKind>? NodeKinds = null,
    IReadOnlySet<EdgeKind>? EdgeKinds = null,
    TimeWindow? Window = null,
    int MaxHops = 12,
    int MaxPaths = 1);

public sealed record ConnectQuery(
    IReadOnlyList<string> Ids,
    IReadOnlySet<NodeKind>? NodeKinds = null,
    IReadOnlySet<EdgeKind>? EdgeKinds = null,
    TimeWindow? Window = null,
    int MaxHops = 8);

/// <summary>Who two entities both have links with; the kinds and window filter the associates and the links to them.</summary>
public sealed record CommonAssociatesQuery(
    string First,
    string Second,
    IReadOnlySet<NodeKind>? NodeKinds = null,
    IReadOnlySet<EdgeKind>? EdgeKinds = null,
    TimeWindow? Window = null);

public enum CentralityMeasure
{
    Degree,
    Betweenness,
    PageRank,
}

/// <param name="NodeIds">The subgraph to score (its induced edges); null for the whole graph.</param>
/// <param name="SampleSources">Betweenness from this many random sources, scaled up; null for exact.</param>
/// <param name="NodeKinds">Only nodes of these kinds (and in the window) are scored; null or empty for all.</param>
/// <param name="EdgeKinds">Only links of these kinds (and in the window) join them; null or empty for all.</param>
public sealed record CentralityQuery(
    CentralityMeasure Measure,
    IReadOnlyCollection<string>? NodeIds = null,
    int Top = 100,
    int? SampleSources = null,
    int Seed = 1,
    double Damping = 0.85,
    double Tolerance = 1e-6,
    int MaxIterations = 100,
    IReadOnlySet<NodeKind>? NodeKinds = null,
    IReadOnlySet<EdgeKind>? EdgeKinds = null,
    TimeWindow? Window = null);

/// <param name="NodeIds">The subgraph to divide (its induced edges); null for the whole graph.</param>
/// <param name="NodeKinds">Only nodes of these kinds (and in the window) take part; null or empty for all.</param>
/// <param name="EdgeKinds">Only links of these kinds (and in the window) join them; null or empty for all.</param>
public sealed record CommunityQuery(
    IReadOnlyCollection<string>? NodeIds = null,
    int MaxBridgeEdges = 1_000,
    int Seed = 1,
    IReadOnlySet<NodeKind>? NodeKinds = null,
    IReadOnlySet<EdgeKind>? EdgeKinds = null,
    TimeWindow? Window = null);

public sealed record LinkedCasesQuery(IReadOnlyCollection<string>? CaseIds = null, int MaxPairs = 1_000);

public sealed record TimelineQuery(string EntityId, TimeWindow? Window = null, int MaxEvents = 1_000);

/// <summary>A node in a result; a placeholder is to be shown by type and holder only.</summary>
public sealed record ResultNode(GraphNode Node, NodeVisibility Visibility);

/// <summary>
/// What a query found. <see cref="WithheldNodes"/> and <see cref="WithheldEdges"/> count what was met but hidden
/// from this caller that the caller may learn exists (<see cref="IGraphVisibility.Discloses"/>), the only counts to
/// tell them; <see cref="UndisclosedNodes"/> and <see cref="UndisclosedEdges"/> count the rest, for the audit log.
/// <see cref="Truncated"/> says a limit or the budget stopped the query early. The other results count alike.
/// </summary>
public sealed record Subgraph(IReadOnlyList<ResultNode> Nodes, IReadOnlyList<GraphEdge> Edges, int WithheldNodes, int WithheldEdges, int UndisclosedNodes, int UndisclosedEdges, bool Truncated);

public sealed record GraphPath(IReadOnlyList<string> NodeIds, IReadOnlyList<GraphEdge> Edges)
{
    public int Hops => Edges.Count;
}

public sealed record PathResult(IReadOnlyList<GraphPath> Paths, Subgraph Graph)
{
    public bool Found => Paths.Count > 0;
}

public sealed record ConnectResult(Subgraph Graph, IReadOnlyList<(string A, string B)> Unconnected);

public sealed record CommonAssociate(ResultNode Node, IReadOnlyList<GraphEdge> EdgesWithA, IReadOnlyList<GraphEdge> EdgesWithB);

public sealed record CommonAssociatesResult(IReadOnlyList<CommonAssociate> Associates, int WithheldNodes, int WithheldEdges, int UndisclosedNodes, int UndisclosedEdges, bool Truncated);

public sealed record NodeScore(string Id, double Score);

/// <summary>Scores ranked highest first, at most <c>Top</c> of them, of <see cref="NodesScored"/> visible nodes joined by <see cref="EdgesScored"/> visible links.</summary>
public sealed record CentralityResult(CentralityMeasure Measure, IReadOnlyList<NodeScore> Scores, int NodesScored, int EdgesScored, int Iterations, int WithheldNodes, int WithheldEdges, int UndisclosedNodes, int UndisclosedEdges, bool Truncated);

public sealed record Community(int Id, IReadOnlyList<string> Members);

public sealed record CommunityResult(
    double Modularity,
    IReadOnlyList<Community> Communities,
    IReadOnlyList<string> BridgeNodes,
    IReadOnlyList<GraphEdge> BridgeEdges,
    int WithheldNodes,
    int WithheldEdges,
    int UndisclosedNodes,
    int UndisclosedEdges,
    bool Truncated);

public sealed record CaseLink(string CaseA, string CaseB, IReadOnlyList<string> SharedEntityIds);

public sealed record LinkedCasesResult(IReadOnlyList<CaseLink> Links, int WithheldNodes, int WithheldEdges, int UndisclosedNodes, int UndisclosedEdges, bool Truncated);

public sealed record TimelineEntry(ResultNode Event, IReadOnlyList<GraphEdge> Edges);

public sealed record TimelineResult(IReadOnlyList<TimelineEntry> Events, int WithheldNodes, int WithheldEdges, int UndisclosedNodes, int UndisclosedEdges, bool Truncated);

/// <summary>A query that cannot be run as asked; carries every problem found, not just the first.</summary>
public sealed class GraphQueryException(IReadOnlyList<string> problems)
    : Exception("Invalid graph query: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

public sealed class GraphNodeNotFoundException(string id) : Exception($"No node '{id}' in the graph.")
{
    public string Id { get; } = id;
}

public interface IGraphStore : IAsyncDisposable
{
    Task ApplyAsync(GraphBatch batch, long checkpoint, CancellationToken cancellation = default);

    /// <summary>The checkpoint of the last applied batch; 0 for an empty store.</summary>
    Task<long> GetCheckpointAsync(CancellationToken cancellation = default);

    Task<GraphNode?> GetNodeAsync(string id, CancellationToken cancellation = default);

    Task<Subgraph> NeighbourhoodAsync(NeighbourhoodQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    /// <summary>One path of minimal hops (<see cref="PathQuery.MaxPaths"/> is ignored).</summary>
    Task<PathResult> ShortestPathAsync(PathQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    /// <summary>Every path of minimal hops, at most <see cref="PathQuery.MaxPaths"/>.</summary>
    Task<PathResult> AllShortestPathsAsync(PathQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    Task<ConnectResult> ConnectTheDotsAsync(ConnectQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    Task<CommonAssociatesResult> CommonAssociatesAsync(CommonAssociatesQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    Task<CentralityResult> CentralityAsync(CentralityQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    Task<CommunityResult> CommunitiesAsync(CommunityQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    Task<LinkedCasesResult> LinkedCasesAsync(LinkedCasesQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);

    Task<TimelineResult> TimelineAsync(TimelineQuery query, IGraphVisibility visibility, QueryBudget? budget = null, CancellationToken cancellation = default);
}
