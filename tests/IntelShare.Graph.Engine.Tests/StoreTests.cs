using IntelShare.Graph.Engine;
using static IntelShare.Graph.Engine.Tests.TestGraph;

namespace IntelShare.Graph.Engine.Tests;

public sealed class StoreTests
{
    private static readonly DateTimeOffset Monday = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private static GraphBatch Sample() => new(
        new UpsertNode("p1", NodeKind.Person, "Alice", "{\"c\":\"OFFICIAL\"}", ["r1"], new Dictionary<string, string> { ["dob"] = "1990-01-01" }),
        new UpsertNode("p2", NodeKind.Person, "Bob", "{\"c\":\"SECRET\"}", ["r1", "r2"]),
        new UpsertNode("ev", NodeKind.Event, "Border crossing", "{}", ["r2"], From: Monday, To: Monday.AddHours(2)),
        new UpsertEdge("p1", "p2", EdgeKind.Recruited, "{\"c\":\"OFFICIAL\"}", "r1", Monday, Monday.AddDays(3)),
        new UpsertEdge("p1", "p2", EdgeKind.Recruited, "{\"c\":\"OFFICIAL\"}", "r2", Monday, Monday.AddDays(3)),
        new UpsertEdge("p2", "ev", EdgeKind.LinkedTo, "{}", "r2"));

    private static async Task<(GraphNode[] Nodes, GraphEdge[] Edges)> Snapshot(EmbeddedGraphStore store, params string[] ids)
    {
        var nodes = new List<GraphNode>();
        foreach (var id in ids)
        {
            if (await store.GetNodeAsync(id) is { } node)
            {
                nodes.Add(node);
            }
        }

        var all = await store.NeighbourhoodAsync(new NeighbourhoodQuery(ids.Where(i => nodes.Any(n => n.Id == i)).ToArray(), 4), EverythingVisible.Instance);
        return ([.. nodes], [.. all.Edges.OrderBy(e => e.From).ThenBy(e => e.To).ThenBy(e => e.Kind)]);
    }

    private static void AssertSame((GraphNode[] Nodes, GraphEdge[] Edges) expected, (GraphNode[] Nodes, GraphEdge[] Edges) actual)
    {
        Assert.Equal(expected.Nodes.Length, actual.Nodes.Length);
        for (var i = 0; i < expected.Nodes.Length; i++)
        {
            var (e, a) = (expected.Nodes[i], actual.Nodes[i]);
            Assert.Equal((e.Id, e.Kind, e.Label, e.Marking, e.From, e.To), (a.Id, a.Kind, a.Label, a.Marking, a.From, a.To));
            Assert.Equal(e.Properties.OrderBy(p => p.Key), a.Properties.OrderBy(p => p.Key));
            Assert.Equal(e.SupportingRecordIds.Order(), a.SupportingRecordIds.Order());
        }

        Assert.Equal(expected.Edges.Length, actual.Edges.Length);
        for (var i = 0; i < expected.Edges.Length; i++)
        {
            var (e, a) = (expected.Edges[i], actual.Edges[i]);
            Assert.Equal((e.From, e.To, e.Kind, e.ValidFrom, e.ValidTo, e.Marking), (a.From, a.To, a.Kind, a.ValidFrom, a.ValidTo, a.Marking));
            Assert.Equal(e.SupportingRecordIds.Order(), a.SupportingRecordIds.Order());
        }
    }

    [Fact]
    public async Task Upserts_are_stored_with_attributes_and_supports()
    {
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(Sample(), 7);

        Assert.Equal(7, await graph.Store.GetCheckpointAsync());
        Assert.Equal(3, graph.Store.NodeCount);
        Assert.Equal(2, graph.Store.EdgeCount);
        var alice = await graph.Store.GetNodeAsync("p1");
        Assert.Equal("Alice", alice!.Label);
        Assert.Equal("1990-01-01", alice.Properties["dob"]);
        var (_, edges) = await Snapshot(graph.Store, "p1");
        var recruited = Assert.Single(edges, e => e.Kind == EdgeKind.Recruited);
        Assert.Equal(["r1", "r2"], recruited.SupportingRecordIds.Order());
    }

    [Fact]
    public async Task Reapplying_a_batch_changes_nothing()
    {
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(Sample(), 1);
        var before = await Snapshot(graph.Store, "p1", "p2", "ev");
        await graph.Store.ApplyAsync(Sample(), 1);
        await graph.Store.ApplyAsync(new GraphBatch(new MergeNodes("p2", "p1"), new RemoveSupport("r9")), 2);
        var merged = await Snapshot(graph.Store, "p1", "p2", "ev");
        await graph.Store.ApplyAsync(new GraphBatch(new MergeNodes("p2", "p1"), new RemoveSupport("r9")), 2);

        Assert.Equal(3, before.Nodes.Length);
        AssertSame(merged, await Snapshot(graph.Store, "p1", "p2", "ev"));
    }

    [Fact]
    public async Task Durable_across_reopen()
    {
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(Sample(), 41);
        await graph.Store.ApplyAsync(new GraphBatch(new RemoveSupport("r1"), new UpsertNode("p3", NodeKind.Phone, "+44", "{}", ["r3"]), new UpsertEdge("p3", "p2", EdgeKind.Uses, "{}", "r3")), 42);
        var before = await Snapshot(graph.Store, "p1", "p2", "p3", "ev");

        await graph.ReopenAsync();

        Assert.Equal(42, await graph.Store.GetCheckpointAsync());
        AssertSame(before, await Snapshot(graph.Store, "p1", "p2", "p3", "ev"));
        await graph.Store.ApplyAsync(new GraphBatch(Node("p4"), Edge("p4", "p3")), 43);
        await graph.ReopenAsync();
        Assert.Equal(5, graph.Store.NodeCount);
        Assert.Equal(43, await graph.Store.GetCheckpointAsync());
    }

    [Fact]
    public async Task A_store_written_with_a_row_per_edge_opens_whole_and_is_rewritten_in_pages()
    {
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(Sample(), 41);
        var before = await Snapshot(graph.Store, "p1", "p2", "ev");

        await graph.ReopenAsync(RewriteEdgesAsRows);
        AssertSame(before, await Snapshot(graph.Store, "p1", "p2", "ev"));
        Assert.Equal(41, await graph.Store.GetCheckpointAsync());

        await graph.ReopenAsync();
        AssertSame(before, await Snapshot(graph.Store, "p1", "p2", "ev"));

        // The layout before edge pages: per edge a row of its index and a blob of from, to, kind and marking (int32),
        // valid from and to (UTC ticks, long.MinValue when open), then its supporting record numbers.
        static void RewriteEdgesAsRows(string directory)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "graph.db")};Pooling=False");
            connection.Open();
            var nid = Lookup(connection, "SELECT id, nid FROM nodes");
            var rid = Lookup(connection, "SELECT id, rid FROM records");
            var mid = Lookup(connection, "SELECT payload, mid FROM markings");
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE edges(eid INTEGER PRIMARY KEY, data BLOB NOT NULL); DELETE FROM edge_pages;" +
                "INSERT INTO edges(eid, data) VALUES (0, $a), (1, $b);";
            command.Parameters.AddWithValue("$a", Row(nid["p1"], nid["p2"], EdgeKind.Recruited, mid["{\"c\":\"OFFICIAL\"}"], Monday, Monday.AddDays(3), rid["r1"], rid["r2"]));
            command.Parameters.AddWithValue("$b", Row(nid["p2"], nid["ev"], EdgeKind.LinkedTo, mid["{}"], null, null, rid["r2"]));
            command.ExecuteNonQuery();
        }

        static Dictionary<string, long> Lookup(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var result = new Dictionary<string, long>();
            while (reader.Read())
            {
                result.Add(reader.GetString(0), reader.GetInt64(1));
            }

            return result;
        }

        static byte[] Row(long from, long to, EdgeKind kind, long marking, DateTimeOffset? validFrom, DateTimeOffset? validTo, params long[] records)
        {
            using var data = new MemoryStream();
            using var writer = new BinaryWriter(data);
            writer.Write((int)from);
            writer.Write((int)to);
            writer.Write((int)kind);
            writer.Write((int)marking);
            writer.Write(validFrom?.UtcTicks ?? long.MinValue);
            writer.Write(validTo?.UtcTicks ?? long.MinValue);
            foreach (var record in records)
            {
                writer.Write((int)record);
            }

            writer.Flush();
            return data.ToArray();
        }
    }

    [Fact]
    public async Task RemoveSupport_removes_only_what_that_record_alone_supported()
    {
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(new GraphBatch(
            Node("a", record: "r1"), Node("b", record: "r1"), Node("c", record: "r2"),
            Edge("a", "b", record: "r1"), Edge("a", "b", record: "r2"), Edge("b", "c", record: "r1")), 1);

        await graph.Store.ApplyAsync(new GraphBatch(new RemoveSupport("r1")), 2);

        var (_, edges) = await Snapshot(graph.Store, "a", "b", "c");
        var left = Assert.Single(edges);
        Assert.Equal(("a", "b"), (left.From, left.To));
        Assert.Equal(["r2"], left.SupportingRecordIds);
        // a and b keep no record of their own but stay as the ends of a supported edge.
        Assert.NotNull(await graph.Store.GetNodeAsync("a"));
        Assert.Empty((await graph.Store.GetNodeAsync("a"))!.SupportingRecordIds);

        await graph.Store.ApplyAsync(new GraphBatch(new RemoveSupport("r2")), 3);
        Assert.Equal(0, graph.Store.NodeCount);
        Assert.Equal(0, graph.Store.EdgeCount);
        await graph.ReopenAsync();
        Assert.Equal(0, graph.Store.NodeCount);
    }

    [Fact]
    public async Task Merge_moves_edges_and_support_and_joins_duplicates()
    {
        await using var graph = await CreateAsync();
        await graph.Store.ApplyAsync(new GraphBatch(
            Node("x", record: "r1"), Node("y", record: "r2"), Node("z", record: "r3"),
            Edge("x", "z", record: "r1"), Edge("y", "z", record: "r2"), Edge("x", "y", EdgeKind.SameAs, record: "r4")), 1);

        await graph.Store.ApplyAsync(new GraphBatch(new MergeNodes("x", "y")), 2);

        Assert.Null(await graph.Store.GetNodeAsync("x"));
        var y = await graph.Store.GetNodeAsync("y");
        Assert.Equal(["r1", "r2"], y!.SupportingRecordIds.Order());
        var (_, edges) = await Snapshot(graph.Store, "y");
        var edge = Assert.Single(edges);
        Assert.Equal(("y", "z", EdgeKind.LinkedTo), (edge.From, edge.To, edge.Kind));
        Assert.Equal(["r1", "r2"], edge.SupportingRecordIds.Order());

        // The record that supported only the dropped SameAs link no longer points anywhere.
        await graph.Store.ApplyAsync(new GraphBatch(new RemoveSupport("r4"), new RemoveSupport("r1")), 3);
        await graph.ReopenAsync();
        (_, edges) = await Snapshot(graph.Store, "y");
        Assert.Equal(["r2"], Assert.Single(edges).SupportingRecordIds);
    }

    [Fact]
    public async Task Merge_into_an_unknown_id_renames()
    {
        await using var graph = await WithEdgesAsync(("old", "b"));
        await graph.Store.ApplyAsync(new GraphBatch(new MergeNodes("old", "new")), 2);
        await graph.ReopenAsync();

        Assert.Null(await graph.Store.GetNodeAsync("old"));
        var (_, edges) = await Snapshot(graph.Store, "new");
        Assert.Equal(("new", "b"), (Assert.Single(edges).From, edges[0].To));
    }

    [Fact]
    public async Task A_failing_batch_leaves_nothing_behind()
    {
        await using var graph = await WithEdgesAsync(("a", "b"));
        await Assert.ThrowsAsync<GraphNodeNotFoundException>(() => graph.Store.ApplyAsync(new GraphBatch(Node("c"), Edge("c", "missing")), 5));

        Assert.Null(await graph.Store.GetNodeAsync("c"));
        Assert.Equal(1, await graph.Store.GetCheckpointAsync());
    }
}
