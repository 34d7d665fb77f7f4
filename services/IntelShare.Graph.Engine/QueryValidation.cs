namespace IntelShare.Graph.Engine;

/// <summary>The limits a caller may ask for; above them a query could hold the read lock for seconds.</summary>
public static class GraphLimits
{
    public const int MaxDepth = 4;
    public const int MaxNodes = 10_000;
    public const int MaxEdges = 50_000;
    public const int MaxSeeds = 100;
    public const int MaxHops = 20;
    public const int MaxPaths = 1_000;
    public const int MaxConnectIds = 20;
    public const int MaxTop = 10_000;
    public const int MaxResults = 10_000;
}

/// <summary>Collects every problem of a query before any is reported, so a caller fixes them in one go.</summary>
internal sealed class QueryValidation
{
    private readonly List<string> problems = [];

    public QueryValidation Require(bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }

        return this;
    }

    public QueryValidation Range(int value, int min, int max, string name) =>
        Require(value >= min && value <= max, $"{name} must be between {min} and {max} (was {value}).");

    public QueryValidation Id(string? id, string name) => Require(!string.IsNullOrEmpty(id), $"{name} must be given.");

    public QueryValidation Window(TimeWindow? window) =>
        Require(window is null || window.StartTicks <= window.EndTicks, $"the time window ends ({window?.End:O}) before it starts ({window?.Start:O}).");

    public QueryValidation Budget(QueryBudget? budget) =>
        Require(budget is null || budget.MaxNodesVisited >= 1, "the budget must allow at least one node visited.")
            .Require(budget?.Timeout is null || budget.Timeout > TimeSpan.Zero, "the budget's timeout must be positive.");

    public void ThrowIfAny()
    {
        if (problems.Count > 0)
        {
            throw new GraphQueryException(problems);
        }
    }
}
