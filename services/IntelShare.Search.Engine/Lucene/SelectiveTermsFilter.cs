using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// Documents holding any of a few terms of one field, for lookups that find a handful of records in a million
/// (an identifier check). Lucene's TermsFilter allocates a bit set of the segment's size wherever a term is
/// found, and every TermQuery or TermsFilter opens a new terms enumerator on every segment, kilobytes of seek
/// frames each: per check, a hundred kilobytes of garbage, and so a collection every few dozen checks in a tail
/// that should be a millisecond. Here the documents found are kept as a sorted list, and enumerators are
/// reused, per segment, by whichever query needs one next.
/// </summary>
internal sealed class SelectiveTermsFilter : Filter
{
    private readonly Seekers _seekers;
    private readonly BytesRef[] _terms;

    public SelectiveTermsFilter(Seekers seekers, IEnumerable<string> terms)
    {
        _seekers = seekers;
        _terms = [.. terms.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(t => new BytesRef(t))];
    }

    public override DocIdSet? GetDocIdSet(AtomicReaderContext context, IBits acceptDocs)
    {
        var seeker = _seekers.Take(context.AtomicReader);
        if (seeker is null)
        {
            return null;
        }

        try
        {
            List<int>? found = null;
            foreach (var term in _terms)
            {
                if (!seeker.Terms.SeekExact(term))
                {
                    continue;
                }

                seeker.Postings = seeker.Terms.Docs(acceptDocs, seeker.Postings, DocsFlags.NONE);
                for (var doc = seeker.Postings.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = seeker.Postings.NextDoc())
                {
                    (found ??= []).Add(doc);
                }
            }

            if (found is null)
            {
                return null;
            }

            found.Sort();
            return new SortedDocs([.. found.Distinct()]);
        }
        finally
        {
            _seekers.Return(context.AtomicReader, seeker);
        }
    }

    public override bool Equals(object? obj) =>
        obj is SelectiveTermsFilter other && other._seekers.Field == _seekers.Field && other._terms.SequenceEqual(_terms);

    public override int GetHashCode() => _terms.Aggregate(_seekers.Field.GetHashCode(StringComparison.Ordinal), (hash, term) => HashCode.Combine(hash, term));

    public override string ToString() => _seekers.Field + ":(" + string.Join(' ', _terms.Select(t => t.Utf8ToString())) + ")";

    /// <summary>
    /// Idle terms enumerators of one field, per segment: a segment's pool lives as long as its core, so a merged-away
    /// segment takes its enumerators with it. An enumerator serves one query at a time.
    /// </summary>
    internal sealed class Seekers(string field)
    {
        private readonly ConditionalWeakTable<object, ConcurrentBag<Seeker>> _idle = [];

        public string Field { get; } = field;

        public Seeker? Take(AtomicReader reader)
        {
            if (_idle.TryGetValue(reader.CoreCacheKey, out var idle) && idle.TryTake(out var seeker))
            {
                return seeker;
            }

            return reader.GetTerms(Field)?.GetEnumerator() is { } terms ? new Seeker(terms) : null;
        }

        public void Return(AtomicReader reader, Seeker seeker) =>
            _idle.GetValue(reader.CoreCacheKey, _ => []).Add(seeker);
    }

    internal sealed class Seeker(TermsEnum terms)
    {
        public TermsEnum Terms { get; } = terms;

        public DocsEnum? Postings { get; set; }
    }

    private sealed class SortedDocs(int[] docs) : DocIdSet
    {
        public override bool IsCacheable => true;

        public override DocIdSetIterator GetIterator() => new Iterator(docs);

        private sealed class Iterator(int[] docs) : DocIdSetIterator
        {
            private int _at = -1;

            public override int DocID => _at < 0 ? -1 : _at < docs.Length ? docs[_at] : NO_MORE_DOCS;

            public override int NextDoc()
            {
                _at = Math.Min(_at + 1, docs.Length);
                return DocID;
            }

            public override int Advance(int target)
            {
                while (NextDoc() < target)
                {
                }

                return DocID;
            }

            public override long GetCost() => docs.Length;
        }
    }
}
