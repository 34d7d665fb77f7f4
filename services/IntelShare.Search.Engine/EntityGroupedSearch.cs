using IntelShare.Domain;

namespace IntelShare.Search.Engine;

/// <summary>
/// Search results by resolved entity, over any <see cref="ISearchIndex"/>: a page holds up to page-size groups in
/// the rank order of each group's best hit, and a group holds every matching record of its entity that the caller
/// may read, however far down the ranking the others are. A record in no entity, or one the caller may only know
/// exists, is a group of its own: the entity ties records together, which is content. The cursor is the last
/// group's best hit, so each entity is on exactly one page.
/// </summary>
/// <remarks>
/// Entities come from Resolution's directory at query time rather than from the index, so a merge or split shows
/// in the next search without re-indexing the records it moved.
/// </remarks>
public sealed class EntityGroupedSearch(ISearchIndex index, IEntityDirectory? entities)
{
    /// <summary>Matching records read for the entities of one step of the walk, at most.</summary>
    public const int MaxMembersRead = 1_000;

    public async Task<SearchResult> SearchAsync(SearchQuery query, SearchPrincipal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        // An undecodable cursor is left for the index to report with the query's other problems.
        SearchCursor? start = query.Cursor is { } text && SearchCursor.TryDecode(text, out var decoded) ? decoded : null;
        var step = Math.Clamp(query.PageSize + 1, 1, SearchQuery.MaxPageSize);
        var groups = new List<HitGroup>();
        // Groups on this page, on an earlier one, or known to be on a later one once the page is full.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        SearchResult? first = null;
        var cursor = query.Cursor;
        while (true)
        {
            var page = await index.SearchAsync(query with { PageSize = step, Cursor = cursor, Facets = first is null ? query.Facets : [] }, principal, cancellationToken);
            first ??= page;
            var fresh = new List<(string? EntityId, SearchHit Hit)>();
            foreach (var hit in page.Hits)
            {
                var entityId = EntityOf(hit);
                if (seen.Add(KeyOf(hit.RecordId, entityId)))
                {
                    fresh.Add((entityId, hit));
                }
            }

            var members = await MembersAsync(fresh.Where(f => f.EntityId is not null).Select(f => f.EntityId!), query, principal, cancellationToken);
            foreach (var (entityId, hit) in fresh)
            {
                var hits = entityId is null ? [hit] : Ranked(members.GetValueOrDefault(entityId), hit);
                if (start is { } after && !IsAfter(hits[0], after))
                {
                    // The entity's best hit ranks above the cursor: it was shown on an earlier page.
                    continue;
                }

                if (groups.Count == query.PageSize)
                {
                    var last = groups[^1].Hits[0];
                    return Result(first, groups, new SearchCursor(last.Score, last.RecordId).Encode());
                }

                groups.Add(new HitGroup(entityId, hits));
            }

            if (page.NextCursor is null)
            {
                return Result(first, groups, null);
            }

            cursor = page.NextCursor;
        }
    }

    private static SearchResult Result(SearchResult first, List<HitGroup> groups, string? next) => new()
    {
        TotalHits = first.TotalHits,
        Facets = first.Facets,
        Hits = [.. groups.SelectMany(g => g.Hits)],
        Groups = groups,
        NextCursor = next,
    };

    private string? EntityOf(SearchHit hit) => hit.Readable ? entities?.EntityOf(hit.RecordId) : null;

    private static string KeyOf(string recordId, string? entityId) => entityId is null ? "record:" + recordId : "entity:" + entityId;

    /// <summary>The readable matching records of each entity, best first, found by the same query narrowed to the entities' records.</summary>
    private async Task<Dictionary<string, List<SearchHit>>> MembersAsync(IEnumerable<string> entityIds, SearchQuery query, SearchPrincipal principal, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, List<SearchHit>>(StringComparer.Ordinal);
        var recordIds = entityIds.SelectMany(e => entities!.RecordsOf(e)).Distinct(StringComparer.Ordinal).ToArray();
        if (recordIds.Length == 0)
        {
            return found;
        }

        var narrowed = query with { RecordIds = recordIds, PageSize = SearchQuery.MaxPageSize, Cursor = null, Facets = [] };
        for (var read = 0; read < MaxMembersRead;)
        {
            var page = await index.SearchAsync(narrowed, principal, cancellationToken);
            foreach (var hit in page.Hits)
            {
                if (EntityOf(hit) is { } entityId)
                {
                    if (!found.TryGetValue(entityId, out var hits))
                    {
                        hits = [];
                        found.Add(entityId, hits);
                    }

                    hits.Add(hit);
                }
            }

            read += page.Hits.Count;
            if (page.NextCursor is null)
            {
                break;
            }

            narrowed = narrowed with { Cursor = page.NextCursor };
        }

        return found;
    }

    /// <summary>
    /// The entity's hits in rank order, including the one the walk found (the directory may have moved it between
    /// the two reads; it is shown where the walk met it).
    /// </summary>
    private static List<SearchHit> Ranked(List<SearchHit>? members, SearchHit found)
    {
        var hits = members ?? [];
        if (!hits.Exists(h => h.RecordId == found.RecordId))
        {
            hits.Add(found);
            hits.Sort(static (a, b) => RankOrder(a.Score, a.RecordId, b.Score, b.RecordId));
        }

        return hits;
    }

    /// <summary>Rank order of the engines: score descending, then record id ascending.</summary>
    private static int RankOrder(float scoreA, string recordA, float scoreB, string recordB) =>
        scoreA != scoreB ? scoreB.CompareTo(scoreA) : string.CompareOrdinal(recordA, recordB);

    private static bool IsAfter(SearchHit hit, SearchCursor cursor) => RankOrder(hit.Score, hit.RecordId, cursor.Score, cursor.RecordId) > 0;
}
