namespace IntelShare.Graph.Engine;

internal static class Centrality
{
    public static double[] Degree(AnalyticGraph graph)
    {
        var scores = new double[graph.Count];
        for (var u = 0; u < graph.Count; u++)
        {
            for (var i = graph.Offsets[u]; i < graph.Offsets[u + 1]; i++)
            {
                scores[u] += graph.Weights[i];
            }
        }

        return scores;
    }

    /// <summary>
    /// PageRank along the links' direction, pulled from in-links so every node is written by one thread only;
    /// rank held by nodes without out-links is spread over all nodes.
    /// </summary>
    public static (double[] Rank, int Iterations, bool Converged) PageRank(AnalyticGraph graph, double damping, double tolerance, int maxIterations, QueryContext context)
    {
        var n = graph.Count;
        if (n == 0)
        {
            return ([], 0, true);
        }

        var outDegree = new int[n];
        var inOffsets = new int[n + 1];
        foreach (var u in graph.EdgeFrom)
        {
            outDegree[u]++;
        }

        foreach (var v in graph.EdgeTo)
        {
            inOffsets[v + 1]++;
        }

        for (var i = 0; i < n; i++)
        {
            inOffsets[i + 1] += inOffsets[i];
        }

        var fill = inOffsets[..^1];
        var inSources = new int[graph.EdgeFrom.Length];
        for (var e = 0; e < graph.EdgeFrom.Length; e++)
        {
            inSources[fill[graph.EdgeTo[e]]++] = graph.EdgeFrom[e];
        }

        var rank = new double[n];
        var next = new double[n];
        var share = new double[n];
        Array.Fill(rank, 1.0 / n);
        var chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 8, n / 4096));
        var iteration = 0;
        while (iteration < maxIterations)
        {
            iteration++;
            var dangling = 0.0;
            for (var u = 0; u < n; u++)
            {
                if (outDegree[u] == 0)
                {
                    dangling += rank[u];
                }
                else
                {
                    share[u] = rank[u] / outDegree[u];
                }
            }

            var teleport = ((1 - damping) + damping * dangling) / n;
            var change = 0.0;
            var gate = new object();
            Parallel.For(0, chunks, chunk =>
            {
                var start = (int)((long)n * chunk / chunks);
                var end = (int)((long)n * (chunk + 1) / chunks);
                var local = 0.0;
                for (var v = start; v < end; v++)
                {
                    var sum = 0.0;
                    for (var i = inOffsets[v]; i < inOffsets[v + 1]; i++)
                    {
                        sum += share[inSources[i]];
                    }

                    var value = teleport + damping * sum;
                    local += Math.Abs(value - rank[v]);
                    next[v] = value;
                }

                lock (gate)
                {
                    change += local;
                }
            });

            (rank, next) = (next, rank);
            if (change < tolerance)
            {
                return (rank, iteration, true);
            }

            if (context.OutOfTime())
            {
                break;
            }
        }

        return (rank, iteration, false);
    }

    /// <summary>
    /// Brandes' betweenness on the undirected graph, each unordered pair counted once; sources are split over the
    /// cores, each with its own arrays. With <paramref name="samples"/>, only that many random sources are used and
    /// the sums scaled up by n / samples.
    /// </summary>
    public static double[] Betweenness(AnalyticGraph graph, int? samples, int seed, QueryContext context)
    {
        var n = graph.Count;
        var sources = Enumerable.Range(0, n).ToArray();
        var scale = 0.5;
        if (samples is { } k && k < n)
        {
            new Random(seed).Shuffle(sources);
            sources = sources[..k];
            scale *= (double)n / k;
        }

        var total = new double[n];
        var gate = new object();
        var truncated = 0;
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(0, sources.Length, Math.Max(1, sources.Length / (Environment.ProcessorCount * 8))),
            () => new BrandesState(n, graph.Targets.Length),
            (range, _, state) =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    if (Volatile.Read(ref truncated) != 0 || (i % 64 == 0 && context.OutOfTime()))
                    {
                        Volatile.Write(ref truncated, 1);
                        return state;
                    }

                    state.Accumulate(graph, sources[i]);
                }

                return state;
            },
            state =>
            {
                lock (gate)
                {
                    for (var i = 0; i < n; i++)
                    {
                        total[i] += state.Scores[i];
                    }
                }
            });
        for (var i = 0; i < n; i++)
        {
            total[i] *= scale;
        }

        return total;
    }

    /// <summary>One thread's arrays for Brandes; predecessors are kept so the backward sweep walks only the BFS DAG.</summary>
    private sealed class BrandesState(int n, int adjacencyEntries)
    {
        private readonly int[] distance = Fill(n, -1);
        private readonly double[] paths = new double[n];
        private readonly double[] dependency = new double[n];
        private readonly int[] order = new int[n];
        private readonly int[] predecessorCount = new int[n];
        private readonly int[] predecessors = new int[adjacencyEntries];

        public double[] Scores { get; } = new double[n];

        public void Accumulate(AnalyticGraph graph, int source)
        {
            var offsets = graph.Offsets;
            var targets = graph.Targets;
            var head = 0;
            var tail = 0;
            order[tail++] = source;
            distance[source] = 0;
            paths[source] = 1;
            while (head < tail)
            {
                var u = order[head++];
                var next = distance[u] + 1;
                var pathsU = paths[u];
                for (var i = offsets[u]; i < offsets[u + 1]; i++)
                {
                    var v = targets[i];
                    var d = distance[v];
                    if (d < 0)
                    {
                        distance[v] = d = next;
                        order[tail++] = v;
                    }

                    if (d == next)
                    {
                        paths[v] += pathsU;
                        predecessors[offsets[v] + predecessorCount[v]++] = u;
                    }
                }
            }

            // order[] is the BFS order: walking it backwards visits every node after all its successors.
            for (var j = tail - 1; j > 0; j--)
            {
                var w = order[j];
                var coefficient = (1 + dependency[w]) / paths[w];
                var start = offsets[w];
                for (var i = start; i < start + predecessorCount[w]; i++)
                {
                    var v = predecessors[i];
                    dependency[v] += paths[v] * coefficient;
                }

                Scores[w] += dependency[w];
            }

            for (var j = 0; j < tail; j++)
            {
                var v = order[j];
                distance[v] = -1;
                paths[v] = 0;
                dependency[v] = 0;
                predecessorCount[v] = 0;
            }
        }

        private static int[] Fill(int n, int value)
        {
            var array = new int[n];
            Array.Fill(array, value);
            return array;
        }
    }
}
