using IntelShare.Policy;
using IntelShare.Resolution.Engine.Model;
using IntelShare.Resolution.Engine.Scoring;

namespace IntelShare.Resolution.Domain;

/// <summary>
/// What of a match explanation a reader may see. Each comparison quotes both records' values and says how they agree,
/// so one on a field withheld from the reader on either side (a victim's phone, say) would tell that field: it is left
/// out, and a record's name is not shown beside its id when its name is withheld. Nor does it count towards the weight,
/// probability and verdict the reader is shown: else a record the reader writes with a guessed name, explained against
/// a victim's, would score the guess.
/// </summary>
public static class ExplanationRedaction
{
    // The content fields each comparison of ComparisonSets reads, by the name it reports.
    private static readonly Dictionary<string, string[]> PersonFields = Fields("person",
        ("given name", ["person.name", "person.aliases"]),
        ("family name", ["person.name", "person.aliases"]),
        ("date of birth", ["person.date_of_birth"]),
        ("sex", ["person.sex"]),
        ("nationality", ["person.nationalities"]),
        ("phone", ["person.phones"]),
        ("document", ["person.documents"]));

    private static readonly Dictionary<string, string[]> OrganisationFields = Fields("organisation",
        ("organisation name", ["organisation.name", "organisation.aliases"]),
        ("registration number", ["organisation.registration_number"]),
        ("country", ["organisation.country"]),
        ("phone", ["organisation.phones"]));

    /// <summary>A body's own comparisons, and the address comparisons both bodies share, which read its addresses.</summary>
    private static Dictionary<string, string[]> Fields(string body, params (string Comparison, string[] Fields)[] own) =>
        own.Concat(((string[])["street", "postcode", "locality", "region"]).Select(comparison => (comparison, (string[])[$"{body}.addresses"])))
            .ToDictionary(entry => entry.Item1, entry => entry.Item2, StringComparer.Ordinal);

    /// <summary>
    /// Whether the comparison named <paramref name="comparison"/> of records of <paramref name="kind"/> reads a field
    /// among <paramref name="withheld"/>. One this table does not know reads whatever is withheld, if anything is.
    /// </summary>
    public static bool Reads(string comparison, RecordKind kind, IReadOnlyCollection<string> withheld) =>
        withheld.Count > 0 && (!(kind == RecordKind.Person ? PersonFields : OrganisationFields).TryGetValue(comparison, out var fields)
            || fields.Any(field => withheld.Any(path => RedactionPaths.Overlap(path, field))));

    /// <summary>
    /// Whether resolution compares any field of a record of <paramref name="kind"/> among <paramref name="withheld"/>:
    /// then, for all the reader can tell, the record is among theirs because of details withheld from them.
    /// </summary>
    public static bool ComparesWithheld(RecordKind kind, IReadOnlyCollection<string> withheld) =>
        withheld.Count > 0 && (kind == RecordKind.Person ? PersonFields : OrganisationFields).Keys.Any(comparison => Reads(comparison, kind, withheld));

    /// <summary>The pair as the reader may see it, given what is withheld of each side: scored on the other comparisons alone.</summary>
    public static PairExplanation Visible(PairExplanation explanation, IReadOnlyCollection<string> withheldLeft, IReadOnlyCollection<string> withheldRight) =>
        explanation.Keeping([.. explanation.Fields.Where(f => !Reads(f.Field, explanation.A.Kind, withheldLeft) && !Reads(f.Field, explanation.B.Kind, withheldRight))]);

    /// <summary>Whether any comparison that made the pair agree read a field withheld on either side.</summary>
    public static bool AgreesOnWithheld(PairExplanation explanation, IReadOnlyCollection<string> withheldLeft, IReadOnlyCollection<string> withheldRight) =>
        explanation.Fields.Any(f => f.Weight > 0 && (Reads(f.Field, explanation.A.Kind, withheldLeft) || Reads(f.Field, explanation.B.Kind, withheldRight)));

    /// <summary>"id (name)", or the id alone when the name is withheld.</summary>
    public static string Describe(PreparedRecord record, IReadOnlyCollection<string> withheld) =>
        Reads(record.Kind == RecordKind.Person ? "family name" : "organisation name", record.Kind, withheld) ? record.RecordId : record.ToString();
}
