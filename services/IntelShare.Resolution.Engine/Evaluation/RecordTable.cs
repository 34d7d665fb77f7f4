using System.Text.RegularExpressions;
using CsvHelper;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Evaluation;

/// <summary>Person records read from a CSV file, with the true identity of each row when the file has one.</summary>
public sealed record RecordTable(string Path, IReadOnlyList<PersonRecord> Records, IReadOnlyList<string?> Truth, int MalformedRows, IReadOnlyDictionary<string, string> Mapping)
{
    /// <summary>The fields a column can map to.</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "record_id", "agency", "given_name", "family_name", "original_name", "date_of_birth", "sex", "nationality", "phone",
        "document", "document_country", "other_id", "street_number", "address_1", "address_2", "locality", "city", "postcode",
        "region", "country",
    ];

    /// <summary>Column names recognised without a mapping, Febrl's among them.</summary>
    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rec_id"] = "record_id", ["id"] = "record_id", ["first_name"] = "given_name", ["forename"] = "given_name",
        ["surname"] = "family_name", ["last_name"] = "family_name", ["dob"] = "date_of_birth", ["birth_date"] = "date_of_birth",
        ["gender"] = "sex", ["soc_sec_id"] = "other_id", ["ssn"] = "other_id", ["national_id"] = "other_id",
        ["phone_number"] = "phone", ["telephone"] = "phone", ["passport"] = "document", ["passport_number"] = "document",
        ["street"] = "address_1", ["suburb"] = "locality", ["town"] = "city", ["zip"] = "postcode", ["post_code"] = "postcode",
        ["state"] = "region",
    };

    /// <summary>
    /// Reads <paramref name="path"/>. <paramref name="mapping"/> maps column → field and overrides the recognised names;
    /// the truth is the <paramref name="truthColumn"/> value, or its first group matched by <paramref name="truthPattern"/>.
    /// </summary>
    public static RecordTable Load(string path, IReadOnlyDictionary<string, string>? mapping = null, string? truthColumn = null, string? truthPattern = null)
    {
        var malformed = 0;
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions
        {
            TrimWhitespace = true,
            TrimInsideQuotes = true,
            OnMalformedRecord = _ => malformed++,
        });
        var headers = csv.Headers.Select(h => h.Trim()).ToArray();
        var columns = ColumnFields(headers, mapping);
        var truthAt = truthColumn is null ? -1 : Array.FindIndex(headers, h => string.Equals(h, truthColumn, StringComparison.OrdinalIgnoreCase));
        if (truthColumn is not null && truthAt < 0)
        {
            throw new ArgumentException($"{path} has no column '{truthColumn}' (columns: {string.Join(", ", headers)}).", nameof(truthColumn));
        }

        var pattern = truthPattern is null ? null : new Regex(truthPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var records = new List<PersonRecord>();
        var truth = new List<string?>();
        while (csv.Read())
        {
            var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            string? truthValue = null;
            for (var i = 0; i < csv.FieldCount && i < headers.Length; i++)
            {
                var value = csv.IsEmpty(i) ? "" : csv.GetString(i).Trim();
                if (i == truthAt)
                {
                    truthValue = value;
                }

                if (value.Length > 0 && columns[i] is { } field)
                {
                    (values.TryGetValue(field, out var list) ? list : values[field] = []).Add(value);
                }
            }

            records.Add(ToRecord(values, records.Count));
            truth.Add(Identity(truthValue, pattern));
        }

        return new RecordTable(path, records, truth, malformed, headers.Select((h, i) => (h, columns[i])).Where(c => c.Item2 is not null).ToDictionary(c => c.h, c => c.Item2!));
    }

    private static string?[] ColumnFields(string[] headers, IReadOnlyDictionary<string, string>? mapping)
    {
        var given = mapping?.ToDictionary(m => m.Key.Trim(), m => m.Value.Trim(), StringComparer.OrdinalIgnoreCase) ?? [];
        foreach (var field in given.Values.Where(f => !Fields.Contains(f)))
        {
            throw new ArgumentException($"Unknown field '{field}'; known fields: {string.Join(", ", Fields)}.", nameof(mapping));
        }

        return [.. headers.Select(h => given.TryGetValue(h, out var field) ? field
            : Fields.Contains(h.ToLowerInvariant()) ? h.ToLowerInvariant()
            : Synonyms.GetValueOrDefault(h))];
    }

    private static string? Identity(string? value, Regex? pattern)
    {
        if (string.IsNullOrEmpty(value) || pattern is null)
        {
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var match = pattern.Match(value);
        return !match.Success ? null : match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
    }

    private static PersonRecord ToRecord(Dictionary<string, List<string>> values, int row)
    {
        string? One(string field) => values.TryGetValue(field, out var list) ? list[0] : null;
        IReadOnlyList<string> All(string field) => values.TryGetValue(field, out var list) ? list : [];
        var address = new PostalAddress
        {
            StreetNumber = One("street_number"),
            Street = One("address_1"),
            Line2 = One("address_2"),
            Locality = One("locality"),
            City = One("city"),
            Postcode = One("postcode"),
            Region = One("region"),
            Country = One("country"),
        };
        return new PersonRecord(One("record_id") ?? $"row-{row + 1}")
        {
            Agency = One("agency"),
            GivenName = One("given_name"),
            FamilyName = One("family_name"),
            OriginalScriptName = One("original_name"),
            DateOfBirth = One("date_of_birth"),
            Sex = One("sex"),
            Nationalities = All("nationality"),
            Phones = All("phone"),
            Documents = [.. All("document").Select(d => new IdentityDocument(null, d, One("document_country")))],
            OtherId = One("other_id"),
            Addresses = address == new PostalAddress() ? [] : [address],
        };
    }
}
