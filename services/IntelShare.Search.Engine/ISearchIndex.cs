using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Search.Engine;

/// <summary>
/// The search index of records, embedded (Lucene) or remote (Elasticsearch). Writes come from the projection
/// of the Records change stream; every read is filtered by need-to-know for the principal.
/// </summary>
public interface ISearchIndex : IDisposable
{
    /// <summary>
    /// Adds or replaces records; a version older than (or equal to) the one held is ignored, so the projection
    /// may replay. <paramref name="checkpoint"/> is the change-stream position after this batch: it becomes
    /// durable together with the batch, never ahead of it.
    /// </summary>
    Task<UpsertResult> UpsertAsync(IReadOnlyList<SearchDocument> documents, string? checkpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a record. With a version, a deletion older than the held version is ignored; the deletion is
    /// remembered so that a replayed older upsert does not bring the record back.
    /// </summary>
    Task<bool> DeleteAsync(string recordId, long? version = null, string? checkpoint = null, CancellationToken cancellationToken = default);

    /// <summary>Removes every record and the checkpoint, durably: the projection then rebuilds from the start of the change log.</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>The change-stream position the projection resumes from (null when the index is new).</summary>
    Task<string?> GetCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes all writes so far durable with their checkpoint.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes all writes so far searchable now (they become searchable within a second anyway).</summary>
    Task RefreshAsync(CancellationToken cancellationToken = default);

    /// <exception cref="SearchQueryException">The query is invalid; every problem is listed.</exception>
    Task<SearchResult> SearchAsync(SearchQuery query, SearchPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>Frontline hit/no-hit: exact identifier, or name (typo tolerant) with an optional date of birth.</summary>
    Task<CheckResult> CheckAsync(CheckQuery query, SearchPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>
    /// The markings of those of <paramref name="recordIds"/> the index holds (a withdrawn or unknown record is absent),
    /// for deciding what a caller may learn of them, as a record's links name them.
    /// </summary>
    Task<IReadOnlyDictionary<string, ResourceMarking>> MarkingsAsync(IReadOnlyCollection<string> recordIds, CancellationToken cancellationToken = default);

    Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken = default);
}

/// <summary>Who searches and why: the need-to-know policy's subject, access context and justification.</summary>
public sealed record SearchPrincipal(Subject Subject, AccessContext Context, ReadJustification Justification);

public sealed record UpsertResult(int Applied, int Stale);

public sealed record IndexStats(long DocumentCount, long SizeOnDiskBytes);

/// <param name="Kind">Null when the caller does not know the kind: the value is then compared with every kind.</param>
/// <param name="Region">Country to read a nationally written phone number in.</param>
public sealed record IdentifierQuery(IdentifierKind? Kind, string Value, string? Region = null);

/// <summary>A filter on a term field; values are ORed. Fields: see <see cref="SearchFilterFields"/>.</summary>
public sealed record SearchFilter(string Field, IReadOnlyList<string> Values);

/// <summary>Fields: "recorded" (recorded at) and "event" (the event period overlaps the range). Bounds inclusive.</summary>
public sealed record DateRangeFilter(string Field, DateTimeOffset? From, DateTimeOffset? To);

public sealed record SearchQuery
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Free text over report and event content in classic Lucene syntax: "phrases", AND, OR, NOT, -, +, wildcards.</summary>
    public string? Text { get; init; }

    /// <summary>A person's or organisation's name in any script and order; typos are tolerated.</summary>
    public string? Name { get; init; }

    /// <summary>Partial date of birth ("1990", "1990-07", "03/07/1990"), narrowing a name search.</summary>
    public string? DateOfBirth { get; init; }

    public IdentifierQuery? Identifier { get; init; }

    public IReadOnlyList<SearchFilter> Filters { get; init; } = [];

    public IReadOnlyList<DateRangeFilter> DateRanges { get; init; } = [];

    /// <summary>Facet fields to count over the whole matching set: see <see cref="SearchFilterFields.Facets"/>.</summary>
    public IReadOnlyList<string> Facets { get; init; } = [];

    public bool Highlight { get; init; }

    /// <summary>
    /// Only these records, when given: a restriction on what the caller may learn of anyway (that a record exists),
    /// so it applies to existence-only records too.
    /// </summary>
    public IReadOnlyList<string> RecordIds { get; init; } = [];

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>The <see cref="SearchResult.NextCursor"/> of the previous page.</summary>
    public string? Cursor { get; init; }
}

public static class SearchFilterFields
{
    public const string Type = "type";
    public const string Agency = "agency";
    public const string Classification = "classification";
    public const string CaseRef = "case";
    public const string Nationality = "nationality";
    public const string ExploitationForm = "exploitation";
    public const string Recorded = "recorded";
    public const string Event = "event";

    public static readonly IReadOnlyList<string> Terms = [Type, Agency, Classification, CaseRef, Nationality, ExploitationForm];

    public static readonly IReadOnlyList<string> Dates = [Recorded, Event];

    public static readonly IReadOnlyList<string> Facets = [Type, Agency, Classification, Nationality, ExploitationForm];

    /// <summary>
    /// Fields a caller may filter or count on for records they may only know exist: the holder and the kind are
    /// what an existence-only answer tells anyway. Everything else is content.
    /// </summary>
    public static bool IsHolderField(string field) => field is Type or Agency;
}

public sealed record CheckQuery
{
    public IdentifierQuery? Identifier { get; init; }

    public string? Name { get; init; }

    public string? DateOfBirth { get; init; }

    public int MaxHits { get; init; } = 20;
}

public sealed record SearchHighlight(string FieldPath, IReadOnlyList<string> Fragments);

/// <summary>
/// One hit. For <see cref="AccessEffect.ExistenceOnly"/> only the record id, type and holder agency are set:
/// the caller learns whom to ask, nothing of the content.
/// </summary>
public sealed record SearchHit
{
    public required string RecordId { get; init; }

    public required RecordType Type { get; init; }

    public required string HolderAgency { get; init; }

    public required AccessDecision Decision { get; init; }

    public AccessEffect Effect => Decision.Effect;

    /// <summary>
    /// True when the caller is told only that the record exists: the policy said so, or the hit was found
    /// through a name or identifier the policy redacts for this caller.
    /// </summary>
    public bool ExistenceOnly { get; init; }

    public float Score { get; init; }

    public long? Version { get; init; }

    /// <summary>
    /// Found through a name or identifier withheld from the caller, in a record they may otherwise read: its reference
    /// would tie what they searched for to the rest of the record, so it leaves the service without one.
    /// </summary>
    public bool FoundThroughWithheld => ExistenceOnly && Effect >= AccessEffect.PermitRedacted;

    /// <summary>The caller may read (some of) the record: it is neither existence-only nor without its payload.</summary>
    public bool Readable => !ExistenceOnly && Effect >= AccessEffect.PermitRedacted && DisplayPayload is not null;

    /// <summary>Permitted hits only; the service removes <see cref="AccessDecision.RedactedFields"/> from it.</summary>
    public ReadOnlyMemory<byte>? DisplayPayload { get; init; }

    public IReadOnlyList<SearchHighlight> Highlights { get; init; } = [];
}

public sealed record FacetValue(string Value, long Count);

public sealed record HitGroup(string? EntityId, IReadOnlyList<SearchHit> Hits);

public sealed record SearchResult
{
    public required long TotalHits { get; init; }

    public required IReadOnlyList<SearchHit> Hits { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets { get; init; } = new Dictionary<string, IReadOnlyList<FacetValue>>();

    /// <summary>Set by <see cref="EntityGroupedSearch"/>: the page's groups, whose hits <see cref="Hits"/> lists group by group.</summary>
    public IReadOnlyList<HitGroup>? Groups { get; init; }

    /// <summary>Null on the last page.</summary>
    public string? NextCursor { get; init; }
}

public sealed record CheckResult(IReadOnlyList<SearchHit> Hits)
{
    public bool Hit => Hits.Count > 0;
}

/// <summary>An invalid query: every problem, each naming where it is (field, or position in the text).</summary>
public sealed class SearchQueryException(IReadOnlyList<string> problems)
    : Exception("Invalid search query: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
