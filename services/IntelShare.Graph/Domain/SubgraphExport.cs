using System.Text;
using IntelShare.Graph.Engine;
using Wire = IntelShare.Contracts.V1;

namespace IntelShare.Graph.Domain;

/// <summary>
/// Exports what the caller was shown — the released subgraph, placeholders and redactions included — never the
/// engine's own nodes, so an export cannot carry more than the screen did.
/// </summary>
public static class SubgraphExport
{
    public static string ToGraphMl(Wire.Subgraph released) => Write(released, GraphMLWriter.Write);

    public static string ToJson(Wire.Subgraph released) => Write(released, JsonGraphWriter.Write);

    private static string Write(Wire.Subgraph released, Action<Engine.Subgraph, Stream> writer)
    {
        var nodes = released.Nodes.Select(node => new ResultNode(
            new Engine.GraphNode(
                node.Id,
                Enum.TryParse<NodeKind>(node.Kind, ignoreCase: true, out var kind) ? kind : NodeKind.Place,
                node.Placeholder ? $"held by {node.HolderAgency}" : node.Label,
                node.Properties.Count == 0 ? Engine.GraphNode.NoProperties : new Dictionary<string, string>(node.Properties),
                ResultMapper.MarkingJson(node.Marking),
                null,
                null,
                [.. node.RecordIds]),
            node.Placeholder ? NodeVisibility.Placeholder : NodeVisibility.Visible)).ToList();
        var edges = released.Edges.Select(edge => new Engine.GraphEdge(
            edge.From,
            edge.To,
            GraphRecordMapper.EdgeKindOf(edge.Kind),
            edge.ValidFrom?.ToDateTimeOffset(),
            edge.ValidTo?.ToDateTimeOffset(),
            ResultMapper.MarkingJson(edge.Marking),
            [.. edge.RecordIds])).ToList();
        using var output = new MemoryStream();
        // Only what the caller was told: what they may not learn of was never in the released subgraph.
        writer(new Engine.Subgraph(nodes, edges, released.WithheldNodes, released.WithheldEdges, 0, 0, released.Truncated), output);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
