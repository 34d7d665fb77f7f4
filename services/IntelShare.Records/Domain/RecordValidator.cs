using System.Text.RegularExpressions;
using IntelShare.Access.Client;
using IntelShare.Contracts;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Records.Domain;

/// <summary>
/// Checks a contribution completely and reports every problem, so that a contributor fixes a
/// row once rather than once per problem.
/// </summary>
/// <summary>
/// Who contributes; the agencies taking part at the time, which a marking may release a record to; and, of the cases
/// the content names, those the contributor may not file records under.
/// </summary>
public sealed record Contributor(string Agency, IReadOnlySet<string> KnownAgencies, IReadOnlySet<string> ClosedCases);

public static partial class RecordValidator
{
    public const int MaxSourceRefLength = 200;

    public static void Validate(RecordContent? content, Contributor contributor, Violations violations, string prefix = "content")
    {
        if (content is null)
        {
            violations.Add(prefix, "is required");
            return;
        }

        if (string.IsNullOrWhiteSpace(content.SourceRef))
        {
            violations.Add($"{prefix}.source_ref", "is required: the contributor's own reference for the record");
        }
        else if (content.SourceRef.Length > MaxSourceRefLength)
        {
            violations.Add($"{prefix}.source_ref", $"is longer than {MaxSourceRefLength} characters");
        }
        else
        {
            RequireTrimmed(content.SourceRef, violations, $"{prefix}.source_ref");
        }

        ValidateMarking(content.Marking, contributor, violations, $"{prefix}.marking");
        ValidateBody(content, violations, prefix);

        for (var i = 0; i < content.Links.Count; i++)
        {
            var link = content.Links[i];
            var path = $"{prefix}.links[{i}]";
            violations.Require(!string.IsNullOrWhiteSpace(link.Relationship), $"{path}.relationship", "is required");
            violations.Require(
                !string.IsNullOrWhiteSpace(link.TargetRecordId) || !string.IsNullOrWhiteSpace(link.TargetSourceRef),
                $"{path}.target_record_id", "or target_source_ref is required");
            RequireTrimmed(link.TargetSourceRef, violations, $"{path}.target_source_ref");
            ValidateWindow(link.ValidFrom, link.ValidTo, violations, $"{path}.valid_to");
        }

        // A contributor's own term for a field of the record (common.proto): without the field or the term it says nothing.
        for (var i = 0; i < content.LocalTerms.Count; i++)
        {
            var term = content.LocalTerms[i];
            violations.Require(!string.IsNullOrWhiteSpace(term.Field), $"{prefix}.local_terms[{i}].field", "is required: the field the term is for");
            violations.Require(!string.IsNullOrWhiteSpace(term.Term), $"{prefix}.local_terms[{i}].term", "is required: the contributor's own term");
        }
    }

    private static void ValidateMarking(Marking? marking, Contributor contributor, Violations violations, string path)
    {
        if (marking is null)
        {
            violations.Add(path, "is required: every record says who may see it");
            return;
        }

        violations.Require(marking.Classification != Classification.Unspecified, $"{path}.classification",
            "is required (OFFICIAL, OFFICIAL_SENSITIVE, SECRET or TOP_SECRET)");

        if (!string.IsNullOrEmpty(marking.OriginatorAgency) && marking.OriginatorAgency != contributor.Agency)
        {
            violations.Add($"{path}.originator_agency",
                $"must be empty or the caller's own agency '{contributor.Agency}': an agency contributes only its own records");
        }

        for (var i = 0; i < marking.ReleasableTo.Count; i++)
        {
            var code = marking.ReleasableTo[i];
            if (!AgencyCode().IsMatch(code))
            {
                violations.Add($"{path}.releasable_to[{i}]", $"'{code}' is not an agency code (upper-case letters, digits and '-')");
            }
            else if (code != contributor.Agency && !contributor.KnownAgencies.Contains(code))
            {
                // A release to a misspelt agency would quietly reach no one.
                violations.Add($"{path}.releasable_to[{i}]", $"'{code}' is not an agency taking part (Identity's ListAgencies lists them)");
            }
            else
            {
                RequireFirstMention(marking.ReleasableTo, i, violations, $"{path}.releasable_to", "agency");
            }
        }

        if (marking.Handling is null || marking.Handling.Code == HandlingCode.Unspecified)
        {
            violations.Add($"{path}.handling.code", "is required (HANDLING_P or HANDLING_C)");
        }
        else if (marking.Handling.Code == HandlingCode.HandlingC && string.IsNullOrWhiteSpace(marking.Handling.Conditions))
        {
            violations.Add($"{path}.handling.conditions", "are required when the handling code is C");
        }

        // The policy goes by the 3x5x2 code alone: an H3 record sent as P would be shared with no conditions at all.
        if (marking.Handling is { Code: HandlingCode.HandlingP or HandlingCode.HandlingC } handling
            && HandlingCodeOf(handling.EuropolCode) is { } mapped && mapped != handling.Code)
        {
            violations.Add($"{path}.handling.europol_code",
                $"{handling.EuropolCode} maps to {ProtoName(mapped)}, not {ProtoName(handling.Code)} (H0 is P, H1 to H3 are C with conditions): give the code it maps to");
        }

        for (var i = 0; i < marking.Caveats.Count; i++)
        {
            if (CaveatNames.TryParse(marking.Caveats[i], out _))
            {
                RequireFirstMention(marking.Caveats, i, violations, $"{path}.caveats", "caveat");
            }
            else
            {
                violations.Add($"{path}.caveats[{i}]", $"'{marking.Caveats[i]}' is not a known caveat ({CaveatNames.Format(CaveatNames.All)})");
            }
        }

        for (var i = 0; i < marking.CaseRefs.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(marking.CaseRefs[i]))
            {
                violations.Add($"{path}.case_refs[{i}]", "is empty");
            }
            else if (contributor.ClosedCases.Contains(marking.CaseRefs[i]))
            {
                // A case's members read its records: filing under a case one is not on would hand records to strangers.
                violations.Add($"{path}.case_refs[{i}]",
                    $"'{marking.CaseRefs[i]}' is not a case your agency owns or is on: open it first (CreateCase), or ask its owner to add your agency");
            }
            else
            {
                RequireFirstMention(marking.CaseRefs, i, violations, $"{path}.case_refs", "case");
            }
        }
    }

    private static HandlingCode? HandlingCodeOf(EuropolHandlingCode europol) => europol switch
    {
        EuropolHandlingCode.H0 => HandlingCode.HandlingP,
        EuropolHandlingCode.H1 or EuropolHandlingCode.H2 or EuropolHandlingCode.H3 => HandlingCode.HandlingC,
        _ => null,
    };

    private static string ProtoName(HandlingCode code) => code == HandlingCode.HandlingP ? "HANDLING_P" : "HANDLING_C";

    /// <summary>
    /// A marking's list names each agency, caveat or case once (regardless of letter case): a repeat is a slip that
    /// would be stored, shown and indexed as given.
    /// </summary>
    private static void RequireFirstMention(IList<string> values, int index, Violations violations, string path, string what)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(values[i], values[index], StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"{path}[{index}]", $"names the same {what} as {path[(path.LastIndexOf('.') + 1)..]}[{i}]");
                return;
            }
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
                ContentRules.ValidateOrganisationFields(content.Organisation, violations, $"{prefix}.organisation");
                break;
            case RecordContent.BodyOneofCase.Phone:
                ContentRules.ValidatePhone(content.Phone.Number, violations, $"{prefix}.phone.number", required: true);
                break;
            case RecordContent.BodyOneofCase.Vehicle:
                violations.Require(!string.IsNullOrWhiteSpace(content.Vehicle.Plate) || !string.IsNullOrWhiteSpace(content.Vehicle.Vin),
                    $"{prefix}.vehicle.plate", "or vin is required");
                ContentRules.ValidateCountry(content.Vehicle.Country, violations, $"{prefix}.vehicle.country");
                break;
            case RecordContent.BodyOneofCase.Document:
                if (content.Document.IdentityDocument is null)
                {
                    violations.Add($"{prefix}.document.identity_document", "is required");
                }
                else
                {
                    ContentRules.ValidateDocument(content.Document.IdentityDocument, violations, $"{prefix}.document.identity_document");
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
                // Its length is bounded by MessageShape (MaxStringLength), which names it once.
                // An intelligence report without its 3x5x2 grading cannot be weighed by the reader.
                violations.Require(content.Evaluation is { Source: not SourceEvaluation.Unspecified }, $"{prefix}.evaluation.source",
                    "is required for an intelligence report (SOURCE_RELIABLE, SOURCE_UNTESTED or SOURCE_NOT_RELIABLE)");
                violations.Require(content.Evaluation is { Assessment: not IntelligenceAssessment.Unspecified }, $"{prefix}.evaluation.assessment",
                    "is required for an intelligence report (ASSESSMENT_A to ASSESSMENT_E)");
                break;
        }
    }

    /// <summary>
    /// Source references are matched exactly (idempotency, links), so one padded by an export (" X-1 ") would make a second
    /// record beside "X-1", or a link that never finds its target: refused, to be sent trimmed.
    /// </summary>
    private static void RequireTrimmed(string sourceRef, Violations violations, string path) =>
        violations.Require(sourceRef.Length == sourceRef.Trim().Length, path,
            "begins or ends with white space: source references are matched exactly, so send it trimmed");

    private static void ValidatePerson(Person person, Violations violations, string path)
    {
        violations.Require(ContentRules.IsGiven(person.Name) || person.Aliases.Count > 0, $"{path}.name", "is required: a given name, family name or alias");
        ContentRules.ValidatePersonFields(person, violations, path);
    }

    private static void ValidateWindow(Google.Protobuf.WellKnownTypes.Timestamp? from, Google.Protobuf.WellKnownTypes.Timestamp? to, Violations violations, string path)
    {
        // An invalid timestamp is reported by MessageShape; it has no place on a calendar to compare.
        if (from is not null && to is not null && MessageShape.IsValid(from) && MessageShape.IsValid(to) && to.ToDateTimeOffset() < from.ToDateTimeOffset())
        {
            violations.Add(path, "ends before the period starts");
        }
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{0,31}$")]
    private static partial Regex AgencyCode();
}
