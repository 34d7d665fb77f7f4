using IntelShare.Normalisation;

namespace IntelShare.Resolution.Engine.Model;

public sealed record PreparedAddress(string Number, string Street, string Postcode, string Locality, string Region, string Country);

/// <summary>
/// A record normalised once for blocking and comparison: every string is transliterated, lower-case Latin
/// (names, places) or upper-case alphanumerics (identifiers); absent values are "" or empty arrays.
/// </summary>
public sealed class PreparedRecord
{
    internal PreparedRecord(ResolutionRecord source) => Source = source;

    public ResolutionRecord Source { get; }

    public string RecordId => Source.RecordId;

    public RecordKind Kind => Source.Kind;

    /// <summary>Position in the engine's record list; -1 for a query that is not indexed.</summary>
    public int Index { get; internal set; } = -1;

    /// <summary>Which input a record came from, when two files are linked rather than one deduplicated.</summary>
    public int Origin { get; init; }

    public string Given { get; init; } = "";

    public string Family { get; init; } = "";

    public string GivenKey { get; init; } = "";

    public string FamilyKey { get; init; } = "";

    /// <summary>Every full name the record is known by (primary, aliases, original script) as sorted tokens.</summary>
    public string[] NameVariants { get; init; } = [];

    /// <summary>Phonetic keys of every name variant's given and family names, for blocking on aliases.</summary>
    public (string Given, string Family)[] NameKeys { get; init; } = [];

    public PartialDate? DateOfBirth { get; init; }

    public char Sex { get; init; }

    public string[] Nationalities { get; init; } = [];

    public string[] Phones { get; init; } = [];

    public string[] Documents { get; init; } = [];

    public string OtherId { get; init; } = "";

    public PreparedAddress[] Addresses { get; init; } = [];

    /// <summary>Organisation name without legal forms (Ltd, GmbH, S.R.L.).</summary>
    public string OrganisationName { get; init; } = "";

    public string[] OrganisationAliases { get; init; } = [];

    public string Registration { get; init; } = "";

    public string Country { get; init; } = "";

    /// <summary>Fields that were present but could not be read ("date_of_birth: '1990-13-45'").</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public string DisplayName => Kind == RecordKind.Person ? $"{Given} {Family}".Trim() : OrganisationName;

    public override string ToString() => $"{RecordId} ({DisplayName})";
}
