using IntelShare.Access.Client;
using IntelShare.Domain;
using IntelShare.Graph.Engine;
using IntelShare.Policy;
using Wire = IntelShare.Contracts.V1;

namespace IntelShare.Graph.Domain;

/// <summary>What the caller may know of one node: the best decision among the records that support it.</summary>
public sealed record NodeRelease(NodeVisibility Visibility, AccessDecision? Decision, ProjectedRecord? Record, bool ShowDetails);

/// <summary>
/// Need-to-know while a graph query walks: a node is as visible as the most open record that supports it (an
/// identifier node two agencies recorded is visible to a reader of either; a record read without the field the node
/// was made from does not count), an edge is walked only when a record that supports it may be read. Decisions come
/// from the caller's access session, once per record per query. One instance serves one query on one thread at a
/// time, as the engine and the result mapping use it.
/// </summary>
public sealed class PolicyGraphVisibility(AccessSession session, GraphRecordIndex index) : IGraphVisibility
{
    // One record supports many of the elements a walk meets (a person record: its node, its phones, documents and
    // addresses, and the edges to them), and every element is asked about again to map and audit the result, while
    // each ask of the session takes a lock and builds a key. So the record and its decision are looked up once per
    // supporting id, and a node's release once per node object (the same object carries the same support).
    private readonly Dictionary<string, Supporting?> _supports = new(StringComparer.Ordinal);
    private readonly Dictionary<GraphNode, NodeRelease> _releases = new(ReferenceEqualityComparer.Instance);

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
            if (Support(supportId) is not { } support)
            {
                continue;
            }

            var effect = support.Decision.Effect;
            if ((effect >= AccessEffect.PermitRedacted && !LinksRemovedValue(edge, support))
                || (effect == AccessEffect.ExistenceOnly && support.Record.MainNodeId is { } own && (own == edge.From || own == edge.To)))
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
        if (_releases.TryGetValue(node, out var known))
        {
            return known;
        }

        if (node.Kind == NodeKind.Case && !KnowsCase(node))
        {
            // A case names an operation: known only to its members, its owner agency and oversight, whatever records
            // filed under it the caller may read (they come without it).
            return _releases[node] = new NodeRelease(NodeVisibility.Hidden, null, null, false);
        }

        Supporting? best = null;
        var allWhole = true;
        foreach (var supportId in node.SupportingRecordIds)
        {
            if (Support(supportId) is not { } support || RemovesValueOf(node, support))
            {
                allWhole = false;
                continue;
            }

            allWhole &= support.Decision.Effect == AccessEffect.Permit;
            if (best is null || support.Decision.Effect > best.Decision.Effect)
            {
                best = support;
            }
        }

        var visibility = best?.Decision.Effect switch
        {
            AccessEffect.Permit or AccessEffect.PermitRedacted => NodeVisibility.Visible,
            AccessEffect.ExistenceOnly => NodeVisibility.Placeholder,
            _ => NodeVisibility.Hidden,
        };
        var release = new NodeRelease(visibility, best?.Decision, best?.Record, visibility == NodeVisibility.Visible && allWhole);
        _releases[node] = release;
        return release;
    }

    /// <summary>
    /// The record is read redacted without the field the node was made from (a victim's phone or passport): it then
    /// shows the node no more than Records shows the field, though another record may show it.
    /// </summary>
    private static bool RemovesValueOf(GraphNode node, Supporting support) => RemovesValueOf(node.Kind, support);

    private static bool RemovesValueOf(NodeKind kind, Supporting support) =>
        support.Decision.Effect == AccessEffect.PermitRedacted
        && GraphRecordMapper.ValueFields(support.Record.Marking.Body, kind) is { Count: > 0 } fields
        && support.Decision.RedactedFields.Any(removed => fields.Any(field => RedactionPaths.Overlap(removed, field)));

    /// <summary>
    /// The edge ties the record's own node to an identifier made from a field the record is read without (a victim's
    /// phone that another record also shows): walking it would say that she uses it, which Records does not.
    /// </summary>
    private static bool LinksRemovedValue(GraphEdge edge, Supporting support) =>
        support.Record.MainNodeId is { } own && (own == edge.From || own == edge.To)
        && GraphRecordMapper.IdentifierKindOf(own == edge.From ? edge.To : edge.From) is { } kind
        && RemovesValueOf(kind, support);

    private bool KnowsCase(GraphNode node) =>
        session.Query.Subject.HasRole(Roles.Oversight) || session.Context.CaseMemberships.Any(caseRef => GraphRecordMapper.CaseNodeId(caseRef) == node.Id);

    /// <summary>
    /// A hidden node is counted as withheld only when a record behind it is one the caller may learn exists (read
    /// without the field the node was made from, or existence only): one that only records they may not learn of
    /// support (a victim's record at a shelter, anything under immigration enforcement) is not even counted, as a
    /// count beside a person tells them that something hidden is linked to her.
    /// </summary>
    public bool Discloses(GraphNode node) => Discoverable(node.SupportingRecordIds);

    /// <summary>As <see cref="Discloses"/>, for an edge; the engine does not count one to a node it does not disclose.</summary>
    public bool DisclosesEdge(GraphEdge edge) => Discoverable(edge.SupportingRecordIds);

    private bool Discoverable(IEnumerable<string> supportIds) => supportIds.Any(id => Support(id) is { Decision.Effect: >= AccessEffect.ExistenceOnly });

    /// <summary>Whether the caller may read the record itself (and so learn that it supports an element).</summary>
    public bool Readable(string recordId) => Support(recordId) is { Decision.Effect: >= AccessEffect.PermitRedacted };

    /// <summary>
    /// The records the caller may read that show the node, each once: not one read without the field the node was made
    /// from, as naming it beside a victim's phone or passport would say whose it is, which Records withholds.
    /// </summary>
    public IEnumerable<string> RecordsShowing(GraphNode node) =>
        ReadableSupports(node.SupportingRecordIds).Where(support => !RemovesValueOf(node, support)).Select(support => support.Record.RecordId).Distinct(StringComparer.Ordinal);

    /// <summary>The records the caller may read that show the edge, each once: not one whose own tie to a withheld identifier it is.</summary>
    public IEnumerable<string> RecordsShowing(GraphEdge edge) =>
        ReadableSupports(edge.SupportingRecordIds).Where(support => !LinksRemovedValue(edge, support)).Select(support => support.Record.RecordId).Distinct(StringComparer.Ordinal);

    private IEnumerable<Supporting> ReadableSupports(IEnumerable<string> supportIds) =>
        supportIds.Select(Support).OfType<Supporting>().Where(support => support.Decision.Effect >= AccessEffect.PermitRedacted);

    /// <summary>
    /// The marking of a record the caller may read, as it would come with the record from Records: without the cases
    /// the caller is not on. Null for a record the caller may not read.
    /// </summary>
    public Wire.Marking? Marking(string recordId) => Support(recordId) is { Decision.Effect: >= AccessEffect.PermitRedacted } support
        ? Redactor.RedactMarking(support.Record.WireMarking, support.Decision.RedactedFields)
        : null;

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

    /// <summary>The projected record behind a supporting id and the caller's decision on it; null for a record the graph does not know.</summary>
    private Supporting? Support(string supportId)
    {
        if (!_supports.TryGetValue(supportId, out var support))
        {
            support = index.Find(GraphRecordMapper.RecordOf(supportId)) is { } record ? new Supporting(record, session.Decide(record.Marking)) : null;
            _supports[supportId] = support;
        }

        return support;
    }

    private sealed record Supporting(ProjectedRecord Record, AccessDecision Decision);
}
