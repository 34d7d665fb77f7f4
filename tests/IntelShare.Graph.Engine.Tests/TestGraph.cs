using IntelShare.Graph.Engine;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>A store in its own temporary directory, deleted when the test is done.</summary>
public sealed class TestGraph : IAsyncDisposable
{
    private TestGraph(string directory, EmbeddedGraphStore store)
    {
        Directory = directory;
        Store = store;
    }

    public string Directory { get; }

    public EmbeddedGraphStore Store { get; private set; }

    public static async Task<TestGraph> CreateAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("intelshare-graph-test-").FullName;
        return new TestGraph(directory, await EmbeddedGraphStore.OpenAsync(directory));
    }

    /// <summary>An undirected-looking graph of people: each pair (a, b) becomes an edge a→b of kind LinkedTo.</summary>
    public static async Task<TestGraph> WithEdgesAsync(params (string A, string B)[] edges)
    {
        var graph = await CreateAsync();
        await graph.AddAsync(edges);
        return graph;
    }

    public Task AddAsync(params (string A, string B)[] edges) =>
        Store.ApplyAsync(new GraphBatch([.. Nodes(edges.SelectMany(e => new[] { e.A, e.B }).Distinct()), .. edges.Select(e => Edge(e.A, e.B))]), 1);

    public static IEnumerable<GraphOperation> Nodes(IEnumerable<string> ids, NodeKind kind = NodeKind.Person) =>
        ids.Select(id => Node(id, kind));

    public static UpsertNode Node(string id, NodeKind kind = NodeKind.Person, string record = "r-base", string marking = "OFFICIAL") =>
        new(id, kind, "Label " + id, marking, [record]);

    public static UpsertEdge Edge(string from, string to, EdgeKind kind = EdgeKind.LinkedTo, string record = "r-base", string marking = "OFFICIAL") =>
        new(from, to, kind, marking, record);

    /// <param name="whileClosed">Done to the store's directory between closing and opening.</param>
    public async Task ReopenAsync(Action<string>? whileClosed = null)
    {
        await Store.DisposeAsync();
        whileClosed?.Invoke(Directory);
        Store = await EmbeddedGraphStore.OpenAsync(Directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>
/// Hides or reduces named nodes and edges, as a need-to-know policy would. Hidden nodes and edges are ones the caller
/// may learn exist (counted as withheld) unless named among <paramref name="undisclosed"/> (by node id, and edge as "from>to").
/// </summary>
public sealed class TestVisibility(
    IEnumerable<string>? hidden = null, IEnumerable<string>? placeholders = null, IEnumerable<(string, string)>? hiddenEdges = null, IEnumerable<string>? undisclosed = null)
    : IGraphVisibility
{
    private readonly HashSet<string> hidden = [.. hidden ?? []];
    private readonly HashSet<string> placeholders = [.. placeholders ?? []];
    private readonly HashSet<(string, string)> hiddenEdges = [.. hiddenEdges ?? []];
    private readonly HashSet<string> undisclosed = [.. undisclosed ?? []];

    public bool Discloses(GraphNode node) => !undisclosed.Contains(node.Id);

    public bool DisclosesEdge(GraphEdge edge) => !undisclosed.Contains($"{edge.From}>{edge.To}");

    public NodeVisibility See(GraphNode node) =>
        hidden.Contains(node.Id) ? NodeVisibility.Hidden : placeholders.Contains(node.Id) ? NodeVisibility.Placeholder : NodeVisibility.Visible;

    public bool SeeEdge(GraphEdge edge) => !hiddenEdges.Contains((edge.From, edge.To));
}
