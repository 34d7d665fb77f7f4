using System.Globalization;
using IntelShare.Graph.Engine;

namespace IntelShare.Benchmarks;

/// <summary>
/// A trafficking-like network: communities of a few hundred entities (a ring, its phones, accounts and vehicles),
/// heavy-tailed degrees (a few brokers, hubs and shared phones touch thousands), most links inside a community,
/// and markings from a small set of agencies and classifications.
/// </summary>
public sealed class GraphWorkload
{
    public const int CommunitySize = 200;
    public const int RecordsPerItem = 5;

    private static readonly (NodeKind Kind, double Share)[] KindShares =
    [
        (NodeKind.Person, 0.45), (NodeKind.Phone, 0.15), (NodeKind.Account, 0.10), (NodeKind.Organisation, 0.05), (NodeKind.Vehicle, 0.05),
        (NodeKind.Place, 0.05), (NodeKind.Document, 0.05), (NodeKind.Event, 0.09), (NodeKind.Case, 0.01),
    ];

    private static readonly string[] Classifications = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"];

    private readonly NodeKind[] kinds;
    private readonly double[] cumulative;
    private readonly int seed;

    /// <param name="edges">Distinct links, each joining two different nodes, whichever its direction.</param>
    public GraphWorkload(int nodes, int edges, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)edges, (long)nodes * (nodes - 1) / 2, nameof(edges));
        Nodes = nodes;
        Edges = edges;
        this.seed = seed;
        var random = new Random(seed);
        kinds = new NodeKind[nodes];
        cumulative = new double[nodes + 1];
        for (var i = 0; i < nodes; i++)
        {
            kinds[i] = PickKind(random.NextDouble());

            // Pareto weights with exponent 2.1: the degree distribution of observed criminal and communication networks.
            var weight = Math.Min(Math.Pow(1 - random.NextDouble(), -1 / 1.1), 5_000);
            cumulative[i + 1] = cumulative[i] + weight;
        }

        Markings = [.. Enumerable.Range(0, 48).Select(i =>
            $"{{\"classification\":\"{Classifications[i % 16 == 15 ? 3 : i % 8 == 7 ? 2 : i % 2]}\",\"originator\":\"agency-{i % 6}\",\"releasableTo\":[\"agency-{(i + 1) % 6}\",\"agency-{(i + 2) % 6}\"]}}")];
    }

    public int Nodes { get; }

    public int Edges { get; }

    public string[] Markings { get; }

    public static string Id(int node) => "ent-" + node.ToString("x8", CultureInfo.InvariantCulture);

    public IEnumerable<GraphBatch> Batches(int size) => Operations().Chunk(size).Select(ops => new GraphBatch(ops));

    /// <summary>Node ids chosen as the analysts' starting points: uniform over the nodes, so mostly ordinary ones.</summary>
    public string[] RandomIds(int count, int salt)
    {
        var random = new Random(seed + salt);
        return [.. Enumerable.Range(0, count).Select(_ => Id(random.Next(Nodes)))];
    }

    private IEnumerable<GraphOperation> Operations()
    {
        var random = new Random(seed + 1);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Nodes; i++)
        {
            var kind = kinds[i];
            var time = kind == NodeKind.Event ? start.AddHours(random.Next(5 * 365 * 24)) : (DateTimeOffset?)null;
            IReadOnlyDictionary<string, string>? properties = kind == NodeKind.Person ? new Dictionary<string, string> { ["nationality"] = "N" + (i % 40) } : null;
            yield return new UpsertNode(Id(i), kind, $"{kind} {i}", Markings[random.Next(Markings.Length)], [Record(i)], properties, time, time?.AddHours(2));
        }

        // Heavy-tailed picks inside small communities repeat pairs often: without redrawing them a third of the links
        // collapsed into support for links already made, and the graph came out far smaller than asked.
        var linked = new HashSet<long>(Edges);
        for (var e = 0; e < Edges; e++)
        {
            int u, v;
            do
            {
                u = Pick(random, 0, Nodes);
                var community = u / CommunitySize * CommunitySize;
                v = random.NextDouble() < 0.85 ? Pick(random, community, Math.Min(Nodes, community + CommunitySize)) : Pick(random, 0, Nodes);
            }
            while (u == v || !linked.Add((long)Math.Min(u, v) * Nodes + Math.Max(u, v)));

            var valid = start.AddDays(random.Next(5 * 365));
            yield return new UpsertEdge(Id(u), Id(v), EdgeKindFor(kinds[u], kinds[v], random), Markings[random.Next(Markings.Length)], Record(Nodes + e), valid, valid.AddDays(random.Next(1, 365)));
        }
    }

    private static string Record(int item) => "rec-" + (item / RecordsPerItem).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>A node in [from, to) with probability proportional to its weight.</summary>
    private int Pick(Random random, int from, int to)
    {
        var target = cumulative[from] + random.NextDouble() * (cumulative[to] - cumulative[from]);
        var index = Array.BinarySearch(cumulative, from, to - from + 1, target);
        return Math.Clamp(index >= 0 ? index : ~index - 1, from, to - 1);
    }

    private static NodeKind PickKind(double draw)
    {
        foreach (var (kind, share) in KindShares)
        {
            if ((draw -= share) < 0)
            {
                return kind;
            }
        }

        return NodeKind.Person;
    }

    private static EdgeKind EdgeKindFor(NodeKind a, NodeKind b, Random random) => (a, b) switch
    {
        (NodeKind.Person, NodeKind.Person) => random.Next(5) switch { 0 => EdgeKind.Recruited, 1 => EdgeKind.Exploited, 2 => EdgeKind.Controls, 3 => EdgeKind.TravelledWith, _ => EdgeKind.LinkedTo },
        (NodeKind.Phone, NodeKind.Phone) => EdgeKind.Called,
        (NodeKind.Account, NodeKind.Account) => EdgeKind.Paid,
        (_, NodeKind.Case) or (NodeKind.Case, _) => EdgeKind.AppearsInCase,
        (NodeKind.Organisation, _) => EdgeKind.Employs,
        (_, NodeKind.Phone) or (_, NodeKind.Vehicle) => EdgeKind.Uses,
        (_, NodeKind.Account) or (_, NodeKind.Document) => EdgeKind.Owns,
        (_, NodeKind.Place) => EdgeKind.Rents,
        (_, NodeKind.Event) or (NodeKind.Event, _) => EdgeKind.Transported,
        _ => EdgeKind.LinkedTo,
    };
}

/// <summary>
/// A need-to-know filter of realistic reach, deciding from the marking alone: hiding SECRET, showing TOP SECRET as
/// placeholders, and hiding links from one agency. As an <see cref="IMarkingVisibility"/> the engine asks it once per
/// distinct marking in a query.
/// </summary>
public sealed class MarkingVisibility : IMarkingVisibility
{
    private readonly Dictionary<string, NodeVisibility> nodes = [];
    private readonly Dictionary<string, bool> edges = [];

    /// <param name="revealAll">Decide every marking visible, at the same cost: the filter's overhead without its reach.</param>
    public MarkingVisibility(IEnumerable<string> markings, bool revealAll = false)
    {
        foreach (var marking in markings)
        {
            nodes[marking] = revealAll ? NodeVisibility.Visible
                : marking.Contains("\"TOP SECRET\"", StringComparison.Ordinal) ? NodeVisibility.Placeholder
                : marking.Contains("\"SECRET\"", StringComparison.Ordinal) ? NodeVisibility.Hidden
                : NodeVisibility.Visible;
            edges[marking] = nodes[marking] == NodeVisibility.Visible && (revealAll || !marking.Contains("\"originator\":\"agency-5\"", StringComparison.Ordinal));
        }
    }

    public NodeVisibility See(GraphNode node) => SeeMarking(node.Marking);

    public bool SeeEdge(GraphEdge edge) => SeeEdgeMarking(edge.Marking);

    public NodeVisibility SeeMarking(string marking) => nodes[marking];

    public bool SeeEdgeMarking(string marking) => edges[marking];

    public bool Discloses(GraphNode node) => DisclosesMarking(node.Marking);

    public bool DisclosesEdge(GraphEdge edge) => DisclosesMarking(edge.Marking);

    // As if every SECRET item were discoverable: the walk counts what it withholds, as the policy's would.
    public bool DisclosesMarking(string marking) => true;
}
