using System.Globalization;
using IntelShare.Domain;
using IntelShare.Normalisation;
using IntelShare.Policy;

namespace IntelShare.Search.Engine;

/// <summary>Field names shared by every engine (the Elasticsearch mapping uses the same names).</summary>
public static class IndexFields
{
    public const string Kind = "kind";
    public const string RecordKind = "record";
    public const string TombstoneKind = "tombstone";

    public const string Id = "id";
    public const string Version = "ver";
    public const string Type = "type";

    // The marking, as the need-to-know filter reads it.
    public const string Originator = "orig";
    public const string ReleasableTo = "rel";
    public const string AllPartners = "allp";
    public const string Classification = "cls";
    public const string Caveat = "cav";
    public const string CaseRef = "case";
    public const string Discoverable = "disc";
    public const string Withdrawn = "wd";
    public const string BodyCaveats = "bcav";
    public const string TextCaveats = "tcav";
    public const string NameCaveats = "ncav";

    public const string Name = "name";

    /// <summary>The names with each token folded by <see cref="Engine.NameKey"/>, one value per name as in <see cref="Name"/>.</summary>
    public const string NameKey = "namek";

    public const string Given = "given";
    public const string Family = "family";
    public const string DateOfBirth = "dob";
    public const string Identifier = "ident";
    public const string IdentifierValue = "identv";
    public const string Text = "text";

    public const string Nationality = "nat";
    public const string ExploitationForm = "form";
    public const string ClassificationName = "clsname";
    public const string RecordedAt = "recat";
    public const string EventFrom = "evfrom";
    public const string EventTo = "evto";

    public const string True = "1";

    /// <summary>The index field a public filter or facet field reads.</summary>
    public static string ForFilter(string field) => field switch
    {
        SearchFilterFields.Type => Type,
        SearchFilterFields.Agency => Originator,
        SearchFilterFields.Classification => ClassificationName,
        SearchFilterFields.CaseRef => CaseRef,
        SearchFilterFields.Nationality => Nationality,
        SearchFilterFields.ExploitationForm => ExploitationForm,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a filter field."),
    };

    public static string TypeName(RecordType type) => type.ToString().ToLowerInvariant();

    public static bool TryParseType(string? name, out RecordType type) =>
        Enum.TryParse(name, ignoreCase: true, out type) && Enum.IsDefined(type);

    /// <summary>"person/5": body and caveat mask, the unit the redaction table decides on.</summary>
    public static string BodyCaveatTerm(RecordType type, Caveat caveats) => TypeName(type) + "/" + ((int)caveats).ToString(CultureInfo.InvariantCulture);

    public static string Mask(Caveat caveats) => ((int)caveats).ToString(CultureInfo.InvariantCulture);

    public static string IdentifierTerm(IdentifierKind kind, string normalised) => kind.ToString().ToLowerInvariant() + ":" + normalised;

    public static string NormaliseIdentifier(IdentifierKind kind, string value, string? region) =>
        kind == IdentifierKind.Phone ? PhoneNumberText.Normalise(value, region) : Identifiers.Normalise(value);

    /// <summary>
    /// A date of birth indexed at each precision it is known to, plus its precision, so that partial dates
    /// on either side compare: "1990" matches "1990-07-03", and "1990-07-03" matches a record known only to "1990".
    /// </summary>
    public static IEnumerable<string> DateOfBirthTerms(PartialDate date)
    {
        yield return "y:" + date.Year.ToString("D4", CultureInfo.InvariantCulture);
        if (date.HasMonth)
        {
            yield return "m:" + date.Year.ToString("D4", CultureInfo.InvariantCulture) + "-" + date.Month.ToString("D2", CultureInfo.InvariantCulture);
        }

        if (date.HasDay)
        {
            yield return "d:" + date.ToString();
        }

        yield return "p:" + (date.HasDay ? "d" : date.HasMonth ? "m" : "y");
    }

    public static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}

/// <summary>
/// A document reduced to the values each engine indexes, so the Lucene and Elasticsearch indexes hold the
/// same thing and the need-to-know filter reads the same fields in both.
/// </summary>
public sealed class IndexedRecord
{
    private IndexedRecord(SearchDocument document)
    {
        Document = document;
    }

    public SearchDocument Document { get; }

    public string Type { get; private init; } = "";

    public IReadOnlyList<string> CaveatNames { get; private init; } = [];

    public string BodyCaveats { get; private init; } = "";

    /// <summary>Caveats on the record that protect one of its free-text fields.</summary>
    public Caveat TextCaveats { get; private init; }

    /// <summary>Caveats on the record that protect one of its names, identifiers or its date of birth.</summary>
    public Caveat NameCaveats { get; private init; }

    /// <summary>Each name normalised to lower-case Latin tokens, in written order.</summary>
    public IReadOnlyList<string> Names { get; private init; } = [];

    /// <summary>The <see cref="Names"/> with each token folded by <see cref="NameKey"/>.</summary>
    public IReadOnlyList<string> NameKeys { get; private init; } = [];

    public IReadOnlyList<string> GivenTokens { get; private init; } = [];

    public IReadOnlyList<string> FamilyTokens { get; private init; } = [];

    public IReadOnlyList<string> DateOfBirthTerms { get; private init; } = [];

    public IReadOnlyList<string> IdentifierTerms { get; private init; } = [];

    public IReadOnlyList<string> IdentifierValues { get; private init; } = [];

    public IReadOnlyList<string> Nationalities { get; private init; } = [];

    public IReadOnlyList<string> ExploitationForms { get; private init; } = [];

    public string ClassificationName { get; private init; } = "";

    public static IndexedRecord From(SearchDocument document, RedactionTable redactions)
    {
        ArgumentNullException.ThrowIfNull(document);
        var marking = document.Marking;
        if (!string.Equals(marking.ResourceId, document.RecordId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Record {document.RecordId} carries the marking of {marking.ResourceId}.", nameof(document));
        }

        var names = document.Names.Select(n => NameText.Normalise(n.FullText)).Where(n => n.Length > 0).Distinct().ToArray();
        var identifiers = document.Identifiers
            .Select(i => (i.Kind, Value: IndexFields.NormaliseIdentifier(i.Kind, i.Value, i.Region)))
            .Where(i => i.Value.Length > 0)
            .ToArray();

        var namePaths = document.Names.Select(n => n.FieldPath)
            .Concat(document.Identifiers.Select(i => i.FieldPath))
            .Concat(document.DateOfBirth is null ? [] : [SearchDocument.DateOfBirthPath]);
        return new IndexedRecord(document)
        {
            Type = IndexFields.TypeName(document.Type),
            CaveatNames = Policy.CaveatNames.Names(marking.Caveats),
            BodyCaveats = IndexFields.BodyCaveatTerm(document.Type, marking.Caveats),
            TextCaveats = Protecting(redactions, document.Type, marking.Caveats, document.Texts.Select(t => t.FieldPath)),
            NameCaveats = Protecting(redactions, document.Type, marking.Caveats, namePaths),
            Names = names,
            NameKeys = names.Select(NameKey.OfName).Distinct().ToArray(),
            GivenTokens = Tokens(document.Names.Select(n => n.Given)),
            FamilyTokens = Tokens(document.Names.Select(n => n.Family ?? n.Full)),
            DateOfBirthTerms = document.DateOfBirth is { } dob ? [.. IndexFields.DateOfBirthTerms(dob)] : [],
            IdentifierTerms = identifiers.Select(i => IndexFields.IdentifierTerm(i.Kind, i.Value)).Distinct().ToArray(),
            IdentifierValues = identifiers.Select(i => i.Value).Distinct().ToArray(),
            Nationalities = document.Nationalities.Select(n => n.Trim().ToUpperInvariant()).Where(n => n.Length > 0).Distinct().ToArray(),
            ExploitationForms = document.ExploitationForms.Select(f => f.Trim().ToLowerInvariant()).Where(f => f.Length > 0).Distinct().ToArray(),
            ClassificationName = marking.Classification.ToClaimValue(),
        };
    }

    private static string[] Tokens(IEnumerable<string?> parts) =>
        parts.SelectMany(NameText.Tokens).Distinct().ToArray();

    /// <summary>
    /// The caveats on this record whose redaction would remove one of <paramref name="paths"/>. A caveat that
    /// cannot be redacted on this body withholds the record whole, so it counts as protecting everything.
    /// </summary>
    private static Caveat Protecting(RedactionTable redactions, RecordType type, Caveat caveats, IEnumerable<string> paths)
    {
        var present = paths.ToHashSet(StringComparer.Ordinal);
        var protecting = Caveat.None;
        if (present.Count == 0)
        {
            return protecting;
        }

        foreach (var caveat in new[] { Caveat.VictimIdentity, Caveat.SourceSensitive, Caveat.Child })
        {
            if ((caveats & caveat) == 0)
            {
                continue;
            }

            if (!redactions.TryGetFields(SearchDocument.BodyOf(type), caveat, out var fields) || fields.Any(present.Contains))
            {
                protecting |= caveat;
            }
        }

        return protecting;
    }
}
