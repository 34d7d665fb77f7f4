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
    /// Puts the version written since the refresh of each of <paramref name="recordIds"/> into
    /// <paramref name="held"/> and returns the others; false when a searcher acquired at
    /// <paramref name="searcherEpoch"/> no longer holds everything the maps have forgotten.
    /// </summary>
    public bool TryGet(IEnumerable<string> recordIds, long searcherEpoch, Dictionary<string, long> held, List<string> unknown)
    {
        lock (_gate)
        {
            if (searcherEpoch != _epoch)
            {
                return false;
            }

            foreach (var id in recordIds)
            {
                if (_current.TryGetValue(id, out var version) || _refreshing.TryGetValue(id, out version))
                {
                    held[id] = version;
                }
                else
                {
                    unknown.Add(id);
                }
            }

            return true;
        }
    }
}

/// <summary>Looks record versions up in one searcher, a batch at a time.</summary>
internal static class VersionLookup
{
    /// <summary>
    /// Segment by segment, in term order: consecutive seeks then share the terms dictionary blocks already
    /// read, and an id found live in one segment is not sought in the others (deletes are applied on refresh).
    /// </summary>
    public static void Get(IndexSearcher searcher, List<string> recordIds, Dictionary<string, long> held)
    {
        recordIds.Sort(StringComparer.Ordinal);
        var pending = recordIds.Select(id => new BytesRef(id)).ToList();
        DocsEnum? docs = null;
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var versions = reader.GetNumericDocValues(IndexFields.Version);
            var terms = reader.GetTerms(IndexFields.Id)?.GetEnumerator();
            if (terms is null || versions is null)
            {
                continue;
            }

            var live = reader.LiveDocs;
            var missing = 0;
            for (var i = 0; i < pending.Count; i++)
            {
                var term = pending[i];
                if (terms.SeekExact(term))
                {
                    docs = terms.Docs(live, docs, DocsFlags.NONE);
                    var doc = docs.NextDoc();
                    if (doc != DocIdSetIterator.NO_MORE_DOCS)
                    {
                        held[term.Utf8ToString()] = versions.Get(doc);
                        continue;
                    }
                }

                pending[missing++] = term;
            }

            pending.RemoveRange(missing, pending.Count - missing);
            if (pending.Count == 0)
            {
                return;
            }
        }
    }
}
