using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Access.Client;

/// <summary>
/// The format of the fields of people and organisations (dates, countries, phones, documents, name lengths), wherever
/// they are sent: in a contribution to Records or in a question to Resolution.
/// </summary>
public static partial class ContentRules
{
    /// <summary>Longer than any real name; matching compares names in time that grows with their length.</summary>
    public const int MaxNameLength = 300;

    /// <summary>The format of every field of a person that is given; which fields must be given is the caller's rule.</summary>
    public static void ValidatePersonFields(Person person, Violations violations, string path)
    {
        ValidateName(person.Name, violations, $"{path}.name");
        for (var i = 0; i < person.Aliases.Count; i++)
        {
            violations.Require(IsGiven(person.Aliases[i]), $"{path}.aliases[{i}]", "is empty: an alias is a given name, family name or original script");
            ValidateName(person.Aliases[i], violations, $"{path}.aliases[{i}]");
        }

        if (!string.IsNullOrEmpty(person.DateOfBirth))
        {
            if (!TryParsePartialDate(person.DateOfBirth, out var dateOfBirth))
            {
                violations.Add($"{path}.date_of_birth", $"'{person.DateOfBirth}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
            }
            else if (dateOfBirth > DateOnly.FromDateTime(DateTime.UtcNow) || dateOfBirth.Year < 1880)
            {
                violations.Add($"{path}.date_of_birth", $"'{person.DateOfBirth}' is outside the plausible range (1880 to today)");
            }
        }

        violations.Require(person.Sex is "" or "f" or "m" or "x", $"{path}.sex", "must be f, m, x or empty");
        for (var i = 0; i < person.Nationalities.Count; i++)
        {
            ValidateCountry(person.Nationalities[i], violations, $"{path}.nationalities[{i}]");
        }

        for (var i = 0; i < person.Documents.Count; i++)
        {
            ValidateDocument(person.Documents[i], violations, $"{path}.documents[{i}]");
        }

        ValidatePhones(person.Phones, violations, $"{path}.phones");
        for (var i = 0; i < person.Addresses.Count; i++)
        {
            ValidateCountry(person.Addresses[i].Country, violations, $"{path}.addresses[{i}].country");
        }
    }

    /// <summary>A name with something in it: a given name, a family name or the name in its original script.</summary>
    public static bool IsGiven(PersonName? name) =>
        name is not null &&
        (!string.IsNullOrWhiteSpace(name.GivenName) || !string.IsNullOrWhiteSpace(name.FamilyName) || !string.IsNullOrWhiteSpace(name.OriginalScript));

    private static void ValidateName(PersonName? name, Violations violations, string path)
    {
        if (name is not null)
        {
            ValidateNameText(name.GivenName, violations, $"{path}.given_name");
            ValidateNameText(name.FamilyName, violations, $"{path}.family_name");
            ValidateNameText(name.OriginalScript, violations, $"{path}.original_script");
        }
    }

    // Bidirectional embeddings, overrides and isolates make a name display otherwise than it is stored, and invisible
    // spaces make two names that look alike differ: a name that reads as one person's would be matched and searched
    // as another's. The marks (LRM, RLM) and joiners (ZWJ, ZWNJ) that right-to-left and Indic names need are allowed.
    private static readonly SearchValues<char> HiddenFormatting = SearchValues.Create("\u200B\u202A\u202B\u202C\u202D\u202E\u2060\u2066\u2067\u2068\u2069\uFEFF");

    private static void ValidateNameText(string name, Violations violations, string path)
    {
        violations.Require(name.Length <= MaxNameLength, path, $"is longer than {MaxNameLength} characters");
        violations.Require(name.AsSpan().IndexOfAny(HiddenFormatting) < 0, path,
            "contains an invisible formatting character (a bidirectional override or isolate, or a zero-width space), which makes a name read otherwise than it is stored");
    }

    /// <summary>The format of every field of an organisation that is given.</summary>
    public static void ValidateOrganisationFields(Organisation organisation, Violations violations, string path)
    {
        ValidateNameText(organisation.Name, violations, $"{path}.name");
        for (var i = 0; i < organisation.Aliases.Count; i++)
        {
            violations.Require(!string.IsNullOrWhiteSpace(organisation.Aliases[i]), $"{path}.aliases[{i}]", "is empty");
            ValidateNameText(organisation.Aliases[i], violations, $"{path}.aliases[{i}]");
        }

        ValidateCountry(organisation.Country, violations, $"{path}.country");
        ValidatePhones(organisation.Phones, violations, $"{path}.phones");
    }

    public static void ValidateDocument(IdentityDocument document, Violations violations, string path)
    {
        violations.Require(!string.IsNullOrWhiteSpace(document.Number), $"{path}.number", "is required");
        ValidateCountry(document.IssuingCountry, violations, $"{path}.issuing_country");
    }

    public static void ValidatePhones(IList<string> phones, Violations violations, string path)
    {
        for (var i = 0; i < phones.Count; i++)
        {
            ValidatePhone(phones[i], violations, $"{path}[{i}]", required: true);
        }
    }

    public static void ValidatePhone(string number, Violations violations, string path, bool required)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            violations.Require(!required, path, "is required");
            return;
        }

        var digits = number.Count(char.IsAsciiDigit);
        violations.Require(PhoneCharacters().IsMatch(number) && digits is >= 5 and <= 17, path,
            $"'{number}' is not a phone number (5 to 17 digits, optionally with +, spaces, dashes, dots or brackets)");
    }

    public static void ValidateCountry(string country, Violations violations, string path)
    {
        if (country.Length > 0 && CountryCodes.Problem(country) is { } problem)
        {
            violations.Add(path, problem);
        }
    }

    /// <summary>Parses YYYY, YYYY-MM or YYYY-MM-DD; a partial date stands for its first day.</summary>
    public static bool TryParsePartialDate(string value, out DateOnly date)
    {
        string[] formats = ["yyyy-MM-dd", "yyyy-MM", "yyyy"];
        return DateOnly.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    [GeneratedRegex(@"^\+?[0-9 ()./-]+$")]
    private static partial Regex PhoneCharacters();
}
