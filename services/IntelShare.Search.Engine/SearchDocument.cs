using IntelShare.Normalisation;
using IntelShare.Policy;

namespace IntelShare.Search.Engine;

/// <summary>The kinds of record the index holds; each is the body kind the need-to-know policy redacts by.</summary>
public enum RecordType
{
    Person = 1,
    Organisation,
    Phone,
    Vehicle,
    Document,
    Account,
    Place,
    Event,
    Report,
}

public enum IdentifierKind
{
    Phone = 1,
    Document,
    Plate,
    Vin,
    Account,
    Iban,
    Imei,
    Registration,
}

public enum NameUse
{
    Primary = 0,

    /// <summary>The primary name as written in its own script (Cyrillic, Greek...), transliterated when indexed.</summary>
    OriginalScript,
    Alias,
}

/// <summary>
/// One name of the record. People have given and family parts; organisations and places have only
/// <see cref="Full"/>. <see cref="FieldPath"/> is the body field it came from (person.name, person.aliases,
/// document.holder_name...), which decides whether a caveat hides it.
/// </summary>
public sealed record SearchName(string? Given, string? Family, NameUse Use, string FieldPath, string? Full = null)
{
    public string FullText => Full ?? string.Join(' ', new[] { Given, Family }.Where(p => !string.IsNullOrWhiteSpace(p)));
}

/// <param name="Region">Country the record is from, to read a nationally written phone number.</param>
public sealed record SearchIdentifier(IdentifierKind Kind, string Value, string FieldPath, string? Region = null);

/// <summary>A piece of free text (title, narrative, description, roles) and the body field it came from.</summary>
public sealed record SearchText(string FieldPath, string Text);

/// <summary>
/// What the search index holds of one record version: enough to find it, filter it, decide need-to-know
/// on it (the policy's own marking) and show it. The service maps records onto this type.
/// </summary>
public sealed record SearchDocument
{
    public required string RecordId { get; init; }

    public required long Version { get; init; }

    public required RecordType Type { get; init; }

    /// <summary>The record's marking; its ResourceId must be <see cref="RecordId"/>.</summary>
    public required ResourceMarking Marking { get; init; }

    public IReadOnlyList<SearchName> Names { get; init; } = [];

    public PartialDate? DateOfBirth { get; init; }

    public IReadOnlyList<string> Nationalities { get; init; } = [];

    public IReadOnlyList<SearchIdentifier> Identifiers { get; init; } = [];

    public IReadOnlyList<SearchText> Texts { get; init; } = [];

    public IReadOnlyList<string> ExploitationForms { get; init; } = [];

    public required DateTimeOffset RecordedAt { get; init; }

    public DateTimeOffset? EventFrom { get; init; }

    public DateTimeOffset? EventTo { get; init; }

    /// <summary>Opaque compact rendering the service returns with a permitted hit (after removing redacted fields).</summary>
    public ReadOnlyMemory<byte> DisplayPayload { get; init; }

    public static BodyKind BodyOf(RecordType type) => type switch
    {
        RecordType.Person => BodyKind.Person,
        RecordType.Organisation => BodyKind.Organisation,
        RecordType.Phone => BodyKind.Phone,
        RecordType.Vehicle => BodyKind.Vehicle,
        RecordType.Document => BodyKind.Document,
        RecordType.Account => BodyKind.Account,
        RecordType.Place => BodyKind.Place,
        RecordType.Event => BodyKind.Event,
        RecordType.Report => BodyKind.Report,
        _ => BodyKind.Unspecified,
    };

    /// <summary>Where a date of birth lives in the body, for redaction.</summary>
    public const string DateOfBirthPath = "person.date_of_birth";
}
