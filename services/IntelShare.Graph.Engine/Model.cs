namespace IntelShare.Graph.Engine;

public enum NodeKind : byte
{
    Person,
    Organisation,
    Phone,
    Vehicle,
    Account,
    Document,
    Place,
    Event,
    Case,
}

public enum EdgeKind : byte
{
    LinkedTo,
    Recruited,
    Transported,
    Exploited,
    Controls,
    Employs,
    Paid,
    Called,
    Owns,
    Rents,
    Uses,
    TravelledWith,
    MemberOf,
    AppearsInCase,
    SameAs,
}

/// <summary>
/// An entity or event. <see cref="Marking"/> is opaque to the engine: only the caller's visibility callback reads it.
/// </summary>
public sealed record GraphNode(
    string Id,
    NodeKind Kind,
    string Label,
    IReadOnlyDictionary<string, string> Properties,
    string Marking,
    DateTimeOffset? From,
    DateTimeOffset? To,
    IReadOnlyList<string> SupportingRecordIds)
{
    public static readonly IReadOnlyDictionary<string, string> NoProperties = new Dictionary<string, string>();
}

/// <summary>A directed, typed link; its identity is (<see cref="From"/>, <see cref="To"/>, <see cref="Kind"/>).</summary>
public sealed record GraphEdge(
    string From,
    string To,
    EdgeKind Kind,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo,
    string Marking,
    IReadOnlyList<string> SupportingRecordIds);

/// <summary>Closed interval; an open end is null. Used to keep only nodes and edges whose time overlaps it.</summary>
public sealed record TimeWindow(DateTimeOffset? Start, DateTimeOffset? End)
{
    internal long StartTicks => Start?.UtcTicks ?? long.MinValue;

    internal long EndTicks => End?.UtcTicks ?? long.MaxValue;

    internal bool Overlaps(DateTimeOffset? from, DateTimeOffset? to) =>
        (from?.UtcTicks ?? long.MinValue) <= EndTicks && (to?.UtcTicks ?? long.MaxValue) >= StartTicks;

    /// <summary>As <see cref="Overlaps(DateTimeOffset?, DateTimeOffset?)"/> for UTC ticks, <see cref="GraphState.NoTime"/> for an open end.</summary>
    internal bool Overlaps(long from, long to) => from <= EndTicks && (to == GraphState.NoTime ? long.MaxValue : to) >= StartTicks;
}

public abstract record GraphOperation;

/// <summary>Creates or replaces the node's attributes; its supporting records are added to those it has.</summary>
public sealed record UpsertNode(
    string Id,
    NodeKind Kind,
    string Label,
    string Marking,
    IReadOnlyList<string> SupportingRecordIds,
    IReadOnlyDictionary<string, string>? Properties = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null) : GraphOperation;

/// <summary>Creates or replaces the edge's attributes and adds a supporting record; both ends must exist.</summary>
public sealed record UpsertEdge(
    string From,
    string To,
    EdgeKind Kind,
    string Marking,
    string SupportingRecordId,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidTo = null) : GraphOperation;

/// <summary>
/// Withdraws a record from everything it supports: an edge left without support goes, and so does a node left
/// without support and without edges.
/// </summary>
public sealed record RemoveSupport(string RecordId) : GraphOperation;

/// <summary>
/// Entity resolution decided <see cref="FromId"/> is <see cref="IntoId"/>: edges and support move over. When
/// <see cref="IntoId"/> does not exist yet this is a rename.
/// </summary>
public sealed record MergeNodes(string FromId, string IntoId) : GraphOperation;

public sealed record GraphBatch(IReadOnlyList<GraphOperation> Operations)
{
    public GraphBatch(params GraphOperation[] operations)
        : this((IReadOnlyList<GraphOperation>)operations)
    {
    }
}

public enum NodeVisibility : byte
{
    Visible,
    Placeholder,
    Hidden,
}

/// <summary>
/// Need-to-know applied while a query walks. Called at most once per node per query (once per marking for an
/// <see cref="IMarkingVisibility"/>); must be thread-safe when a single instance is shared by concurrent queries.
/// </summary>
public interface IGraphVisibility
{
    NodeVisibility See(GraphNode node);

    bool SeeEdge(GraphEdge edge);

    /// <summary>
    /// For a node <see cref="See"/> hides: whether the caller may learn that it exists, and so be told it was withheld.
    /// One they may not learn of is not even counted: a count beside a node tells them that something hidden is linked
    /// to it. Such nodes are tallied apart, for the audit log only.
    /// </summary>
    bool Discloses(GraphNode node);

    /// <summary>
    /// As <see cref="Discloses(GraphNode)"/>, for an edge withheld from the caller. An edge to a node not disclosed is
    /// not disclosed whatever this answers: counting it would tell of the node.
    /// </summary>
    bool DisclosesEdge(GraphEdge edge);
}

/// <summary>
/// A need-to-know policy that decides from the marking alone, and says so: the engine then asks it once per distinct
/// marking in a query rather than once per node and edge, since asking is most of what a filtered walk costs.
/// <see cref="IGraphVisibility.See"/> and <see cref="IGraphVisibility.SeeEdge"/> must answer as these do for the
/// element's marking. A policy that looks at anything else (ids, supporting records) must not implement this.
/// </summary>
public interface IMarkingVisibility : IGraphVisibility
{
    NodeVisibility SeeMarking(string marking);

    bool SeeEdgeMarking(string marking);

    /// <summary>As <see cref="IGraphVisibility.Discloses"/> and <see cref="IGraphVisibility.DisclosesEdge"/> for a withheld node or edge with this marking.</summary>
    bool DisclosesMarking(string marking);
}

public sealed class EverythingVisible : IGraphVisibility
{
    public static readonly EverythingVisible Instance = new();

    private EverythingVisible()
    {
    }

    public NodeVisibility See(GraphNode node) => NodeVisibility.Visible;

    public bool SeeEdge(GraphEdge edge) => true;

    public bool Discloses(GraphNode node) => true;

    public bool DisclosesEdge(GraphEdge edge) => true;
}

/// <summary>
/// How much a query may spend. Running out of nodes, time or being cancelled all end the query early with what it has
/// and <c>Truncated</c> set, rather than an error, so a slow analyst query still shows something.
/// </summary>
public sealed record QueryBudget(int MaxNodesVisited = 1_000_000, TimeSpan? Timeout = null)
{
    public static readonly QueryBudget Default = new();
}
