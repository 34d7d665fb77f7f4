namespace IntelShare.Graph.Engine;

/// <summary>The walking queries. Each runs under the store's read lock on one <see cref="QueryContext"/>.</summary>
internal static class Traversal
{
    public static Subgraph Neighbourhood(QueryContext context, NeighbourhoodQuery query)
    {
        var state = context.State;
        var depthOf = context.Scratch.A;
        var nodes = context.Scratch.Nodes;
        var edges = context.Scratch.EdgeSet;
        var (frontier, next, _) = context.Scratch.Levels();
        foreach (var seed in query.Seeds.Select(context.Resolve))
        {
            if (depthOf.Contains(seed) || context.See(seed) == NodeVisibility.Hidden)
            {
                continue;
            }

            depthOf.Set(seed, 0);
            nodes.Add(seed);
            if (context.See(seed) == NodeVisibility.Visible)
            {
                frontier.Add(seed);
            }
        }

        for (var depth = 1; depth <= query.Depth && frontier.Count > 0 && !context.Truncated; depth++)
        {
            next.Clear();
            foreach (var node in frontier)
            {
                foreach (ref readonly var adjacency in state.Adjacency[node].Span)
                {
                    var neighbour = adjacency.Neighbour;
                    var known = depthOf.Contains(neighbour);
                    if (!known && !context.Passes(neighbour))
                    {
                        continue;
                    }

                    if (context.Follow(adjacency) is not { } seen)
                    {
                        continue;
                    }

                    if (edges.Count >= query.MaxEdges || (!known && (nodes.Count >= query.MaxNodes || !context.Spend())))
                    {
                        context.Truncated = true;
                        break;
                    }

                    edges.Add(adjacency.Edge);
                    if (!known)
                    {
                        depthOf.Set(neighbour, depth);
                        nodes.Add(neighbour);
                        if (seen == NodeVisibility.Visible)
                        {
                            next.Add(neighbour);
                        }
                    }
                }

                if (context.Truncated)
                {
                    break;
                }
            }

            (frontier, next) = (next, frontier);
        }

        return context.ToSubgraph(nodes, edges);
    }

    /// <summary>
    /// Bidirectional BFS, always growing the smaller frontier by a whole level: on a power-law graph the two balls
    /// meet long before either reaches the hubs' millions. Every shortest path crosses from A's last level to B
    /// exactly once, so the paths are the crossing edges joined with the BFS predecessor chains on each side.
    /// </summary>
    public static PathResult ShortestPaths(QueryContext context, string fromId, string toId, int maxHops, int maxPaths)
    {
        var empty = new PathResult([], context.ToSubgraph([], []));
        var source = context.Resolve(fromId);
        var target = context.Resolve(toId);
        var paths = Find(context, source, target, maxHops, maxPaths);
        if (paths is null)
        {
            return empty;
        }

        var nodes = paths.SelectMany(p => p.Nodes).ToHashSet();
        var edges = paths.SelectMany(p => p.Edges).ToHashSet();
        return new PathResult([.. paths.Select(p => ToPath(context.State, p))], context.ToSubgraph(nodes, edges));
    }

    public static ConnectResult Connect(QueryContext context, ConnectQuery query)
    {
        var ids = query.Ids.Select(context.Resolve).Distinct().ToArray();
        var nodes = new HashSet<int>();
        var edges = new HashSet<int>();
        var unconnected = new List<(string, string)>();
        for (var i = 0; i < ids.Length; i++)
        {
            for (var j = i + 1; j < ids.Length; j++)
            {
                var found = context.Truncated ? null : Find(context, ids[i], ids[j], query.MaxHops, 1);
                if (found is not [var path, ..])
                {
                    unconnected.Add((context.State.Nodes[ids[i]]!.Id, context.State.Nodes[ids[j]]!.Id));
                    continue;
                }

                nodes.UnionWith(path.Nodes);
                edges.UnionWith(path.Edges);
            }
        }

        return new ConnectResult(context.ToSubgraph(nodes, edges), unconnected);
    }

    public static CommonAssociatesResult CommonAssociates(QueryContext context, string aId, string bId)
    {
        var a = context.Resolve(aId);
        var b = context.Resolve(bId);
        var associates = new List<CommonAssociate>();
        if (context.See(a) == NodeVisibility.Visible && context.See(b) == NodeVisibility.Visible)
        {
            var withA = EdgesByNeighbour(context, a, b);
            var withB = EdgesByNeighbour(context, b, a);
            foreach (var (node, edgesA) in withA)
            {
                if (withB.TryGetValue(node, out var edgesB))
                {
                    associates.Add(new CommonAssociate(
                        new ResultNode(context.State.Nodes[node]!, context.See(node)),
                        [.. edgesA.Select(e => context.State.Edge(e))],
                        [.. edgesB.Select(e => context.State.Edge(e))]));
                }
            }
        }

        return new CommonAssociatesResult([.. associates.OrderBy(c => c.Node.Node.Id, StringComparer.Ordinal)], context.WithheldNodes, context.WithheldEdges, context.UndisclosedNodes, context.UndisclosedEdges, context.Truncated);
    }

    public static TimelineResult Timeline(QueryContext context, TimelineQuery query, TimeWindow? window)
    {
        var entity = context.Resolve(query.EntityId);
        var events = new Dictionary<int, List<int>>();
        if (context.See(entity) == NodeVisibility.Visible)
        {
            foreach (ref readonly var adjacency in context.State.Adjacency[entity].Span)
            {
                var node = context.State.Nodes[adjacency.Neighbour]!;
                if (node.Kind != NodeKind.Event || (window is not null && !window.Overlaps(node.From, node.To)) || context.Follow(adjacency) is null)
                {
                    continue;
                }

                if (!events.TryGetValue(adjacency.Neighbour, out var edges))
                {
                    if (events.Count >= query.MaxEvents)
                    {
                        context.Truncated = true;
                        break;
                    }

                    events.Add(adjacency.Neighbour, edges = []);
                }

                edges.Add(adjacency.Edge);
            }
        }

        // Undated events last: they cannot be placed, but the analyst should still see them.
        var ordered = events
            .Select(e => new TimelineEntry(new ResultNode(context.State.Nodes[e.Key]!, context.See(e.Key)), [.. e.Value.Select(i => context.State.Edge(i))]))
            .OrderBy(e => e.Event.Node.From ?? e.Event.Node.To ?? DateTimeOffset.MaxValue)
            .ThenBy(e => e.Event.Node.To ?? DateTimeOffset.MaxValue)
            .ThenBy(e => e.Event.Node.Id, StringComparer.Ordinal);
        return new TimelineResult([.. ordered], context.WithheldNodes, context.WithheldEdges, context.UndisclosedNodes, context.UndisclosedEdges, context.Truncated);
    }

    public static LinkedCasesResult LinkedCases(QueryContext context, LinkedCasesQuery query)
    {
        var state = context.State;
        IEnumerable<int> cases = query.CaseIds is { } ids
            ? ids.Select(context.Resolve)
            : Enumerable.Range(0, state.NodeHigh).Where(i => state.Nodes[i] is { Kind: NodeKind.Case });
        var casesOfEntity = new Dictionary<int, List<int>>();
        foreach (var @case in cases.Distinct())
        {
            if (context.See(@case) != NodeVisibility.Visible)
            {
                continue;
            }

            foreach (ref readonly var adjacency in state.Adjacency[@case].Span)
            {
                if (adjacency.Kind is not (EdgeKind.AppearsInCase or EdgeKind.MemberOf) || context.Follow(adjacency) is null)
                {
                    continue;
                }

                var entity = ResolvedEntity(context, adjacency.Neighbour);
                if (!casesOfEntity.TryGetValue(entity, out var list))
                {
                    casesOfEntity.Add(entity, list = []);
                }

                if (!list.Contains(@case))
                {
                    list.Add(@case);
                }
            }
        }

        var shared = new Dictionary<(int, int), List<int>>();
        foreach (var (entity, list) in casesOfEntity)
        {
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    var pair = list[i] < list[j] ? (list[i], list[j]) : (list[j], list[i]);
                    if (!shared.TryGetValue(pair, out var entities))
                    {
                        if (shared.Count >= query.MaxPairs)
                        {
                            context.Truncated = true;
                            continue;
                        }

                        shared.Add(pair, entities = []);
                    }

                    entities.Add(entity);
                }
            }
        }

        var links = shared
            .Select(s => new CaseLink(state.Nodes[s.Key.Item1]!.Id, state.Nodes[s.Key.Item2]!.Id, [.. s.Value.Select(e => state.Nodes[e]!.Id).Order(StringComparer.Ordinal)]))
            .OrderByDescending(l => l.SharedEntityIds.Count)
            .ThenBy(l => l.CaseA, StringComparer.Ordinal)
            .ThenBy(l => l.CaseB, StringComparer.Ordinal);
        return new LinkedCasesResult([.. links], context.WithheldNodes, context.WithheldEdges, context.UndisclosedNodes, context.UndisclosedEdges, context.Truncated);
    }

    /// <summary>
    /// The entity a case member's record was resolved to, when the caller sees that link, else the member itself:
    /// two agencies' cases holding different records of one person share that person.
    /// </summary>
    private static int ResolvedEntity(QueryContext context, int member)
    {
        foreach (ref readonly var adjacency in context.State.Adjacency[member].Span)
        {
            if (adjacency.Kind == EdgeKind.SameAs && context.Follow(adjacency) is not null && context.See(adjacency.Neighbour) == NodeVisibility.Visible)
            {
                return adjacency.Neighbour;
            }
        }

        return member;
    }

    private static Dictionary<int, List<int>> EdgesByNeighbour(QueryContext context, int node, int other)
    {
        var result = new Dictionary<int, List<int>>();
        foreach (ref readonly var adjacency in context.State.Adjacency[node].Span)
        {
            if (adjacency.Neighbour == other || !context.Passes(adjacency.Neighbour) || context.Follow(adjacency) is null)
            {
                continue;
            }

            if (!result.TryGetValue(adjacency.Neighbour, out var edges))
            {
                if (!context.Spend())
                {
                    break;
                }

                result.Add(adjacency.Neighbour, edges = []);
            }

            edges.Add(adjacency.Edge);
        }

        return result;
    }

    private sealed record RawPath(List<int> Nodes, List<int> Edges);

    /// <summary>Null when there is no path within the hops and budget, or an end is not visible to the caller.</summary>
    private static List<RawPath>? Find(QueryContext context, int source, int target, int maxHops, int maxPaths)
    {
        if (context.See(source) != NodeVisibility.Visible || context.See(target) != NodeVisibility.Visible)
        {
            return null;
        }

        if (source == target)
        {
            return [new RawPath([source], [])];
        }

        var state = context.State;
        var capacity = state.NodeHigh;
        var a = context.Scratch.A;
        var b = context.Scratch.B;
        a.Reset(capacity);
        b.Reset(capacity);
        a.Set(source, 0);
        b.Set(target, 0);
        var (frontA, frontB, next) = context.Scratch.Levels();
        frontA.Add(source);
        frontB.Add(target);
        int depthA = 0, depthB = 0;
        var crossings = new List<(int A, int B, int Edge)>();
        var pending = context.Scratch.Pending;
        while (frontA.Count > 0 && frontB.Count > 0 && depthA + depthB < maxHops)
        {
            var growA = frontA.Count <= frontB.Count;
            var (own, other, front, depth) = growA ? (a, b, frontA, depthA) : (b, a, frontB, depthB);
            var best = int.MaxValue;
            pending.Clear();
            foreach (var node in front)
            {
                foreach (ref readonly var adjacency in state.Adjacency[node].Span)
                {
                    var neighbour = adjacency.Neighbour;
                    if (own.Contains(neighbour))
                    {
                        continue;
                    }

                    if (!other.TryGet(neighbour, out var otherDepth))
                    {
                        // Needed only if no path crosses at this level, which is when most of them are met: the last
                        // level is the largest, so asking the caller now would mostly be wasted.
                        pending.Add(adjacency);
                        continue;
                    }

                    if (context.Follow(adjacency) != NodeVisibility.Visible)
                    {
                        continue;
                    }

                    var length = depth + 1 + otherDepth;
                    if (length < best)
                    {
                        best = length;
                        crossings.Clear();
                    }

                    if (length == best)
                    {
                        crossings.Add(growA ? (node, neighbour, adjacency.Edge) : (neighbour, node, adjacency.Edge));
                    }
                }
            }

            if (crossings.Count > 0)
            {
                return Assemble(context, crossings, maxPaths);
            }

            // In the order met, as if decided during the scan: the same nodes join the level, by the same links.
            next.Clear();
            foreach (var adjacency in pending)
            {
                var neighbour = adjacency.Neighbour;
                if (own.Contains(neighbour) || !context.Passes(neighbour) || context.Follow(adjacency) != NodeVisibility.Visible)
                {
                    continue;
                }

                if (!context.Spend())
                {
                    return null;
                }

                own.Set(neighbour, depth + 1);
                next.Add(neighbour);
            }

            if (growA)
            {
                (frontA, next) = (next, frontA);
                depthA++;
            }
            else
            {
                (frontB, next) = (next, frontB);
                depthB++;
            }
        }

        return null;
    }

    private static List<RawPath> Assemble(QueryContext context, List<(int A, int B, int Edge)> crossings, int maxPaths)
    {
        var paths = new List<RawPath>();
        var seen = new HashSet<(int, int)>();
        foreach (var (nodeA, nodeB, edge) in crossings)
        {
            if (!seen.Add((nodeA, nodeB)))
            {
                continue;
            }

            foreach (var left in Chains(context, context.Scratch.A, nodeA))
            {
                foreach (var right in Chains(context, context.Scratch.B, nodeB))
                {
                    if (paths.Count == maxPaths)
                    {
                        return paths;
                    }

                    var rightNodes = right.Nodes.AsEnumerable().Reverse();
                    var rightEdges = right.Edges.AsEnumerable().Reverse();
                    paths.Add(new RawPath([.. left.Nodes, .. rightNodes], [.. left.Edges, edge, .. rightEdges]));
                }
            }
        }

        return paths;
    }

    /// <summary>
    /// Every shortest chain from the BFS root to <paramref name="node"/>, lazily, each step one level closer to the root.
    /// The links are scanned as the chains are taken: the first path through a hub should not wait on its thousands.
    /// </summary>
    private static IEnumerable<RawPath> Chains(QueryContext context, StampedMap depthOf, int node)
    {
        depthOf.TryGet(node, out var depth);
        if (depth == 0)
        {
            yield return new RawPath([node], []);
            yield break;
        }

        // The store's read lock is held for the whole query, so the links cannot change between steps.
        var links = context.State.Adjacency[node];
        List<int>? taken = null;
        for (var i = 0; i < links.Count; i++)
        {
            var link = links.Items![i];
            var neighbour = link.Neighbour;
            if (!depthOf.TryGet(neighbour, out var d) || d != depth - 1 || (taken is not null && taken.Contains(neighbour))
                || context.Follow(link) != NodeVisibility.Visible)
            {
                continue;
            }

            (taken ??= []).Add(neighbour);
            foreach (var chain in Chains(context, depthOf, neighbour))
            {
                chain.Nodes.Add(node);
                chain.Edges.Add(link.Edge);
                yield return chain;
            }
        }
    }

    private static GraphPath ToPath(GraphState state, RawPath path) =>
        new([.. path.Nodes.Select(n => state.Nodes[n]!.Id)], [.. path.Edges.Select(e => state.Edge(e))]);
}
