using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// The need-to-know filters of recent principals, each cached per segment: evaluating a principal's
/// conditions over a million records costs far more than the query they guard. A segment's bits outlive
/// searcher reopens (only new segments are evaluated) and die with the segment; deletions are applied on
/// top, so a cached set never resurrects a deleted record. The key is the conditions themselves, so a grant
/// that starts or ends, or any change in the principal, is a different entry rather than a stale one.
/// </summary>
internal sealed class PolicyFilterCache(int capacity = 1024)
{
    private readonly ConcurrentDictionary<string, Filter> _filters = new(StringComparer.Ordinal);

    public Filter Get(Cond cond)
    {
        var key = CondKey.Of(cond);
        if (_filters.TryGetValue(key, out var filter))
        {
            return filter;
        }

        // Principals are few and stable; should a flood of distinct ones fill the cache, start again rather than track recency.
        if (_filters.Count >= capacity)
        {
            _filters.Clear();
        }

        return _filters.GetOrAdd(key, _ => new BitSetCachingFilter(LuceneConditions.ToFilter(cond)));
    }

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
