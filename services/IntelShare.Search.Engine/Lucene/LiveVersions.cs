using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// The version of every record written since the searcher last refreshed: the searcher alone cannot say,
/// and refreshing it per write would cost more than the write. Two generations, swapped around each refresh,
/// so no write is forgotten before a searcher that holds it is current.
/// </summary>
internal sealed class LiveVersions : ReferenceManager.IRefreshListener
{
    private readonly object _gate = new();
    private Dictionary<string, long> _current = new(StringComparer.Ordinal);
    private Dictionary<string, long> _refreshing = new(StringComparer.Ordinal);
    private long _epoch;

    public void BeforeRefresh()
    {
        lock (_gate)
        {
            _refreshing = _current;
            _current = new Dictionary<string, long>(StringComparer.Ordinal);
        }
    }

    public void AfterRefresh(bool didRefresh)
    {
        lock (_gate)
        {
            _refreshing = new Dictionary<string, long>(StringComparer.Ordinal);
            _epoch++;
        }
    }

    public long Epoch
    {
        get
        {
            lock (_gate)
            {
                return _epoch;
            }
        }
    }

    /// <summary>Forgets every write (the index was emptied); the next refresh starts a new epoch.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _current = new Dictionary<string, long>(StringComparer.Ordinal);
            _refreshing = new Dictionary<string, long>(StringComparer.Ordinal);
            _epoch++;
        }
    }

    public void Put(string recordId, long version)
    {
        lock (_gate)
        {
            _current[recordId] = version;
        }
    }

    /// <summary>
    /// The version written since the refresh, or null; <paramref name="searcherEpoch"/> tells whether a
    /// searcher acquired at that epoch still holds everything the maps have forgotten.
    /// </summary>
    public long? Get(string recordId, long searcherEpoch, out bool searcherCurrent)
    {
        lock (_gate)
        {
            searcherCurrent = searcherEpoch == _epoch;
            return _current.TryGetValue(recordId, out var version) || _refreshing.TryGetValue(recordId, out version) ? version : null;
        }
    }
}

/// <summary>Looks record versions up in one searcher, reusing a terms enumerator per segment across a batch.</summary>
internal sealed class VersionLookup
{
    private readonly (TermsEnum Terms, NumericDocValues Versions, IBits? Live)[] _leaves;
    private DocsEnum? _docs;

    public VersionLookup(IndexSearcher searcher)
    {
        var leaves = new List<(TermsEnum, NumericDocValues, IBits?)>();
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var terms = reader.GetTerms(IndexFields.Id);
            var versions = reader.GetNumericDocValues(IndexFields.Version);
            if (terms is not null && versions is not null)
            {
                leaves.Add((terms.GetEnumerator(), versions, reader.LiveDocs));
            }
        }

        _leaves = [.. leaves];
    }

    public long? Get(string recordId)
    {
        var term = new BytesRef(recordId);
        foreach (var (terms, versions, live) in _leaves)
        {
            if (!terms.SeekExact(term))
            {
                continue;
            }

            _docs = terms.Docs(live, _docs, DocsFlags.NONE);
            var doc = _docs.NextDoc();
            if (doc != DocIdSetIterator.NO_MORE_DOCS)
            {
                return versions.Get(doc);
            }
        }

        return null;
    }
}
