using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>The scoring parts of a query: names, identifiers, free text.</summary>
internal static class LuceneQueries
{
    /// <summary>
    /// Every token must match the name field exactly or within an edit distance that grows with its length;
    /// order and aliases do not matter for matching, but names written in the queried order (and given/family
    /// in their places) score higher.
    /// </summary>
    public static Query Name(IReadOnlyList<string> tokens)
    {
        var query = new BooleanQuery();
        foreach (var token in tokens)
        {
            var either = new BooleanQuery
            {
                { new TermQuery(new Term(IndexFields.Name, token)) { Boost = 2f }, Occur.SHOULD },
            };
            var edits = EditsFor(token);
            if (edits > 0)
            {
                either.Add(new FuzzyQuery(new Term(IndexFields.Name, token), edits, prefixLength: 0, maxExpansions: 50, transpositions: true), Occur.SHOULD);
            }

            query.Add(either, Occur.MUST);
        }

        if (tokens.Count > 1)
        {
            var inOrder = new PhraseQuery { Boost = 2f };
            foreach (var token in tokens)
            {
                inOrder.Add(new Term(IndexFields.Name, token));
            }

            query.Add(inOrder, Occur.SHOULD);
            query.Add(
                new BooleanQuery
                {
                    { new TermQuery(new Term(IndexFields.Given, tokens[0])), Occur.MUST },
                    { new TermQuery(new Term(IndexFields.Family, tokens[^1])), Occur.MUST },
                },
                Occur.SHOULD);
        }

        return query;
    }

    /// <summary>Short tokens must be exact: one edit turns "li" into dozens of other names.</summary>
    public static int EditsFor(string token) => token.Length switch
    {
        <= 2 => 0,
        <= 5 => 1,
        _ => 2,
    };

    public static Query Identifier(IdentifierTerms terms) => LuceneConditions.ToQuery(Cond.AnyOf(terms.Field, terms.Values));

    /// <summary>Classic Lucene syntax over the text field; a syntax error names its position.</summary>
    public static Query Text(string text, List<string> problems)
    {
        var parser = new TextParser(problems);
        try
        {
            return parser.Parse(text);
        }
        catch (ParseException e)
        {
            problems.Add("text: " + e.Message);
        }
        catch (BooleanQuery.TooManyClausesException)
        {
            problems.Add($"text: expands to more than {BooleanQuery.MaxClauseCount} terms; make wildcards longer");
        }

        return new BooleanQuery();
    }

    /// <summary>
    /// Only the text field may be named: the other fields hold markings and identifiers, which free text
    /// must not probe.
    /// </summary>
    private sealed class TextParser : QueryParser
    {
        private readonly List<string> _problems;

        public TextParser(List<string> problems)
            : base(Analysis.Version, IndexFields.Text, Analysis.Text)
        {
            _problems = problems;
            DefaultOperator = Operator.AND;
            AllowLeadingWildcard = false;
        }

        protected override Query GetFieldQuery(string field, string queryText, bool quoted) =>
            Known(field) ? base.GetFieldQuery(field, queryText, quoted) : new BooleanQuery();

        protected override Query GetFieldQuery(string field, string queryText, int slop) =>
            Known(field) ? base.GetFieldQuery(field, queryText, slop) : new BooleanQuery();

        protected override Query GetRangeQuery(string field, string part1, string part2, bool startInclusive, bool endInclusive) =>
            Known(field) ? base.GetRangeQuery(field, part1, part2, startInclusive, endInclusive) : new BooleanQuery();

        protected override Query GetPrefixQuery(string field, string termStr) =>
            Known(field) ? base.GetPrefixQuery(field, termStr) : new BooleanQuery();

        protected override Query GetWildcardQuery(string field, string termStr) =>
            Known(field) ? base.GetWildcardQuery(field, termStr) : new BooleanQuery();

        protected override Query GetFuzzyQuery(string field, string termStr, float minSimilarity) =>
            Known(field) ? base.GetFuzzyQuery(field, termStr, minSimilarity) : new BooleanQuery();

        protected override Query GetRegexpQuery(string field, string termStr) =>
            Known(field) ? base.GetRegexpQuery(field, termStr) : new BooleanQuery();

        private bool Known(string field)
        {
            if (field == IndexFields.Text)
            {
                return true;
            }

            var problem = $"text: unknown field '{field}' (free text searches report and event content only)";
            if (!_problems.Contains(problem))
            {
                _problems.Add(problem);
            }

            return false;
        }
    }
}
