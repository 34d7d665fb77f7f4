using IntelShare.Contracts.V1;
using IntelShare.Resolution.Engine.Model;
using EngineDocument = IntelShare.Resolution.Engine.Model.IdentityDocument;

namespace IntelShare.Resolution.Domain;

/// <summary>From the wire record (or a Match query) to what the matching engine compares.</summary>
public static class ResolutionRecordMapping
{
    /// <summary>Whether the record is one resolution resolves: people and organisations.</summary>
    public static bool IsResolvable(Record record) =>
        record.Content?.BodyCase is RecordContent.BodyOneofCase.Person or RecordContent.BodyOneofCase.Organisation;

    public static ResolutionRecord ToEngine(Record record)
    {
        var agency = record.Content?.Marking?.OriginatorAgency;
        return record.Content!.BodyCase == RecordContent.BodyOneofCase.Person
            ? ToEngine(record.RecordId, record.Content.Person) with { Agency = agency }
            : ToEngine(record.RecordId, record.Content.Organisation) with { Agency = agency };
    }

    public static PersonRecord ToEngine(string id, Person person) => new(id)
    {
        GivenName = person.Name?.GivenName,
        FamilyName = person.Name?.FamilyName,
        OriginalScriptName = person.Name?.OriginalScript,
        Aliases = [.. person.Aliases.Select(a => new NamePair(a.GivenName, a.FamilyName))],
        DateOfBirth = person.DateOfBirth,
        Sex = person.Sex,
        Nationalities = [.. person.Nationalities],
        Documents = [.. person.Documents.Select(d => new EngineDocument(d.Kind, d.Number, d.IssuingCountry))],
        Phones = [.. person.Phones],
        Addresses = [.. person.Addresses.Select(ToEngine)],
    };

    public static OrganisationRecord ToEngine(string id, Organisation organisation) => new(id)
    {
        Name = organisation.Name,
        Aliases = [.. organisation.Aliases],
        RegistrationNumber = organisation.RegistrationNumber,
        Country = organisation.Country,
        Phones = [.. organisation.Phones],
        Addresses = [.. organisation.Addresses.Select(ToEngine)],
    };

    private static PostalAddress ToEngine(Address address) => new()
    {
        StreetNumber = address.StreetNumber,
        Street = address.Street,
        Locality = address.Locality,
        City = address.City,
        Postcode = address.Postcode,
        Region = address.Region,
        Country = address.Country,
    };
}
