using Google.Protobuf.WellKnownTypes;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Demo;

/// <summary>The demo agencies (as the platform seeds them in Development) and the case the story is about.</summary>
internal static class DemoAgencies
{
    public const string Police = "POL-ATU";
    public const string Border = "BORDER";
    public const string Labour = "LABOUR";
    public const string Fiu = "FIU";
    public const string Ngo = "NGO-SHELTER";

    /// <summary>In import order: the police first, as the agency that opened the operation.</summary>
    public static readonly IReadOnlyList<string> Contributors = [Police, Border, Labour, Fiu, Ngo];

    public const string CaseRef = "OP-NISTRU";

    public const string CaseTitle = "Operation Nistru: the Kovalenko network, sexual and labour exploitation, Moldova and Romania to the UK";

    /// <summary>Other operations the background records belong to, so that OP-NISTRU is not the only case in the data.</summary>
    public static readonly IReadOnlyList<string> OtherCases = ["OP-KESTREL", "OP-FALLOW", "OP-LANTERN"];

    /// <summary>Agency systems sign in as `&lt;code in lower case&gt;-system`, as the platform registers them.</summary>
    public static string SystemClient(string agency) => agency.ToLowerInvariant() + "-system";
}

/// <summary>
/// Small constructors for record content, so that the story reads as a list of who is who rather than
/// as protobuf initialisers.
/// </summary>
internal static class DemoRecords
{
    /// <summary>
    /// Every time in the scenario is fixed, never "now": a second run must produce byte-identical
    /// content, or the platform would store new versions instead of recognising duplicates.
    /// </summary>
    public static readonly DateTime StoryStart = new(2023, 9, 1, 0, 0, 0, DateTimeKind.Utc);

    public static Timestamp At(int year, int month, int day, int hour = 12) =>
        Timestamp.FromDateTime(new DateTime(year, month, day, hour, 0, 0, DateTimeKind.Utc));

    public static Timestamp At(DateTime time) => Timestamp.FromDateTime(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    public static MarkingBuilder Mark(Classification classification) => new(classification);

    public static RecordContent Person(
        string sourceRef,
        Marking marking,
        string given,
        string family,
        string original = "",
        string dateOfBirth = "",
        string sex = "",
        string[]? nationalities = null,
        string[]? roles = null,
        string[]? phones = null,
        IdentityDocument[]? documents = null,
        PersonName[]? aliases = null,
        Address[]? addresses = null)
    {
        var person = new Person
        {
            Name = new PersonName { GivenName = given, FamilyName = family, OriginalScript = original },
            DateOfBirth = dateOfBirth,
            Sex = sex,
        };
        person.Nationalities.Add(nationalities ?? []);
        person.Roles.Add(roles ?? []);
        person.Phones.Add(phones ?? []);
        person.Documents.Add(documents ?? []);
        person.Aliases.Add(aliases ?? []);
        person.Addresses.Add(addresses ?? []);
        return new RecordContent { SourceRef = sourceRef, Marking = marking, Person = person };
    }

    public static PersonName Name(string given, string family, string original = "") =>
        new() { GivenName = given, FamilyName = family, OriginalScript = original };

    public static IdentityDocument Passport(string number, string country) =>
        new() { Kind = "passport", Number = number, IssuingCountry = country };

    public static Address Address(string street, string city, string country, string postcode = "", string number = "") =>
        new() { StreetNumber = number, Street = street, City = city, Postcode = postcode, Country = country };

    public static RecordContent Organisation(string sourceRef, Marking marking, string name, string kind, string country, string registration = "", Address? address = null, string[]? phones = null)
    {
        var organisation = new Organisation { Name = name, Kind = kind, Country = country, RegistrationNumber = registration };
        if (address is not null)
        {
            organisation.Addresses.Add(address);
        }

        organisation.Phones.Add(phones ?? []);
        return new RecordContent { SourceRef = sourceRef, Marking = marking, Organisation = organisation };
    }

    public static RecordContent Phone(string sourceRef, Marking marking, string number, string country, string imei = "") =>
        new() { SourceRef = sourceRef, Marking = marking, Phone = new Phone { Number = number, Country = country, Imei = imei } };

    public static RecordContent Vehicle(string sourceRef, Marking marking, string plate, string country, string make, string model, string colour, string vin = "") =>
        new() { SourceRef = sourceRef, Marking = marking, Vehicle = new Vehicle { Plate = plate, Country = country, Make = make, Model = model, Colour = colour, Vin = vin } };

    public static RecordContent Document(string sourceRef, Marking marking, IdentityDocument document, string holder, string status) =>
        new() { SourceRef = sourceRef, Marking = marking, Document = new Document { IdentityDocument = document, HolderName = holder, Status = status } };

    public static RecordContent Account(string sourceRef, Marking marking, string kind, string institution, string holder, string iban = "", string number = "") =>
        new() { SourceRef = sourceRef, Marking = marking, Account = new Account { Kind = kind, Institution = institution, HolderName = holder, Iban = iban, AccountNumber = number } };

    public static RecordContent Place(string sourceRef, Marking marking, string name, string kind, Address address, double latitude = 0, double longitude = 0) =>
        new() { SourceRef = sourceRef, Marking = marking, Place = new Place { Name = name, Kind = kind, Address = address, Latitude = latitude, Longitude = longitude } };

    public static RecordContent Event(string sourceRef, Marking marking, string kind, Timestamp from, string description, Address? location = null, Timestamp? to = null) =>
        new()
        {
            SourceRef = sourceRef,
            Marking = marking,
            Event = new Event { Kind = kind, OccurredFrom = from, OccurredTo = to, Description = description, Location = location },
        };

    public static RecordContent Report(string sourceRef, Marking marking, string title, string text, SourceEvaluation source, IntelligenceAssessment assessment, params string[] forms)
    {
        var report = new Report { Title = title, Text = text };
        report.ExploitationForms.Add(forms);
        return new RecordContent
        {
            SourceRef = sourceRef,
            Marking = marking,
            Evaluation = new Evaluation { Source = source, Assessment = assessment },
            Report = report,
        };
    }

    /// <summary>Links by the target's source reference: the target is the same agency's record, resolved by the platform.</summary>
    public static RecordContent Linked(this RecordContent content, string relationship, string targetSourceRef, Timestamp? from = null)
    {
        content.Links.Add(new RecordLink { Relationship = relationship, TargetSourceRef = targetSourceRef, ValidFrom = from });
        return content;
    }

    /// <summary>The contributor's own term beside the common vocabulary (definitions differ between agencies).</summary>
    public static RecordContent Term(this RecordContent content, string field, string term)
    {
        content.LocalTerms.Add(new LocalTerm { Field = field, Term = term });
        return content;
    }

    public static RecordContent Evaluated(this RecordContent content, SourceEvaluation source, IntelligenceAssessment assessment)
    {
        content.Evaluation = new Evaluation { Source = source, Assessment = assessment };
        return content;
    }
}

/// <summary>A marking built up fluently: classification first, then who may read it and how to handle it.</summary>
internal sealed class MarkingBuilder(Classification classification)
{
    private readonly Marking _marking = new()
    {
        Classification = classification,
        Handling = new Handling { Code = HandlingCode.HandlingP, EuropolCode = EuropolHandlingCode.H0 },
        Discoverable = true,
        ReviewDate = DemoRecords.At(2027, 12, 31),
    };

    public MarkingBuilder To(params string[] agencies)
    {
        _marking.ReleasableTo.Add(agencies);
        return this;
    }

    public MarkingBuilder ToAllPartners()
    {
        _marking.ReleaseToAllPartners = true;
        return this;
    }

    public MarkingBuilder Conditions(string conditions, EuropolHandlingCode europol = EuropolHandlingCode.H2)
    {
        _marking.Handling = new Handling { Code = HandlingCode.HandlingC, Conditions = conditions, EuropolCode = europol };
        return this;
    }

    public MarkingBuilder Caveats(params string[] caveats)
    {
        _marking.Caveats.Add(caveats);
        return this;
    }

    public MarkingBuilder Cases(params string[] caseRefs)
    {
        _marking.CaseRefs.Add(caseRefs);
        return this;
    }

    public MarkingBuilder Undiscoverable()
    {
        _marking.Discoverable = false;
        return this;
    }

    public static implicit operator Marking(MarkingBuilder builder) => builder._marking.Clone();
}

internal static class Caveat
{
    public const string VictimIdentity = "VICTIM_IDENTITY";
    public const string SourceSensitive = "SOURCE_SENSITIVE";
    public const string Child = "CHILD";
}
