using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// Counts every matching document, and the facet values of those it may count: holder facets (type,
/// agency) over all of them, content facets only over documents the caller may read.
/// </summary>
internal sealed class FacetCollector(IReadOnlyList<string> facets, Filter readable) : ICollector
{
    private readonly Dictionary<string, Dictionary<string, long>> _totals =
        facets.ToDictionary(f => f, _ => new Dictionary<string, long>(StringComparer.Ordinal));

    private readonly (string Facet, bool Content, SortedSetDocValues? Values, long[] Counts)[] _segment =
        new (string, bool, SortedSetDocValues?, long[])[facets.Count];

    private FixedBitSet? _readable;

    public long TotalHits { get; private set; }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        var reader = context.AtomicReader;
        var anyContent = false;
        for (var i = 0; i < facets.Count; i++)
        {
            var values = reader.GetSortedSetDocValues(LuceneDocuments.FacetField(facets[i]));
            var content = !SearchFilterFields.IsHolderField(facets[i]);
            anyContent |= content && values is not null;
            _segment[i] = (facets[i], content, values, values is null ? [] : new long[values.ValueCount]);
        }

        _readable = null;
        if (anyContent)
        {
            _readable = new FixedBitSet(reader.MaxDoc);
            var iterator = readable.GetDocIdSet(context, reader.LiveDocs)?.GetIterator();
            if (iterator is not null)
            {
                _readable.Or(iterator);
            }
        }
    }

    public void Collect(int doc)
    {
        TotalHits++;
        foreach (var (_, content, values, counts) in _segment)
        {
            if (values is null || (content && !_readable!.Get(doc)))
            {
                continue;
            }

            values.SetDocument(doc);
            for (var ord = values.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = values.NextOrd())
            {
                counts[ord]++;
            }
        }
    }

    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Result()
    {
        Flush();
        return _totals.ToDictionary(
            f => f.Key,
            f => (IReadOnlyList<FacetValue>)f.Value
                .OrderByDescending(v => v.Value)
                .ThenBy(v => v.Key, StringComparer.Ordinal)
                .Select(v => new FacetValue(v.Key, v.Value))
                .ToArray());
    }

    private void Flush()
    {
        var term = new BytesRef();
        for (var i = 0; i < _segment.Length; i++)
        {
            var (facet, _, values, counts) = _segment[i];
            if (values is null)
            {
                continue;
            }

            var totals = _totals[facet];
            for (var ord = 0; ord < counts.Length; ord++)
            {
                if (counts[ord] > 0)
                {
                    values.LookupOrd(ord, term);
                    var value = term.Utf8ToString();
                    totals[value] = totals.GetValueOrDefault(value) + counts[ord];
                }
            }

            _segment[i] = default;
        }
    }
}
