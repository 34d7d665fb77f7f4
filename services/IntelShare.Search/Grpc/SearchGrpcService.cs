using System.Collections.Frozen;
using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Access.Client;
using IntelShare.Contracts;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.Search.Domain;
using IntelShare.Search.Engine;
using IntelShare.ServiceDefaults;
using EngineHit = IntelShare.Search.Engine.SearchHit;
using WireHit = IntelShare.Contracts.V1.SearchHit;

namespace IntelShare.Search.Grpc;

/// <summary>
/// The Search service. The index applies need-to-know inside the query (a filter built from the caller), so pages
/// are full and counts right; this class maps the request, releases each hit as its decision allows — whole,
/// redacted, or only who holds it — and audits the query with what it released.
/// </summary>
public sealed class SearchGrpcService(
    ISearchIndex index, IAccessSessionFactory access, ICaseDirectory cases, IAgencyDirectory agencies, IServiceProvider services) : SearchService.SearchServiceBase
{
    /// <summary>A filter on an agency not taking part (a typo) would match nothing, silently.</summary>
    private async Task RequireKnownAgenciesAsync(SearchFilters? filters, ServerCallContext context, Violations violations)
    {
        if (filters is null || filters.Agencies.Count == 0)
        {
            return;
        }

        var known = await agencies.KnownAsync(filters.Agencies.Select(code => code.ToUpperInvariant()), context.CancellationToken);
        for (var i = 0; i < filters.Agencies.Count; i++)
        {
            var code = filters.Agencies[i];
            if (!known.Contains(code))
            {
                violations.Add($"filters.agencies[{i}]", known.Contains(code.ToUpperInvariant())
                    ? $"'{code}': agency codes are written in capitals, '{code.ToUpperInvariant()}'"
                    : $"'{code}' is not an agency taking part (Identity's ListAgencies lists them)");
            }
        }
    }

    /// <summary>
    /// Records name a case as it was opened: a filter on "op-x" finds those of "OP-X". A filter may name only a case the
    /// caller knows of: else it would tell which readable records are filed under a case the caller may not know exists.
    /// </summary>
    private async Task SpellCasesAsOpenedAsync(SearchFilters? filters, ServerCallContext context, Violations violations)
    {
        for (var i = 0; i < (filters?.CaseRefs.Count ?? 0); i++)
        {
            var caseRef = filters!.CaseRefs[i];
            if (string.IsNullOrWhiteSpace(caseRef))
            {
                continue;
            }

            if (await cases.FindKnownAsync(context.GetSubject(), caseRef, context.CancellationToken) is { } spelt)
            {
                filters.CaseRefs[i] = spelt;
            }
            else
            {
                violations.Add($"filters.case_refs[{i}]", UnknownCase.Message(caseRef));
            }
        }
    }

    public override async Task<SearchResponse> Search(SearchRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        await JustificationRules.ValidateAsync(request.Justification, violations, cases, context.GetSubject(), context.CancellationToken);
        violations.Require(request.PageSize is >= 0 and <= SearchQuery.MaxPageSize, "page_size", $"must be between 0 and {SearchQuery.MaxPageSize}");
        for (var i = 0; i < (request.Filters?.Nationalities.Count ?? 0); i++)
        {
            // Compared in capitals, as records hold them: "ro" finds Romanians.
            ContentRules.ValidateCountry(request.Filters!.Nationalities[i].ToUpperInvariant(), violations, $"filters.nationalities[{i}]");
        }

        await RequireKnownAgenciesAsync(request.Filters, context, violations);
        await SpellCasesAsOpenedAsync(request.Filters, context, violations);
        SearchRequestMapper.ValidateFacets(request, violations);
        // After the cases are spelt as opened: "op-x" and "OP-X" are one query, paged with the same tokens.
        var pageTokens = SearchPageToken.Of(request);
        var query = SearchRequestMapper.ToQuery(request) with { Cursor = pageTokens.CursorOf(request.PageToken, violations) };
        AddEngineProblems(violations, QueryRules.Problems(query), SearchField);
        violations.ThrowIfAny();
        var session = await BeginAsync(context, request.Justification, "search");
        // Hits are tied to entities only for records the caller may read: the tie itself is content.
        var entities = services.GetService(typeof(IEntityDirectory)) as IEntityDirectory;
        SearchResult result;
        try
        {
            result = request.GroupByEntity
                ? await new EntityGroupedSearch(index, entities).SearchAsync(query, Principal(session), context.CancellationToken)
                : await index.SearchAsync(query, Principal(session), context.CancellationToken);
        }
        catch (SearchQueryException invalid)
        {
            throw Invalid(invalid, SearchField);
        }

        var response = new SearchResponse { Total = result.TotalHits, NextPageToken = pageTokens.For(result.NextCursor) };
        var released = new List<(ResourceMarking, AccessDecision)>();
        var contents = await ReleaseContentsAsync(session, result.Hits, context.CancellationToken);
        // Grouped hits carry their group's entity, read once, so that a merge meanwhile cannot set a hit apart from its group.
        var groupEntity = result.Groups?.SelectMany(g => g.Hits.Select(h => (h.RecordId, g.EntityId))).ToDictionary(p => p.RecordId, p => p.EntityId);
        for (var i = 0; i < result.Hits.Count; i++)
        {
            var hit = result.Hits[i];
            var wire = Release(hit, contents.Records[i], contents.Withheld[i], released);
            if (hit.Readable && (groupEntity is null ? entities?.EntityOf(hit.RecordId) : groupEntity[hit.RecordId]) is { } entityId)
            {
                wire.EntityId = entityId;
            }

            response.Hits.Add(wire);
        }

        foreach (var (field, values) in result.Facets)
        {
            var facet = new Facet { Field = SearchRequestMapper.FacetName(request, field) };
            facet.Values.AddRange(values.Select(v => new Contracts.V1.FacetValue { Value = v.Value, Count = v.Count }));
            response.Facets.Add(facet);
        }

        foreach (var group in result.Groups ?? [])
        {
            // A group of hits without a reference would still name its entity, and through it the record.
            if (group.Hits.Where(h => !h.FoundThroughWithheld).Select(h => h.RecordId).ToList() is { Count: > 0 } referenced)
            {
                response.Groups.Add(new EntityGroup { EntityId = group.EntityId ?? "", RecordIds = { referenced } });
            }
        }

        await session.AuditAsync($"search {Describe(request)}", released, contents.LinkTargets, 0, context.CancellationToken);
        return response;
    }

    public override async Task<FrontlineCheckResponse> FrontlineCheck(FrontlineCheckRequest request, ServerCallContext context)
    {
        var clock = Stopwatch.StartNew();
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        await JustificationRules.ValidateAsync(request.Justification, violations, cases, context.GetSubject(), context.CancellationToken);
        var query = SearchRequestMapper.ToCheck(request, violations);
        AddEngineProblems(violations, QueryRules.Problems(query), engineField => CheckField(request, engineField));
        violations.ThrowIfAny();
        var session = await BeginAsync(context, request.Justification, "frontline_check");
        CheckResult result;
        try
        {
            result = await index.CheckAsync(query, Principal(session), context.CancellationToken);
        }
        catch (SearchQueryException invalid)
        {
            throw Invalid(invalid, engineField => CheckField(request, engineField));
        }

        var response = new FrontlineCheckResponse { Hit = result.Hit };
        var released = new List<(ResourceMarking, AccessDecision)>();
        var contents = await ReleaseContentsAsync(session, result.Hits, context.CancellationToken);
        for (var i = 0; i < result.Hits.Count; i++)
        {
            var hit = result.Hits[i];
            var wire = Release(hit, contents.Records[i], contents.Withheld[i], released);
            var marking = wire.Record?.Content?.Marking;
            response.Hits.Add(new FrontlineHit
            {
                HolderAgency = hit.HolderAgency,
                RecordId = wire.RecordId,
                Type = wire.Type,
                Decision = wire.Decision,
                Record = wire.Record,
                Handling = marking?.Handling,
                Action = ActionFor(hit, marking),
            });
        }

        await session.AuditAsync($"check {SearchRequestMapper.DescribeCheck(request)}", released, contents.LinkTargets, 0, context.CancellationToken);
        response.TookMs = clock.Elapsed.TotalMilliseconds;
        return response;
    }

    private Task<AccessSession> BeginAsync(ServerCallContext context, Justification justification, string action) =>
        access.BeginAsync(new AccessQuery(context.GetSubject(), justification.ToReadJustification(), action, context.Peer, "search"), context.CancellationToken);

    private static SearchPrincipal Principal(AccessSession session) => new(session.Query.Subject, session.Context, session.Query.Justification);

    /// <summary>
    /// The content of each readable hit as its decision lets it leave, without links to records the caller may not
    /// learn exist (their targets decided together, and only when a hit has links), with the decisions on those targets.
    /// </summary>
    private async Task<ReleasedContents> ReleaseContentsAsync(AccessSession session, IReadOnlyList<EngineHit> hits, CancellationToken cancellationToken)
    {
        var records = hits
            .Select(hit => hit.Readable ? Redactor.Release(Record.Parser.ParseFrom(hit.DisplayPayload!.Value.Span), hit.Decision.Effect, hit.Decision.RedactedFields) : null)
            .ToArray();
        var targets = LinkRelease.Targets(records);
        var decided = new List<(ResourceMarking, AccessDecision)>();
        var hidden = targets.Count == 0
            ? FrozenSet<string>.Empty
            : LinkRelease.Hidden(session, targets, await index.MarkingsAsync([.. targets], cancellationToken), decided);
        return new ReleasedContents(records, LinkRelease.WithholdAll(records, hidden), decided);
    }

    private sealed record ReleasedContents(Record?[] Records, IReadOnlyList<string>[] Withheld, List<(ResourceMarking, AccessDecision)> LinkTargets);

    /// <summary>A hit as it may leave the service; existence-only hits carry the holder and reference only.</summary>
    private static WireHit Release(EngineHit hit, Record? content, IReadOnlyList<string> withheldLinks, List<(ResourceMarking, AccessDecision)> released)
    {
        var wire = new WireHit
        {
            RecordId = hit.RecordId,
            Type = SearchDocumentMapper.ToWireType(hit.Type),
            HolderAgency = hit.HolderAgency,
            Decision = hit.Decision.ToMessage(),
            Score = hit.Score,
        };
        if (!hit.Readable)
        {
            wire.Decision.Effect = Effect.ExistenceOnly;
            if (hit.FoundThroughWithheld)
            {
                wire.RecordId = "";
                wire.Decision = ContractMapping.ToFoundThroughWithheldMessage(hit.HolderAgency);
            }

            released.Add((Reference(hit), hit.Decision));
            return wire;
        }

        var record = content!;
        wire.Decision = LinkRelease.Reporting(wire.Decision, withheldLinks);
        wire.Version = hit.Version ?? record.Version;
        wire.Record = record;
        wire.Title = SearchDocumentMapper.Title(record);
        wire.Highlights.AddRange(hit.Highlights.Select(h => new Highlight { Field = h.FieldPath, Fragments = { h.Fragments } }));
        released.Add((Reference(hit), hit.Decision));
        return wire;
    }

    /// <summary>What the audit log needs of a hit's resource: its id and holder (the decision carries the rest).</summary>
    private static ResourceMarking Reference(EngineHit hit) => new()
    {
        Kind = ResourceKind.Record,
        ResourceId = hit.RecordId,
        Classification = ClearanceLevel.Official,
        OriginatorAgency = hit.HolderAgency,
    };

    private static string ActionFor(EngineHit hit, Marking? marking)
    {
        var contact = hit.FoundThroughWithheld
            ? $"Contact {hit.HolderAgency}, who hold a record matching this check ({FoundThroughWithheld.Reason})"
            : $"Contact {hit.HolderAgency} quoting reference {hit.RecordId}";
        if (marking?.Handling is { } handling && handling.Code == HandlingCode.HandlingC && handling.Conditions.Length > 0)
        {
            return $"{contact}. Handling C: {handling.Conditions}";
        }

        return hit.Decision.Effect >= AccessEffect.PermitRedacted
            ? $"{contact} before acting on it."
            : $"{contact}: you may not read it; the holder decides what to share.";
    }

    /// <summary>
    /// The engine words a problem "field: what is wrong" in its own query's terms; the caller is told the field of the
    /// request they sent, and what is wrong without the field repeated.
    /// </summary>
    private static ValidationFailedException Invalid(SearchQueryException invalid, Func<string, string> wireField) =>
        new([.. invalid.Problems.Select(problem => ToViolation(problem, wireField))]);

    /// <summary>
    /// The engine's problems, in the request's field names, except on a field this service has already named, itself
    /// or an item of it (a type out of range is named as filters.types[0], not again as filters.types).
    /// </summary>
    private static void AddEngineProblems(Violations violations, IReadOnlyList<string> problems, Func<string, string> wireField)
    {
        var named = violations.Items.Select(v => v.Field).ToList();
        bool Named(string field) => named.Exists(n => n == field || (n.StartsWith(field, StringComparison.Ordinal) && n.Length > field.Length && n[field.Length] == '['));
        foreach (var violation in problems.Select(problem => ToViolation(problem, wireField)).Where(v => !Named(v.Field)))
        {
            violations.Add(violation.Field, violation.Description);
        }
    }

    private static FieldViolation ToViolation(string problem, Func<string, string> wireField)
    {
        var colon = problem.IndexOf(':', StringComparison.Ordinal);
        var field = colon > 0 ? problem[..colon].Trim() : "";
        return field.Length == 0 || field.Contains(' ', StringComparison.Ordinal)
            ? new FieldViolation(wireField(""), problem)
            : new FieldViolation(wireField(field), problem[(colon + 1)..].Trim());
    }

    private static string SearchField(string engineField) => engineField switch
    {
        "text" or "name" or "identifier" or "identifier.value" or "identifier.kind" or "query" or "" => "query",
        "cursor" => "page_token",
        "date_ranges." + SearchFilterFields.Recorded => "filters.recorded",
        "date_ranges." + SearchFilterFields.Event => "filters.occurred",
        "date_ranges" => "filters",
        "filters." + SearchFilterFields.Type => "filters.types",
        "filters." + SearchFilterFields.Agency => "filters.agencies",
        "filters." + SearchFilterFields.Classification => "filters.classifications",
        "filters." + SearchFilterFields.CaseRef => "filters.case_refs",
        "filters." + SearchFilterFields.Nationality => "filters.nationalities",
        "filters." + SearchFilterFields.ExploitationForm => "filters.exploitation_forms",
        _ => engineField,
    };

    private static string CheckField(FrontlineCheckRequest request, string engineField) => engineField switch
    {
        "name" => "person",
        "date_of_birth" => "person.date_of_birth",
        "identifier.region" => "country",
        "identifier" or "identifier.value" or "identifier.kind" => request.SubjectCase switch
        {
            FrontlineCheckRequest.SubjectOneofCase.DocumentNumber => "document_number",
            FrontlineCheckRequest.SubjectOneofCase.Plate => "plate",
            FrontlineCheckRequest.SubjectOneofCase.Phone => "phone",
            FrontlineCheckRequest.SubjectOneofCase.Account => "account",
            _ => "subject",
        },
        _ => "subject",
    };

    private static string Describe(SearchRequest request) =>
        $"{request.Mode.ToString().ToLowerInvariant()} \"{request.Query}\"{(request.DateOfBirth.Length > 0 ? " born " + request.DateOfBirth : "")}";
}
