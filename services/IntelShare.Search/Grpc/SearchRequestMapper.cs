using System.Text.RegularExpressions;
using IntelShare.Access.Client;
using IntelShare.Contracts;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Search.Engine;

namespace IntelShare.Search.Grpc;

/// <summary>From the wire request to the index's query; the index validates what it knows best (syntax, filters).</summary>
internal static partial class SearchRequestMapper
{
    public static SearchQuery ToQuery(SearchRequest request)
    {
        var text = request.Query.Trim();
        // A mode out of range is named by MessageShape; the query is read as if none were given, so that it is not
        // also called empty.
        var mode = request.Mode is SearchMode.Unspecified or SearchMode.SearchAuto || !Enum.IsDefined(request.Mode) ? Guess(text) : request.Mode;
        var filters = new List<SearchFilter>();
        var ranges = new List<DateRangeFilter>();
        if (request.Filters is { } f)
        {
            Add(filters, SearchFilterFields.Type, f.Types_.Select(t => TypeName(t)));
            Add(filters, SearchFilterFields.Agency, f.Agencies);
            Add(filters, SearchFilterFields.Classification, f.Classifications.Select(c => ((ClearanceLevel)(int)c).ToClaimValue()));
            Add(filters, SearchFilterFields.CaseRef, f.CaseRefs);
            Add(filters, SearchFilterFields.Nationality, f.Nationalities);
            Add(filters, SearchFilterFields.ExploitationForm, f.ExploitationForms);
            if (f.Recorded is { } recorded && Valid(recorded))
            {
                ranges.Add(new DateRangeFilter(SearchFilterFields.Recorded, recorded.From?.ToDateTimeOffset(), recorded.To?.ToDateTimeOffset()));
            }

            if (f.Occurred is { } occurred && Valid(occurred))
            {
                ranges.Add(new DateRangeFilter(SearchFilterFields.Event, occurred.From?.ToDateTimeOffset(), occurred.To?.ToDateTimeOffset()));
            }
        }

        return new SearchQuery
        {
            Name = mode == SearchMode.SearchName && text.Length > 0 ? text : null,
            Text = mode == SearchMode.SearchText && text.Length > 0 ? text : null,
            Identifier = mode == SearchMode.SearchIdentifier && text.Length > 0 ? new IdentifierQuery(null, text) : null,
            DateOfBirth = request.DateOfBirth.Length > 0 ? request.DateOfBirth : null,
            Filters = filters,
            DateRanges = ranges,
            Facets = [.. request.Facets.Select(name => FacetNames.GetValueOrDefault(name, name))],
            Highlight = true,
            PageSize = request.PageSize == 0 ? SearchQuery.DefaultPageSize : request.PageSize,
        };
    }

    /// <summary>
    /// Facets by their names in the contract (search.proto), each to the index's; "exploitation", the index's own name
    /// for exploitation_form, is still taken, as the CLI once wrote it.
    /// </summary>
    private static readonly Dictionary<string, string> FacetNames = new(StringComparer.Ordinal)
    {
        ["type"] = SearchFilterFields.Type,
        ["agency"] = SearchFilterFields.Agency,
        ["nationality"] = SearchFilterFields.Nationality,
        ["exploitation_form"] = SearchFilterFields.ExploitationForm,
        ["classification"] = SearchFilterFields.Classification,
        ["exploitation"] = SearchFilterFields.ExploitationForm,
    };

    /// <summary>Each facet asked for must be one the contract lists, named in its terms rather than the index's.</summary>
    public static void ValidateFacets(SearchRequest request, Violations violations)
    {
        for (var i = 0; i < request.Facets.Count; i++)
        {
            violations.Require(FacetNames.ContainsKey(request.Facets[i]), $"facets[{i}]", $"'{request.Facets[i]}' is not a facet (type, agency, nationality, exploitation_form, classification)");
        }
    }

    /// <summary>The name a facet of the index is given in the response: the one the request used for it.</summary>
    public static string FacetName(SearchRequest request, string indexField) =>
        request.Facets.LastOrDefault(name => FacetNames.GetValueOrDefault(name) == indexField) ?? indexField;

    public static CheckQuery ToCheck(FrontlineCheckRequest request, Violations violations)
    {
        var region = request.Country.Length > 0 ? request.Country.ToUpperInvariant() : null;
        ContentRules.ValidateCountry(region ?? "", violations, "country");
        switch (request.SubjectCase)
        {
            case FrontlineCheckRequest.SubjectOneofCase.DocumentNumber:
                return Identifier(IdentifierKind.Document, request.DocumentNumber, "document_number", region, violations);
            case FrontlineCheckRequest.SubjectOneofCase.Plate:
                return Identifier(IdentifierKind.Plate, request.Plate, "plate", region, violations);
            case FrontlineCheckRequest.SubjectOneofCase.Phone:
                return Identifier(IdentifierKind.Phone, request.Phone, "phone", region, violations);
            case FrontlineCheckRequest.SubjectOneofCase.Account:
                return Identifier(null, request.Account, "account", region, violations);
            case FrontlineCheckRequest.SubjectOneofCase.Person:
                var person = request.Person;
                violations.Require(person.FamilyName.Trim().Length > 0, "person.family_name", "is required for a name check");
                violations.Require(person.DateOfBirth.Trim().Length > 0, "person.date_of_birth", "is required for a name check: a name alone is not enough to act on");
                return new CheckQuery { Name = $"{person.GivenName} {person.FamilyName}".Trim(), DateOfBirth = person.DateOfBirth };
            default:
                violations.Add("subject", "is required: a document number, plate, phone, account, or a name with date of birth");
                return new CheckQuery();
        }
    }

    public static string DescribeCheck(FrontlineCheckRequest request) => request.SubjectCase switch
    {
        FrontlineCheckRequest.SubjectOneofCase.DocumentNumber => "document " + request.DocumentNumber,
        FrontlineCheckRequest.SubjectOneofCase.Plate => "plate " + request.Plate,
        FrontlineCheckRequest.SubjectOneofCase.Phone => "phone " + request.Phone,
        FrontlineCheckRequest.SubjectOneofCase.Account => "account " + request.Account,
        FrontlineCheckRequest.SubjectOneofCase.Person => $"person {request.Person.GivenName} {request.Person.FamilyName} {request.Person.DateOfBirth}",
        _ => "",
    };

    /// <summary>
    /// What an unqualified query most likely is: boolean operators or quotes mean report text, a token with
    /// digits means an identifier, anything else a name.
    /// </summary>
    private static SearchMode Guess(string text)
    {
        if (text.Contains('"') || BooleanOperator().IsMatch(text))
        {
            return SearchMode.SearchText;
        }

        var digits = text.Count(char.IsDigit);
        return digits >= 4 && digits * 2 >= text.Count(char.IsLetterOrDigit) ? SearchMode.SearchIdentifier : SearchMode.SearchName;
    }

    private static CheckQuery Identifier(IdentifierKind? kind, string value, string field, string? region, Violations violations)
    {
        violations.Require(value.Trim().Length > 0, field, "is empty");
        return new CheckQuery { Identifier = new IdentifierQuery(kind, value, region) };
    }

    /// <summary>A range whose ends a calendar holds: any other is named by MessageShape, and left out of the query.</summary>
    private static bool Valid(TimeRange range) =>
        (range.From is null || MessageShape.IsValid(range.From)) && (range.To is null || MessageShape.IsValid(range.To));

    private static void Add(List<SearchFilter> filters, string field, IEnumerable<string> values)
    {
        var list = values.Where(v => v.Length > 0).ToList();
        if (list.Count > 0)
        {
            filters.Add(new SearchFilter(field, list));
        }
    }

    private static string TypeName(Contracts.V1.RecordType type) => type.ToString().ToLowerInvariant();

    [GeneratedRegex(@"\b(AND|OR|NOT)\b|(^|\s)[+-]\w")]
    private static partial Regex BooleanOperator();
}
