using IntelShare.Search.Engine.Lucene;

namespace IntelShare.Search.Engine;

/// <summary>
/// What either engine refuses in a query, found without running it: a service reports it together with the request's
/// other problems, instead of after them. Each problem reads "field: description", in the engine's field names.
/// </summary>
public static class QueryRules
{
    public static IReadOnlyList<string> Problems(SearchQuery query)
    {
        var problems = new List<string>();
        var plan = QueryPlan.Create(query, problems);
        if (plan.Text is not null)
        {
            // The embedded parser decides free text for both engines, so that they accept and refuse the same queries.
            LuceneQueries.Text(plan.Text, problems);
        }

        return problems;
    }

    public static IReadOnlyList<string> Problems(CheckQuery query)
    {
        var problems = new List<string>();
        QueryPlan.Create(query, problems);
        return problems;
    }
}
