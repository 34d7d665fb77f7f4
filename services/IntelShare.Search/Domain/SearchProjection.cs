using System.Globalization;
using IntelShare.Contracts.V1;
using IntelShare.Projections;
using IntelShare.Search.Engine;

namespace IntelShare.Search.Domain;

/// <summary>
/// The search index as a projection of the Records change log: an amended record replaces its older version, a
/// withdrawn one disappears, and the checkpoint is committed with the batch (the index ignores versions older than
/// the one it holds, so a batch replayed after a crash changes nothing).
/// </summary>
public sealed class SearchProjection(ISearchIndex index) : IProjection
{
    public string Name => "search";

    public bool NearRealTime => true;

    public async Task<long> GetCheckpointAsync(CancellationToken cancellationToken) =>
        await index.GetCheckpointAsync(cancellationToken) is { } checkpoint ? long.Parse(checkpoint, CultureInfo.InvariantCulture) : 0;

    public async Task ApplyAsync(IReadOnlyList<ChangeEvent> changes, CancellationToken cancellationToken)
    {
        var checkpoint = changes[^1].Sequence.ToString(CultureInfo.InvariantCulture);
        var upserts = new List<SearchDocument>(changes.Count);
        foreach (var change in changes)
        {
            if (change.Record is not { } record)
            {
                continue;
            }

            if (record.Withdrawn)
            {
                // Upserts gathered so far go first, so that the deletion is not undone by an earlier version.
                await FlushAsync(upserts, cancellationToken);
                await index.DeleteAsync(record.RecordId, record.Version, null, cancellationToken);
            }
            else if (SearchDocumentMapper.ToDocument(record) is { } document)
            {
                upserts.Add(document);
            }
        }

        // The index commits on its own schedule, with the checkpoint of what it has: after a crash the projection
        // replays from that checkpoint, so nothing acknowledged by Records is lost from search.
        await index.UpsertAsync(upserts, checkpoint, cancellationToken);
    }

    public Task ResetAsync(CancellationToken cancellationToken) => index.ClearAsync(cancellationToken);

    private async Task FlushAsync(List<SearchDocument> upserts, CancellationToken cancellationToken)
    {
        if (upserts.Count > 0)
        {
            await index.UpsertAsync([.. upserts], null, cancellationToken);
            upserts.Clear();
        }
    }
}
