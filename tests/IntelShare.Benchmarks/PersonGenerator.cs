using System.Globalization;
using IntelShare.Contracts.V1;

namespace IntelShare.Benchmarks;

/// <summary>
/// Person records as an agency's export would have them: varied in size and content, so that the
/// server's per-record work (validation, hashing, serialisation, index inserts) and the database's
/// size are those of real intake, and seeded, so that every run sends the same bytes.
/// </summary>
public static class PersonGenerator
{
    private static readonly (string Latin, string Original)[] GivenNames =
    [
        ("Ivan", "Иван"), ("Olena", "Олена"), ("Maria", ""), ("Andrei", ""), ("Elena", ""), ("Dmitri", "Дмитрий"),
        ("Ana", ""), ("Nguyen Van", ""), ("Chukwuemeka", ""), ("Blessing", ""), ("Arben", ""), ("Fatima", ""),
        ("Piotr", ""), ("Agnieszka", ""), ("Tomas", ""), ("Svetlana", "Светлана"), ("Mihai", ""), ("Irina", "Ирина"),
    ];

    private static readonly (string Latin, string Original)[] FamilyNames =
    [
        ("Petrov", "Петров"), ("Popescu", ""), ("Ivanova", "Иванова"), ("Kovalenko", "Коваленко"), ("Hoxha", ""),
        ("Nguyen", ""), ("Okafor", ""), ("Adeyemi", ""), ("Kowalski", ""), ("Nowak", ""), ("Balan", ""),
        ("Rusu", ""), ("Dimitrov", "Димитров"), ("Kazlauskas", ""), ("Shevchenko", "Шевченко"), ("Smith", ""),
    ];

    private static readonly string[] Nationalities = ["MD", "RO", "BG", "UA", "AL", "VN", "NG", "PL", "LT", "GB"];

    private static readonly (string City, string PostcodeArea)[] Cities =
    [
        ("London", "E"), ("Birmingham", "B"), ("Manchester", "M"), ("Leeds", "LS"), ("Glasgow", "G"), ("Bristol", "BS"), ("Leicester", "LE"),
    ];

    private static readonly string[] Streets = ["High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Street", "Park Avenue", "King Street"];

    private static readonly string[] Roles = ["victim", "recruiter", "controller", "driver", "witness", "landlord"];

    private static readonly string[] DocumentKinds = ["passport", "id_card", "residence_permit", "driving_licence"];

    private static readonly DateOnly Earliest = new(1950, 1, 1);

    /// <summary>Contribution requests with source references "{prefix}-000001" onwards.</summary>
    public static IReadOnlyList<ContributeRequest> Generate(int count, string sourceRefPrefix, int seed)
    {
        var random = new Random(seed);
        var requests = new ContributeRequest[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = new ContributeRequest { Content = Person(random, $"{sourceRefPrefix}-{i + 1:D6}") };
        }

        return requests;
    }

    private static RecordContent Person(Random random, string sourceRef)
    {
        var given = Pick(random, GivenNames);
        var family = Pick(random, FamilyNames);
        var nationality = Pick(random, Nationalities);
        var person = new Person
        {
            Name = new PersonName
            {
                GivenName = given.Latin,
                FamilyName = family.Latin,
                OriginalScript = given.Original.Length > 0 && family.Original.Length > 0 ? $"{given.Original} {family.Original}" : "",
            },
            DateOfBirth = DateOfBirth(random),
            Sex = random.Next(100) switch { < 55 => "f", < 98 => "m", _ => "x" },
            Nationalities = { nationality },
            Documents =
            {
                new IdentityDocument
                {
                    Kind = Pick(random, DocumentKinds),
                    Number = $"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}{random.Next(1_000_000, 10_000_000)}",
                    IssuingCountry = nationality,
                },
            },
            Addresses = { Address(random) },
            Roles = { Pick(random, Roles) },
        };

        if (random.Next(3) == 0)
        {
            person.Phones.Add($"+44 7700 9{random.Next(10_000, 100_000)}");
        }

        if (random.Next(6) == 0)
        {
            person.Aliases.Add(new PersonName { GivenName = Pick(random, GivenNames).Latin, FamilyName = family.Latin });
        }

        return new RecordContent
        {
            SourceRef = sourceRef,
            Marking = new Marking
            {
                Classification = Classification.OfficialSensitive,
                Handling = new Handling { Code = HandlingCode.HandlingP },
                Discoverable = true,
            },
            Person = person,
        };
    }

    /// <summary>Mostly full dates; some sources know only the year, which the validator accepts too.</summary>
    private static string DateOfBirth(Random random)
    {
        var date = Earliest.AddDays(random.Next(0, 55 * 365));
        return random.Next(10) == 0
            ? date.Year.ToString(CultureInfo.InvariantCulture)
            : date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static Address Address(Random random)
    {
        var (city, area) = Pick(random, Cities);
        return new Address
        {
            StreetNumber = random.Next(1, 250).ToString(CultureInfo.InvariantCulture),
            Street = Pick(random, Streets),
            City = city,
            Postcode = $"{area}{random.Next(1, 20)} {random.Next(1, 10)}{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}",
            Country = "GB",
        };
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
