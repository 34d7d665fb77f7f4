using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>Turns source rows into records of the import's type, carrying the marking from the command line.</summary>
internal sealed class RowPreparer(RecordMapping mapping, Marking marking)
{
    public PreparedRow Prepare(SourceRow row)
    {
        if (row.Problem is not null)
        {
            return new PreparedRow(row.Number, "", null, [row.Problem]);
        }

        var (content, problems) = row.Content is { } given ? (given, CheckBody(given)) : mapping.Map(row);
        // A row of another record type is that row's whole problem; the platform's view of it as that type would only confuse.
        var askable = row.Content is null || problems.Count == 0;
        if (string.IsNullOrWhiteSpace(content.SourceRef))
        {
            // The platform refuses a record without one; found here, a dry run shows it too.
            problems = [.. problems, Problems.Of("source_ref", "is required: your own reference for the record (the column --source-ref-column names, or the row's source_ref)")];
        }

        // The marking is the import's, whatever a row says: one decision for the whole file.
        content.Marking = marking.Clone();
        if (BatchSender.TooLarge(content) is { } tooLarge)
        {
            return new PreparedRow(row.Number, content.SourceRef, null, [.. problems, tooLarge]);
        }

        return problems.Count == 0
            ? new PreparedRow(row.Number, content.SourceRef, content, problems)
            : new PreparedRow(row.Number, content.SourceRef, null, problems) { Remainder = askable ? content : null };
    }

    private IReadOnlyList<FieldProblem> CheckBody(RecordContent content) =>
        RecordTypes.BodyOf(content) is { } body && body != mapping.Body
            ? [Problems.Of(body.Name, $"the record is of type {body.Name}, but the import is of {mapping.Body.Name} records")]
            : [];
}
