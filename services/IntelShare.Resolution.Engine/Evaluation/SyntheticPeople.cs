using System.Globalization;
using System.Text;
using Bogus;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Evaluation;

/// <summary>Generated records with the identity each was generated from.</summary>
public sealed record SyntheticSet(IReadOnlyList<PersonRecord> Records, IReadOnlyList<string?> Truth);

/// <summary>
/// Person records as several agencies would hold the same people: names from several locales (Cyrillic and Greek ones
/// transliterated or left in their script), and duplicates with the errors partners make — typos, swapped names,
/// transposed or mistyped dates of birth, phones written nationally or internationally, missing fields. Seeded:
/// the same arguments give the same records.
/// </summary>
public sealed class SyntheticPeople
{
    private static readonly (string Locale, string Country, string Dial)[] Locales =
    [
        ("en_GB", "GB", "44"), ("ru", "RU", "7"), ("uk", "UA", "380"), ("el", "GR", "30"), ("ro", "RO", "40"),
        ("pl", "PL", "48"), ("de", "DE", "49"), ("fr", "FR", "33"), ("it", "IT", "39"), ("tr", "TR", "90"),
    ];

    private readonly Pool[] _pools;
    private readonly Random _random;

    public SyntheticPeople(int seed, int poolSize = 1500)
    {
        _random = new Random(seed);
        _pools = [.. Locales.Select((l, i) => new Pool(l.Locale, l.Country, l.Dial, seed + i, poolSize))];
    }

    /// <summary><paramref name="records"/> records of about records/1.6 people, each person one to five times.</summary>
    public SyntheticSet Generate(int records)
    {
        var list = new List<PersonRecord>(records);
        var truth = new List<string?>(records);
        for (var person = 0; list.Count < records; person++)
        {
            var entity = NewEntity(person);
            var copies = 1 + (_random.NextDouble() switch { < 0.6 => 0, < 0.85 => 1, < 0.95 => 2, < 0.98 => 3, _ => 4 });
            for (var copy = 0; copy < copies && list.Count < records; copy++)
            {
                list.Add(copy == 0 ? entity.Record($"p{person}-0") : Variant(entity, $"p{person}-{copy}"));
                truth.Add($"p{person}");
            }
        }

        return new SyntheticSet(list, truth);
    }

    /// <summary>A new record, with errors, of the person behind record <paramref name="index"/> of <paramref name="set"/>.</summary>
    public PersonRecord VariantOf(SyntheticSet set, int index, string recordId) => Variant(Entity.From(set.Records[index]), recordId);

    private Entity NewEntity(int person)
    {
        var pool = _pools[_random.Next(_pools.Length)];
        var female = _random.Next(2) == 0;
        var born = new DateTime(1950, 1, 1).AddDays(_random.Next(365 * 55));
        var record = new PersonRecord("")
        {
            GivenName = Pick(female ? pool.FemaleNames : pool.MaleNames),
            FamilyName = Pick(pool.FamilyNames),
            DateOfBirth = born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Sex = female ? "F" : "M",
            Nationalities = [pool.Country],
            Phones = _random.NextDouble() < 0.7 ? [$"+{pool.Dial}{_random.Next(200_000_000, 999_999_999)}"] : [],
            Documents = _random.NextDouble() < 0.5 ? [new IdentityDocument("passport", $"{(char)('A' + _random.Next(26))}{(char)('A' + _random.Next(26))}{_random.Next(1_000_000, 9_999_999)}", pool.Country)] : [],
            Addresses = _random.NextDouble() < 0.8 ?
            [
                new PostalAddress
                {
                    StreetNumber = _random.Next(1, 200).ToString(CultureInfo.InvariantCulture),
                    Street = Pick(pool.Streets),
                    Locality = Pick(pool.Cities),
                    Postcode = _random.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture),
                    Country = pool.Country,
                },
            ] : [],
        };
        return new Entity(record);
    }

    private PersonRecord Variant(Entity entity, string recordId)
    {
        var r = entity.Record(recordId);
        var errors = 1 + _random.Next(3);
        for (var e = 0; e < errors; e++)
        {
            r = _random.Next(9) switch
            {
                0 => r with { GivenName = Typo(r.GivenName) },
                1 => r with { FamilyName = Typo(r.FamilyName) },
                2 => r with { GivenName = r.FamilyName, FamilyName = r.GivenName },
                3 => r with { DateOfBirth = DateError(r.DateOfBirth) },
                4 => r with { GivenName = _random.Next(2) == 0 ? null : r.GivenName?[..1], Phones = [] },
                5 => r with { Addresses = [], Documents = [] },
                6 => r with { Phones = [.. r.Phones.Select(Reformat)] },
                7 => r with { GivenName = Latin(r.GivenName), FamilyName = Latin(r.FamilyName) },
                _ => r with { DateOfBirth = _random.Next(3) == 0 ? null : r.DateOfBirth, Sex = null, Nationalities = [] },
            };
        }

        return r;
    }

    private string? Typo(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length < 3)
        {
            return name;
        }

        var at = 1 + _random.Next(name.Length - 1);
        var letter = name[_random.Next(name.Length)];
        return _random.Next(4) switch
        {
            0 => name.Remove(at, 1),
            1 => name.Insert(at, letter.ToString()),
            2 => name[..at] + letter + name[(at + 1)..],
            _ => at < name.Length - 1 ? name[..at] + name[at + 1] + name[at] + name[(at + 2)..] : name,
        };
    }

    private string? DateError(string? date)
    {
        if (date is null || !DateTime.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return date;
        }

        return _random.Next(4) switch
        {
            0 when d.Day <= 12 => $"{d.Year:D4}-{d.Day:D2}-{d.Month:D2}",
            1 => $"{d.Year:D4}",
            2 => d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            _ => d.AddDays(_random.Next(2) == 0 ? 1 : 10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>"+44 7700..." as "0044 7700..." or spaced: the same number, written by another clerk.</summary>
    private string Reformat(string phone) => _random.Next(2) == 0 ? "00" + phone[1..] : $"{phone[..4]} {phone[4..7]} {phone[7..]}";

    private static string? Latin(string? name) =>
        name is null ? null : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(IntelShare.Normalisation.NameText.Normalise(name));

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private sealed record Entity(PersonRecord Template)
    {
        public static Entity From(PersonRecord record) => new(record);

        public PersonRecord Record(string recordId) => Template with { RecordId = recordId };
    }

    /// <summary>Values drawn once per locale with Bogus, then sampled: a million records in seconds, not minutes.</summary>
    private sealed class Pool
    {
        public Pool(string locale, string country, string dial, int seed, int size)
        {
            var faker = new Faker(locale) { Random = new Randomizer(seed) };
            Country = country;
            Dial = dial;
            FemaleNames = Distinct(size, () => faker.Name.FirstName(Bogus.DataSets.Name.Gender.Female));
            MaleNames = Distinct(size, () => faker.Name.FirstName(Bogus.DataSets.Name.Gender.Male));
            FamilyNames = Distinct(size, () => faker.Name.LastName());
            Streets = Distinct(size, () => faker.Address.StreetName());
            Cities = Distinct(size / 3, () => faker.Address.City());
        }

        public string Country { get; }

        public string Dial { get; }

        public string[] FemaleNames { get; }

        public string[] MaleNames { get; }

        public string[] FamilyNames { get; }

        public string[] Streets { get; }

        public string[] Cities { get; }

        private static string[] Distinct(int size, Func<string> next)
        {
            var values = new HashSet<string>(StringComparer.Ordinal);
            for (var attempt = 0; attempt < size * 3 && values.Count < size; attempt++)
            {
                values.Add(next().Normalize(NormalizationForm.FormC));
            }

            return [.. values];
        }
    }
}
