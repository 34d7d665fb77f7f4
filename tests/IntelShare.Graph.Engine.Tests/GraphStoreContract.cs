using IntelShare.Graph.Engine;
using static IntelShare.Graph.Engine.Tests.TestGraph;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>
/// What every <see cref="IGraphStore"/> must do, whatever keeps the graph. Each test gets a fresh, empty store;
/// engine-specific checks (node counts, on-disk format) stay in the engine's own tests.
/// </summary>
public abstract class GraphStoreContract : IAsyncLifetime
{
    protected IGraphStore Store { get; private set; } = null!;

    /// <summary>A fresh, empty store for one test.</summary>
    protected abstract Task<IGraphStore> CreateStoreAsync();

    /// <summary>A new instance over the same storage as the (already disposed) last one.</summary>
    protected abstract Task<IGraphStore> OpenAgainAsync();

    /// <summary>Removes what the test left behind, after the store is disposed.</summary>
    protected abstract Task CleanUpAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await CleanUpAsync();
    }

    private static readonly DateTimeOffset Monday = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(1));

    private static GraphBatch Sample() => new(
        new UpsertNode("p1", NodeKind.Person, "Alice", "{\"c\":\"OFFICIAL\"}", ["r1"], new Dictionary<string, string> { ["dob"] = "1990-01-01" }),
        new UpsertNode("p2", NodeKind.Person, "Bob", "{\"c\":\"SECRET\"}", ["r1", "r2"]),
        new UpsertNode("ev", NodeKind.Event, "Border crossing", "{}", ["r2"], From: Monday, To: Monday.AddHours(2)),
        new UpsertEdge("p1", "p2", EdgeKind.Recruited, "{\"c\":\"OFFICIAL\"}", "r1", Monday, Monday.AddDays(3)),
        new UpsertEdge("p1", "p2", EdgeKind.Recruited, "{\"c\":\"OFFICIAL\"}", "r2", Monday, Monday.AddDays(3)),
        new UpsertEdge("p2", "ev", EdgeKind.LinkedTo, "{}", "r2"));

    /// <summary>
    /// The nodes asked for that exist, and every edge within four hops of them, in a stable order. Times are compared
    /// as instants: a store need not keep the offset they were written with.
    /// </summary>

    private async Task<string> DescribeAsync(params string[] ids)
    {
        var lines = new List<string>();
        foreach (var id in ids)
        {
            if (await Store.GetNodeAsync(id) is { } n)
            {
                lines.Add($"{n.Id} {n.Kind} {n.Label} {n.Marking} {n.From?.UtcDateTime:O} {n.To?.UtcDateTime:O} [{string.Join(",", n.Properties.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value))}] [{string.Join(",", n.SupportingRecordIds.Order())}]");
            }
        }

        var present = ids.Where(id => lines.Exists(l => l.StartsWith(id + " ", StringComparison.Ordinal))).ToArray();
        if (present.Length > 0)
        {
            var all = await Store.NeighbourhoodAsync(new NeighbourhoodQuery(present, 4), EverythingVisible.Instance);
            lines.AddRange(all.Edges
                .Select(e => $"{e.From}-{e.Kind}->{e.To} {e.Marking} {e.ValidFrom?.UtcDateTime:O} {e.ValidTo?.UtcDateTime:O} [{string.Join(",", e.SupportingRecordIds.Order())}]")
                .Order(StringComparer.Ordinal));
        }

        return string.Join("\n", lines);
    }

    [StoreFact]
    public async Task An_empty_store_is_at_checkpoint_zero()
    {
        Assert.Equal(0, await Store.GetCheckpointAsync());
        Assert.Null(await Store.GetNodeAsync("p1"));
    }

    [StoreFact]
    public async Task Upserts_keep_attributes_times_properties_and_support()
    {
        await Store.ApplyAsync(Sample(), 7);

        Assert.Equal(7, await Store.GetCheckpointAsync());
        var alice = (await Store.GetNodeAsync("p1"))!;
        Assert.Equal(("Alice", NodeKind.Person, "{\"c\":\"OFFICIAL\"}", "1990-01-01"), (alice.Label, alice.Kind, alice.Marking, alice.Properties["dob"]));
        var crossing = (await Store.GetNodeAsync("ev"))!;
        Assert.Equal((Monday, Monday.AddHours(2)), (crossing.From!.Value, crossing.To!.Value));
        var edges = (await Store.NeighbourhoodAsync(new NeighbourhoodQuery(["p1"], 2), EverythingVisible.Instance)).Edges;
        var recruited = Assert.Single(edges, e => e.Kind == EdgeKind.Recruited);
        Assert.Equal(["r1", "r2"], recruited.SupportingRecordIds.Order());
        Assert.Equal(Monday.AddDays(3), recruited.ValidTo);
    }

    [StoreFact]
    public async Task Reapplying_a_batch_changes_nothing()
    {
        await Store.ApplyAsync(Sample(), 1);
        var before = await DescribeAsync("p1", "p2", "ev");
        await Store.ApplyAsync(Sample(), 1);
        Assert.Equal(before, await DescribeAsync("p1", "p2", "ev"));

        var merge = new GraphBatch(new MergeNodes("p2", "p1"), new RemoveSupport("r9"));
        await Store.ApplyAsync(merge, 2);
        var merged = await DescribeAsync("p1", "p2", "ev");
        await Store.ApplyAsync(merge, 2);
        Assert.Equal(merged, await DescribeAsync("p1", "p2", "ev"));
        Assert.Equal(2, await Store.GetCheckpointAsync());
    }

    [StoreFact]
    public async Task RemoveSupport_removes_only_what_that_record_alone_supported()
    {
        await Store.ApplyAsync(new GraphBatch(
            Node("a", record: "r1"), Node("b", record: "r1"), Node("c", record: "r2"), Node("lone", record: "r3"),
            Edge("a", "b", record: "r1"), Edge("a", "b", record: "r2"), Edge("b", "c", record: "r1")), 1);

        await Store.ApplyAsync(new GraphBatch(new RemoveSupport("r1")), 2);

        Assert.Equal(
            "a Person Label a OFFICIAL   [] []\nb Person Label b OFFICIAL   [] []\nc Person Label c OFFICIAL   [] [r2]\na-LinkedTo->b OFFICIAL   [r2]",
            await DescribeAsync("a", "b", "c"));

        await Store.ApplyAsync(new GraphBatch(new RemoveSupport("r2")), 3);
        Assert.Null(await Store.GetNodeAsync("a"));
        Assert.Null(await Store.GetNodeAsync("b"));
        Assert.Null(await Store.GetNodeAsync("c"));
        Assert.NotNull(await Store.GetNodeAsync("lone"));
    }

    [StoreFact]
    public async Task Merge_moves_edges_and_support_and_joins_duplicates()
    {
        await Store.ApplyAsync(new GraphBatch(
            Node("x", record: "r1"), Node("y", record: "r2"), Node("o", record: "r3"), Node("q", record: "r3"),
            Edge("x", "o", record: "r1"), Edge("y", "o", record: "r2"), Edge("q", "x", EdgeKind.Called, record: "r1"), Edge("x", "y", record: "r1")), 1);

        await Store.ApplyAsync(new GraphBatch(new MergeNodes("x", "y"), new MergeNodes("o", "renamed")), 2);

        Assert.Null(await Store.GetNodeAsync("x"));
        Assert.Null(await Store.GetNodeAsync("o"));
        Assert.Equal(
            "y Person Label y OFFICIAL   [] [r1,r2]\nq-Called->y OFFICIAL   [r1]\ny-LinkedTo->renamed OFFICIAL   [r1,r2]",
            await DescribeAsync("y"));
    }

    [StoreFact]
    public async Task A_failed_batch_leaves_nothing_behind()
    {
        await Store.ApplyAsync(new GraphBatch(Node("a")), 1);

        var failure = await Assert.ThrowsAsync<GraphNodeNotFoundException>(() =>
            Store.ApplyAsync(new GraphBatch(Node("b"), Edge("a", "b"), Edge("b", "ghost")), 2));

        Assert.Equal("ghost", failure.Id);
        Assert.Equal(1, await Store.GetCheckpointAsync());
        Assert.Null(await Store.GetNodeAsync("b"));
    }

    [StoreFact]
    public async Task Durable_across_reopen()
    {
        await Store.ApplyAsync(Sample(), 41);
        await Store.ApplyAsync(new GraphBatch(new RemoveSupport("r1"), new UpsertNode("p3", NodeKind.Phone, "+44", "{}", ["r3"]), new UpsertEdge("p3", "p2", EdgeKind.Uses, "{}", "r3")), 42);
        var before = await DescribeAsync("p1", "p2", "p3", "ev");

        await Store.DisposeAsync();
        Store = await OpenAgainAsync();

        Assert.Equal(42, await Store.GetCheckpointAsync());
        Assert.Equal(before, await DescribeAsync("p1", "p2", "p3", "ev"));
    }

    [StoreFact]
    public async Task Neighbourhood_shows_placeholders_unexpanded_and_withholds_hidden_nodes()
    {
        await Store.ApplyAsync(new GraphBatch([.. Nodes(["a", "b", "c", "h", "x"]), Edge("a", "b"), Edge("b", "c"), Edge("a", "h"), Edge("h", "x")]), 1);
        var visibility = new TestVisibility(hidden: ["h"], placeholders: ["b"]);

        var result = await Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 3), visibility);

        Assert.Equal([("a", NodeVisibility.Visible), ("b", NodeVisibility.Placeholder)], result.Nodes.Select(n => (n.Node.Id, n.Visibility)).OrderBy(n => n.Id));
        Assert.Equal(("a", "b"), (Assert.Single(result.Edges).From, result.Edges[0].To));
        Assert.Equal((1, 1, false), (result.WithheldNodes, result.WithheldEdges, result.Truncated));
    }

    [StoreFact]
    public async Task Withheld_counts_leave_out_what_the_caller_may_not_learn_exists_and_tally_it_apart()
    {
        await Store.ApplyAsync(new GraphBatch([.. Nodes(["a", "b", "c", "h", "u"]), Edge("a", "b"), Edge("a", "c"), Edge("a", "h"), Edge("a", "u")]), 1);
        // h and the link to b may be learnt of; u, and the link to c, may not: nor may the link to u, whatever it says.
        var visibility = new TestVisibility(hidden: ["h", "u"], hiddenEdges: [("a", "b"), ("a", "c")], undisclosed: ["u", "a>c"]);

        var result = await Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 2), visibility);

        Assert.Equal(["a"], result.Nodes.Select(n => n.Node.Id));
        Assert.Equal((1, 2), (result.WithheldNodes, result.WithheldEdges));
        Assert.Equal((1, 2), (result.UndisclosedNodes, result.UndisclosedEdges));
    }

    [StoreFact]
    public async Task Shortest_path_never_goes_through_hidden_nodes_or_placeholders()
    {
        await Store.ApplyAsync(new GraphBatch([.. Nodes(["a", "h", "p", "b", "c", "z"]),
            Edge("a", "h"), Edge("h", "z"), Edge("a", "p"), Edge("p", "z"), Edge("a", "b"), Edge("b", "c"), Edge("c", "z")]), 1);

        var open = await Store.ShortestPathAsync(new PathQuery("a", "z"), EverythingVisible.Instance);
        var guarded = await Store.ShortestPathAsync(new PathQuery("a", "z"), new TestVisibility(hidden: ["h"], placeholders: ["p"]));
        var all = await Store.AllShortestPathsAsync(new PathQuery("a", "z", MaxPaths: 10), EverythingVisible.Instance);
        var tooShort = await Store.ShortestPathAsync(new PathQuery("a", "z", MaxHops: 2), new TestVisibility(hidden: ["h"], placeholders: ["p"]));

        Assert.Equal(2, open.Paths.Single().Hops);
        Assert.Equal(["a", "b", "c", "z"], guarded.Paths.Single().NodeIds);
        Assert.Equal(["a,h,z", "a,p,z"], all.Paths.Select(p => string.Join(",", p.NodeIds)).Order());
        Assert.False(tooShort.Found);
    }

    [StoreFact]
    public async Task One_hop_queries_and_analytics_see_only_what_the_caller_may()
    {
        await Store.ApplyAsync(new GraphBatch([
            .. Nodes(["hub", "s1", "s2", "s3", "secret"]), .. Nodes(["case1", "case2"], NodeKind.Case),
            Node("ev1", NodeKind.Event), Node("ev2", NodeKind.Event),
            Edge("hub", "s1"), Edge("hub", "s2"), Edge("hub", "s3"), Edge("hub", "secret"), Edge("s1", "s2"),
            Edge("s1", "case1", EdgeKind.AppearsInCase), Edge("s1", "case2", EdgeKind.AppearsInCase), Edge("secret", "case1", EdgeKind.AppearsInCase),
            Edge("secret", "case2", EdgeKind.AppearsInCase), Edge("hub", "ev1"), Edge("hub", "ev2")]), 1);
        var visibility = new TestVisibility(hidden: ["secret", "ev2"]);

        var central = await Store.CentralityAsync(new CentralityQuery(CentralityMeasure.Degree, Top: 1), visibility);
        var common = await Store.CommonAssociatesAsync(new CommonAssociatesQuery("s1", "s2"), visibility);
        var cases = await Store.LinkedCasesAsync(new LinkedCasesQuery(), visibility);
        var timeline = await Store.TimelineAsync(new TimelineQuery("hub"), visibility);
        var communities = await Store.CommunitiesAsync(new CommunityQuery(), visibility);

        Assert.Equal("hub", Assert.Single(central.Scores).Id);
        Assert.Equal(7, central.NodesScored);
        Assert.Equal(["hub"], common.Associates.Select(a => a.Node.Node.Id));
        var link = Assert.Single(cases.Links);
        Assert.Equal(["s1"], link.SharedEntityIds);
        Assert.Equal(1, cases.WithheldNodes);
        Assert.Equal(["ev1"], timeline.Events.Select(e => e.Event.Node.Id));
        Assert.DoesNotContain(communities.Communities.SelectMany(c => c.Members), m => m is "secret" or "ev2");
    }

    [StoreFact]
    public async Task Common_associates_are_filtered_by_node_kind_edge_kind_and_time_window()
    {
        await Store.ApplyAsync(new GraphBatch([
            .. Nodes(["a", "b", "controlled", "payee"]), Node("phone", NodeKind.Phone),
            Edge("a", "phone", EdgeKind.Uses), Edge("b", "phone", EdgeKind.Uses),
            new UpsertEdge("a", "controlled", EdgeKind.Controls, "OFFICIAL", "r1", Monday.AddYears(-5), Monday.AddYears(-4)),
            new UpsertEdge("b", "controlled", EdgeKind.Controls, "OFFICIAL", "r1", Monday.AddYears(-5), Monday.AddYears(-4)),
            new UpsertEdge("a", "payee", EdgeKind.Paid, "OFFICIAL", "r1", Monday, Monday.AddDays(1)),
            new UpsertEdge("b", "payee", EdgeKind.Paid, "OFFICIAL", "r1", Monday, Monday.AddDays(1))]), 1);
        async Task<string[]> Associates(CommonAssociatesQuery query) =>
            [.. (await Store.CommonAssociatesAsync(query, EverythingVisible.Instance)).Associates.Select(c => c.Node.Node.Id)];

        Assert.Equal(["controlled", "payee", "phone"], await Associates(new CommonAssociatesQuery("a", "b")));
        Assert.Equal(["phone"], await Associates(new CommonAssociatesQuery("a", "b", NodeKinds: new HashSet<NodeKind> { NodeKind.Phone })));
        Assert.Equal(["controlled"], await Associates(new CommonAssociatesQuery("a", "b", EdgeKinds: new HashSet<EdgeKind> { EdgeKind.Controls })));
        Assert.Equal(["payee", "phone"], await Associates(new CommonAssociatesQuery("a", "b", Window: new TimeWindow(Monday.AddDays(-1), Monday.AddDays(2)))));
        await Assert.ThrowsAsync<GraphQueryException>(() =>
            Store.CommonAssociatesAsync(new CommonAssociatesQuery("a", "b", Window: new TimeWindow(Monday, Monday.AddDays(-1))), EverythingVisible.Instance));
    }

    [StoreFact]
    public async Task Centrality_and_communities_take_only_the_filters_nodes_and_links()
    {
        await Store.ApplyAsync(new GraphBatch([
            .. Nodes(["a", "b"]), Node("phone", NodeKind.Phone), Node("ev", NodeKind.Event),
            Edge("a", "b", EdgeKind.Controls), Edge("a", "phone", EdgeKind.Uses), Edge("b", "phone", EdgeKind.Uses), Edge("a", "ev")]), 1);
        var people = new HashSet<NodeKind> { NodeKind.Person, NodeKind.Phone };
        var uses = new HashSet<EdgeKind> { EdgeKind.Uses };

        var all = await Store.CentralityAsync(new CentralityQuery(CentralityMeasure.Degree), EverythingVisible.Instance);
        var filtered = await Store.CentralityAsync(new CentralityQuery(CentralityMeasure.Degree, NodeKinds: people, EdgeKinds: uses), EverythingVisible.Instance);
        var scoped = await Store.CentralityAsync(new CentralityQuery(CentralityMeasure.Degree, ["a", "b", "phone"], EdgeKinds: uses), EverythingVisible.Instance);
        var phones = await Store.CommunitiesAsync(new CommunityQuery(NodeKinds: new HashSet<NodeKind> { NodeKind.Phone }), EverythingVisible.Instance);

        Assert.Equal((4, 4), (all.NodesScored, all.EdgesScored));
        Assert.Equal((3, 2), (filtered.NodesScored, filtered.EdgesScored));
        Assert.Equal([("phone", 2.0), ("a", 1.0), ("b", 1.0)], filtered.Scores.Select(s => (s.Id, s.Score)));
        Assert.Equal(filtered.Scores, scoped.Scores);
        Assert.Equal(["phone"], phones.Communities.SelectMany(c => c.Members));
    }

    [StoreFact]
    public async Task Cases_holding_different_records_of_one_resolved_entity_are_linked_through_it()
    {
        await Store.ApplyAsync(new GraphBatch([
            .. Nodes(["police-record", "border-record", "ent-1", "bystander"]), .. Nodes(["case1", "case2", "case3"], NodeKind.Case),
            Edge("police-record", "case1", EdgeKind.AppearsInCase), Edge("border-record", "case2", EdgeKind.AppearsInCase),
            Edge("bystander", "case3", EdgeKind.AppearsInCase),
            Edge("police-record", "ent-1", EdgeKind.SameAs), Edge("border-record", "ent-1", EdgeKind.SameAs)]), 1);

        var link = Assert.Single((await Store.LinkedCasesAsync(new LinkedCasesQuery(), EverythingVisible.Instance)).Links);
        Assert.Equal(("case1", "case2"), (link.CaseA, link.CaseB));
        Assert.Equal(["ent-1"], link.SharedEntityIds);

        // Who cannot see the entity cannot learn through it that the cases share a person.
        Assert.Empty((await Store.LinkedCasesAsync(new LinkedCasesQuery(), new TestVisibility(hidden: ["ent-1"]))).Links);
    }

    [StoreFact]
    public async Task Unknown_ids_and_invalid_queries_are_refused()
    {
        await Store.ApplyAsync(new GraphBatch(Node("a")), 1);

        Assert.Equal("nope", (await Assert.ThrowsAsync<GraphNodeNotFoundException>(() =>
            Store.NeighbourhoodAsync(new NeighbourhoodQuery(["nope"]), EverythingVisible.Instance))).Id);
        await Assert.ThrowsAsync<GraphNodeNotFoundException>(() => Store.ShortestPathAsync(new PathQuery("a", "nope"), EverythingVisible.Instance));
        await Assert.ThrowsAsync<GraphNodeNotFoundException>(() => Store.TimelineAsync(new TimelineQuery("nope"), EverythingVisible.Instance));

        var invalid = await Assert.ThrowsAsync<GraphQueryException>(() =>
            Store.NeighbourhoodAsync(new NeighbourhoodQuery(["nope"], Depth: 0, MaxNodes: 0), EverythingVisible.Instance));
        Assert.Equal(2, invalid.Problems.Count);
        await Assert.ThrowsAsync<GraphQueryException>(() => Store.ShortestPathAsync(new PathQuery("a", "a", MaxHops: 99), EverythingVisible.Instance));
    }
}
