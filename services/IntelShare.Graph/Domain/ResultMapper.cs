using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Access.Client;
using IntelShare.Graph.Engine;
using IntelShare.Policy;
using Wire = IntelShare.Contracts.V1;

namespace IntelShare.Graph.Domain;

/// <summary>
/// Turns what the engine found into what the caller may see. A placeholder keeps only its kind, the holder and a
/// reference to ask about (its id, which may be a phone number or a document number, is replaced by the record
/// reference); a node visible only in a redacted form loses its attributes, and its label when that was made from a
/// withheld field (a victim's name, not a case reference); a marking travels with each
/// node and edge, as Records would send it with the record (without the cases the caller is not on).
/// </summary>
public sealed class ResultMapper(PolicyGraphVisibility visibility)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    private readonly Dictionary<string, Released> _released = new(StringComparer.Ordinal);

    public Wire.Subgraph Subgraph(Engine.Subgraph result)
    {
        var subgraph = new Wire.Subgraph
        {
            WithheldNodes = result.WithheldNodes,
            WithheldEdges = result.WithheldEdges,
            Truncated = result.Truncated,
        };
        foreach (var node in result.Nodes)
        {
            subgraph.Nodes.Add(Node(node.Node));
        }

        foreach (var edge in result.Edges)
        {
            subgraph.Edges.Add(Edge(edge));
        }

        return subgraph;
    }

    public Wire.GraphNode Node(Engine.GraphNode node)
    {
        var released = Release(node);
        var message = new Wire.GraphNode
        {
            Id = released.Id,
            Kind = node.Kind.ToString().ToLowerInvariant(),
            Placeholder = released.Release.Visibility == NodeVisibility.Placeholder,
            HolderAgency = released.Release.Record?.Agency ?? "",
        };
        if (released.Release.Decision is { } decision)
        {
            message.Decision = decision.ToMessage();
        }

        if (message.Placeholder)
        {
            return message;
        }

        message.Label = released.Label;
        message.Marking = released.Release.Record is { } record ? visibility.Marking(record.RecordId) : null;
        if (released.Release.ShowDetails)
        {
            foreach (var (key, value) in node.Properties)
            {
                message.Properties[key] = value;
            }
        }

        message.RecordIds.AddRange(visibility.RecordsShowing(node));
        return message;
    }

    public Wire.GraphEdge Edge(Engine.GraphEdge edge)
    {
        var message = new Wire.GraphEdge
        {
            From = IdOf(edge.From),
            To = IdOf(edge.To),
            Kind = KindName(edge.Kind),
            ValidFrom = edge.ValidFrom is { } from ? Timestamp.FromDateTimeOffset(from) : null,
            ValidTo = edge.ValidTo is { } to ? Timestamp.FromDateTimeOffset(to) : null,
        };
        var readable = visibility.RecordsShowing(edge).ToList();
        message.RecordIds.AddRange(readable);
        if (readable.Count > 0)
        {
            message.Marking = visibility.Marking(readable[0]);
        }

        return message;
    }

    /// <summary>The id the caller sees for an engine node id (a reference for a placeholder).</summary>
    public string IdOf(string nodeId) => _released.TryGetValue(nodeId, out var released) ? released.Id : nodeId;

    public string Id(Engine.GraphNode node) => Release(node).Id;

    public static string KindName(EdgeKind kind) => kind switch
    {
        EdgeKind.TravelledWith => "travelled_with",
        EdgeKind.MemberOf => "member_of",
        EdgeKind.AppearsInCase => "appears_in_case",
        EdgeKind.SameAs => "same_as",
        EdgeKind.LinkedTo => "linked_to",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private Released Release(Engine.GraphNode node)
    {
        if (_released.TryGetValue(node.Id, out var known))
        {
            return known;
        }

        var release = visibility.Release(node);
        var id = release.Visibility == NodeVisibility.Placeholder ? "ref:" + release.Record!.RecordId : node.Id;
        var label = release.Decision is { Effect: AccessEffect.PermitRedacted } decision && WithholdsLabel(node.Kind, decision.RedactedFields)
            ? "[redacted]"
            : node.Label;
        var released = new Released(id, label, release);
        _released[node.Id] = released;
        return released;
    }

    private static bool WithholdsLabel(NodeKind kind, IEnumerable<string> redacted) =>
        GraphRecordMapper.LabelFields(kind) is { Count: > 0 } fields && redacted.Any(removed => fields.Any(field => RedactionPaths.Overlap(removed, field)));

    private sealed record Released(string Id, string Label, NodeRelease Release);

    /// <summary>Markings rendered for exports, where analyst tools read them as JSON.</summary>
    public static string MarkingJson(Wire.Marking? marking) => marking is null ? "" : Json.Format(marking);
}
