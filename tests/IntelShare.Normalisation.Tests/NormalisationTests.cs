using IntelShare.Normalisation;

namespace IntelShare.Normalisation.Tests;

public sealed class NormalisationTests
{
    [Theory]
    [InlineData("Олена Коваленко", "olena kovalenko")]
    [InlineData("KOVALENKO, Olena", "kovalenko olena")]
    [InlineData("Γιώργος Παπαδόπουλος", "giorgos papadopoulos")]
    [InlineData("Zoë  Müller-Łukasik", "zoe muller lukasik")]
    [InlineData("O'Brien", "obrien")]
    [InlineData("   ", "")]
    public void Names_become_lower_case_latin_tokens(string raw, string expected) =>
        Assert.Equal(expected, NameText.Normalise(raw));

    [Theory]
    [InlineData("+44 7700 900123", "GB", "+447700900123")]
    [InlineData("07700 900123", "GB", "+447700900123")]
    [InlineData("0044 7700 900123", null, "+447700900123")]
    [InlineData("+40 721 234 567", null, "+40721234567")]
    public void Phones_become_e164(string raw, string? region, string expected) =>
        Assert.Equal(expected, PhoneNumberText.Normalise(raw, region));

    [Fact]
    public void An_unparseable_phone_keeps_its_digits() =>
        Assert.Equal("12", PhoneNumberText.Normalise("1-2", null));

    [Theory]
    [InlineData("AB 123-456", "AB123456")]
    [InlineData("ab123456", "AB123456")]
    [InlineData("АВ123456", "AB123456")]
    public void Identifiers_are_upper_case_alphanumerics(string raw, string expected) =>
        Assert.Equal(expected, Identifiers.Normalise(raw));

    [Theory]
    [InlineData("1990-07-03", 1990, 7, 3)]
    [InlineData("19900703", 1990, 7, 3)]
    [InlineData("03/07/1990", 1990, 7, 3)]
    [InlineData("1990-07", 1990, 7, 0)]
    [InlineData("1990", 1990, 0, 0)]
    public void Partial_dates_parse(string raw, int year, int month, int day)
    {
        Assert.True(PartialDate.TryParse(raw, out var date));
        Assert.Equal(new PartialDate(year, month, day), date);
    }

    [Theory]
    [InlineData("1990-02-30")]
    [InlineData("199")]
    [InlineData("abc")]
    [InlineData("")]
    public void Impossible_dates_do_not_parse(string raw) => Assert.False(PartialDate.TryParse(raw, out _));
}
