using IntelShare.Access.Client;
using IntelShare.Graph.Engine;
using IntelShare.Policy;

namespace IntelShare.Graph.Domain;

/// <summary>What the caller may know of one node: the best decision among the records that support it.</summary>
public sealed record NodeRelease(NodeVisibility Visibility, AccessDecision? Decision, ProjectedRecord? Record, bool ShowDetails);

/// <summary>
/// Need-to-know while a graph query walks: a node is as visible as the most open record that supports it (an
/// identifier node two agencies recorded is visible to a reader of either), an edge is walked only when a record
/// that supports it may be read. Decisions come from the caller's access session, once per record per query.
/// </summary>
public sealed class PolicyGraphVisibility(AccessSession session, GraphRecordIndex index) : IGraphVisibility
{
    public NodeVisibility See(GraphNode node) => Release(node).Visibility;

    /// <summary>
    /// An edge is walked when the caller may read a record that supports it; an edge that only a record the caller
    /// may learn of (not read) supports is shown only as that record's own attachment — so its placeholder appears
    /// beside the phone or case it hangs on — never as a link between two other nodes.
    /// </summary>
    public bool SeeEdge(GraphEdge edge)
    {
        foreach (var supportId in edge.SupportingRecordIds)
        {
            if (index.Find(GraphRecordMapper.RecordOf(supportId)) is not { } record)
            {
                continue;
            }

            var effect = session.Decide(record.Marking).Effect;
            if (effect >= AccessEffect.PermitRedacted
                || (effect == AccessEffect.ExistenceOnly && record.MainNodeId is { } own && (own == edge.From || own == edge.To)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The node as released: visible through its most open record; its attributes (which any supporting record may
    /// have written) only when every supporting record may be read whole.
    /// </summary>
    public NodeRelease Release(GraphNode node)
    {
        AccessDecision? best = null;
        ProjectedRecord? bestRecord = null;
        var allWhole = true;
        foreach (var supportId in node.SupportingRecordIds)
        {
            if (index.Find(GraphRecordMapper.RecordOf(supportId)) is not { } record)
            {
                allWhole = false;
                continue;
            }

            var decision = session.Decide(record.Marking);
            allWhole &= decision.Effect == AccessEffect.Permit;
            if (best is null || decision.Effect > best.Value.Effect)
            {
                best = decision;
                bestRecord = record;
            }
        }

        var visibility = best?.Effect switch
        {
            AccessEffect.Permit or AccessEffect.PermitRedacted => NodeVisibility.Visible,
            AccessEffect.ExistenceOnly => NodeVisibility.Placeholder,
            _ => NodeVisibility.Hidden,
        };
        return new NodeRelease(visibility, best, bestRecord, visibility == NodeVisibility.Visible && allWhole);
    }

    /// <summary>Whether the caller may read the record itself (and so learn that it supports an element).</summary>
    public bool Readable(string recordId) => Record(recordId) is { } record && session.Decide(record.Marking).Effect >= AccessEffect.PermitRedacted;

    /// <summary>The records behind an element's support that the caller may read, each once.</summary>
    public IEnumerable<string> ReadableRecords(IEnumerable<string> supportIds) =>
        supportIds.Select(GraphRecordMapper.RecordOf).Distinct(StringComparer.Ordinal).Where(Readable);

    public ProjectedRecord? Record(string recordId) => index.Find(recordId);

    /// <summary>The decisions behind what a result shows, for the audit log.</summary>
    public IReadOnlyList<(ResourceMarking, AccessDecision)> Released(IEnumerable<GraphNode> nodes)
    {
        var released = new Dictionary<string, (ResourceMarking, AccessDecision)>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (Release(node) is { Record: { } record, Decision: { } decision } && decision.Effect >= AccessEffect.ExistenceOnly)
            {
                released.TryAdd(record.RecordId, (record.Marking, decision));
            }
        }

        return [.. released.Values];
    }
}
