using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>The scoring parts of a query: names, identifiers, free text.</summary>
internal static class LuceneQueries
{
    /// <summary>The name part of a query as <see cref="NameMatch"/> describes it.</summary>
    public static Query Name(NameMatch name)
    {
        var tokens = new BooleanQuery();
        foreach (var token in name.Tokens)
        {
            // The best spelling counts, not their sum: a token found three ways is still one token.
            var best = new DisjunctionMaxQuery(0f);
            foreach (var spelling in token.Spellings)
            {
                best.Add(Spelling(spelling));
            }

            tokens.Add(best, Occur.SHOULD);
        }

        if (name.DateOfBirthTerm is { } dob)
        {
            tokens.Add(new ConstantScoreQuery(new TermQuery(new Term(IndexFields.DateOfBirth, dob))) { Boost = NameMatch.DateOfBirthBoost }, Occur.SHOULD);
        }

        tokens.MinimumNumberShouldMatch = name.MinimumMatching;
        var query = new BooleanQuery { { tokens, Occur.MUST } };
        var written = name.Written;
        if (written.Count > 1)
        {
            var inOrder = new PhraseQuery { Boost = NameMatch.OrderBoost };
            foreach (var token in written)
            {
                inOrder.Add(new Term(IndexFields.Name, token));
            }

            query.Add(inOrder, Occur.SHOULD);
            var placed = new BooleanQuery
            {
                { new TermQuery(new Term(IndexFields.Given, written[0])), Occur.MUST },
                { new TermQuery(new Term(IndexFields.Family, written[^1])), Occur.MUST },
            };
            placed.Boost = NameMatch.PlacementBoost;
            query.Add(placed, Occur.SHOULD);
        }

        return query;
    }

    private static Query Spelling(NameMatch.Spelling spelling)
    {
        var term = new Term(spelling.Field, spelling.Term);
        return spelling.Edits == 0
            ? new TermQuery(term) { Boost = spelling.Boost }
            : new FuzzyQuery(term, spelling.Edits, prefixLength: 0, maxExpansions: NameMatch.MaxExpansions, transpositions: true) { Boost = spelling.Boost };
    }

    private static readonly ConcurrentDictionary<string, SelectiveTermsFilter.Seekers> IdentifierSeekers = new(StringComparer.Ordinal);

    public static Query Identifier(IdentifierTerms terms) =>
        new ConstantScoreQuery(new SelectiveTermsFilter(IdentifierSeekers.GetOrAdd(terms.Field, field => new(field)), terms.Values));

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
