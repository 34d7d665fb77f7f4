using System.Globalization;
using System.Text.RegularExpressions;
using IntelShare.Contracts;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Records.Domain;

/// <summary>
/// Checks a contribution completely and reports every problem, so that a contributor fixes a
/// row once rather than once per problem.
/// </summary>
public static partial class RecordValidator
{
    public const int MaxSourceRefLength = 200;
    public const int MaxTextLength = 100_000;

    /// <summary>Longer than any real name; matching compares names in time that grows with their length.</summary>
    public const int MaxNameLength = 300;

    public static readonly IReadOnlySet<string> KnownCaveats =
        new HashSet<string>(StringComparer.Ordinal) { "VICTIM_IDENTITY", "SOURCE_SENSITIVE", "CHILD" };

    public static void Validate(RecordContent? content, string callerAgency, Violations violations, string prefix = "content")
    {
        if (content is null)
        {
            violations.Add(prefix, "is required");
            return;
        }

        MessageShape.Check(content, prefix, violations.Add);
        if (string.IsNullOrWhiteSpace(content.SourceRef))
        {
            violations.Add($"{prefix}.source_ref", "is required: the contributor's own reference for the record");
        }
        else if (content.SourceRef.Length > MaxSourceRefLength)
        {
            violations.Add($"{prefix}.source_ref", $"is longer than {MaxSourceRefLength} characters");
        }

        ValidateMarking(content.Marking, callerAgency, violations, $"{prefix}.marking");
        ValidateBody(content, violations, prefix);

        for (var i = 0; i < content.Links.Count; i++)
        {
            var link = content.Links[i];
            var path = $"{prefix}.links[{i}]";
            violations.Require(!string.IsNullOrWhiteSpace(link.Relationship), $"{path}.relationship", "is required");
            violations.Require(
                !string.IsNullOrWhiteSpace(link.TargetRecordId) || !string.IsNullOrWhiteSpace(link.TargetSourceRef),
                $"{path}.target_record_id", "or target_source_ref is required");
            ValidateWindow(link.ValidFrom, link.ValidTo, violations, $"{path}.valid_to");
        }
    }

    private static void ValidateMarking(Marking? marking, string callerAgency, Violations violations, string path)
    {
        if (marking is null)
        {
            violations.Add(path, "is required: every record says who may see it");
            return;
        }

        violations.Require(marking.Classification != Classification.Unspecified, $"{path}.classification",
            "is required (OFFICIAL, OFFICIAL_SENSITIVE, SECRET or TOP_SECRET)");
        violations.Require(Enum.IsDefined(marking.Classification), $"{path}.classification", "is not a known classification");

        if (!string.IsNullOrEmpty(marking.OriginatorAgency) && marking.OriginatorAgency != callerAgency)
        {
            violations.Add($"{path}.originator_agency",
                $"must be empty or the caller's own agency '{callerAgency}': an agency contributes only its own records");
        }

        for (var i = 0; i < marking.ReleasableTo.Count; i++)
        {
            violations.Require(AgencyCode().IsMatch(marking.ReleasableTo[i]), $"{path}.releasable_to[{i}]",
                $"'{marking.ReleasableTo[i]}' is not an agency code (upper-case letters, digits and '-')");
        }

        if (marking.Handling is null || marking.Handling.Code == HandlingCode.Unspecified)
        {
            violations.Add($"{path}.handling.code", "is required (HANDLING_P or HANDLING_C)");
        }
        else if (marking.Handling.Code == HandlingCode.HandlingC && string.IsNullOrWhiteSpace(marking.Handling.Conditions))
        {
            violations.Add($"{path}.handling.conditions", "are required when the handling code is C");
        }

        for (var i = 0; i < marking.Caveats.Count; i++)
        {
            violations.Require(KnownCaveats.Contains(marking.Caveats[i]), $"{path}.caveats[{i}]",
                $"'{marking.Caveats[i]}' is not a known caveat ({string.Join(", ", KnownCaveats)})");
        }

        for (var i = 0; i < marking.CaseRefs.Count; i++)
        {
            violations.Require(!string.IsNullOrWhiteSpace(marking.CaseRefs[i]), $"{path}.case_refs[{i}]", "is empty");
        }
    }

    private static void ValidateBody(RecordContent content, Violations violations, string prefix)
    {
        switch (content.BodyCase)
        {
            case RecordContent.BodyOneofCase.None:
                violations.Add($"{prefix}.body", "is required: one of person, organisation, phone, vehicle, document, account, place, event, report");
                break;
            case RecordContent.BodyOneofCase.Person:
                ValidatePerson(content.Person, violations, $"{prefix}.person");
                break;
            case RecordContent.BodyOneofCase.Organisation:
                violations.Require(!string.IsNullOrWhiteSpace(content.Organisation.Name), $"{prefix}.organisation.name", "is required");
                ValidateNameLength(content.Organisation.Name, violations, $"{prefix}.organisation.name");
                for (var i = 0; i < content.Organisation.Aliases.Count; i++)
                {
                    ValidateNameLength(content.Organisation.Aliases[i], violations, $"{prefix}.organisation.aliases[{i}]");
                }

                ValidateCountry(content.Organisation.Country, violations, $"{prefix}.organisation.country");
                ValidatePhones(content.Organisation.Phones, violations, $"{prefix}.organisation.phones");
                break;
            case RecordContent.BodyOneofCase.Phone:
                ValidatePhone(content.Phone.Number, violations, $"{prefix}.phone.number", required: true);
                break;
            case RecordContent.BodyOneofCase.Vehicle:
                violations.Require(!string.IsNullOrWhiteSpace(content.Vehicle.Plate) || !string.IsNullOrWhiteSpace(content.Vehicle.Vin),
                    $"{prefix}.vehicle.plate", "or vin is required");
                ValidateCountry(content.Vehicle.Country, violations, $"{prefix}.vehicle.country");
                break;
            case RecordContent.BodyOneofCase.Document:
                if (content.Document.IdentityDocument is null)
                {
                    violations.Add($"{prefix}.document.identity_document", "is required");
                }
                else
                {
                    ValidateDocument(content.Document.IdentityDocument, violations, $"{prefix}.document.identity_document");
                }

                break;
            case RecordContent.BodyOneofCase.Account:
                violations.Require(!string.IsNullOrWhiteSpace(content.Account.Iban) || !string.IsNullOrWhiteSpace(content.Account.AccountNumber),
                    $"{prefix}.account.iban", "or account_number is required");
                break;
            case RecordContent.BodyOneofCase.Place:
                violations.Require(!string.IsNullOrWhiteSpace(content.Place.Name) || content.Place.Address is not null,
                    $"{prefix}.place.name", "or address is required");
                violations.Require(content.Place.Latitude is >= -90 and <= 90, $"{prefix}.place.latitude", "must be between -90 and 90");
                violations.Require(content.Place.Longitude is >= -180 and <= 180, $"{prefix}.place.longitude", "must be between -180 and 180");
                break;
            case RecordContent.BodyOneofCase.Event:
                violations.Require(!string.IsNullOrWhiteSpace(content.Event.Kind), $"{prefix}.event.kind", "is required");
                ValidateWindow(content.Event.OccurredFrom, content.Event.OccurredTo, violations, $"{prefix}.event.occurred_to");
                break;
            case RecordContent.BodyOneofCase.Report:
                violations.Require(!string.IsNullOrWhiteSpace(content.Report.Text) || !string.IsNullOrWhiteSpace(content.Report.Title),
                    $"{prefix}.report.text", "or title is required");
                violations.Require(content.Report.Text.Length <= MaxTextLength, $"{prefix}.report.text", $"is longer than {MaxTextLength} characters");
                // An intelligence report without its 3x5x2 grading cannot be weighed by the reader.
                violations.Require(content.Evaluation is { Source: not SourceEvaluation.Unspecified }, $"{prefix}.evaluation.source",
                    "is required for an intelligence report (SOURCE_RELIABLE, SOURCE_UNTESTED or SOURCE_NOT_RELIABLE)");
                violations.Require(content.Evaluation is { Assessment: not IntelligenceAssessment.Unspecified }, $"{prefix}.evaluation.assessment",
                    "is required for an intelligence report (ASSESSMENT_A to ASSESSMENT_E)");
                break;
        }
    }

    private static void ValidatePerson(Person person, Violations violations, string path)
    {
        var hasName = person.Name is not null &&
            (!string.IsNullOrWhiteSpace(person.Name.GivenName) || !string.IsNullOrWhiteSpace(person.Name.FamilyName) ||
             !string.IsNullOrWhiteSpace(person.Name.OriginalScript));
        violations.Require(hasName || person.Aliases.Count > 0, $"{path}.name", "is required: a given name, family name or alias");
        ValidateName(person.Name, violations, $"{path}.name");
        for (var i = 0; i < person.Aliases.Count; i++)
        {
            ValidateName(person.Aliases[i], violations, $"{path}.aliases[{i}]");
        }

        if (!string.IsNullOrEmpty(person.DateOfBirth))
        {
            if (!TryParsePartialDate(person.DateOfBirth, out var dateOfBirth))
            {
                violations.Add($"{path}.date_of_birth", $"'{person.DateOfBirth}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
            }
            else if (dateOfBirth > DateOnly.FromDateTime(DateTime.UtcNow) || dateOfBirth.Year < 1880)
            {
                violations.Add($"{path}.date_of_birth", $"'{person.DateOfBirth}' is outside the plausible range (1880 to today)");
            }
        }

        violations.Require(person.Sex is "" or "f" or "m" or "x", $"{path}.sex", "must be f, m, x or empty");
        for (var i = 0; i < person.Nationalities.Count; i++)
        {
            ValidateCountry(person.Nationalities[i], violations, $"{path}.nationalities[{i}]");
        }

        for (var i = 0; i < person.Documents.Count; i++)
        {
            ValidateDocument(person.Documents[i], violations, $"{path}.documents[{i}]");
        }

        ValidatePhones(person.Phones, violations, $"{path}.phones");
        for (var i = 0; i < person.Addresses.Count; i++)
        {
            ValidateCountry(person.Addresses[i].Country, violations, $"{path}.addresses[{i}].country");
        }
    }

    private static void ValidateName(PersonName? name, Violations violations, string path)
    {
        if (name is not null)
        {
            ValidateNameLength(name.GivenName, violations, $"{path}.given_name");
            ValidateNameLength(name.FamilyName, violations, $"{path}.family_name");
            ValidateNameLength(name.OriginalScript, violations, $"{path}.original_script");
        }
    }

    private static void ValidateNameLength(string name, Violations violations, string path) =>
        violations.Require(name.Length <= MaxNameLength, path, $"is longer than {MaxNameLength} characters");

    private static void ValidateDocument(IdentityDocument document, Violations violations, string path)
    {
        violations.Require(!string.IsNullOrWhiteSpace(document.Number), $"{path}.number", "is required");
        ValidateCountry(document.IssuingCountry, violations, $"{path}.issuing_country");
    }

    private static void ValidatePhones(IList<string> phones, Violations violations, string path)
    {
        for (var i = 0; i < phones.Count; i++)
        {
            ValidatePhone(phones[i], violations, $"{path}[{i}]", required: true);
        }
    }

    private static void ValidatePhone(string number, Violations violations, string path, bool required)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            violations.Require(!required, path, "is required");
            return;
        }

        var digits = number.Count(char.IsAsciiDigit);
        violations.Require(PhoneCharacters().IsMatch(number) && digits is >= 5 and <= 17, path,
            $"'{number}' is not a phone number (5 to 17 digits, optionally with +, spaces, dashes, dots or brackets)");
    }

    private static void ValidateCountry(string country, Violations violations, string path)
    {
        violations.Require(country.Length == 0 || CountryCode().IsMatch(country), path,
            $"'{country}' is not an ISO 3166-1 alpha-2 country code");
    }

    private static void ValidateWindow(Google.Protobuf.WellKnownTypes.Timestamp? from, Google.Protobuf.WellKnownTypes.Timestamp? to, Violations violations, string path)
    {
        // An invalid timestamp is reported by MessageShape; it has no place on a calendar to compare.
        if (from is not null && to is not null && MessageShape.IsValid(from) && MessageShape.IsValid(to) && to.ToDateTimeOffset() < from.ToDateTimeOffset())
        {
            violations.Add(path, "ends before the period starts");
        }
    }

    /// <summary>Parses YYYY, YYYY-MM or YYYY-MM-DD; a partial date stands for its first day.</summary>
    public static bool TryParsePartialDate(string value, out DateOnly date)
    {
        string[] formats = ["yyyy-MM-dd", "yyyy-MM", "yyyy"];
        return DateOnly.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{0,31}$")]
    private static partial Regex AgencyCode();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();

    [GeneratedRegex(@"^\+?[0-9 ()./-]+$")]
    private static partial Regex PhoneCharacters();
}
