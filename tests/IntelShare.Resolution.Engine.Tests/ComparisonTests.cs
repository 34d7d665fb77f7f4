using IntelShare.Resolution.Engine.Comparison;
using IntelShare.Resolution.Engine.Evaluation;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Tests;

public sealed class ComparisonTests
{
    private static PreparedRecord Person(string? given, string? family, string? dob = null, string[]? phones = null, string? country = null) =>
        Preparation.Prepare(new PersonRecord("x")
        {
            GivenName = given,
            FamilyName = family,
            DateOfBirth = dob,
            Phones = phones ?? [],
            Addresses = country is null ? [] : [new PostalAddress { Country = country, Street = "high street" }],
        });

    private static string Level(FieldComparison comparison, PreparedRecord a, PreparedRecord b) => comparison.Levels[comparison.Compare(a, b)];

    private static readonly FieldComparison Given = ComparisonSets.Person.First(c => c.Name == "given name");
    private static readonly FieldComparison Family = ComparisonSets.Person.First(c => c.Name == "family name");
    private static readonly FieldComparison Birth = ComparisonSets.Person.First(c => c.Name == "date of birth");
    private static readonly FieldComparison Phone = ComparisonSets.Person.First(c => c.Name == "phone");

    [Fact]
    public void Cyrillic_and_latin_spellings_of_one_name_agree_exactly()
    {
        var (cyrillic, latin) = (Person("Олена", "Коваленко"), Person("Olena", "KOVALENKO"));
        Assert.Equal("exact", Level(Given, cyrillic, latin));
        Assert.Equal("exact", Level(Family, cyrillic, latin));
    }

    [Fact]
    public void Transliteration_variants_are_close_or_phonetic()
    {
        Assert.Equal("close spelling", Level(Family, Person("Olena", "Kovalenko"), Person("Olena", "Kovalenco")));
        Assert.Contains(Level(Given, Person("Юлия", "Petrova"), Person("Yulia", "Petrova")), new[] { "close spelling", "phonetic match" });
    }

    [Fact]
    public void Swapped_given_and_family_names_are_recognised()
    {
        var (a, b) = (Person("Ivan", "Petrov"), Person("Petrov", "Ivan"));
        Assert.Equal("swapped given/family", Level(Given, a, b));
        Assert.Equal("swapped given/family", Level(Family, a, b));
    }

    [Fact]
    public void An_initial_agrees_with_the_name_it_abbreviates() =>
        Assert.Equal("initial", Level(Given, Person("I", "Petrov"), Person("Ivan", "Petrov")));

    [Theory]
    [InlineData("1990-07-03", "03/07/1990", "exact")]
    [InlineData("1990-03-07", "1990-07-03", "day/month transposed")]
    [InlineData("1990-07-03", "1990-07-08", "one digit off")]
    [InlineData("1990-07-03", "1990-03-17", "same year")]
    [InlineData("1990", "1990-07-03", "partial date agrees")]
    [InlineData("1991-07-03", "1975-01-20", "different")]
    [InlineData("not a date", "1990-07-03", "missing")]
    public void Dates_of_birth_are_graded(string one, string other, string level) =>
        Assert.Equal(level, Level(Birth, Person("a", "b", one), Person("a", "b", other)));

    [Fact]
    public void International_and_national_forms_of_a_phone_agree() =>
        Assert.Equal("shared", Level(Phone, Person("a", "b", phones: ["+44 7700 900123"]), Person("a", "b", phones: ["07700 900123"], country: "GB")));

    [Fact]
    public void Malformed_and_missing_fields_are_counted_not_fatal()
    {
        var records = new[]
        {
            Preparation.Prepare(new PersonRecord("empty")),
            Preparation.Prepare(new PersonRecord("bad") { DateOfBirth = "1990-13-45", Phones = ["12"], GivenName = "Ann" }),
        };
        var quality = DataQualityReport.Of(records);
        Assert.Equal(1, quality.RecordsWithMalformedFields);
        Assert.Equal(1, quality.Fields.Single(f => f.Field == "date of birth").Malformed);
        Assert.Equal(1, quality.Fields.Single(f => f.Field == "given name").Present);
        Assert.Equal(0, ComparisonSets.Person.Sum(c => c.Compare(records[0], records[1])));
    }

    [Theory]
    [InlineData("Acme Trading Ltd", "ACME TRADING LIMITED")]
    [InlineData("Transport S.R.L.", "transport srl")]
    [InlineData("Müller GmbH", "Muller")]
    public void Legal_forms_do_not_tell_companies_apart(string one, string other) =>
        Assert.Equal(Preparation.OrganisationName(one), Preparation.OrganisationName(other));

    [Fact]
    public void Deterministic_keys_ignore_formatting()
    {
        Assert.Equal(DeterministicKeys.Phone("+44 7700 900123"), DeterministicKeys.Phone("07700900123", "GB"));
        Assert.Equal(DeterministicKeys.Vehicle("AB 12 CDE", "gb"), DeterministicKeys.KeyOf(new VehicleRecord("v", "ab12cde", "GB")));
        Assert.NotEqual(DeterministicKeys.Vehicle("AB12CDE", "GB"), DeterministicKeys.Vehicle("AB12CDE", "IE"));
        Assert.Equal(DeterministicKeys.Document("АВ 123456", "UA"), DeterministicKeys.Document("AB123456", "UA"));
        Assert.Equal(DeterministicKeys.Account("GB82 WEST 1234 5698 7654 32"), DeterministicKeys.KeyOf(new AccountRecord("a", "gb82west12345698765432")));
        Assert.Equal("", DeterministicKeys.Phone("  "));
    }

    [Fact]
    public void An_explanation_names_each_field_level_and_values()
    {
        var set = new[] { new PersonRecord("a") { GivenName = "Olena", FamilyName = "Kovalenko", DateOfBirth = "1990-07-03" }, new PersonRecord("b") { GivenName = "Olena", FamilyName = "Kovalenco", DateOfBirth = "1990-03-07" } };
        var engine = ResolutionEngine.Create(set);
        var text = engine.Explain(0, 1).ToString();
        Assert.Contains("family name: close spelling (kovalenko ~ kovalenco)", text);
        Assert.Contains("date of birth: day/month transposed (1990-07-03 ~ 1990-03-07)", text);
        Assert.Contains("match weight", text);
    }
}
