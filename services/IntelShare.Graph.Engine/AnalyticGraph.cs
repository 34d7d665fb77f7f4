namespace IntelShare.Graph.Engine;

/// <summary>
/// A flat snapshot of the visible part of the graph (or of a node set's induced subgraph) for whole-graph analytics:
/// undirected simple adjacency with edge multiplicities as weights, and the directed links for PageRank. Only nodes
/// the caller sees in full take part: a placeholder cannot be walked through, so it cannot carry paths or rank either.
/// The query's kind and time filters apply as in a walk: to the nodes taken and to the links between them.
/// </summary>
internal sealed class AnalyticGraph
{
    private AnalyticGraph(int[] global, int[] edgeFrom, int[] edgeTo, int[] edgeIds)
    {
        Global = global;
        EdgeFrom = edgeFrom;
        EdgeTo = edgeTo;
        EdgeIds = edgeIds;
        (Offsets, Targets, Weights) = Undirected(global.Length, edgeFrom, edgeTo);
    }

    public int Count => Global.Length;

    /// <summary>Local index to the store's node index.</summary>
    public int[] Global { get; }

    /// <summary>Every visible link once, in its own direction, with its store index.</summary>
    public int[] EdgeFrom { get; }

    public int[] EdgeTo { get; }

    public int[] EdgeIds { get; }

    public int[] Offsets { get; }

    public int[] Targets { get; }

    public double[] Weights { get; }

    public static AnalyticGraph Build(QueryContext context, IReadOnlyCollection<string>? ids)
    {
        var state = context.State;
        var local = context.Scratch.A;
        IEnumerable<int> candidates = ids is null ? Enumerable.Range(0, state.NodeHigh).Where(i => state.Nodes[i] is not null) : ids.Select(context.Resolve).Distinct();
        var global = new List<int>(ids?.Count ?? state.NodeCount);
        foreach (var node in candidates)
        {
            if (context.Passes(node) && context.See(node) == NodeVisibility.Visible)
            {
                local.Set(node, global.Count);
                global.Add(node);
            }
        }

        var from = new List<int>();
        var to = new List<int>();
        var edgeIds = new List<int>();
        for (var u = 0; u < global.Count; u++)
        {
            foreach (ref readonly var adjacency in state.Adjacency[global[u]].Span)
            {
                if (adjacency.Outgoing && local.TryGet(adjacency.Neighbour, out var v) && context.Follow(adjacency) == NodeVisibility.Visible)
                {
                    from.Add(u);
                    to.Add(v);
                    edgeIds.Add(adjacency.Edge);
                }
            }
        }

        return new AnalyticGraph([.. global], [.. from], [.. to], [.. edgeIds]);
    }

    private static (int[] Offsets, int[] Targets, double[] Weights) Undirected(int count, int[] from, int[] to)
    {
        var offsets = new int[count + 1];
        foreach (var u in from)
        {
            offsets[u + 1]++;
        }

        foreach (var v in to)
        {
            offsets[v + 1]++;
        }

        for (var i = 0; i < count; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var fill = offsets[..^1];
        var targets = new int[offsets[count]];
        for (var e = 0; e < from.Length; e++)
        {
            targets[fill[from[e]]++] = to[e];
            targets[fill[to[e]]++] = from[e];
        }

        // Parallel links of different kinds join the same pair: one neighbour, weighted by how many links there are.
        var compactOffsets = new int[count + 1];
        var weights = new double[targets.Length];
        var write = 0;
        for (var u = 0; u < count; u++)
        {
            var span = targets.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
            span.Sort();
            compactOffsets[u] = write;
            for (var i = 0; i < span.Length; i++)
            {
                if (i > 0 && span[i] == span[i - 1])
                {
                    weights[write - 1]++;
                    continue;
                }

                targets[write] = span[i];
                weights[write++] = 1;
            }
        }

        compactOffsets[count] = write;
        return (compactOffsets, targets[..write], weights[..write]);
    }
}
