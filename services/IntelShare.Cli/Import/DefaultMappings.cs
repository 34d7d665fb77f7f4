using Google.Protobuf.Reflection;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>
/// The mapping used without --mapping. Every field of the record type is read from a column
/// named like its path (addresses_city), like the field itself (city), or like one of the names
/// agencies' exports commonly use for it (suburb, surname, dob). A column feeds one field only:
/// the first field, in the contract's order, that claims it.
/// </summary>
internal static class DefaultMappings
{
    // Keyed by message.field, so that the names apply wherever the message appears: an Address
    // inside a person, an organisation, a place or an event.
    private static readonly Dictionary<string, string[]> Aliases = new()
    {
        ["PersonName.given_name"] = ["first_name", "firstname", "forename", "given"],
        ["PersonName.family_name"] = ["surname", "last_name", "lastname"],
        ["PersonName.original_script"] = ["name_original_script", "native_name"],
        ["Person.date_of_birth"] = ["dob", "birth_date", "birthdate"],
        ["Person.sex"] = ["gender"],
        ["Person.nationalities"] = ["nationality", "citizenship"],
        ["Person.phones"] = ["phone", "phone_number", "mobile", "telephone"],
        ["Person.roles"] = ["role"],
        ["Address.street_number"] = ["house_number", "building_number"],
        ["Address.street"] = ["address_1", "address_line_1", "address", "street_name"],
        ["Address.locality"] = ["address_2", "address_line_2", "district"],
        ["Address.city"] = ["suburb", "town"],
        ["Address.postcode"] = ["postal_code", "post_code", "zip", "zip_code"],
        ["Address.region"] = ["state", "county", "province"],
        ["IdentityDocument.kind"] = ["document_kind", "document_type"],
        ["IdentityDocument.number"] = ["document_number", "doc_number"],
        ["IdentityDocument.issuing_country"] = ["issuing_country", "issuer"],
        ["Organisation.name"] = ["organisation_name", "organization_name", "company", "company_name"],
        ["Organisation.aliases"] = ["alias", "trading_name"],
        ["Organisation.registration_number"] = ["company_number", "reg_no"],
        ["Organisation.phones"] = ["phone", "phone_number", "telephone"],
        ["Phone.number"] = ["phone", "phone_number", "msisdn", "telephone"],
        ["Vehicle.plate"] = ["registration", "registration_number", "number_plate", "licence_plate", "license_plate", "vrm"],
        ["Vehicle.colour"] = ["color"],
        ["Document.holder_name"] = ["holder", "name"],
        ["Account.account_number"] = ["account_no"],
        ["Account.institution"] = ["bank"],
        ["Account.holder_name"] = ["holder", "name"],
        ["Place.latitude"] = ["lat"],
        ["Place.longitude"] = ["lon", "lng"],
        ["Event.occurred_from"] = ["date", "occurred_at", "start", "from"],
        ["Event.occurred_to"] = ["end", "to"],
        ["Report.text"] = ["body", "narrative", "content"],
        ["Report.exploitation_forms"] = ["exploitation_form", "exploitation"],
    };

    // Identity documents in a list are told apart by kind: a "passport" column is the passport's number.
    private static readonly Dictionary<string, string[]> DocumentKinds = new()
    {
        ["passport"] = ["passport", "passport_number", "passport_no"],
        ["id_card"] = ["id_card", "id_card_number", "national_id"],
        ["residence_permit"] = ["residence_permit"],
        ["visa"] = ["visa", "visa_number"],
        ["driving_licence"] = ["driving_licence", "driving_license", "driver_license"],
        ["social_security"] = ["soc_sec_id", "social_security", "social_security_number", "ssn", "national_insurance_number"],
    };

    public static IReadOnlyList<MappingEntry> For(FieldDescriptor body)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<MappingEntry>();

        void Add(string path, IEnumerable<string> candidates)
        {
            var columns = candidates.Select(ColumnNames.Normalise).Distinct().Where(claimed.Add).ToList();
            if (columns.Count > 0)
            {
                entries.Add(new MappingEntry(FieldPath.Parse(path), columns));
            }
        }

        Add("source_ref", ["source_ref", "rec_id", "record_ref", "reference", "ref", "id"]);
        foreach (var (path, _) in Leaves(body, body.Name).Where(l => l.Field.IsRepeated && ProtoFields.IsComposite(l.Field) && l.Field.MessageType == IdentityDocument.Descriptor))
        {
            foreach (var (kind, names) in DocumentKinds)
            {
                Add($"{path}.{kind}", names);
            }
        }

        foreach (var (path, field) in Leaves(body, body.Name).Where(l => !ProtoFields.IsComposite(l.Field)))
        {
            var relative = path[(body.Name.Length + 1)..];
            Add(path, [relative.Replace('.', '_'), .. Aliases.GetValueOrDefault($"{field.ContainingType.Name}.{field.Name}", []), field.Name]);
        }

        Add("evaluation.source", ["source_evaluation", "evaluation_source"]);
        Add("evaluation.assessment", ["intelligence_assessment", "evaluation_assessment", "assessment"]);
        return entries;
    }

    /// <summary>Every field under a message field, depth first in declaration order; composite fields come before their contents.</summary>
    private static IEnumerable<(string Path, FieldDescriptor Field)> Leaves(FieldDescriptor field, string path)
    {
        yield return (path, field);
        if (!ProtoFields.IsComposite(field))
        {
            yield break;
        }

        foreach (var child in field.MessageType.Fields.InDeclarationOrder())
        {
            foreach (var leaf in Leaves(child, $"{path}.{child.Name}"))
            {
                yield return leaf;
            }
        }
    }
}
