using Google.Protobuf;
using IntelShare.Access.Client;
using IntelShare.Contracts.V1;
using IntelShare.Normalisation;
using IntelShare.Policy;
using IntelShare.Search.Engine;
using EngineType = IntelShare.Search.Engine.RecordType;
using WireType = IntelShare.Contracts.V1.RecordType;

namespace IntelShare.Search.Domain;

/// <summary>
/// A record version as the search index holds it: names, identifiers and text each tagged with the body field
/// they came from (so a caveat that redacts the field also keeps it out of matching and highlights), the
/// policy's marking, and the whole record as the display payload, released through the same redaction as a Get.
/// </summary>
public static class SearchDocumentMapper
{
    public static SearchDocument? ToDocument(Record record)
    {
        var content = record.Content;
        if (content is null || ToEngineType(record.Type) is not { } type)
        {
            return null;
        }

        var names = new List<SearchName>();
        var identifiers = new List<SearchIdentifier>();
        var texts = new List<SearchText>();
        var nationalities = new List<string>();
        var forms = new List<string>();
        PartialDate? born = null;
        DateTimeOffset? eventFrom = null, eventTo = null;
        string? region = null;
        switch (content.BodyCase)
        {
            case RecordContent.BodyOneofCase.Person:
                var person = content.Person;
                region = person.Nationalities.FirstOrDefault();
                if (person.Name is { } name)
                {
                    names.Add(new SearchName(name.GivenName, name.FamilyName, NameUse.Primary, "person.name"));
                    if (name.OriginalScript.Length > 0)
                    {
                        names.Add(new SearchName(null, null, NameUse.OriginalScript, "person.name", name.OriginalScript));
                    }
                }

                names.AddRange(person.Aliases.Select(a => new SearchName(a.GivenName, a.FamilyName, NameUse.Alias, "person.aliases")));
                born = PartialDate.TryParse(person.DateOfBirth, out var date) ? date : null;
                nationalities.AddRange(person.Nationalities);
                identifiers.AddRange(person.Phones.Select(p => new SearchIdentifier(IdentifierKind.Phone, p, "person.phones", region)));
                identifiers.AddRange(person.Documents.Select(d => new SearchIdentifier(IdentifierKind.Document, d.Number, "person.documents", d.IssuingCountry)));
                if (person.Roles.Count > 0)
                {
                    texts.Add(new SearchText("person.roles", string.Join(", ", person.Roles)));
                }

                break;
            case RecordContent.BodyOneofCase.Organisation:
                var organisation = content.Organisation;
                region = organisation.Country;
                names.Add(new SearchName(null, null, NameUse.Primary, "organisation.name", organisation.Name));
                names.AddRange(organisation.Aliases.Select(a => new SearchName(null, null, NameUse.Alias, "organisation.aliases", a)));
                identifiers.Add(new SearchIdentifier(IdentifierKind.Registration, organisation.RegistrationNumber, "organisation.registration_number", region));
                identifiers.AddRange(organisation.Phones.Select(p => new SearchIdentifier(IdentifierKind.Phone, p, "organisation.phones", region)));
                break;
            case RecordContent.BodyOneofCase.Phone:
                identifiers.Add(new SearchIdentifier(IdentifierKind.Phone, content.Phone.Number, "phone.number", content.Phone.Country));
                identifiers.Add(new SearchIdentifier(IdentifierKind.Imei, content.Phone.Imei, "phone.imei"));
                break;
            case RecordContent.BodyOneofCase.Vehicle:
                identifiers.Add(new SearchIdentifier(IdentifierKind.Plate, content.Vehicle.Plate, "vehicle.plate", content.Vehicle.Country));
                identifiers.Add(new SearchIdentifier(IdentifierKind.Vin, content.Vehicle.Vin, "vehicle.vin"));
                texts.Add(new SearchText("vehicle.make", $"{content.Vehicle.Make} {content.Vehicle.Model} {content.Vehicle.Colour}".Trim()));
                break;
            case RecordContent.BodyOneofCase.Document:
                var document = content.Document;
                identifiers.Add(new SearchIdentifier(IdentifierKind.Document, document.IdentityDocument?.Number ?? "", "document.identity_document", document.IdentityDocument?.IssuingCountry));
                names.Add(new SearchName(null, null, NameUse.Primary, "document.holder_name", document.HolderName));
                texts.Add(new SearchText("document.status", document.Status));
                break;
            case RecordContent.BodyOneofCase.Account:
                identifiers.Add(new SearchIdentifier(IdentifierKind.Iban, content.Account.Iban, "account.iban"));
                identifiers.Add(new SearchIdentifier(IdentifierKind.Account, content.Account.AccountNumber, "account.account_number"));
                names.Add(new SearchName(null, null, NameUse.Primary, "account.holder_name", content.Account.HolderName));
                texts.Add(new SearchText("account.institution", content.Account.Institution));
                break;
            case RecordContent.BodyOneofCase.Place:
                names.Add(new SearchName(null, null, NameUse.Primary, "place.name", content.Place.Name));
                texts.Add(new SearchText("place.address", content.Place.Address?.ToSingleLine() ?? ""));
                break;
            case RecordContent.BodyOneofCase.Event:
                texts.Add(new SearchText("event.kind", content.Event.Kind));
                texts.Add(new SearchText("event.description", content.Event.Description));
                eventFrom = content.Event.OccurredFrom?.ToDateTimeOffset();
                eventTo = content.Event.OccurredTo?.ToDateTimeOffset() ?? eventFrom;
                break;
            case RecordContent.BodyOneofCase.Report:
                texts.Add(new SearchText("report.title", content.Report.Title));
                texts.Add(new SearchText("report.text", content.Report.Text));
                forms.AddRange(content.Report.ExploitationForms);
                break;
        }

        return new SearchDocument
        {
            RecordId = record.RecordId,
            Version = record.Version,
            Type = type,
            Marking = record.ToResourceMarking(),
            Names = [.. names.Where(n => !string.IsNullOrWhiteSpace(n.FullText))],
            DateOfBirth = born,
            Nationalities = nationalities,
            Identifiers = [.. identifiers.Where(i => !string.IsNullOrWhiteSpace(i.Value))],
            Texts = [.. texts.Where(t => !string.IsNullOrWhiteSpace(t.Text))],
            ExploitationForms = forms,
            RecordedAt = record.RecordedAt?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch,
            EventFrom = eventFrom,
            EventTo = eventTo,
            DisplayPayload = record.ToByteArray(),
        };
    }

    public static EngineType? ToEngineType(WireType type) => type switch
    {
        WireType.Person => EngineType.Person,
        WireType.Organisation => EngineType.Organisation,
        WireType.Phone => EngineType.Phone,
        WireType.Vehicle => EngineType.Vehicle,
        WireType.Document => EngineType.Document,
        WireType.Account => EngineType.Account,
        WireType.Place => EngineType.Place,
        WireType.Event => EngineType.Event,
        WireType.Report => EngineType.Report,
        _ => null,
    };

    public static WireType ToWireType(EngineType type) => (WireType)(int)type;

    /// <summary>A short label for a permitted hit: the name, the number or the title.</summary>
    public static string Title(Record record) => record.Content?.BodyCase switch
    {
        RecordContent.BodyOneofCase.Person => $"{record.Content.Person.Name?.GivenName} {record.Content.Person.Name?.FamilyName}".Trim(),
        RecordContent.BodyOneofCase.Organisation => record.Content.Organisation.Name,
        RecordContent.BodyOneofCase.Phone => record.Content.Phone.Number,
        RecordContent.BodyOneofCase.Vehicle => $"{record.Content.Vehicle.Plate} {record.Content.Vehicle.Country}".Trim(),
        RecordContent.BodyOneofCase.Document => record.Content.Document.IdentityDocument?.Number ?? "",
        RecordContent.BodyOneofCase.Account => record.Content.Account.Iban.Length > 0 ? record.Content.Account.Iban : record.Content.Account.AccountNumber,
        RecordContent.BodyOneofCase.Place => record.Content.Place.Name,
        RecordContent.BodyOneofCase.Event => record.Content.Event.Kind,
        RecordContent.BodyOneofCase.Report => record.Content.Report.Title,
        _ => "",
    };
}
