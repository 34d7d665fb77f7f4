using IntelShare.Normalisation;

namespace IntelShare.Normalisation.Tests;

public sealed class PhoneticTests
{
    [Theory]
    [InlineData("Kovalenko", "Kovalenco")]
    [InlineData("Kovalenko", "Коваленко")]
    [InlineData("Brown", "Braun")]
    [InlineData("Katherine", "Catherine")]
    [InlineData("Mackenzie", "McKenzie")]
    [InlineData("Stevens", "Stephens")]
    public void Names_that_sound_alike_share_a_key(string one, string other) =>
        Assert.Equal(Phonetic.Key(one), Phonetic.Key(other));

    [Theory]
    [InlineData("Kovalenko", "Petrov")]
    [InlineData("Smith", "Jones")]
    public void Different_names_have_different_keys(string one, string other) =>
        Assert.NotEqual(Phonetic.Key(one), Phonetic.Key(other));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("123")]
    [InlineData(null)]
    public void No_letters_no_key(string? name) => Assert.Equal("", Phonetic.Key(name));
}
