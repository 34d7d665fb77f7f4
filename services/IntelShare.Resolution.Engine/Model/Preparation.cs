using IntelShare.Normalisation;

namespace IntelShare.Resolution.Engine.Model;

/// <summary>Turns partner records into <see cref="PreparedRecord"/>s; never throws on bad field values.</summary>
public static class Preparation
{
    /// <summary>Words that say what kind of company it is, not which: "Acme Ltd" and "ACME Limited" are one firm.</summary>
    private static readonly HashSet<string> LegalForms =
    [
        "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "co", "company", "plc", "llp", "lp", "pty",
        "gmbh", "ag", "kg", "ug", "ev", "sa", "srl", "sarl", "sas", "spa", "sl", "bv", "nv", "oy", "ab", "as", "aps",
        "sro", "spzoo", "sp", "zoo", "doo", "ooo", "zao", "oao", "pao", "eood", "ood", "ad", "kft", "bt", "ii", "ike", "ae", "epe",
    ];

    public static PreparedRecord Prepare(ResolutionRecord record, string? defaultRegion = null, int origin = 0) => record switch
    {
        PersonRecord person => Person(person, defaultRegion, origin),
        OrganisationRecord organisation => Organisation(organisation, defaultRegion, origin),
        _ => throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record)),
    };

    private static PreparedRecord Person(PersonRecord person, string? defaultRegion, int origin)
    {
        var problems = new List<string>();
        var given = NameText.Normalise(person.GivenName);
        var family = NameText.Normalise(person.FamilyName);
        // The native-script name, transliterated, read as given names then family name: the last token is the family
        // name more often than not, and a family-first order still matches through the swapped-name level and the
        // either-order blocking key.
        var original = NameText.Tokens(person.OriginalScriptName);
        (string Given, string Family) native = original.Length > 0 ? (string.Join(' ', original[..^1]), original[^1]) : ("", "");
        if (given.Length == 0 && family.Length == 0)
        {
            (given, family) = native;
        }

        // The native-script name is a variant like an alias, and is blocked on like one: two clerks who romanised
        // the same Cyrillic name differently (Kowalenko, Kovalenko) give Latin names with different phonetic keys,
        // and the comparison credits the shared native name, so blocking must bring the pair together on it too.
        var pairs = new List<(string Given, string Family)> { (given, family) };
        pairs.AddRange(person.Aliases.Select(a => (NameText.Normalise(a.Given), NameText.Normalise(a.Family))));
        pairs.Add(native);
        var variants = pairs.Select(p => SortedTokens($"{p.Given} {p.Family}")).Where(v => v.Length > 0).Distinct().ToArray();
        var primaryKeys = (Given: Phonetic.Key(given), Family: Phonetic.Key(family));
        var nameKeys = pairs.Skip(1).Select(p => (Phonetic.Key(p.Given), Phonetic.Key(p.Family))).Prepend(primaryKeys)
            .Where(k => k.Item1.Length > 0 || k.Item2.Length > 0).Distinct().ToArray();

        PartialDate? dob = null;
        if (!string.IsNullOrWhiteSpace(person.DateOfBirth))
        {
            if (PartialDate.TryParse(person.DateOfBirth, out var parsed))
            {
                dob = parsed;
            }
            else
            {
                problems.Add($"date of birth: '{person.DateOfBirth}'");
            }
        }

        var addresses = Addresses(person.Addresses);
        var nationalities = person.Nationalities.Select(Identifiers.Normalise).Where(n => n.Length > 0).Distinct().ToArray();
        var region = Region(addresses.Select(a => a.Country).Concat(nationalities).Concat(person.Documents.Select(d => Identifiers.Normalise(d.IssuingCountry))), defaultRegion);
        var documents = new List<string>();
        foreach (var document in person.Documents)
        {
            var number = Identifiers.Normalise(document.Number);
            if (number.Length > 0)
            {
                documents.Add(number);
            }
            else if (!string.IsNullOrWhiteSpace(document.Number))
            {
                problems.Add($"document: '{document.Number}'");
            }
        }

        var otherId = Identifiers.Normalise(person.OtherId);
        if (otherId.Length == 0 && !string.IsNullOrWhiteSpace(person.OtherId))
        {
            problems.Add($"other id: '{person.OtherId}'");
        }

        return new PreparedRecord(person)
        {
            Origin = origin,
            Given = given,
            Family = family,
            GivenKey = primaryKeys.Given,
            FamilyKey = primaryKeys.Family,
            NameVariants = variants,
            NameKeys = nameKeys,
            DateOfBirth = dob,
            Sex = Sex(person.Sex),
            Nationalities = nationalities,
            Phones = Phones(person.Phones, region, problems),
            Documents = [.. documents.Distinct()],
            OtherId = otherId,
            Addresses = addresses,
            Problems = problems,
        };
    }

    private static PreparedRecord Organisation(OrganisationRecord organisation, string? defaultRegion, int origin)
    {
        var problems = new List<string>();
        var addresses = Addresses(organisation.Addresses);
        var country = Identifiers.Normalise(organisation.Country);
        var region = Region(addresses.Select(a => a.Country).Prepend(country), defaultRegion);
        return new PreparedRecord(organisation)
        {
            Origin = origin,
            OrganisationName = OrganisationName(organisation.Name),
            OrganisationAliases = organisation.Aliases.Select(OrganisationName).Where(a => a.Length > 0).Distinct().ToArray(),
            Registration = Identifiers.Normalise(organisation.RegistrationNumber),
            Country = country,
            Phones = Phones(organisation.Phones, region, problems),
            Addresses = addresses,
            Problems = problems,
        };
    }

    /// <summary>The name without legal-form words, unless that would leave nothing ("Limited Ltd").</summary>
    public static string OrganisationName(string? name)
    {
        var tokens = MergeInitials(NameText.Tokens(name));
        var kept = tokens.Where(t => !LegalForms.Contains(t)).ToArray();
        return string.Join(' ', kept.Length > 0 ? kept : tokens);
    }

    /// <summary>"S.R.L." arrives as the tokens s, r, l; read as one word it is the legal form srl.</summary>
    private static List<string> MergeInitials(string[] tokens)
    {
        var merged = new List<string>(tokens.Length);
        var run = "";
        foreach (var token in tokens)
        {
            if (token.Length == 1)
            {
                run += token;
                continue;
            }

            if (run.Length > 0)
            {
                merged.Add(run);
                run = "";
            }

            merged.Add(token);
        }

        if (run.Length > 0)
        {
            merged.Add(run);
        }

        return merged;
    }

    /// <summary>The tokens of an already normalised name in order, so that word order does not matter.</summary>
    private static string SortedTokens(string name) => string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    private static PreparedAddress[] Addresses(IReadOnlyList<PostalAddress> addresses) => addresses
        .Select(a => new PreparedAddress(
            Identifiers.Normalise(a.StreetNumber),
            NameText.Normalise(a.Street),
            Identifiers.Normalise(a.Postcode),
            NameText.Normalise(string.IsNullOrWhiteSpace(a.Locality) ? a.City : a.Locality),
            NameText.Normalise(a.Region),
            Identifiers.Normalise(a.Country)))
        .Where(a => a.Street.Length + a.Postcode.Length + a.Locality.Length + a.Region.Length > 0)
        .ToArray();

    private static string? Region(IEnumerable<string> countries, string? defaultRegion) =>
        countries.FirstOrDefault(c => c.Length == 2) ?? defaultRegion;

    private static string[] Phones(IReadOnlyList<string> phones, string? region, List<string> problems)
    {
        var normalised = new List<string>(phones.Count);
        foreach (var phone in phones)
        {
            var e164 = PhoneNumberText.Normalise(phone, region);
            if (e164.Count(char.IsAsciiDigit) < 5)
            {
                if (!string.IsNullOrWhiteSpace(phone))
                {
                    problems.Add($"phone: '{phone}'");
                }

                continue;
            }

            normalised.Add(e164);
        }

        return [.. normalised.Distinct()];
    }

    private static char Sex(string? sex) => NameText.Normalise(sex) switch
    {
        "m" or "male" or "man" => 'm',
        "f" or "female" or "woman" => 'f',
        _ => '\0',
    };
}
