using System.Text.Json;

namespace IntelShare.Graph.Engine.Neo4j;

/// <summary>
/// The part of the Neo4j graph one query needs, fetched hop by hop into an in-memory <see cref="GraphState"/> so the
/// embedded engine's algorithms answer it. The caller's visibility is asked before every hop and only nodes it shows
/// in full are expanded further, so nothing beyond a hidden node or a placeholder is ever fetched. The adjacency of
/// every node the engine will expand is fetched whole, which is what makes the engine's answer over the snapshot the
/// same as over the whole graph.
/// </summary>
internal sealed class Neo4jSnapshot(Neo4jHttpClient client, Neo4jStatements cypher, int batchSize, IGraphVisibility visibility, CancellationToken cancellation)
{
    private static readonly HashSet<EdgeKind> CaseLinks = [EdgeKind.AppearsInCase, EdgeKind.MemberOf];

    private static readonly HashSet<EdgeKind> SameAsLinks = [EdgeKind.SameAs];

    private readonly HashSet<string> expanded = new(StringComparer.Ordinal);

    public GraphState State { get; } = new();

    /// <summary>The caller's policy, asked once per node across the fetch and the engine's walk.</summary>
    public IGraphVisibility Visibility { get; } = new OnceVisibility(visibility);

    public async Task NeighbourhoodAsync(NeighbourhoodQuery query, QueryBudget? budget)
    {
        var seeds = query.Seeds.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).Take(GraphLimits.MaxSeeds).ToArray();
        await LoadNodesAsync(seeds);
        var known = seeds.Where(Has).ToHashSet(StringComparer.Ordinal);
        var frontier = known.Where(IsVisible).ToList();
        for (var depth = 1; depth <= Math.Min(query.Depth, GraphLimits.MaxDepth) && frontier.Count > 0; depth++)
        {
            await ExpandAsync(frontier, query.EdgeKinds);
            frontier = Reach(frontier, known, null, query.NodeKinds, query.EdgeKinds, query.Window).Next;

            // Past either limit the engine stops within the hops already fetched, so more would be wasted.
            if (known.Count > query.MaxNodes || known.Count - seeds.Length > (budget ?? QueryBudget.Default).MaxNodesVisited)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Fetches, growing the smaller side a level at a time as the engine does, until the two sides meet. By then every
    /// node on a shortest path whose adjacency the engine needs has been expanded from one side or the other.
    /// </summary>
    public async Task PathAsync(string from, string to, int maxHops, IReadOnlySet<NodeKind>? nodeKinds, IReadOnlySet<EdgeKind>? edgeKinds, TimeWindow? window, QueryBudget? budget)
    {
        await LoadNodesAsync([from, to]);
        if (from == to || !IsVisible(from) || !IsVisible(to))
        {
            return;
        }

        HashSet<string> a = new(StringComparer.Ordinal) { from }, b = new(StringComparer.Ordinal) { to };
        List<string> frontA = [from], frontB = [to];
        var hops = 0;
        while (frontA.Count > 0 && frontB.Count > 0 && hops < Math.Min(maxHops, GraphLimits.MaxHops)
            && a.Count + b.Count - 2 <= (budget ?? QueryBudget.Default).MaxNodesVisited)
        {
            var growA = frontA.Count <= frontB.Count;
            var front = growA ? frontA : frontB;
            await ExpandAsync(front, edgeKinds);
            var (next, met) = growA ? Reach(front, a, b, nodeKinds, edgeKinds, window) : Reach(front, b, a, nodeKinds, edgeKinds, window);
            if (met)
            {
                return;
            }

            (growA ? ref frontA : ref frontB) = next;
            hops++;
        }
    }

    /// <summary>The nodes and the links of those the caller sees in full, as the one-hop queries read them.</summary>
    public async Task AroundAsync(IReadOnlyCollection<string> ids, IReadOnlySet<EdgeKind>? kinds = null)
    {
        await LoadNodesAsync(ids);
        await ExpandAsync([.. ids.Where(IsVisible)], kinds);
    }

    public async Task CasesAsync(IReadOnlyCollection<string>? caseIds)
    {
        if (caseIds is null)
        {
            await LoadAllAsync(NodeKind.Case);
        }

        var cases = caseIds ?? [.. State.NodeIndex.Keys];
        await AroundAsync(cases, CaseLinks);

        // Members' resolved entities, so that cases holding different records of one person are linked.
        await AroundAsync([.. State.NodeIndex.Keys.Except(cases, StringComparer.Ordinal)], SameAsLinks);
    }

    /// <summary>The given nodes (or all) and the links among those the caller sees in full: what whole-graph analytics read.</summary>
    public async Task InducedAsync(IReadOnlyCollection<string>? ids)
    {
        if (ids is null)
        {
            await LoadAllAsync(null);
        }
        else
        {
            await LoadNodesAsync(ids);
        }

        foreach (var chunk in State.NodeIndex.Keys.Where(IsVisible).ToArray().Chunk(batchSize))
        {
            var result = await client.RunAsync(cypher.Outgoing, new Dictionary<string, object?> { ["ids"] = chunk }, cancellation);
            foreach (var row in result.Rows)
            {
                if (Has(row[1].GetString()!))
                {
                    AddEdge(Neo4jMapping.Edge(row[0].GetString()!, row[1].GetString()!, row[2]));
                }
            }
        }
    }

    private bool Has(string id) => State.NodeIndex.ContainsKey(id);

    private bool IsVisible(string id) => State.NodeIndex.TryGetValue(id, out var index) && Visibility.See(State.Nodes[index]!) == NodeVisibility.Visible;

    private async Task LoadNodesAsync(IEnumerable<string> ids)
    {
        foreach (var chunk in ids.Where(id => !string.IsNullOrEmpty(id) && !Has(id)).Distinct(StringComparer.Ordinal).Chunk(batchSize))
        {
            var result = await client.RunAsync(cypher.Nodes, new Dictionary<string, object?> { ["ids"] = chunk }, cancellation);
            AddNodes(result.Rows.Select(r => r[0]));
        }
    }

    private async Task LoadAllAsync(NodeKind? kind)
    {
        var after = "";
        while (true)
        {
            var parameters = new Dictionary<string, object?> { ["after"] = after, ["kind"] = kind?.ToString(), ["limit"] = batchSize };
            var result = await client.RunAsync(cypher.NodePage, parameters, cancellation);
            if (result.Rows.Count == 0)
            {
                return;
            }

            AddNodes(result.Rows.Select(r => r[0]));
            after = result.Rows[^1][0].GetProperty("id").GetString()!;
        }
    }

    /// <summary>One round trip per chunk of the frontier: every link of each node not expanded before, and its far end.</summary>
    private async Task ExpandAsync(IEnumerable<string> frontier, IReadOnlySet<EdgeKind>? kinds)
    {
        var names = kinds is { Count: > 0 } ? kinds.Select(k => k.ToString()).ToArray() : null;
        foreach (var chunk in frontier.Where(expanded.Add).Chunk(batchSize))
        {
            var parameters = new Dictionary<string, object?> { ["ids"] = chunk, ["kinds"] = names };
            var result = await client.RunAsync(cypher.Adjacent, parameters, cancellation);
            foreach (var row in result.Rows)
            {
                AddNodes([row[3]]);
                AddEdge(Neo4jMapping.Edge(row[0].GetString()!, row[1].GetString()!, row[2]));
            }
        }
    }

    /// <summary>
    /// One level of the walk over what has been fetched, with the engine's own filters: the neighbours not yet in
    /// <paramref name="own"/> reached by a link the caller may follow to a node it sees in full. Reaching one in
    /// <paramref name="other"/> (the far side of a bidirectional search) counts as meeting it.
    /// </summary>
    private (List<string> Next, bool Met) Reach(List<string> frontier, HashSet<string> own, HashSet<string>? other,
        IReadOnlySet<NodeKind>? nodeKinds, IReadOnlySet<EdgeKind>? edgeKinds, TimeWindow? window)
    {
        using var context = new QueryContext(State, Visibility, null, CancellationToken.None, nodeKinds, edgeKinds, window);
        var next = new List<string>();
        var met = false;
        foreach (var id in frontier)
        {
            foreach (var adjacency in State.Adjacency[State.NodeIndex[id]].Span)
            {
                var neighbour = State.Nodes[adjacency.Neighbour]!.Id;
                if (own.Contains(neighbour))
                {
                    continue;
                }

                var meets = other?.Contains(neighbour) == true;
                if ((!meets && !context.Passes(adjacency.Neighbour)) || context.Follow(adjacency) != NodeVisibility.Visible)
                {
                    continue;
                }

                met |= meets;
                if (!meets)
                {
                    own.Add(neighbour);
                    next.Add(neighbour);
                }
            }
        }

        return (next, met);
    }

    private void AddNodes(IEnumerable<JsonElement> maps)
    {
        foreach (var map in maps)
        {
            var node = Neo4jMapping.Node(map);
            if (!Has(node.Id))
            {
                State.Apply(new UpsertNode(node.Id, node.Kind, node.Label, node.Marking, node.SupportingRecordIds, node.Properties, node.From, node.To));
            }
        }
    }

    private void AddEdge(GraphEdge edge)
    {
        if (State.FindEdge(State.NodeIndex[edge.From], State.NodeIndex[edge.To], edge.Kind) >= 0)
        {
            return;
        }

        // The engine's state takes support one record at a time, as the projector writes it.
        foreach (var record in edge.SupportingRecordIds)
        {
            State.Apply(new UpsertEdge(edge.From, edge.To, edge.Kind, edge.Marking, record, edge.ValidFrom, edge.ValidTo));
        }
    }

    /// <summary>Keeps the promise that the policy is asked at most once per node, though the fetch and the engine both ask.</summary>
    private sealed class OnceVisibility(IGraphVisibility inner) : IGraphVisibility
    {
        private readonly Dictionary<string, NodeVisibility> seen = new(StringComparer.Ordinal);

        public NodeVisibility See(GraphNode node)
        {
            if (!seen.TryGetValue(node.Id, out var visibility))
            {
                seen.Add(node.Id, visibility = inner.See(node));
            }

            return visibility;
        }

        public bool SeeEdge(GraphEdge edge) => inner.SeeEdge(edge);

        public bool Discloses(GraphNode node) => inner.Discloses(node);

        public bool DisclosesEdge(GraphEdge edge) => inner.DisclosesEdge(edge);
    }
}
