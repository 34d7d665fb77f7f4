using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>
/// One data row of an import file. <see cref="Values"/> holds its non-empty values by normalised
/// column name; a JSON Lines row already in the contract's shape comes as <see cref="Content"/>.
/// </summary>
internal sealed record SourceRow(long Number, IReadOnlyDictionary<string, string> Values)
{
    public RecordContent? Content { get; init; }

    /// <summary>
    /// A flat JSON row's keys (normalised, nested ones joined), with a value or empty: a JSON file has no header, so the
    /// mapping is checked against the keys its rows had. Null for a CSV row, whose header gives its columns.
    /// </summary>
    public IReadOnlyList<string>? Keys { get; init; }

    /// <summary>Why the row could not even be read (malformed JSON, broken quoting).</summary>
    public FieldProblem? Problem { get; init; }
}

/// <summary>A row ready to send (<see cref="Content"/>) or rejected on the client with its problems.</summary>
internal sealed record PreparedRow(long Number, string SourceRef, RecordContent? Content, IReadOnlyList<FieldProblem> Problems)
{
    /// <summary>
    /// Of a row rejected on the client, what could be made of it (the fields that failed left out), for the platform
    /// to say what else is wrong with it; null when nothing could be, or it cannot be sent.
    /// </summary>
    public RecordContent? Remainder { get; init; }
}

internal static class Problems
{
    public static FieldProblem Of(string field, string description) => new() { Field = field, Description = description };

    /// <summary>
    /// The platform's problems named as the client names fields (person.name, not content.person.name), so that a
    /// rejects file names each field one way.
    /// </summary>
    public static IEnumerable<FieldProblem> AsTheClientNamesThem(IEnumerable<FieldProblem> problems) =>
        problems.Select(p => p.Field.StartsWith(ContentPrefix, StringComparison.Ordinal) ? Of(p.Field[ContentPrefix.Length..], p.Description) : p);

    private const string ContentPrefix = "content.";

    public static string Describe(FieldProblem problem) =>
        string.IsNullOrEmpty(problem.Field) ? problem.Description : $"{problem.Field}: {problem.Description}";
}
