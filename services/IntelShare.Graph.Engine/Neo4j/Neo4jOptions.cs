using System.Text.RegularExpressions;

namespace IntelShare.Graph.Engine.Neo4j;

/// <summary>Where and how <see cref="Neo4jGraphStore"/> keeps its graph.</summary>
public sealed partial record Neo4jOptions
{
    /// <summary>The server's HTTP address, e.g. http://localhost:7474.</summary>
    public required Uri Uri { get; init; }

    public string Database { get; init; } = "neo4j";

    /// <summary>Basic authentication; none is sent when null.</summary>
    public string? User { get; init; }

    public string? Password { get; init; }

    /// <summary>Rows per UNWIND statement: large enough to amortise a round trip, small enough to keep a request modest.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>
    /// The node label; the checkpoint is labelled with it plus "Checkpoint". Several graphs can then share one database
    /// (the contract tests give each test its own).
    /// </summary>
    public string Label { get; init; } = "GraphNode";

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Uri);
        ArgumentException.ThrowIfNullOrEmpty(Database);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);

        // The label is spliced into Cypher (labels cannot be parameters), so only a plain identifier is accepted.
        if (!Identifier().IsMatch(Label))
        {
            throw new ArgumentException($"The label '{Label}' must be a letter followed by letters, digits or underscores.", nameof(Label));
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex Identifier();
}
