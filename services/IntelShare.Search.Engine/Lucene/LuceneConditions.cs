using Lucene.Net.Index;
using Lucene.Net.Queries;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>Conditions as non-scoring Lucene queries.</summary>
internal sealed class LuceneConditions : ICondVisitor<Query>
{
    public static readonly LuceneConditions Instance = new();

    private static readonly HashSet<string> NumericFields =
        [IndexFields.Classification, IndexFields.RecordedAt, IndexFields.EventFrom, IndexFields.EventTo];

    public static Query ToQuery(Cond cond) => cond.Accept(Instance);

    public static Filter ToFilter(Cond cond) => new QueryWrapperFilter(ToQuery(cond));

    public Query All() => new MatchAllDocsQuery();

    public Query None() => new BooleanQuery();

    public Query Term(string field, string value) => new TermQuery(new Term(field, value));

    public Query Terms(string field, IReadOnlyList<string> values) =>
        new ConstantScoreQuery(new TermsFilter(field, values.Select(v => new BytesRef(v)).ToArray()));

    public Query Range(string field, long? min, long? max)
    {
        if (!NumericFields.Contains(field))
        {
            throw new ArgumentOutOfRangeException(nameof(field), field, "Not a numeric field.");
        }

        return NumericRangeQuery.NewInt64Range(field, min, max, true, true);
    }

    public Query And(IReadOnlyList<Query> parts)
    {
        var query = new BooleanQuery();
        var positive = false;
        foreach (var part in parts)
        {
            if (part is NotQuery not)
            {
                query.Add(not.Part, Occur.MUST_NOT);
            }
            else
            {
                query.Add(part, Occur.MUST);
                positive = true;
            }
        }

        if (!positive)
        {
            query.Add(new MatchAllDocsQuery(), Occur.MUST);
        }

        return query;
    }

    public Query Or(IReadOnlyList<Query> parts)
    {
        var query = new BooleanQuery();
        foreach (var part in parts)
        {
            query.Add(part is NotQuery not ? Negated(not.Part) : part, Occur.SHOULD);
        }

        return query;
    }

    public Query Not(Query part) => new NotQuery(part);

    private static BooleanQuery Negated(Query part) => new()
    {
        { new MatchAllDocsQuery(), Occur.MUST },
        { part, Occur.MUST_NOT },
    };

    /// <summary>
    /// A negation waiting for its parent: inside an AND it becomes MUST_NOT, elsewhere all-but. Lucene has
    /// no standalone NOT, and a purely negative boolean query matches nothing.
    /// </summary>
    private sealed class NotQuery(Query part) : Query
    {
        public Query Part { get; } = part;

        public override Query Rewrite(IndexReader reader) => Negated(Part).Rewrite(reader);

        public override string ToString(string field) => "-(" + Part.ToString(field) + ")";

        public override bool Equals(object? obj) => obj is NotQuery other && other.Part.Equals(Part);

        public override int GetHashCode() => HashCode.Combine(Part, 17);
    }
}
