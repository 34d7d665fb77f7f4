using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IntelShare.Graph.Engine;

/// <summary>
/// An int per node, valid only for the current generation: a query marks what it touches without clearing (or
/// allocating) an array the size of the graph, which would cost more than a whole 2-hop query. Stamp and value sit
/// side by side, so a lookup on a large graph is one cache miss, not two.
/// </summary>
internal sealed class StampedMap
{
    private Entry[] entries = [];
    private int generation;

    public void Reset(int capacity)
    {
        if (entries.Length < capacity)
        {
            entries = new Entry[Math.Max(capacity, entries.Length * 2)];
            generation = 0;
        }

        if (++generation == int.MaxValue)
        {
            Array.Clear(entries);
            generation = 1;
        }
    }

    public bool TryGet(int key, out int value)
    {
        ref readonly var entry = ref entries[key];
        if (entry.Stamp == generation)
        {
            value = entry.Value;
            return true;
        }

        value = 0;
        return false;
    }

    public bool Contains(int key) => entries[key].Stamp == generation;

    public void Set(int key, int value) => entries[key] = new Entry(generation, value);

    private readonly record struct Entry(int Stamp, int Value);
}

internal sealed class Scratch
{
    private static readonly ConcurrentBag<Scratch> Pool = [];

    public readonly StampedMap Visibility = new();
    public readonly StampedMap A = new();
    public readonly StampedMap B = new();

    /// <summary>Links met while growing a search level whose callbacks wait until the level is known to be needed.</summary>
    public readonly List<Adjacency> Pending = [];

    /// <summary>A walk's nodes and edges in the order met, the edges each once.</summary>
    public readonly List<int> Nodes = [];
    public readonly HashSet<int> EdgeSet = [];

    public readonly EdgeGather Gather = new();
    private readonly List<int>[] levels = [[], [], []];
    private int[] edgeIndices = [];

    public static Scratch Rent(int capacity)
    {
        var scratch = Pool.TryTake(out var pooled) ? pooled : new Scratch();
        scratch.Visibility.Reset(capacity);
        scratch.A.Reset(capacity);
        scratch.B.Reset(capacity);
        scratch.Pending.Clear();
        scratch.Nodes.Clear();
        scratch.EdgeSet.Clear();
        return scratch;
    }

    /// <summary>Three empty lists for a walk's levels: a search's two sides and the next, or a neighbourhood's frontier and the next.</summary>
    public (List<int>, List<int>, List<int>) Levels()
    {
        foreach (var level in levels)
        {
            level.Clear();
        }

        return (levels[0], levels[1], levels[2]);
    }

    /// <summary>The edges as a span, copied when they are not in a list already.</summary>
    public ReadOnlySpan<int> EdgeIndices(IReadOnlyCollection<int> edges)
    {
        if (edges is List<int> list)
        {
            return CollectionsMarshal.AsSpan(list);
        }

        if (edgeIndices.Length < edges.Count)
        {
            edgeIndices = new int[Math.Max(edges.Count, edgeIndices.Length * 2)];
        }

        var i = 0;
        foreach (var edge in edges)
        {
            edgeIndices[i++] = edge;
        }

        return edgeIndices.AsSpan(0, i);
    }

    public void Return()
    {
        // A set once grown for a large export would be cleared whole by every later query.
        if (EdgeSet.Count > LargeSet)
        {
            EdgeSet.Clear();
            EdgeSet.TrimExcess();
        }

        Pool.Add(this);
    }

    private const int LargeSet = 1 << 14;
}

/// <summary>
/// What one query carries as it walks: the caller's visibility (asked once per node), the kind and time filters, the
/// budget, and the tally of what was withheld.
/// </summary>
internal sealed class QueryContext : IDisposable
{
    private const int CheckEvery = 256;

    private const sbyte Undecided = -1;

    // Beside the NodeVisibility values in the scratch map and the marking decisions: hidden, and not even to be
    // counted, as the caller may not learn that the node exists. Asked by the walks as Hidden.
    private const int HiddenUndisclosed = (int)NodeVisibility.Hidden + 1;

    private readonly IGraphVisibility visibility;
    private readonly bool everythingVisible;
    private readonly IMarkingVisibility? byMarking;
    private sbyte[] nodeDecisions = [];
    private sbyte[] edgeDecisions = [];
    private readonly uint nodeKinds;
    private readonly uint edgeKinds;
    private readonly TimeWindow? window;
    private readonly int maxVisited;
    private readonly long deadline;
    private readonly CancellationToken cancellation;
    private readonly HashSet<int> withheldEdges = [];
    private readonly HashSet<int> undisclosedEdges = [];
    private int visited;

    public QueryContext(GraphState state, IGraphVisibility visibility, QueryBudget? budget, CancellationToken cancellation,
        IReadOnlySet<NodeKind>? nodeKinds = null, IReadOnlySet<EdgeKind>? edgeKinds = null, TimeWindow? window = null)
    {
        State = state;
        this.visibility = visibility;
        everythingVisible = visibility is EverythingVisible;
        byMarking = visibility as IMarkingVisibility;
        this.nodeKinds = Mask(nodeKinds);
        this.edgeKinds = Mask(edgeKinds);
        this.window = window;
        budget ??= QueryBudget.Default;
        maxVisited = budget.MaxNodesVisited;
        deadline = budget.Timeout is { } timeout ? Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        this.cancellation = cancellation;
        Scratch = Scratch.Rent(state.NodeHigh);
        if (byMarking is not null)
        {
            // Sized to every marking up front (they cannot change under the read lock the query holds), so the walk's
            // fast path needs no growth check; decided lazily, since a query meets few of a busy graph's markings.
            nodeDecisions = Undecideds(State.Markings.Count);
            edgeDecisions = Undecideds(State.Markings.Count);
        }
    }

    public GraphState State { get; }

    public Scratch Scratch { get; }

    public bool Truncated { get; set; }

    /// <summary>Nodes met and hidden that the caller may learn exist: the count the caller is told.</summary>
    public int WithheldNodes { get; private set; }

    public int WithheldEdges => withheldEdges.Count;

    /// <summary>Nodes met and hidden that the caller may not learn exist: for the audit log, never for the caller.</summary>
    public int UndisclosedNodes { get; private set; }

    public int UndisclosedEdges => undisclosedEdges.Count;

    public void Dispose() => Scratch.Return();

    public int Resolve(string id) => State.NodeIndex.TryGetValue(id, out var index) ? index : throw new GraphNodeNotFoundException(id);

    public NodeVisibility See(int node)
    {
        if (everythingVisible)
        {
            return NodeVisibility.Visible;
        }

        if (byMarking is not null)
        {
            return SeeMarked(node, State.NodeMarking[node]);
        }

        if (Scratch.Visibility.TryGet(node, out var cached))
        {
            return AsVisibility(cached);
        }

        var n = State.Nodes[node]!;
        var seen = visibility.See(n);
        if (seen == NodeVisibility.Hidden)
        {
            Withhold(node, visibility.Discloses(n));
        }
        else
        {
            Scratch.Visibility.Set(node, (int)seen);
        }

        return seen;
    }

    /// <summary>Remembers a hidden node and counts it once, as withheld or, when the caller may not learn of it, apart.</summary>
    private void Withhold(int node, bool disclosed)
    {
        Scratch.Visibility.Set(node, disclosed ? (int)NodeVisibility.Hidden : HiddenUndisclosed);
        if (disclosed)
        {
            WithheldNodes++;
        }
        else
        {
            UndisclosedNodes++;
        }
    }

    private static NodeVisibility AsVisibility(int decided) => decided == HiddenUndisclosed ? NodeVisibility.Hidden : (NodeVisibility)decided;

    private bool IsUndisclosed(int node) => Scratch.Visibility.TryGet(node, out var decided) && decided == HiddenUndisclosed;

    /// <summary>The visibility of a node with the given marking, counting it once if it is withheld.</summary>
    private NodeVisibility SeeMarked(int node, int marking)
    {
        var decided = NodeDecision(marking);

        // Only hidden nodes are remembered, to count each once: the visible ones, most of a walk, cost no lookup.
        if (decided >= (int)NodeVisibility.Hidden && !Scratch.Visibility.Contains(node))
        {
            Withhold(node, decided != HiddenUndisclosed);
        }

        return AsVisibility(decided);
    }

    /// <summary>The node's kind and time pass the query's filters (visibility aside).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Passes(int node) => (nodeKinds == uint.MaxValue && window is null) || PassesFilters(node);

    private bool PassesFilters(int node)
    {
        var n = State.Nodes[node]!;
        return (nodeKinds & (1u << (int)n.Kind)) != 0 && (window is null || (n.From is null && n.To is null) || window.Overlaps(n.From, n.To));
    }

    /// <summary>
    /// The edge may be followed, and the node at its other end may be shown: returns its visibility, or null when the
    /// edge is filtered out or withheld. Inlined into the walks, which call it for nearly every link they meet: with
    /// the policy on, a link whose edge and neighbour markings are already decided visible costs two table reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public NodeVisibility? Follow(in Adjacency adjacency)
    {
        if ((edgeKinds & (1u << (int)adjacency.Kind)) == 0)
        {
            return null;
        }

        if (window is not null)
        {
            return FollowChecked(adjacency);
        }

        if (everythingVisible)
        {
            return NodeVisibility.Visible;
        }

        // Marking ids that are not inline (MarkingNotInline) are past the tables' ends and so take the long way.
        var nodes = nodeDecisions;
        var edges = edgeDecisions;
        return adjacency.NeighbourMarking < nodes.Length && adjacency.Marking < edges.Length
            && nodes[adjacency.NeighbourMarking] == (sbyte)NodeVisibility.Visible && edges[adjacency.Marking] == 1
            ? NodeVisibility.Visible
            : FollowChecked(adjacency);
    }

    private NodeVisibility? FollowChecked(in Adjacency adjacency)
    {
        // The edge's columns are another cache miss on a large graph: touched only when a window or the policy needs them.
        var edge = adjacency.Edge;
        if (window is not null && !window.Overlaps(State.Edges[edge].ValidFrom, State.Edges[edge].ValidTo))
        {
            return null;
        }

        var other = byMarking is not null && adjacency.NeighbourMarking != Adjacency.MarkingNotInline
            ? SeeMarked(adjacency.Neighbour, adjacency.NeighbourMarking)
            : See(adjacency.Neighbour);
        if (other == NodeVisibility.Hidden || (!everythingVisible && !SeeEdge(adjacency)))
        {
            if (!withheldEdges.Contains(edge) && !undisclosedEdges.Contains(edge))
            {
                (IsUndisclosed(adjacency.Neighbour) || !DisclosesEdge(adjacency) ? undisclosedEdges : withheldEdges).Add(edge);
            }

            return null;
        }

        return other;
    }

    /// <summary>Counts a node against the budget; false (and Truncated) once the budget is spent.</summary>
    public bool Spend()
    {
        if (++visited > maxVisited)
        {
            Truncated = true;
            return false;
        }

        if (visited % CheckEvery == 0 && (cancellation.IsCancellationRequested || Stopwatch.GetTimestamp() > deadline))
        {
            Truncated = true;
            return false;
        }

        return true;
    }

    public bool OutOfTime()
    {
        if (cancellation.IsCancellationRequested || Stopwatch.GetTimestamp() > deadline)
        {
            Truncated = true;
        }

        return Truncated;
    }

    /// <summary>The result, in arrays sized once: a neighbourhood's hundreds of nodes and thousands of edges are most of what a query allocates.</summary>
    public Subgraph ToSubgraph(IReadOnlyCollection<int> nodes, IReadOnlyCollection<int> edges)
    {
        var resultNodes = new ResultNode[nodes.Count];
        var i = 0;
        foreach (var node in nodes)
        {
            resultNodes[i++] = new ResultNode(State.Nodes[node]!, See(node));
        }

        var resultEdges = new GraphEdge[edges.Count];
        State.MakeEdges(Scratch.EdgeIndices(edges), resultEdges, Scratch.Gather);
        return new Subgraph(resultNodes, resultEdges, WithheldNodes, WithheldEdges, UndisclosedNodes, UndisclosedEdges, Truncated);
    }

    private bool SeeEdge(in Adjacency adjacency)
    {
        if (byMarking is null)
        {
            return visibility.SeeEdge(State.Edge(adjacency.Edge));
        }

        var marking = adjacency.Marking != Adjacency.MarkingNotInline ? adjacency.Marking : State.Edges[adjacency.Edge].Marking;
        ref var decided = ref Decision(ref edgeDecisions, marking);
        if (decided == Undecided)
        {
            decided = byMarking.SeeEdgeMarking(State.Markings[marking]) ? (sbyte)1 : (sbyte)0;
        }

        return decided == 1;
    }

    private bool DisclosesEdge(in Adjacency adjacency)
    {
        if (byMarking is null)
        {
            return visibility.DisclosesEdge(State.Edge(adjacency.Edge));
        }

        var marking = adjacency.Marking != Adjacency.MarkingNotInline ? adjacency.Marking : State.Edges[adjacency.Edge].Marking;
        return byMarking.DisclosesMarking(State.Markings[marking]);
    }

    /// <summary>The marking's visibility for a node, or <see cref="HiddenUndisclosed"/>, decided once per query.</summary>
    private int NodeDecision(int marking)
    {
        ref var decided = ref Decision(ref nodeDecisions, marking);
        if (decided == Undecided)
        {
            var text = State.Markings[marking];
            var seen = byMarking!.SeeMarking(text);
            decided = seen == NodeVisibility.Hidden && !byMarking.DisclosesMarking(text) ? (sbyte)HiddenUndisclosed : (sbyte)seen;
        }

        return decided;
    }

    /// <summary>The slot for a marking's decision in this query, the table grown to all markings on first use.</summary>
    private ref sbyte Decision(ref sbyte[] decisions, int marking)
    {
        if (marking >= decisions.Length)
        {
            var old = decisions.Length;
            Array.Resize(ref decisions, State.Markings.Count);
            decisions.AsSpan(old).Fill(Undecided);
        }

        return ref decisions[marking];
    }

    private static sbyte[] Undecideds(int count)
    {
        var decisions = new sbyte[count];
        decisions.AsSpan().Fill(Undecided);
        return decisions;
    }

    private static uint Mask<T>(IReadOnlySet<T>? kinds)
        where T : struct, Enum
    {
        if (kinds is null || kinds.Count == 0)
        {
            return uint.MaxValue;
        }

        var mask = 0u;
        foreach (var kind in kinds)
        {
            mask |= 1u << Convert.ToInt32(kind, System.Globalization.CultureInfo.InvariantCulture);
        }

        return mask;
    }
}
