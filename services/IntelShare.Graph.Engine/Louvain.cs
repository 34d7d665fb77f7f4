namespace IntelShare.Graph.Engine;

/// <summary>
/// Louvain community detection (Blondel et al. 2008): move nodes to the neighbouring community of best modularity
/// gain until none moves, fold communities into nodes, repeat until a level changes nothing.
/// </summary>
internal static class Louvain
{
    private const double MinimumGain = 1e-12;

    public static (int[] Community, double Modularity) Run(AnalyticGraph graph, int seed, QueryContext context)
    {
        var n = graph.Count;
        var membership = Enumerable.Range(0, n).ToArray();
        var level = new Level(graph.Offsets, graph.Targets, graph.Weights, new double[n]);
        var random = new Random(seed);
        while (!context.OutOfTime())
        {
            var (community, count, moved) = MoveNodes(level, random);
            if (!moved)
            {
                break;
            }

            for (var i = 0; i < n; i++)
            {
                membership[i] = community[membership[i]];
            }

            level = Fold(level, community, count);
        }

        return (membership, Modularity(graph, membership));
    }

    public static double Modularity(AnalyticGraph graph, int[] community)
    {
        var total = 0.0;
        var inside = new Dictionary<int, double>();
        var degree = new Dictionary<int, double>();
        for (var u = 0; u < graph.Count; u++)
        {
            var c = community[u];
            for (var i = graph.Offsets[u]; i < graph.Offsets[u + 1]; i++)
            {
                var w = graph.Weights[i];
                total += w;
                degree[c] = degree.GetValueOrDefault(c) + w;
                if (community[graph.Targets[i]] == c)
                {
                    inside[c] = inside.GetValueOrDefault(c) + w;
                }
            }
        }

        return total == 0 ? 0 : degree.Sum(d => inside.GetValueOrDefault(d.Key) / total - Math.Pow(d.Value / total, 2));
    }

    /// <summary>A level's graph: symmetric weighted adjacency, plus each node's self-loop weight (its folded inside).</summary>
    private sealed record Level(int[] Offsets, int[] Targets, double[] Weights, double[] SelfLoops)
    {
        public int Count => SelfLoops.Length;
    }

    private static (int[] Community, int Count, bool Moved) MoveNodes(Level level, Random random)
    {
        var n = level.Count;
        var degree = new double[n];
        var total = 0.0;
        for (var u = 0; u < n; u++)
        {
            degree[u] = level.SelfLoops[u];
            for (var i = level.Offsets[u]; i < level.Offsets[u + 1]; i++)
            {
                degree[u] += level.Weights[i];
            }

            total += degree[u];
        }

        var community = Enumerable.Range(0, n).ToArray();
        var communityDegree = (double[])degree.Clone();
        var toCommunity = new double[n];
        var touched = new List<int>();
        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        var movedAny = false;
        if (total > 0)
        {
            bool moved;
            do
            {
                moved = false;
                foreach (var u in order)
                {
                    var own = community[u];
                    foreach (var c in touched)
                    {
                        toCommunity[c] = 0;
                    }

                    touched.Clear();
                    touched.Add(own);
                    for (var i = level.Offsets[u]; i < level.Offsets[u + 1]; i++)
                    {
                        var c = community[level.Targets[i]];
                        if (toCommunity[c] == 0 && c != own)
                        {
                            touched.Add(c);
                        }

                        toCommunity[c] += level.Weights[i];
                    }

                    communityDegree[own] -= degree[u];
                    var best = own;
                    var bestGain = toCommunity[own] - communityDegree[own] * degree[u] / total;
                    foreach (var c in touched)
                    {
                        var gain = toCommunity[c] - communityDegree[c] * degree[u] / total;
                        if (gain > bestGain + MinimumGain)
                        {
                            best = c;
                            bestGain = gain;
                        }
                    }

                    communityDegree[best] += degree[u];
                    if (best != own)
                    {
                        community[u] = best;
                        moved = movedAny = true;
                    }
                }
            }
            while (moved);
        }

        // Renumber densely, in order of first appearance, so the next level has no empty nodes.
        var renumber = new int[n];
        Array.Fill(renumber, -1);
        var count = 0;
        for (var u = 0; u < n; u++)
        {
            if (renumber[community[u]] < 0)
            {
                renumber[community[u]] = count++;
            }

            community[u] = renumber[community[u]];
        }

        return (community, count, movedAny);
    }

    private static Level Fold(Level level, int[] community, int count)
    {
        var members = new List<int>[count];
        for (var c = 0; c < count; c++)
        {
            members[c] = [];
        }

        for (var u = 0; u < level.Count; u++)
        {
            members[community[u]].Add(u);
        }

        var selfLoops = new double[count];
        var offsets = new int[count + 1];
        var targets = new List<int>();
        var weights = new List<double>();
        var toCommunity = new double[count];
        var touched = new List<int>();
        for (var c = 0; c < count; c++)
        {
            foreach (var u in members[c])
            {
                selfLoops[c] += level.SelfLoops[u];
                for (var i = level.Offsets[u]; i < level.Offsets[u + 1]; i++)
                {
                    var d = community[level.Targets[i]];
                    if (d == c)
                    {
                        selfLoops[c] += level.Weights[i];
                        continue;
                    }

                    if (toCommunity[d] == 0)
                    {
                        touched.Add(d);
                    }

                    toCommunity[d] += level.Weights[i];
                }
            }

            foreach (var d in touched)
            {
                targets.Add(d);
                weights.Add(toCommunity[d]);
                toCommunity[d] = 0;
            }

            touched.Clear();
            offsets[c + 1] = targets.Count;
        }

        return new Level(offsets, [.. targets], [.. weights], selfLoops);
    }
}
