using Grpc.Core;
using Grpc.Net.Client;
using IntelShare.Contracts.V1;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>Builders for the records the tests contribute.</summary>
public static class TestRecords
{
    public static RecordContent Person(string sourceRef, string given = "Ivan", string family = "Petrov", string dateOfBirth = "1985-04-12") => new()
    {
        SourceRef = sourceRef,
        Marking = Marking(),
        Person = new Person
        {
            Name = new PersonName { GivenName = given, FamilyName = family },
            DateOfBirth = dateOfBirth,
            Nationalities = { "MD" },
        },
    };

    /// <summary>
    /// A person as POL-ATU records her, with her Moldovan phone in international form, released to BORDER; with
    /// <see cref="BorderSubject"/>, one person in two agencies' records for Resolution to link.
    /// </summary>
    public static RecordContent PoliceSubject(string prefix, string given, string family, string dateOfBirth)
    {
        var content = Person(UniqueRef(prefix), given, family, dateOfBirth);
        content.Person.Phones.Add("+373 69 123 456");
        content.Marking.ReleasableTo.Add("BORDER");
        return content;
    }

    /// <summary>A person as BORDER records her, with the phone written nationally, released to POL-ATU.</summary>
    public static RecordContent BorderSubject(string prefix, string given, string family, string dateOfBirth)
    {
        var content = Person(UniqueRef(prefix), given, family, dateOfBirth);
        content.Person.Phones.Add("069123456");
        content.Marking.OriginatorAgency = "BORDER";
        content.Marking.ReleasableTo.Add("POL-ATU");
        return content;
    }

    public static Marking Marking(Classification classification = Classification.OfficialSensitive) => new()
    {
        Classification = classification,
        Handling = new Handling { Code = HandlingCode.HandlingP },
        Discoverable = true,
    };

    public static Justification Because(string reason = "test read", string caseRef = "") =>
        new() { Reason = reason, CaseRef = caseRef, Purpose = Purpose.CriminalInvestigation };

    public static RecordsService.RecordsServiceClient RecordsClient(this GrpcChannel channel) => new(channel);

    /// <summary>
    /// Varied unrelated people, so that entity resolution has a population to learn from: with a handful of records its
    /// model cannot tell what a non-match looks like, and a test of the service would be a test of that.
    /// </summary>
    public static IEnumerable<RecordContent> Population(int count, int seed)
    {
        string[] given = ["Ion", "Maria", "Andrei", "Elena", "Vasile", "Natalia", "Sergiu", "Ana", "Mihai", "Irina", "Pavel", "Tatiana", "Oleg", "Svetlana", "Dorin", "Lilia", "Igor", "Aurelia", "Victor", "Galina"];
        string[] family = ["Popa", "Rusu", "Ciobanu", "Munteanu", "Lungu", "Ceban", "Moraru", "Rotari", "Cojocaru", "Sirbu", "Botnaru", "Grosu", "Melnic", "Bejan", "Turcan", "Caraman", "Plesca", "Negru", "Cazacu", "Guzun"];
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var born = new DateOnly(1955, 1, 1).AddDays(random.Next(365 * 50)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var person = Person(UniqueRef("population"), given[random.Next(given.Length)], family[random.Next(family.Length)], born);
            if (random.Next(2) == 0)
            {
                person.Person.Phones.Add($"+3736{random.Next(1_000_000, 9_999_999)}");
            }

            yield return person;
        }
    }

    /// <summary>Contributes <paramref name="contents"/> in one ContributeStream call; returns how many were accepted.</summary>
    public static async Task<long> ContributeAllAsync(this RecordsService.RecordsServiceClient records, IEnumerable<RecordContent> contents)
    {
        using var call = records.ContributeStream();
        foreach (var content in contents)
        {
            await call.RequestStream.WriteAsync(new ContributeRequest { Content = content });
        }

        await call.RequestStream.CompleteAsync();
        return (await call).Accepted;
    }

    public static string UniqueRef(string prefix = "ref") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>The google.rpc.BadRequest field names of an INVALID_ARGUMENT.</summary>
    public static IReadOnlyList<string> ViolatedFields(this RpcException error)
    {
        var status = error.GetRpcStatus() ?? throw new InvalidOperationException("The error carries no google.rpc.Status details.");
        var badRequest = status.GetDetail<Google.Rpc.BadRequest>() ?? throw new InvalidOperationException("The error carries no BadRequest.");
        return badRequest.FieldViolations.Select(v => v.Field).ToList();
    }
}
