using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Graph.Engine;
using IntelShare.Projections;

namespace IntelShare.Graph.Domain;

/// <summary>
/// The offender network as a projection of the Records change log. Each change first withdraws everything the
/// record's previous version supported, then adds what the new version says; the engine applies the batch with the
/// checkpoint atomically, so a batch re-applied after a crash lands on the same graph. A person or organisation is
/// joined by a same_as edge to the entity Resolution (when it runs here) puts it in; later changes of entity arrive
/// through <see cref="EntityMembershipFollower"/>.
/// </summary>
public sealed class GraphProjection(IGraphStore store, GraphRecordIndex index, GraphWriteGate gate, IEntityDirectory? entities = null) : IProjection
{
    public string Name => "graph";

    public bool NearRealTime => true;

    public Task<long> GetCheckpointAsync(CancellationToken cancellationToken) => store.GetCheckpointAsync(cancellationToken);

    public async Task ApplyAsync(IReadOnlyList<ChangeEvent> changes, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(cancellationToken);
        var operations = new List<GraphOperation>();
        var written = new List<(Record, string?)>();
        var added = new List<PendingLink>();
        var resolved = new List<PendingLink>();
        var cleared = new List<string>();
        var links = new List<(string, string?)>();
        // Records of this batch are visible to later changes in it before the index is written.
        var batchNodes = new Dictionary<string, string?>(StringComparer.Ordinal);
        var batchRefs = new Dictionary<(string, string), string>();
        var entityOf = entities?.EntitiesOf(changes.Where(c => c.Record is not null).Select(c => c.Record.RecordId));

        foreach (var change in changes)
        {
            BackgroundPriority.YieldToCalls();
            var record = change.Record;
            if (record is null)
            {
                continue;
            }

            operations.Add(new RemoveSupport(record.RecordId));
            operations.Add(new RemoveSupport(GraphRecordMapper.SameAsSupport(record.RecordId)));
            cleared.Add(record.RecordId);
            var main = record.Withdrawn ? null : GraphRecordMapper.MainNodeId(record);
            written.Add((record, main));
            batchNodes[record.RecordId] = main;
            var agency = record.Content?.Marking?.OriginatorAgency ?? change.OriginatorAgency;
            if (record.Content?.SourceRef is { Length: > 0 } sourceRef)
            {
                batchRefs[(agency, sourceRef)] = record.RecordId;
            }

            if (record.Withdrawn || main is null)
            {
                continue;
            }

            operations.AddRange(GraphRecordMapper.Map(record));
            if (GraphRecordMapper.EntityKindOf(record) is { } kind)
            {
                var entity = entityOf?.GetValueOrDefault(record.RecordId);
                operations.AddRange(GraphRecordMapper.SameAs(record.RecordId, main, kind, entity));
                links.Add((record.RecordId, entity));
            }
            foreach (var link in record.Content!.Links)
            {
                var pending = new PendingLink(
                    record.RecordId, main, link.TargetRecordId, agency, link.TargetSourceRef, link.Relationship,
                    link.ValidFrom?.ToDateTimeOffset().UtcTicks, link.ValidTo?.ToDateTimeOffset().UtcTicks);
                if (TargetNode(pending, batchNodes, batchRefs) is { } target)
                {
                    operations.Add(ToEdge(pending, target));
                }
                else
                {
                    added.Add(pending);
                }
            }

            // Links other records made to this one before it arrived.
            foreach (var waiting in index.PendingFor(record.RecordId, agency, record.Content.SourceRef))
            {
                operations.Add(ToEdge(waiting, main));
                resolved.Add(waiting);
            }
        }

        index.Write(written, added, resolved, cleared);
        await store.ApplyAsync(new GraphBatch(operations), changes[^1].Sequence, cancellationToken);
        index.NoteLinks(links);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        // Every node and edge is supported by some record: withdrawing all support empties the graph.
        using var _ = await gate.EnterAsync(cancellationToken);
        var operations = index.AllRecordIds()
            .SelectMany(id => new GraphOperation[] { new RemoveSupport(id), new RemoveSupport(GraphRecordMapper.SameAsSupport(id)) })
            .ToList();
        await store.ApplyAsync(new GraphBatch(operations), 0, cancellationToken);
        index.Clear();
    }

    private string? TargetNode(PendingLink link, Dictionary<string, string?> batchNodes, Dictionary<(string, string), string> batchRefs)
    {
        var targetId = link.TargetRecordId.Length > 0
            ? link.TargetRecordId
            : batchRefs.GetValueOrDefault((link.TargetAgency, link.TargetSourceRef)) ?? index.FindBySourceRef(link.TargetAgency, link.TargetSourceRef);
        if (targetId is null)
        {
            return null;
        }

        return batchNodes.TryGetValue(targetId, out var inBatch) ? inBatch : index.Find(targetId)?.MainNodeId;
    }

    private static UpsertEdge ToEdge(PendingLink link, string target) => new(
        link.SourceNodeId,
        target,
        GraphRecordMapper.EdgeKindOf(link.Relationship),
        "",
        link.SourceRecordId,
        link.ValidFromTicks is { } from ? new DateTimeOffset(from, TimeSpan.Zero) : null,
        link.ValidToTicks is { } to ? new DateTimeOffset(to, TimeSpan.Zero) : null);
}
