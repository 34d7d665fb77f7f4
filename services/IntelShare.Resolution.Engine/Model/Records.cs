namespace IntelShare.Resolution.Engine.Model;

public enum RecordKind
{
    Person,
    Organisation,
}

public sealed record NamePair(string? Given, string? Family);

public sealed record IdentityDocument(string? Kind, string? Number, string? IssuingCountry = null);

/// <summary>
/// An address as partners hold it. <see cref="Locality"/> is the suburb or village, <see cref="City"/> the town;
/// either may be missing. Countries are ISO 3166 alpha-2 where known.
/// </summary>
public sealed record PostalAddress
{
    public string? StreetNumber { get; init; }

    public string? Street { get; init; }

    /// <summary>A building or property name, or a second street line.</summary>
    public string? Line2 { get; init; }

    public string? Locality { get; init; }

    public string? City { get; init; }

    public string? Postcode { get; init; }

    public string? Region { get; init; }

    public string? Country { get; init; }
}

/// <summary>A record to resolve: every field is optional, as partners' exports are; what is there is matched on.</summary>
public abstract record ResolutionRecord(string RecordId)
{
    public string? Agency { get; init; }

    public IReadOnlyList<string> Phones { get; init; } = [];

    public IReadOnlyList<PostalAddress> Addresses { get; init; } = [];

    public abstract RecordKind Kind { get; }
}

public sealed record PersonRecord(string RecordId) : ResolutionRecord(RecordId)
{
    public override RecordKind Kind => RecordKind.Person;

    public string? GivenName { get; init; }

    public string? FamilyName { get; init; }

    /// <summary>The full name in the script of the person's own documents (Cyrillic, Greek, ...).</summary>
    public string? OriginalScriptName { get; init; }

    public IReadOnlyList<NamePair> Aliases { get; init; } = [];

    /// <summary>As recorded: YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY.</summary>
    public string? DateOfBirth { get; init; }

    public string? Sex { get; init; }

    public IReadOnlyList<string> Nationalities { get; init; } = [];

    public IReadOnlyList<IdentityDocument> Documents { get; init; } = [];

    /// <summary>A national identifier that is not a travel document, e.g. a social security number.</summary>
    public string? OtherId { get; init; }
}

public sealed record OrganisationRecord(string RecordId) : ResolutionRecord(RecordId)
{
    public override RecordKind Kind => RecordKind.Organisation;

    public string? Name { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    public string? RegistrationNumber { get; init; }

    public string? Country { get; init; }
}
