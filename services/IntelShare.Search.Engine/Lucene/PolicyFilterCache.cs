using System.Collections.Concurrent;
using IntelShare.Policy;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>The need-to-know filters of one principal at one instant: see <see cref="PolicyConditions"/>.</summary>
internal sealed record PolicyFilters(Filter Visible, Filter Readable, Filter TextReadable, Filter NamesReadable, Filter TextAndNamesReadable)
{
    /// <summary>As <see cref="PolicyConditions.ContentCountable"/>.</summary>
    public Filter ContentCountable(QueryPlan plan) => PolicyConditions.ThroughNames(plan, Readable, NamesReadable);

    /// <summary>As <see cref="PolicyConditions.TextMatchable"/>.</summary>
    public Filter TextMatchable(QueryPlan plan) => PolicyConditions.ThroughNames(plan, TextReadable, TextAndNamesReadable);
}

/// <summary>
/// The need-to-know filters of recent principals, each cached per segment: evaluating a principal's
/// conditions over a million records costs far more than the query they guard. A segment's bits outlive
/// searcher reopens (only new segments are evaluated) and die with the segment; deletions are applied on
/// top, so a cached set never resurrects a deleted record.
/// A principal's filters are found by its <see cref="PolicyInputs.Key"/>, so a query neither restates the
/// policy nor writes out its conditions; a grant that starts or ends, or any change in the principal, is a
/// different key rather than a stale entry. Each filter is in turn shared by its conditions, so principals
/// whose inputs differ only in what no rule distinguishes share bits too.
/// </summary>
internal sealed class PolicyFilterCache(NeedToKnowPolicyOptions options, int capacity = 1024)
{
    private readonly ConcurrentDictionary<string, PolicyFilters> _principals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Filter> _conditions = new(StringComparer.Ordinal);

    public PolicyFilters For(SearchPrincipal principal, DateTimeOffset now)
    {
        var inputs = PolicyInputs.Of(principal, options, now);
        if (_principals.TryGetValue(inputs.Key, out var filters))
        {
            return filters;
        }

        // Principals are few and stable; should a flood of distinct ones fill the cache, start again rather than track recency.
        if (_principals.Count >= capacity)
        {
            _principals.Clear();
            _conditions.Clear();
        }

        var conditions = PolicyConditions.For(inputs, options);
        return _principals.GetOrAdd(inputs.Key, _ => new PolicyFilters(
            Get(conditions.Visible), Get(conditions.Readable), Get(conditions.TextReadable), Get(conditions.NamesReadable),
            Get(Cond.And(conditions.TextReadable, conditions.NamesReadable))));
    }

    private Filter Get(Cond cond) => _conditions.GetOrAdd(CondKey.Of(cond), _ => new BitSetCachingFilter(LuceneConditions.ToFilter(cond)));

    /// <summary>Cached as a plain bit set: it offers random access, so a selective query checks it per hit instead of walking it.</summary>
    private sealed class BitSetCachingFilter(Filter filter) : CachingWrapperFilter(filter)
    {
        protected override DocIdSet CacheImpl(DocIdSetIterator iterator, AtomicReader reader)
        {
            var bits = new FixedBitSet(reader.MaxDoc);
            bits.Or(iterator);
            return bits;
        }
    }
}
