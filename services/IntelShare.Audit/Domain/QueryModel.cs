using System.Globalization;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Audit.Domain;

/// <summary>
/// A period and a page as an oversight RPC carries them. Unvalidated: <see cref="OversightQueries"/> checks them
/// and names the offending field.
/// </summary>
/// <param name="From">Inclusive; null means from the first entry.</param>
/// <param name="To">Exclusive; null means up to now.</param>
/// <param name="PageSize">0 means <see cref="AuditPage.DefaultSize"/>; above <see cref="AuditPage.MaxSize"/> is lowered to it.</param>
/// <param name="PageToken">Empty for the first page, otherwise the token the previous page returned.</param>
public sealed record PeriodQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, int PageSize = 0, string PageToken = "");

/// <summary>A validated half-open period [From, To).</summary>
public readonly record struct AuditPeriod(DateTimeOffset From, DateTimeOffset To)
{
    public static readonly AuditPeriod Always = new(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    public bool Contains(DateTimeOffset at) => at >= From && at < To;

    /// <param name="prefix">The path of the period in the request ("" or "period."), for the field name in errors.</param>
    public static AuditPeriod Create(DateTimeOffset? from, DateTimeOffset? to, Violations violations, string prefix = "")
    {
        if (from is { } start && to is { } end && end < start)
        {
            violations.Add(prefix + "to", $"must not be before {prefix}from ({start:O})");
        }

        return new AuditPeriod(from ?? DateTimeOffset.MinValue, to ?? DateTimeOffset.MaxValue);
    }
}

/// <summary>
/// A page of entries in log order, those after leaf index <see cref="After"/> (-1 from the first). The cursor is the
/// leaf index of the last entry returned, so pages stay stable while the log grows: new entries only ever come after
/// it. Its token binds it to the filter it pages (<see cref="QueryPageToken"/>): the index alone, given with another
/// filter, would skip that filter's entries before it.
/// </summary>
public readonly record struct AuditPage(int Size, long After)
{
    public const int DefaultSize = 100;
    public const int MaxSize = 1000;

    /// <param name="prefix">The path of the page's parent in the request ("" or "period."), for the field name in errors.</param>
    internal static (AuditPage Page, QueryPageToken Tokens) Create(int pageSize, string? pageToken, IndexFilter filter, Violations violations, string prefix = "")
    {
        violations.Require(pageSize >= 0, prefix + "page.page_size", "must not be negative");
        var tokens = new QueryPageToken("audit.index_filter", filter.ToBytes(), prefix + "page.page_token");
        var after = tokens.TryCursorOf<long>(pageToken, violations, TryParseLeaf, out var leaf) ? leaf : -1;
        return (new AuditPage(pageSize <= 0 ? DefaultSize : Math.Min(pageSize, MaxSize), after), tokens);
    }

    /// <summary>The token of the page after the entry at <paramref name="leaf"/>.</summary>
    internal static string TokenAfter(long leaf, QueryPageToken tokens) => tokens.For(leaf.ToString(CultureInfo.InvariantCulture));

    private static bool TryParseLeaf(string text, out long leaf) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out leaf);
}

/// <summary>Entries as they are in the log (read back from it, not from the index), with their leaf indexes.</summary>
public sealed record AuditEntryPage(IReadOnlyList<AuditEntry> Entries, string NextPageToken, long TotalSize);

/// <summary>The part of an audit entry the anomaly detector looks at.</summary>
public sealed record AccessRecord(
    long Index,
    DateTimeOffset At,
    string UserId,
    string Agency,
    string ResourceId,
    string CaseRef,
    Effect Effect,
    IReadOnlyList<string> ResourceCaseRefs);
