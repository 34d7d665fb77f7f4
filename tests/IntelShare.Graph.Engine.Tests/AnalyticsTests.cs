using IntelShare.Graph.Engine;

namespace IntelShare.Graph.Engine.Tests;

public sealed class AnalyticsTests
{
    private static readonly IGraphVisibility All = EverythingVisible.Instance;

    private static async Task<Dictionary<string, double>> Scores(TestGraph graph, CentralityQuery query, IGraphVisibility? visibility = null) =>
        (await graph.Store.CentralityAsync(query, visibility ?? All)).Scores.ToDictionary(s => s.Id, s => s.Score);

    [Fact]
    public async Task PageRank_of_the_textbook_three_page_web()
    {
        // Brin and Page's example: A links to B and C, B to C, C back to A; d = 0.85.
        await using var graph = await TestGraph.WithEdgesAsync(("A", "B"), ("A", "C"), ("B", "C"), ("C", "A"));
        var rank = await Scores(graph, new CentralityQuery(CentralityMeasure.PageRank, Tolerance: 1e-10));

        Assert.Equal(0.3878, rank["A"], 3);
        Assert.Equal(0.2148, rank["B"], 3);
        Assert.Equal(0.3974, rank["C"], 3);
    }

    [Fact]
    public async Task PageRank_spreads_what_dangling_nodes_hold()
    {
        await using var graph = await TestGraph.WithEdgesAsync(("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"));
        var rank = await Scores(graph, new CentralityQuery(CentralityMeasure.PageRank, Tolerance: 1e-12));

        Assert.Equal(1, rank.Values.Sum(), 9);
        Assert.True(rank["d"] > rank["c"] && rank["c"] > rank["b"] && rank["b"] > rank["a"]);
    }

    [Fact]
    public async Task Betweenness_on_a_path_and_a_star()
    {
        await using var path = await TestGraph.WithEdgesAsync(("p0", "p1"), ("p1", "p2"), ("p2", "p3"), ("p3", "p4"), ("p4", "p5"));
        var onPath = await Scores(path, new CentralityQuery(CentralityMeasure.Betweenness));
        for (var i = 0; i < 6; i++)
        {
            // On a path of n nodes, node i lies between the i nodes before it and the n - 1 - i after it.
            Assert.Equal(i * (5 - i), onPath["p" + i], 9);
        }

        await using var star = await TestGraph.WithEdgesAsync(Enumerable.Range(0, 7).Select(i => ("hub", "leaf" + i)).ToArray());
        var onStar = await Scores(star, new CentralityQuery(CentralityMeasure.Betweenness));
        Assert.Equal(7 * 6 / 2, onStar["hub"], 9);
        Assert.All(onStar.Where(s => s.Key != "hub"), s => Assert.Equal(0, s.Value));
        var sampled = await Scores(star, new CentralityQuery(CentralityMeasure.Betweenness, SampleSources: 8));
        Assert.Equal(onStar["hub"], sampled["hub"], 9);
        var degree = await Scores(star, new CentralityQuery(CentralityMeasure.Degree));
        Assert.Equal(7, degree["hub"]);
    }

    [Theory]
    [InlineData(1, 60, 50)]
    [InlineData(2, 80, 110)]
    [InlineData(3, 50, 150)]
    public async Task Betweenness_matches_counting_every_pair_of_shortest_paths(int seed, int nodes, int links)
    {
        // Sparse draws leave trees hanging off cycles, whole trees and several components: every case the folding handles.
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, links)
            .Select(_ => (A: random.Next(nodes), B: random.Next(nodes)))
            .Where(p => p.A != p.B)
            .Select(p => ("n" + p.A, "n" + p.B))
            .ToArray();
        await using var graph = await TestGraph.WithEdgesAsync(pairs);
        var scores = await Scores(graph, new CentralityQuery(CentralityMeasure.Betweenness, Top: GraphLimits.MaxTop));

        var expected = PairCounting(pairs);
        Assert.Equal(expected.Count, scores.Count);
        Assert.All(expected, e => Assert.Equal(e.Value, scores[e.Key], 6));
    }

    [Fact]
    public async Task Centrality_of_a_subgraph_leaves_out_hidden_nodes()
    {
        await using var path = await TestGraph.WithEdgesAsync(("p0", "p1"), ("p1", "p2"), ("p2", "p3"), ("p3", "p4"));
        var result = await path.Store.CentralityAsync(new CentralityQuery(CentralityMeasure.Betweenness, ["p0", "p1", "p2", "p3"]), new TestVisibility(hidden: ["p3"]));

        Assert.Equal(3, result.NodesScored);
        Assert.Equal(1, result.WithheldNodes);
        Assert.Equal(1, result.Scores.Single(s => s.Id == "p1").Score);
    }

    [Fact]
    public async Task Louvain_finds_two_cliques_joined_by_a_bridge()
    {
        var left = Clique("l", 5);
        var right = Clique("r", 5);
        await using var graph = await TestGraph.WithEdgesAsync([.. left, .. right, ("l0", "r0")]);
        var result = await graph.Store.CommunitiesAsync(new CommunityQuery(), All);

        Assert.Equal(2, result.Communities.Count);
        Assert.Equal(["l0", "l1", "l2", "l3", "l4"], result.Communities.Single(c => c.Members.Contains("l0")).Members);
        Assert.Equal(["r0", "r1", "r2", "r3", "r4"], result.Communities.Single(c => c.Members.Contains("r0")).Members);
        // Two communities of 10 inner links each and one bridge: m = 21, each side's degree 21.
        Assert.Equal(2 * (10.0 / 21 - 0.25), result.Modularity, 9);
        Assert.Equal(("l0", "r0"), (Assert.Single(result.BridgeEdges).From, result.BridgeEdges[0].To));
        Assert.Equal(["l0", "r0"], result.BridgeNodes.Order());
    }

    private static (string, string)[] Clique(string prefix, int size) =>
        [.. from i in Enumerable.Range(0, size) from j in Enumerable.Range(0, size) where i < j select (prefix + i, prefix + j)];

    /// <summary>Betweenness from its definition: over unordered pairs, the share of shortest paths through each node.</summary>
    private static Dictionary<string, double> PairCounting((string A, string B)[] pairs)
    {
        var (names, neighbours) = UndirectedPairs.Adjacency(pairs);

        var n = names.Length;
        var distance = new int[n, n];
        var paths = new double[n, n];
        for (var s = 0; s < n; s++)
        {
            for (var t = 0; t < n; t++)
            {
                distance[s, t] = -1;
            }

            distance[s, s] = 0;
            paths[s, s] = 1;
            var queue = new Queue<int>([s]);
            while (queue.TryDequeue(out var u))
            {
                foreach (var v in neighbours[u])
                {
                    if (distance[s, v] < 0)
                    {
                        distance[s, v] = distance[s, u] + 1;
                        queue.Enqueue(v);
                    }

                    if (distance[s, v] == distance[s, u] + 1)
                    {
                        paths[s, v] += paths[s, u];
                    }
                }
            }
        }

        var result = names.ToDictionary(name => name, _ => 0.0);
        for (var s = 0; s < n; s++)
        {
            for (var t = s + 1; t < n; t++)
            {
                for (var v = 0; v < n; v++)
                {
                    if (v != s && v != t && distance[s, t] > 0 && distance[s, v] > 0 && distance[v, t] > 0 && distance[s, v] + distance[v, t] == distance[s, t])
                    {
                        result[names[v]] += paths[s, v] * paths[v, t] / paths[s, t];
                    }
                }
            }
        }

        return result;
    }
}
