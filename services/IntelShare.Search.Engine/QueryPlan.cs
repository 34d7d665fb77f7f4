using System.Buffers.Binary;
using System.Text;
using IntelShare.Normalisation;

namespace IntelShare.Search.Engine;

/// <summary>Where the previous page ended: the last hit's score and record id (the tie-break).</summary>
public readonly record struct SearchCursor(float Score, string RecordId)
{
    private const byte Format = 1;

    public string Encode()
    {
        var id = Encoding.UTF8.GetBytes(RecordId);
        var bytes = new byte[1 + 4 + id.Length];
        bytes[0] = Format;
        BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(1), Score);
        id.CopyTo(bytes, 5);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryDecode(string text, out SearchCursor cursor)
    {
        cursor = default;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var bytes = Convert.FromBase64String(base64);
            if (bytes.Length < 6 || bytes[0] != Format)
            {
                return false;
            }

            var score = BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(1));
            if (!float.IsFinite(score))
            {
                return false;
            }

            cursor = new SearchCursor(score, new UTF8Encoding(false, true).GetString(bytes, 5, bytes.Length - 5));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>The normalised identifier terms to look up: one exact field and the values it may take.</summary>
public sealed record IdentifierTerms(string Field, IReadOnlyList<string> Values)
{
    public static IdentifierTerms? From(IdentifierQuery query)
    {
        if (query.Kind is { } kind)
        {
            var value = IndexFields.NormaliseIdentifier(kind, query.Value, query.Region);
            return value.Length == 0 ? null : new(IndexFields.Identifier, [IndexFields.IdentifierTerm(kind, value)]);
        }

        // The kind is unknown: the value may be a phone number (E.164) or any other identifier.
        var values = new[] { Identifiers.Normalise(query.Value), PhoneNumberText.Normalise(query.Value, query.Region) }
            .Where(v => v.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return values.Length == 0 ? null : new(IndexFields.IdentifierValue, values);
    }
}

/// <summary>
/// A validated query, engine independent: the matching parts normalised, and the filters as conditions split
/// by what they may see (holder fields on every visible record, content fields on readable records only).
/// </summary>
public sealed record QueryPlan(
    string? Text,
    IReadOnlyList<string> NameTokens,
    PartialDate? DateOfBirth,
    IdentifierTerms? Identifier,
    Cond HolderFilter,
    Cond ContentFilter,
    IReadOnlyList<string> Facets,
    int PageSize,
    SearchCursor? After,
    bool Highlight)
{
    public bool MatchesNamesOrIdentifiers => NameTokens.Count > 0 || Identifier is not null || DateOfBirth is not null;

    /// <summary>
    /// Every name token must be found (a frontline check): an officer's hit on "Anna Jones, 03/07/1990" must not be
    /// some Anna Smith born that day, which a search, ranking her below, may show.
    /// </summary>
    public bool WholeNameRequired { get; init; }

    /// <summary>Longer than any name (a name token is matched fuzzily, so its cost grows with the count).</summary>
    public const int MaxNameLength = 300;

    public const int MaxNameTokens = 12;

    /// <summary>A text query is parsed and expanded (wildcards, fuzzy terms): long ones cost seconds and gigabytes.</summary>
    public const int MaxTextLength = 2_000;

    /// <summary>Validates <paramref name="query"/>; every problem goes into <paramref name="problems"/>.</summary>
    public static QueryPlan Create(SearchQuery query, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Text is { Length: > MaxTextLength })
        {
            problems.Add($"text: is longer than {MaxTextLength:N0} characters");
        }

        if (query.Name is { Length: > MaxNameLength })
        {
            problems.Add($"name: is longer than {MaxNameLength} characters");
        }

        var text = string.IsNullOrWhiteSpace(query.Text) || query.Text.Length > MaxTextLength ? null : query.Text.Trim();
        var nameTokens = query.Name is { Length: > MaxNameLength } ? [] : NameText.Tokens(query.Name);
        if (query.Name is { Length: <= MaxNameLength } && nameTokens.Length == 0)
        {
            problems.Add("name: has no letters or digits");
        }
        else if (nameTokens.Length > MaxNameTokens)
        {
            problems.Add($"name: has {nameTokens.Length} words; a name has at most {MaxNameTokens}");
        }

        var dob = ParseDateOfBirth(query.DateOfBirth, problems);
        IdentifierTerms? identifier = null;
        if (query.Identifier is { } id)
        {
            if (id.Kind is { } kind && !Enum.IsDefined(kind))
            {
                problems.Add($"identifier.kind: unknown kind {(int)kind}");
            }
            else
            {
                identifier = IdentifierTerms.From(id);
                if (identifier is null)
                {
                    problems.Add(id.Kind == IdentifierKind.Phone
                        ? "identifier.value: has no digits, so it is not a phone number"
                        : "identifier.value: has no letters or digits");
                }
                else if (id.Kind == IdentifierKind.Phone && PhoneNumberText.NeedsRegion(id.Value, id.Region))
                {
                    // Phones are stored in E.164: the national digits alone would answer "no hit" for a number on file.
                    problems.Add($"identifier.region: is required to read the national number '{id.Value}': give the country it is dialled in, or write the number with its country code (+...)");
                }
            }
        }

        var holder = new List<Cond>();
        var content = new List<Cond>();
        foreach (var filter in query.Filters)
        {
            if (!SearchFilterFields.Terms.Contains(filter.Field))
            {
                problems.Add($"filters: unknown field '{filter.Field}' (known: {string.Join(", ", SearchFilterFields.Terms)})");
                continue;
            }

            var values = filter.Values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToArray();
            if (values.Length == 0)
            {
                problems.Add($"filters.{filter.Field}: no values");
                continue;
            }

            var indexed = filter.Field switch
            {
                SearchFilterFields.Type => TypeValues(values, problems),
                SearchFilterFields.Nationality => values.Select(v => v.ToUpperInvariant()).ToArray(),
                SearchFilterFields.ExploitationForm => values.Select(v => v.ToLowerInvariant()).ToArray(),
                SearchFilterFields.Classification => values.Select(v => v.ToUpperInvariant().Replace('-', '_')).ToArray(),
                _ => values,
            };
            (SearchFilterFields.IsHolderField(filter.Field) ? holder : content).Add(Cond.AnyOf(IndexFields.ForFilter(filter.Field), indexed));
        }

        if (query.RecordIds.Count > 0)
        {
            holder.Add(Cond.AnyOf(IndexFields.Id, query.RecordIds));
        }

        foreach (var range in query.DateRanges)
        {
            if (range.From is null && range.To is null)
            {
                problems.Add($"date_ranges.{range.Field}: neither from nor to");
                continue;
            }

            if (range.From > range.To)
            {
                problems.Add($"date_ranges.{range.Field}: from is after to");
                continue;
            }

            long? from = range.From is { } f ? IndexFields.Millis(f) : null;
            long? to = range.To is { } t ? IndexFields.Millis(t) : null;
            switch (range.Field)
            {
                case SearchFilterFields.Recorded:
                    content.Add(Cond.Range(IndexFields.RecordedAt, from, to));
                    break;
                case SearchFilterFields.Event:
                    // Overlap: the event starts before the range ends and ends after it starts.
                    content.Add(Cond.And(Cond.Range(IndexFields.EventFrom, null, to), Cond.Range(IndexFields.EventTo, from, null)));
                    break;
                default:
                    problems.Add($"date_ranges: unknown field '{range.Field}' (known: {string.Join(", ", SearchFilterFields.Dates)})");
                    break;
            }
        }

        foreach (var facet in query.Facets.Where(f => !SearchFilterFields.Facets.Contains(f)))
        {
            problems.Add($"facets: unknown field '{facet}' (known: {string.Join(", ", SearchFilterFields.Facets)})");
        }

        if (query.PageSize is < 1 or > SearchQuery.MaxPageSize)
        {
            problems.Add($"page_size: {query.PageSize} is not between 1 and {SearchQuery.MaxPageSize}");
        }

        SearchCursor? after = null;
        if (query.Cursor is not null)
        {
            if (SearchCursor.TryDecode(query.Cursor, out var cursor))
            {
                after = cursor;
            }
            else
            {
                problems.Add("cursor: not a cursor this index returned");
            }
        }

        // Text too long to run is named as such above, not also called empty.
        if (string.IsNullOrWhiteSpace(query.Text) && query.Name is null && query.Identifier is null && query.DateOfBirth is null && query.Filters.Count == 0 && query.DateRanges.Count == 0 && query.RecordIds.Count == 0)
        {
            problems.Add("query: empty (give text, a name, an identifier, a date of birth or a filter)");
        }

        return new QueryPlan(
            text,
            nameTokens,
            dob,
            identifier,
            Cond.And([.. holder]),
            Cond.And([.. content]),
            query.Facets.Distinct().ToArray(),
            query.PageSize,
            after,
            query.Highlight);
    }

    /// <summary>A check is a search for an identifier, or a name with an optional date of birth, and nothing else.</summary>
    public static QueryPlan Create(CheckQuery check, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (check.Identifier is null && check.Name is null)
        {
            problems.Add("check: give an identifier or a name");
        }

        if (check.MaxHits is < 1 or > SearchQuery.MaxPageSize)
        {
            problems.Add($"max_hits: {check.MaxHits} is not between 1 and {SearchQuery.MaxPageSize}");
        }

        return Create(
            new SearchQuery { Identifier = check.Identifier, Name = check.Name, DateOfBirth = check.DateOfBirth, PageSize = Math.Clamp(check.MaxHits, 1, SearchQuery.MaxPageSize) },
            problems) with { WholeNameRequired = true };
    }

    public static PartialDate? ParseDateOfBirth(string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (PartialDate.TryParse(text, out var date))
        {
            return date;
        }

        problems.Add($"date_of_birth: '{text}' is not a date (1990, 1990-07, 1990-07-03 or 03/07/1990)");
        return null;
    }

    /// <summary>Records whose date of birth agrees with <paramref name="date"/> at the precision both know, or is unknown.</summary>
    public static Cond DateOfBirthCompatible(PartialDate date)
    {
        var terms = IndexFields.DateOfBirthTerms(date).ToArray();
        var year = Cond.Term(IndexFields.DateOfBirth, terms[0]);
        var precise = Cond.Term(IndexFields.DateOfBirth, terms[^2]);
        return Cond.Or(
            Cond.Not(AnyDateOfBirth),
            precise,
            date.HasMonth ? Cond.And(year, Cond.Term(IndexFields.DateOfBirth, "p:y")) : Cond.None,
            date.HasDay ? Cond.And(Cond.Term(IndexFields.DateOfBirth, terms[1]), Cond.Term(IndexFields.DateOfBirth, "p:m")) : Cond.None);
    }

    private static readonly Cond AnyDateOfBirth = Cond.AnyOf(IndexFields.DateOfBirth, ["p:y", "p:m", "p:d"]);

    private static string[] TypeValues(string[] values, List<string> problems)
    {
        var types = new List<string>();
        foreach (var value in values)
        {
            if (IndexFields.TryParseType(value, out var type))
            {
                types.Add(IndexFields.TypeName(type));
            }
            else
            {
                problems.Add($"filters.type: unknown record type '{value}'");
            }
        }

        return [.. types];
    }
}
