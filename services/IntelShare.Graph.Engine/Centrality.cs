using System.Runtime.CompilerServices;

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
    /// cores, each thread with its own arrays. Exact scores first fold the trees hanging off the graph into the node
    /// they hang from (<see cref="PendantTrees"/>), which removes their sources and edges from the quadratic part.
    /// With <paramref name="samples"/>, only that many random sources are used and the sums scaled up by n / samples.
    /// </summary>
    public static double[] Betweenness(AnalyticGraph graph, int? samples, int seed, QueryContext context)
    {
        var n = graph.Count;
        if (samples is { } k && k < n)
        {
            var sources = Enumerable.Range(0, n).ToArray();
            new Random(seed).Shuffle(sources);
            var weights = new double[n];
            Array.Fill(weights, 1.0);
            var sampled = Brandes(graph.Offsets, graph.Targets, weights, sources.AsMemory(0, k), context);
            var scale = 0.5 * n / k;
            for (var i = 0; i < n; i++)
            {
                sampled[i] *= scale;
            }

            return sampled;
        }

        var trees = PendantTrees.Fold(graph.Offsets, graph.Targets);
        var core = Brandes(trees.Offsets, trees.Targets, trees.Weights, Enumerable.Range(0, trees.Core.Length).ToArray(), context);
        var total = trees.Scores;
        for (var c = 0; c < trees.Core.Length; c++)
        {
            total[trees.Core[c]] += 0.5 * core[c];
        }

        return total;
    }

    /// <summary>
    /// Sums over <paramref name="sources"/> of each node's dependency, where a path to node t counts
    /// <paramref name="weights"/>[t] times and a path from source s counts weights[s] times.
    /// </summary>
    private static double[] Brandes(int[] offsets, int[] targets, double[] weights, ReadOnlyMemory<int> sources, QueryContext context)
    {
        var n = offsets.Length - 1;
        var total = new double[n];
        var gate = new object();
        var truncated = 0;
        var chunk = Math.Max(1, sources.Length / (Environment.ProcessorCount * 8));
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(0, sources.Length, chunk),
            new ParallelOptions { TaskScheduler = TaskScheduler.Current },
            () => new BrandesState(n, targets.Length),
            (range, _, state) =>
            {
                var span = sources.Span;
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    if (Volatile.Read(ref truncated) != 0 || (i % 64 == 0 && context.OutOfTime()))
                    {
                        Volatile.Write(ref truncated, 1);
                        return state;
                    }

                    state.Accumulate(offsets, targets, weights, span[i]);
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
        return total;
    }

    /// <summary>
    /// One thread's arrays for Brandes. The forward sweep goes level by level, each step from whichever side has fewer
    /// links to read: top-down from the level just reached (every link of every node in it), or bottom-up from the
    /// nodes not reached yet (every link of each, looking for neighbours on the level just reached). On a small-world
    /// graph the middle level holds the hubs and most of the links, and the bottom-up step never reads them. Either way
    /// the links between two levels are written down once, as a node's successors (top-down) or its predecessors
    /// (bottom-up), so the backward sweep reads just those: a node pulls its successors' shares, or pushes its own share
    /// to its predecessors.
    /// </summary>
    private sealed class BrandesState
    {
        private readonly int[] distance;
        private readonly int[] order;

        /// <summary>Nodes not reached yet, for bottom-up steps; entries reached since by a top-down step are dropped as met.</summary>
        private readonly int[] pending;

        /// <summary>Per level, whether the step from it to the next went bottom-up.</summary>
        private readonly bool[] bottomUp;

        private readonly double[] paths;

        /// <summary>Per node, (weight + dependency) / paths: what each predecessor multiplies by its own paths.</summary>
        private readonly double[] share;

        /// <summary>Per node, the shares its successors pushed to it, when they were reached bottom-up.</summary>
        private readonly double[] pushed;

        /// <summary>
        /// For order[j], its successors are links[downStart[j]..downEnd[j]] when its level stepped top-down, and its
        /// predecessors links[upStart[j]..upEnd[j]] when it was reached bottom-up.
        /// </summary>
        private readonly int[] links;
        private readonly int[] downStart;
        private readonly int[] downEnd;
        private readonly int[] upStart;
        private readonly int[] upEnd;

        public BrandesState(int n, int linkCount)
        {
            distance = new int[n];
            Array.Fill(distance, -1);
            order = new int[n];
            pending = new int[n];
            bottomUp = new bool[n + 1];
            paths = new double[n];
            share = new double[n];
            pushed = new double[n];
            links = new int[linkCount + 1];
            downStart = new int[n];
            downEnd = new int[n];
            upStart = new int[n];
            upEnd = new int[n];
            Scores = new double[n];
        }

        public double[] Scores { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Accumulate(int[] offsets, int[] targets, double[] weights, int source)
        {
            var tail = Forward(offsets, targets, source);

            // Reverse BFS order reaches every node after all of its successors, so their shares are final.
            var distance = this.distance;
            var order = this.order;
            var bottomUp = this.bottomUp;
            var paths = this.paths;
            var share = this.share;
            var pushed = this.pushed;
            var links = this.links;
            var scores = Scores;
            var sourceWeight = weights[source];
            for (var j = tail - 1; j > 0; j--)
            {
                var w = order[j];
                var level = distance[w];
                double sum;
                if (bottomUp[level])
                {
                    sum = pushed[w];
                    pushed[w] = 0;
                }
                else
                {
                    sum = 0.0;
                    var end = downEnd[j];
                    for (var i = downStart[j]; i < end; i++)
                    {
                        sum += share[links[i]];
                    }
                }

                var dependency = paths[w] * sum;
                var own = (weights[w] + dependency) / paths[w];
                scores[w] += sourceWeight * dependency;
                if (bottomUp[level - 1])
                {
                    var end = upEnd[j];
                    for (var i = upStart[j]; i < end; i++)
                    {
                        pushed[links[i]] += own;
                    }
                }
                else
                {
                    share[w] = own;
                }
            }

            pushed[source] = 0;
            for (var j = 0; j < tail; j++)
            {
                distance[order[j]] = -1;
            }
        }

        /// <summary>Distances, path counts and the links between levels from <paramref name="source"/>; returns how many nodes it reached.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Forward(int[] offsets, int[] targets, int source)
        {
            var distance = this.distance;
            var order = this.order;
            var paths = this.paths;
            var links = this.links;
            var tail = 0;
            var written = 0;
            var pendingCount = -1;
            order[tail++] = source;
            distance[source] = 0;
            paths[source] = 1;
            var unreachedLinks = targets.Length - (offsets[source + 1] - offsets[source]);
            var levelLinks = offsets[source + 1] - offsets[source];
            var begin = 0;
            for (var level = 0; ; level++)
            {
                var end = tail;
                var next = level + 1;
                var nextLinks = 0;
                var up = bottomUp[level] = unreachedLinks < levelLinks;
                if (!up)
                {
                    for (var j = begin; j < end; j++)
                    {
                        var u = order[j];
                        var pathsU = paths[u];
                        downStart[j] = written;
                        var stop = offsets[u + 1];
                        for (var i = offsets[u]; i < stop; i++)
                        {
                            var v = targets[i];
                            var d = distance[v];
                            if (d < 0)
                            {
                                // Rare next to the links that go back or sideways, so this branch predicts well.
                                distance[v] = d = next;
                                paths[v] = 0;
                                order[tail++] = v;
                                nextLinks += offsets[v + 1] - offsets[v];
                            }

                            // Whether a link goes one level down is a coin toss to the branch predictor: always write,
                            // keep the write only for a link down, and multiply instead of adding conditionally.
                            var down = Convert.ToInt32(d == next);
                            links[written] = v;
                            written += down;
                            paths[v] += pathsU * down;
                        }

                        downEnd[j] = written;
                    }
                }
                else
                {
                    var pending = this.pending;
                    if (pendingCount < 0)
                    {
                        pendingCount = 0;
                        for (var v = 0; v < distance.Length; v++)
                        {
                            pending[pendingCount] = v;
                            pendingCount += Convert.ToInt32(distance[v] < 0);
                        }
                    }

                    var kept = 0;
                    for (var p = 0; p < pendingCount; p++)
                    {
                        var v = pending[p];
                        if (distance[v] >= 0)
                        {
                            continue;
                        }

                        var start = written;
                        var stop = offsets[v + 1];
                        for (var i = offsets[v]; i < stop; i++)
                        {
                            // The same trick as top-down: always write, keep only a neighbour on the level just reached.
                            var u = targets[i];
                            links[written] = u;
                            written += Convert.ToInt32(distance[u] == level);
                        }

                        if (written > start)
                        {
                            var sum = 0.0;
                            for (var i = start; i < written; i++)
                            {
                                sum += paths[links[i]];
                            }

                            distance[v] = next;
                            paths[v] = sum;
                            upStart[tail] = start;
                            upEnd[tail] = written;
                            order[tail++] = v;
                            nextLinks += stop - offsets[v];
                        }
                        else
                        {
                            pending[kept++] = v;
                        }
                    }

                    pendingCount = kept;
                }

                if (tail == end)
                {
                    return tail;
                }

                unreachedLinks -= nextLinks;
                levelLinks = nextLinks;
                begin = end;
            }
        }
    }
}

/// <summary>
/// Trees hanging off an undirected graph, folded leaf by leaf into the node they hang from. Every shortest path
/// between a folded node and anything outside its tree runs through the tree's root and then as from the root, so:
/// a folded node's betweenness is known outright (the pairs its own hanging trees make with each other and with the
/// rest of its component), and what remains is the core, where a node stands for itself and its trees
/// (<see cref="Weights"/>) as source and target. Sparse analyst subgraphs, whose rim hangs by single links, lose a
/// large share of their nodes this way.
/// </summary>
internal sealed class PendantTrees
{
    private PendantTrees(int[] core, int[] offsets, int[] targets, double[] weights, double[] scores)
    {
        Core = core;
        Offsets = offsets;
        Targets = targets;
        Weights = weights;
        Scores = scores;
    }

    /// <summary>Core index to the graph's node index.</summary>
    public int[] Core { get; }

    /// <summary>The core's adjacency, by core index.</summary>
    public int[] Offsets { get; }

    public int[] Targets { get; }

    /// <summary>Per core node, the number of graph nodes it stands for.</summary>
    public double[] Weights { get; }

    /// <summary>Per graph node, the betweenness from pairs with an end in a folded tree; the core's part is added by the caller.</summary>
    public double[] Scores { get; }

    public static PendantTrees Fold(int[] offsets, int[] targets)
    {
        var n = offsets.Length - 1;
        var component = ComponentSizes(offsets, targets);
        var degree = new int[n];
        var weight = new double[n];
        var hanging = new double[n];
        var hangingSquares = new double[n];
        var folded = new bool[n];
        var leaves = new Stack<int>();
        for (var u = 0; u < n; u++)
        {
            degree[u] = offsets[u + 1] - offsets[u];
            weight[u] = 1;
            if (degree[u] == 1)
            {
                leaves.Push(u);
            }
        }

        var scores = new double[n];
        while (leaves.TryPop(out var u))
        {
            // The other end of a single link may have been folded already: then u is all that is left of its component.
            if (degree[u] != 1)
            {
                continue;
            }

            var root = -1;
            for (var i = offsets[u]; i < offsets[u + 1] && root < 0; i++)
            {
                root = folded[targets[i]] ? -1 : targets[i];
            }

            folded[u] = true;
            degree[u] = 0;
            scores[u] = Through(u);
            hanging[root] += weight[u];
            hangingSquares[root] += weight[u] * weight[u];
            weight[root] += weight[u];
            if (--degree[root] == 1)
            {
                leaves.Push(root);
            }
        }

        var core = new List<int>();
        for (var u = 0; u < n; u++)
        {
            if (!folded[u])
            {
                scores[u] = Through(u);
                core.Add(u);
            }
        }

        // Hubs first, and each node's neighbours in that order: most links of a power-law graph lead to a few hubs,
        // whose entries then share a handful of cache lines.
        core.Sort((a, b) => degree[a] != degree[b] ? degree[b].CompareTo(degree[a]) : a.CompareTo(b));
        var local = new int[n];
        for (var c = 0; c < core.Count; c++)
        {
            local[core[c]] = c;
        }

        var coreOffsets = new int[core.Count + 1];
        var coreTargets = new int[targets.Length];
        var coreWeights = new double[core.Count];
        var written = 0;
        for (var c = 0; c < core.Count; c++)
        {
            var u = core[c];
            coreWeights[c] = weight[u];
            for (var i = offsets[u]; i < offsets[u + 1]; i++)
            {
                if (!folded[targets[i]])
                {
                    coreTargets[written++] = local[targets[i]];
                }
            }

            coreTargets.AsSpan(coreOffsets[c], written - coreOffsets[c]).Sort();
            coreOffsets[c + 1] = written;
        }

        return new PendantTrees([.. core], coreOffsets, coreTargets[..written], coreWeights, scores);

        // Pairs between two of u's hanging trees, and between one of them and the rest of u's component.
        double Through(int u) =>
            (hanging[u] * hanging[u] - hangingSquares[u]) / 2 + (weight[u] - 1) * (component[u] - weight[u]);
    }

    private static int[] ComponentSizes(int[] offsets, int[] targets)
    {
        var n = offsets.Length - 1;
        var label = new int[n];
        Array.Fill(label, -1);
        var sizes = new List<int>();
        var queue = new int[n];
        for (var s = 0; s < n; s++)
        {
            if (label[s] >= 0)
            {
                continue;
            }

            var id = sizes.Count;
            var tail = 0;
            queue[tail++] = s;
            label[s] = id;
            for (var head = 0; head < tail; head++)
            {
                var u = queue[head];
                for (var i = offsets[u]; i < offsets[u + 1]; i++)
                {
                    if (label[targets[i]] < 0)
                    {
                        label[targets[i]] = id;
                        queue[tail++] = targets[i];
                    }
                }
            }

            sizes.Add(tail);
        }

        var result = new int[n];
        for (var u = 0; u < n; u++)
        {
            result[u] = sizes[label[u]];
        }

        return result;
    }
}
