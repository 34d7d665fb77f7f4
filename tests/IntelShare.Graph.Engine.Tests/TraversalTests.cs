using IntelShare.Graph.Engine;
using static IntelShare.Graph.Engine.Tests.TestGraph;

namespace IntelShare.Graph.Engine.Tests;

public sealed class TraversalTests
{
    private static readonly IGraphVisibility All = EverythingVisible.Instance;

    private static string[] Ids(Subgraph graph) => [.. graph.Nodes.Select(n => n.Node.Id).Order()];

    [Fact]
    public async Task Neighbourhood_by_depth_and_kind()
    {
        // a - b - c - d, and a phone on b.
        await using var graph = await WithEdgesAsync(("a", "b"), ("b", "c"), ("c", "d"));
        await graph.Store.ApplyAsync(new GraphBatch(Node("ph", NodeKind.Phone), Edge("b", "ph", EdgeKind.Uses)), 2);

        Assert.Equal(["a", "b"], Ids(await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 1), All)));
        var two = await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 2), All);
        Assert.Equal(["a", "b", "c", "ph"], Ids(two));
        Assert.Equal(3, two.Edges.Count);
        Assert.False(two.Truncated);
        Assert.Equal(["a", "b", "c"], Ids(await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 2, NodeKinds: new HashSet<NodeKind> { NodeKind.Person }), All)));
        Assert.Equal(["b", "ph"], Ids(await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["b"], 2, EdgeKinds: new HashSet<EdgeKind> { EdgeKind.Uses }), All)));
    }

    [Fact]
    public async Task Neighbourhood_time_window_keeps_overlapping_edges()
    {
        var june = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(new GraphBatch(Node("a"), Node("b"), Node("c"),
            new UpsertEdge("a", "b", EdgeKind.Called, "m", "r", june, june.AddDays(10)),
            new UpsertEdge("a", "c", EdgeKind.Called, "m", "r", june.AddYears(1), null)), 1);

        var window = new TimeWindow(june.AddDays(5), june.AddDays(30));
        Assert.Equal(["a", "b"], Ids(await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 1, Window: window), All)));
    }

    [Fact]
    public async Task Hidden_and_placeholder_nodes_are_not_walked_through()
    {
        // s - h - t (short, through h) and s - x - y - t (long); p hangs off s.
        await using var graph = await WithEdgesAsync(("s", "h"), ("h", "t"), ("s", "x"), ("x", "y"), ("y", "t"), ("s", "p"), ("p", "q"));
        var visibility = new TestVisibility(hidden: ["h"], placeholders: ["p"]);

        var everything = await graph.Store.ShortestPathAsync(new PathQuery("s", "t"), All);
        Assert.Equal(["s", "h", "t"], everything.Paths[0].NodeIds);

        var filtered = await graph.Store.ShortestPathAsync(new PathQuery("s", "t"), visibility);
        Assert.Equal(["s", "x", "y", "t"], filtered.Paths[0].NodeIds);
        Assert.Equal(1, filtered.Graph.WithheldNodes);

        var around = await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["s"], 3), visibility);
        Assert.Equal(["p", "s", "t", "x", "y"], Ids(around));
        Assert.Equal(NodeVisibility.Placeholder, around.Nodes.Single(n => n.Node.Id == "p").Visibility);
        Assert.DoesNotContain(around.Nodes, n => n.Node.Id == "q");
        Assert.Equal(1, around.WithheldNodes);
        Assert.Equal(1, around.WithheldEdges);

        var noWay = await graph.Store.ShortestPathAsync(new PathQuery("s", "q"), visibility);
        Assert.False(noWay.Found);
        var hiddenEdge = await graph.Store.ShortestPathAsync(new PathQuery("s", "t"), new TestVisibility(hidden: ["h"], hiddenEdges: [("x", "y")]));
        Assert.False(hiddenEdge.Found);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Filtered_shortest_paths_match_a_plain_search_that_asks_about_every_node(int seed)
    {
        // The search asks about the nodes it meets only when it needs them; a plain BFS that decides everything up
        // front must find paths of the same length, through visible nodes and links only.
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, 160).Select(_ => (A: "n" + random.Next(60), B: "n" + random.Next(60))).Where(p => p.A != p.B).Distinct().ToArray();
        var ids = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().Order().ToArray();
        var hidden = ids.Where(_ => random.Next(8) == 0).ToHashSet();
        var placeholders = ids.Where(id => !hidden.Contains(id) && random.Next(8) == 0).ToHashSet();
        var hiddenEdges = pairs.Where(_ => random.Next(8) == 0).ToHashSet();
        var visibility = new TestVisibility(hidden, placeholders, hiddenEdges);
        await using var graph = await WithEdgesAsync(pairs);

        var walkable = ids.ToDictionary(id => id, _ => new List<string>());
        foreach (var (a, b) in pairs.Where(p => !hiddenEdges.Contains(p) && !IsOff(p.A) && !IsOff(p.B)))
        {
            walkable[a].Add(b);
            walkable[b].Add(a);
        }

        for (var i = 0; i < 40; i++)
        {
            var (from, to) = (ids[random.Next(ids.Length)], ids[random.Next(ids.Length)]);
            var result = await graph.Store.ShortestPathAsync(new PathQuery(from, to, MaxHops: 6), visibility);
            var expected = IsOff(from) || IsOff(to) ? null : Hops(from, to);
            Assert.Equal(expected is <= 6 ? expected : null, result.Found ? result.Paths[0].Hops : null);
            if (result.Found)
            {
                var path = result.Paths[0];
                Assert.All(path.NodeIds, id => Assert.False(IsOff(id)));
                Assert.All(path.Edges, e => Assert.DoesNotContain((e.From, e.To), hiddenEdges));
            }
        }

        bool IsOff(string id) => hidden.Contains(id) || placeholders.Contains(id);

        int? Hops(string from, string to)
        {
            var depth = new Dictionary<string, int> { [from] = 0 };
            var queue = new Queue<string>([from]);
            while (queue.TryDequeue(out var node))
            {
                foreach (var next in walkable[node].Where(n => depth.TryAdd(n, depth[node] + 1)))
                {
                    queue.Enqueue(next);
                }
            }

            return depth.TryGetValue(to, out var hops) ? hops : null;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_marking_policy_is_asked_once_per_marking_and_answers_as_when_asked_per_node_after_remarking_and_restart(int seed)
    {
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, 200).Select(_ => (A: "n" + random.Next(60), B: "n" + random.Next(60))).Where(p => p.A != p.B).Distinct().ToArray();
        var ids = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().Order().ToArray();
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(new GraphBatch([
            .. ids.Select(id => Node(id, marking: CountingMarkingVisibility.Markings[random.Next(4)])),
            .. pairs.Select(p => Edge(p.A, p.B, marking: CountingMarkingVisibility.Markings[random.Next(4)]))]), 1);
        var byMarking = new CountingMarkingVisibility();
        var perElement = new PerElement(byMarking);

        await AnswersAlike();

        // Links and nodes re-marked in place (both markings are also kept beside each end's adjacency), then the store reloaded.
        await graph.Store.ApplyAsync(new GraphBatch([
            .. pairs.Where(_ => random.Next(2) == 0).Select(p => Edge(p.A, p.B, marking: CountingMarkingVisibility.Markings[random.Next(4)]))]), 2);
        await AnswersAlike();
        await graph.Store.ApplyAsync(new GraphBatch([
            .. ids.Where(_ => random.Next(2) == 0).Select(id => Node(id, marking: CountingMarkingVisibility.Markings[random.Next(4)]))]), 3);
        await AnswersAlike();
        await graph.ReopenAsync();
        await AnswersAlike();

        async Task AnswersAlike()
        {
            for (var i = 0; i < 40; i++)
            {
                var (from, to) = (ids[random.Next(ids.Length)], ids[random.Next(ids.Length)]);
                byMarking.Asked.Clear();
                var path = await graph.Store.ShortestPathAsync(new PathQuery(from, to), byMarking);
                Assert.All(byMarking.Asked.Values, asked => Assert.Equal(1, asked));
                var expected = await graph.Store.ShortestPathAsync(new PathQuery(from, to), perElement);
                Assert.Equal(expected.Paths.Select(p => p.NodeIds), path.Paths.Select(p => p.NodeIds));
                Assert.Equal((expected.Graph.WithheldNodes, expected.Graph.WithheldEdges), (path.Graph.WithheldNodes, path.Graph.WithheldEdges));

                var around = await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery([from], 2), byMarking);
                var expectedAround = await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery([from], 2), perElement);
                Assert.Equal(expectedAround.Nodes.Select(n => (n.Node.Id, n.Visibility)).Order(), around.Nodes.Select(n => (n.Node.Id, n.Visibility)).Order());
                Assert.Equal((expectedAround.WithheldNodes, expectedAround.WithheldEdges), (around.WithheldNodes, around.WithheldEdges));
            }
        }
    }

    [Fact]
    public async Task All_shortest_paths_on_a_diamond()
    {
        await using var graph = await WithEdgesAsync(("s", "a"), ("s", "b"), ("a", "t"), ("b", "t"), ("s", "c"), ("c", "d"), ("d", "t"));
        var result = await graph.Store.AllShortestPathsAsync(new PathQuery("s", "t", MaxPaths: 10), All);

        Assert.Equal(["s>a>t", "s>b>t"], result.Paths.Select(p => string.Join('>', p.NodeIds)).Order());
        Assert.All(result.Paths, p => Assert.Equal(2, p.Hops));
        Assert.Single((await graph.Store.AllShortestPathsAsync(new PathQuery("s", "t", MaxPaths: 1), All)).Paths);
        Assert.False((await graph.Store.ShortestPathAsync(new PathQuery("s", "t", MaxHops: 1), All)).Found);
    }

    [Fact]
    public async Task Connect_common_associates_timeline_and_linked_cases()
    {
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var graph = await WithEdgesAsync(("a", "m"), ("b", "m"), ("a", "n"), ("n", "b"), ("b", "c"), ("c", "d"));
        await graph.Store.ApplyAsync(new GraphBatch(
            new UpsertNode("e2", NodeKind.Event, "second", "m", ["r"], From: t0.AddDays(2)),
            new UpsertNode("e1", NodeKind.Event, "first", "m", ["r"], From: t0),
            new UpsertNode("e0", NodeKind.Event, "undated", "m", ["r"]),
            Edge("a", "e2"), Edge("e1", "a"), Edge("a", "e0"),
            Node("case1", NodeKind.Case), Node("case2", NodeKind.Case), Node("case3", NodeKind.Case),
            Edge("a", "case1", EdgeKind.AppearsInCase), Edge("a", "case2", EdgeKind.AppearsInCase), Edge("m", "case1", EdgeKind.MemberOf),
            Edge("m", "case2", EdgeKind.MemberOf), Edge("d", "case3", EdgeKind.AppearsInCase)), 2);

        var common = await graph.Store.CommonAssociatesAsync(new CommonAssociatesQuery("a", "b"), All);
        Assert.Equal(["m", "n"], common.Associates.Select(c => c.Node.Node.Id));
        Assert.Equal(["m"], (await graph.Store.CommonAssociatesAsync(new CommonAssociatesQuery("a", "b"), new TestVisibility(hidden: ["n"]))).Associates.Select(c => c.Node.Node.Id));

        var timeline = await graph.Store.TimelineAsync(new TimelineQuery("a"), All);
        Assert.Equal(["e1", "e2", "e0"], timeline.Events.Select(e => e.Event.Node.Id));

        var connected = await graph.Store.ConnectTheDotsAsync(new ConnectQuery(["a", "c", "d"]), All);
        Assert.Empty(connected.Unconnected);
        Assert.Contains(connected.Graph.Nodes, n => n.Node.Id == "b");

        var cases = await graph.Store.LinkedCasesAsync(new LinkedCasesQuery(), All);
        var link = Assert.Single(cases.Links);
        Assert.Equal(("case1", "case2"), (link.CaseA, link.CaseB));
        Assert.Equal(["a", "m"], link.SharedEntityIds);
    }

    [Fact]
    public async Task Budgets_and_limits_truncate()
    {
        var edges = Enumerable.Range(0, 50).Select(i => ("hub", "leaf" + i)).ToArray();
        await using var graph = await WithEdgesAsync(edges);

        var limited = await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["hub"], 1, MaxNodes: 10), All);
        Assert.True(limited.Truncated);
        Assert.Equal(10, limited.Nodes.Count);
        var budgeted = await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["hub"], 1), All, new QueryBudget(MaxNodesVisited: 5));
        Assert.True(budgeted.Truncated);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var page = await graph.Store.CentralityAsync(new CentralityQuery(CentralityMeasure.PageRank, Tolerance: 1e-300), All, null, cancelled.Token);
        Assert.True(page.Truncated);
    }

    [Fact]
    public async Task Invalid_queries_report_every_problem_and_unknown_ids_are_not_found()
    {
        await using var graph = await WithEdgesAsync(("a", "b"));
        var start = DateTimeOffset.UtcNow;
        var error = await Assert.ThrowsAsync<GraphQueryException>(() => graph.Store.NeighbourhoodAsync(
            new NeighbourhoodQuery(["a"], Depth: 5, Window: new TimeWindow(start, start.AddDays(-1)), MaxNodes: 20_000), All));
        Assert.Equal(3, error.Problems.Count);
        await Assert.ThrowsAsync<GraphQueryException>(() => graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], Depth: 0), All));
        var missing = await Assert.ThrowsAsync<GraphNodeNotFoundException>(() => graph.Store.ShortestPathAsync(new PathQuery("a", "nobody"), All));
        Assert.Equal("nobody", missing.Id);
    }

    /// <summary>Hides "secret", shows "restricted" as placeholders, withholds "unlinkable" links; counts the markings it is asked about.</summary>
    private sealed class CountingMarkingVisibility : IMarkingVisibility
    {
        public static readonly string[] Markings = ["open", "secret", "restricted", "unlinkable"];

        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Asked { get; } = new();

        public NodeVisibility See(GraphNode node) => Decide(node.Marking);

        public bool SeeEdge(GraphEdge edge) => edge.Marking != "unlinkable";

        public bool Discloses(GraphNode node) => DisclosesMarking(node.Marking);

        public bool DisclosesEdge(GraphEdge edge) => DisclosesMarking(edge.Marking);

        public bool DisclosesMarking(string marking) => true;

        public NodeVisibility SeeMarking(string marking)
        {
            Asked.AddOrUpdate("node " + marking, 1, (_, n) => n + 1);
            return Decide(marking);
        }

        public bool SeeEdgeMarking(string marking)
        {
            Asked.AddOrUpdate("edge " + marking, 1, (_, n) => n + 1);
            return SeeEdge(new GraphEdge("", "", EdgeKind.LinkedTo, null, null, marking, []));
        }

        private static NodeVisibility Decide(string marking) => marking switch
        {
            "secret" => NodeVisibility.Hidden,
            "restricted" => NodeVisibility.Placeholder,
            _ => NodeVisibility.Visible,
        };
    }

    /// <summary>The same policy behind the plain interface, so the engine asks it about every node and edge.</summary>
    private sealed class PerElement(IGraphVisibility inner) : IGraphVisibility
    {
        public NodeVisibility See(GraphNode node) => inner.See(node);

        public bool SeeEdge(GraphEdge edge) => inner.SeeEdge(edge);

        public bool Discloses(GraphNode node) => inner.Discloses(node);

        public bool DisclosesEdge(GraphEdge edge) => inner.DisclosesEdge(edge);
    }
}
