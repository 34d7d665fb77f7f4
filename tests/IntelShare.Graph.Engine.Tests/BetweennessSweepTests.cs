using IntelShare.Graph.Engine;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>
/// Exact betweenness folds pendant trees, numbers the core hubs first and sweeps each level top-down or bottom-up,
/// whichever reads fewer links: on graphs made to exercise each of those, it must give what plain Brandes gives.
/// </summary>
public sealed class BetweennessSweepTests
{
    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 500)]
    [InlineData(3, 800)]
    public async Task Betweenness_of_a_hub_heavy_graph_with_pendants_and_twins_matches_plain_Brandes(int seed, int nodes)
    {
        // Preferential attachment with one or two links per newcomer: hubs whose level most links lead to, so the sweep
        // goes bottom-up, and many pendant nodes and chains to fold; newcomers linked to the same two nodes are twins.
        var random = new Random(seed);
        var ends = new List<int> { 0, 1 };
        var pairs = new List<(int, int)> { (0, 1) };
        for (var v = 2; v < nodes; v++)
        {
            var first = ends[random.Next(ends.Count)];
            Link(v, first);
            if (random.Next(3) > 0)
            {
                var second = random.Next(4) == 0 ? random.Next(v) : ends[random.Next(ends.Count)];
                if (second != first)
                {
                    Link(v, second);
                }
            }
        }

        await AssertMatchesBrandesAsync(pairs);

        void Link(int a, int b)
        {
            pairs.Add((a, b));
            ends.Add(a);
            ends.Add(b);
        }
    }

    [Fact]
    public async Task Betweenness_when_the_sweep_turns_bottom_up_and_back_matches_plain_Brandes()
    {
        // A wheel (a hub on a ring of 40) with a long cycle through one ring node and a tree hanging off that cycle:
        // from a ring node the hub's level is stepped bottom-up, then the long cycle top-down again. A second,
        // separate wheel and a lone pair make several components.
        var pairs = new List<(int, int)>();
        Wheel(0, 40);
        for (var i = 0; i < 30; i++)
        {
            pairs.Add((100 + i, i == 29 ? 1 : 100 + i + 1));
        }

        pairs.Add((1, 100));
        pairs.Add((115, 200));
        pairs.Add((200, 201));
        pairs.Add((200, 202));
        Wheel(300, 12);
        pairs.Add((400, 401));
        await AssertMatchesBrandesAsync(pairs);

        void Wheel(int hub, int ring)
        {
            for (var i = 1; i <= ring; i++)
            {
                pairs.Add((hub, hub + i));
                pairs.Add((hub + i, hub + i % ring + 1));
            }
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Betweenness_of_dense_communities_joined_by_brokers_matches_plain_Brandes(int seed)
    {
        // Communities of 25 with a 30% link density, each tied to two of five brokers: many equal-length paths, so
        // path counts well above one, and levels reached from both sides.
        var random = new Random(seed);
        var pairs = new List<(int, int)>();
        for (var c = 0; c < 8; c++)
        {
            var first = 10 + c * 25;
            for (var a = first; a < first + 25; a++)
            {
                for (var b = a + 1; b < first + 25; b++)
                {
                    if (random.NextDouble() < 0.3)
                    {
                        pairs.Add((a, b));
                    }
                }
            }

            pairs.Add((c % 5, first));
            pairs.Add(((c + 2) % 5, first + 1 + random.Next(24)));
        }

        await AssertMatchesBrandesAsync(pairs);
    }

    private static async Task AssertMatchesBrandesAsync(IReadOnlyList<(int A, int B)> pairs)
    {
        var named = pairs.Select(p => ("n" + p.A, "n" + p.B)).ToArray();
        await using var graph = await TestGraph.WithEdgesAsync(named);
        var result = await graph.Store.CentralityAsync(new CentralityQuery(CentralityMeasure.Betweenness, Top: GraphLimits.MaxTop), EverythingVisible.Instance);
        var scores = result.Scores.ToDictionary(s => s.Id, s => s.Score);

        var expected = PlainBrandes(named);
        Assert.Equal(expected.Count, scores.Count);
        Assert.All(expected, e => Assert.True(
            Math.Abs(e.Value - scores[e.Key]) <= 1e-9 * Math.Max(1, e.Value),
            $"{e.Key}: expected {e.Value}, got {scores[e.Key]}"));
    }

    /// <summary>Brandes (2001) as published, over unordered pairs: a queue, predecessor lists, one source at a time.</summary>
    private static Dictionary<string, double> PlainBrandes((string A, string B)[] pairs)
    {
        var (names, neighbours) = UndirectedPairs.Adjacency(pairs);

        var n = names.Length;
        var betweenness = new double[n];
        for (var s = 0; s < n; s++)
        {
            var distance = Enumerable.Repeat(-1, n).ToArray();
            var paths = new double[n];
            var dependency = new double[n];
            var predecessors = names.Select(_ => new List<int>()).ToArray();
            var stack = new Stack<int>();
            var queue = new Queue<int>([s]);
            distance[s] = 0;
            paths[s] = 1;
            while (queue.TryDequeue(out var v))
            {
                stack.Push(v);
                foreach (var w in neighbours[v])
                {
                    if (distance[w] < 0)
                    {
                        distance[w] = distance[v] + 1;
                        queue.Enqueue(w);
                    }

                    if (distance[w] == distance[v] + 1)
                    {
                        paths[w] += paths[v];
                        predecessors[w].Add(v);
                    }
                }
            }

            while (stack.TryPop(out var w))
            {
                foreach (var v in predecessors[w])
                {
                    dependency[v] += paths[v] / paths[w] * (1 + dependency[w]);
                }

                if (w != s)
                {
                    betweenness[w] += dependency[w];
                }
            }
        }

        return names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => betweenness[x.i] / 2);
    }
}
