using System.Text.Json;
using System.Xml.Linq;
using IntelShare.Graph.Engine;

namespace IntelShare.Graph.Engine.Tests;

public sealed class ExportTests
{
    private static readonly XNamespace GraphML = "http://graphml.graphdrawing.org/xmlns";

    private static async Task<Subgraph> SampleAsync(TestGraph graph)
    {
        var when = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        await graph.Store.ApplyAsync(new GraphBatch(
            new UpsertNode("a", NodeKind.Person, "Alice <A&B>", "{\"c\":\"OFFICIAL\"}", ["r1"], new Dictionary<string, string> { ["dob"] = "1990" }),
            new UpsertNode("b", NodeKind.Phone, "+44 7700", "{\"c\":\"SECRET\"}", ["r1"]),
            new UpsertEdge("a", "b", EdgeKind.Uses, "{\"c\":\"OFFICIAL\"}", "r1", when, when.AddDays(1))), 1);
        return await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"]), new TestVisibility(placeholders: ["b"]));
    }

    [Fact]
    public async Task GraphML_has_keys_nodes_and_edges()
    {
        await using var graph = await TestGraph.CreateAsync();
        var subgraph = await SampleAsync(graph);
        using var stream = new MemoryStream();
        GraphMLWriter.Write(subgraph, stream);
        stream.Position = 0;
        var document = XDocument.Load(stream);

        var root = document.Root!;
        Assert.Equal(GraphML + "graphml", root.Name);
        var keys = root.Elements(GraphML + "key").Select(k => (string)k.Attribute("id")!).ToHashSet();
        Assert.Superset(new HashSet<string> { "kind", "label", "marking", "properties", "ekind", "validFrom", "validTo" }, keys);
        var nodes = root.Descendants(GraphML + "node").ToArray();
        Assert.Equal(2, nodes.Length);
        var alice = nodes.Single(n => (string)n.Attribute("id")! == "a");
        Assert.Equal("Alice <A&B>", alice.Elements(GraphML + "data").Single(d => (string)d.Attribute("key")! == "label").Value);
        var phone = nodes.Single(n => (string)n.Attribute("id")! == "b");
        Assert.DoesNotContain(phone.Elements(GraphML + "data"), d => (string)d.Attribute("key")! == "label");
        var edge = Assert.Single(root.Descendants(GraphML + "edge"));
        Assert.Equal(("a", "b"), ((string)edge.Attribute("source")!, (string)edge.Attribute("target")!));
        Assert.All(root.Descendants(GraphML + "data"), d => Assert.Contains((string)d.Attribute("key")!, keys));
    }

    [Fact]
    public async Task GraphML_stays_well_formed_when_a_label_holds_characters_XML_cannot_carry()
    {
        await using var graph = await TestGraph.CreateAsync();
        await graph.Store.ApplyAsync(new GraphBatch(new UpsertNode("c", NodeKind.Person, "Ana\u0001 \uD83D\uDE00 Rusu\uD800", "{}", ["r2"])), 1);
        var subgraph = await graph.Store.NeighbourhoodAsync(new NeighbourhoodQuery(["c"]), new TestVisibility());
        using var stream = new MemoryStream();

        GraphMLWriter.Write(subgraph, stream);
        stream.Position = 0;
        var label = XDocument.Load(stream).Descendants(GraphML + "data").Single(d => (string)d.Attribute("key")! == "label").Value;

        Assert.Equal("Ana\uFFFD \uD83D\uDE00 Rusu\uFFFD", label);
    }

    [Fact]
    public async Task Json_has_nodes_and_edges_with_markings()
    {
        await using var graph = await TestGraph.CreateAsync();
        var subgraph = await SampleAsync(graph);
        using var stream = new MemoryStream();
        JsonGraphWriter.Write(subgraph, stream);
        using var json = JsonDocument.Parse(stream.ToArray());

        var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToArray();
        Assert.Equal(2, nodes.Length);
        var alice = nodes.Single(n => n.GetProperty("id").GetString() == "a");
        Assert.Equal("{\"c\":\"OFFICIAL\"}", alice.GetProperty("marking").GetString());
        Assert.Equal("1990", alice.GetProperty("properties").GetProperty("dob").GetString());
        Assert.False(nodes.Single(n => n.GetProperty("id").GetString() == "b").TryGetProperty("label", out _));
        var edge = Assert.Single(json.RootElement.GetProperty("edges").EnumerateArray());
        Assert.Equal("Uses", edge.GetProperty("kind").GetString());
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), edge.GetProperty("validFrom").GetDateTimeOffset());
    }
}
