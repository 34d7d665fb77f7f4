using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Access.Client;
using IntelShare.Access.Domain;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.ServiceDefaults;

namespace IntelShare.Access.Grpc;

public sealed class AccessGrpcService(
    AccessManager manager,
    AccessStore store,
    IAccessChecker checker,
    IAccessSessionFactory sessions,
    IAuditTrail audit,
    TimeProvider clock) : AccessService.AccessServiceBase
{
    private const int MaxCheckBatch = 1_000;
    private const int MaxAuditQueryEvents = RemoteAuditTrail.MaxEventsPerCall;

    private static readonly HashSet<string> AuditedEffects = ["PERMIT", "PERMIT_REDACTED", "EXISTENCE_ONLY", "DENY", "results", "no-results"];

    public override async Task<Case> CreateCase(CreateCaseRequest request, ServerCallContext context) =>
        MapToCase(await manager.CreateCaseAsync(AgencyMember(context), request.CaseRef, request.Title, request.Members.Select(MapToMembership).ToList()));

    public override Task<Case> GetCase(GetCaseRequest request, ServerCallContext context) =>
        Task.FromResult(MapToCase(manager.GetCase(AgencyMember(context), request.CaseRef)));

    public override Task<ListCasesResponse> ListCases(ListCasesRequest request, ServerCallContext context)
    {
        var response = new ListCasesResponse();
        response.Cases.AddRange(store.ListCases(AgencyMember(context)).Select(MapToCase));
        return Task.FromResult(response);
    }

    public override async Task<Case> AddCaseMember(CaseMemberRequest request, ServerCallContext context) =>
        MapToCase(await manager.ChangeMemberAsync(AgencyMember(context), request.CaseRef, MapToMembership(request.Member ?? new CaseMember()), add: true));

    public override async Task<Case> RemoveCaseMember(CaseMemberRequest request, ServerCallContext context) =>
        MapToCase(await manager.ChangeMemberAsync(AgencyMember(context), request.CaseRef, MapToMembership(request.Member ?? new CaseMember()), add: false));

    public override async Task<Case> RecordCompromise(RecordCompromiseRequest request, ServerCallContext context) =>
        MapToCase(await manager.RecordCompromiseAsync(AgencyMember(context), request.CaseRef, request.At?.ToDateTimeOffset(), request.Note));

    public override async Task<AccessRequest> RequestAccess(RequestAccessRequest request, ServerCallContext context) =>
        MapToRequest(await manager.RequestAsync(AgencyMember(context), request.RecordId, request.Reason, request.CaseRef));

    public override Task<ListAccessRequestsResponse> ListAccessRequests(ListAccessRequestsRequest request, ServerCallContext context)
    {
        var response = new ListAccessRequestsResponse();
        response.Requests.AddRange(store.ListRequests(AgencyMember(context), request.Incoming, request.PendingOnly).Select(MapToRequest));
        return Task.FromResult(response);
    }

    public override async Task<AccessRequest> ApproveAccessRequest(ApproveAccessRequestRequest request, ServerCallContext context) =>
        MapToRequest(await manager.ApproveAsync(AgencyMember(context), request.RequestId, request.ExpiresAt?.ToDateTimeOffset(), request.Reason));

    public override async Task<AccessRequest> RefuseAccessRequest(RefuseAccessRequestRequest request, ServerCallContext context) =>
        MapToRequest(await manager.RefuseAsync(AgencyMember(context), request.RequestId, request.Reason));

    public override Task<ListGrantsResponse> ListGrants(ListGrantsRequest request, ServerCallContext context)
    {
        var response = new ListGrantsResponse();
        response.Grants.AddRange(store.ListGrants(AgencyMember(context), request.Given, request.IncludeExpired, clock.GetUtcNow()).Select(MapToGrant));
        return Task.FromResult(response);
    }

    public override async Task<Grant> RevokeGrant(RevokeGrantRequest request, ServerCallContext context) =>
        MapToGrant(await manager.RevokeAsync(AgencyMember(context), request.GrantId, request.Reason));

    public override async Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var decisions = await CheckItems([request.Item], request.Justification, request.Action, context, "item");
        return new CheckResponse { Decision = decisions[0] };
    }

    public override async Task<CheckBatchResponse> CheckBatch(CheckBatchRequest request, ServerCallContext context)
    {
        var response = new CheckBatchResponse();
        response.Decisions.AddRange(await CheckItems(request.Items, request.Justification, request.Action, context, "items"));
        return response;
    }

    private async Task<Decision[]> CheckItems(IList<CheckItem?> items, Justification? justification, string action, ServerCallContext context, string field)
    {
        // The marking decided on is the caller's word, and the decision is audited as the user's read.
        await context.RequirePlatformServiceAsync("Check");
        var violations = new Violations();
        violations.Require(items.Count > 0, field, "must hold at least one item");
        violations.Require(items.Count <= MaxCheckBatch, field, $"must hold at most {MaxCheckBatch} items");
        for (var i = 0; i < items.Count; i++)
        {
            var path = items.Count == 1 && field == "item" ? field : $"{field}[{i}]";
            var item = items[i];
            if (item is null)
            {
                violations.Add(path, "is required");
                continue;
            }

            violations.Require(!string.IsNullOrWhiteSpace(item.ResourceId), $"{path}.resource_id", "is required");
            violations.Require(item.Marking is not null, $"{path}.marking", "is required");
            for (var c = 0; c < (item.Marking?.Caveats.Count ?? 0); c++)
            {
                violations.Require(CaveatNames.TryParse(item.Marking!.Caveats[c], out _), $"{path}.marking.caveats[{c}]", $"'{item.Marking.Caveats[c]}' is not a known caveat");
            }
            violations.Require(ContractMapping.ToResourceKind(item.ResourceKind) != IntelShare.Policy.ResourceKind.Unspecified, $"{path}.resource_kind", "must be record, entity or link");
        }

        JustificationRules.Validate(justification, violations);
        violations.ThrowIfAny();

        var resources = items.Select(i => i!.Marking.ToResourceMarking(ContractMapping.ToResourceKind(i.ResourceKind), i.ResourceId, ContractMapping.ToBodyKind(i.RecordType), i.Withdrawn)).ToList();
        var query = new AccessQuery(context.GetSubject(), justification!.ToReadJustification(), string.IsNullOrEmpty(action) ? "check" : action, context.Peer, "access");
        var decisions = await checker.CheckAsync(query, resources, context.CancellationToken);
        return decisions.Select(d => d.Message).ToArray();
    }

    public override async Task<QueryContext> BeginQuery(BeginQueryRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        JustificationRules.Validate(request.Justification, violations);
        violations.Require(!string.IsNullOrWhiteSpace(request.Action), "action", "is required: name what the query is audited as (search, traverse, match...)");
        violations.ThrowIfAny();

        var query = new AccessQuery(context.GetSubject(), request.Justification!.ToReadJustification(), request.Action, context.Peer, "access");
        var session = await sessions.BeginAsync(query, context.CancellationToken);
        var response = new QueryContext { Now = Timestamp.FromDateTimeOffset(session.Now) };
        response.CaseMemberships.AddRange(session.Context.CaseMemberships.Order(StringComparer.Ordinal));
        response.Grants.AddRange(session.Context.Grants.Select(grant =>
        {
            var message = new QueryGrant
            {
                GrantId = grant.GrantId,
                ValidFrom = Timestamp.FromDateTimeOffset(grant.ValidFrom),
                ValidTo = Timestamp.FromDateTimeOffset(grant.ValidTo),
                GrantedByAgency = grant.GrantedByAgency,
            };
            message.ResourceIds.AddRange(grant.ResourceIds.Order(StringComparer.Ordinal));
            message.CoveredCaveats.AddRange(CaveatNames.Names(grant.CoveredCaveats));
            return message;
        }));
        return response;
    }

    public override async Task<AuditQueryResponse> AuditQuery(AuditQueryRequest request, ServerCallContext context)
    {
        await context.RequirePlatformServiceAsync("AuditQuery");
        var violations = new Violations();
        violations.Require(request.Events.Count > 0, "events", "must hold at least one event");
        violations.Require(request.Events.Count <= MaxAuditQueryEvents, "events", $"must hold at most {MaxAuditQueryEvents} events");
        for (var i = 0; i < request.Events.Count; i++)
        {
            var item = request.Events[i];
            var path = $"events[{i}]";
            violations.Require(!string.IsNullOrWhiteSpace(item.Action), $"{path}.action", "is required");
            violations.Require(!string.IsNullOrWhiteSpace(item.ResourceKind), $"{path}.resource_kind", "is required");
            violations.Require(AuditedEffects.Contains(item.Effect), $"{path}.effect", $"must be one of {string.Join(", ", AuditedEffects)}");
            violations.Require(!string.IsNullOrWhiteSpace(item.Service), $"{path}.service", "is required");
            JustificationRules.Validate(item.Justification, violations, $"{path}.justification");
        }

        violations.ThrowIfAny();

        // Who the entries name is the caller of this RPC, whatever service relays them: no one can audit in another's name.
        var subject = context.GetSubject();
        var now = clock.GetUtcNow();
        var events = request.Events.Select(item =>
        {
            var justification = item.Justification.ToReadJustification();
            return new AuditEvent(
                now, subject.UserId, subject.DisplayName, subject.Agency, item.Action, item.ResourceKind, item.ResourceId, item.HolderAgency,
                justification.CaseRef ?? "", justification.Reason ?? "", justification.Purpose.ToWireName(), item.Effect, item.Rule,
                string.IsNullOrEmpty(item.Origin) ? context.Peer : item.Origin, item.Service, item.ResourceCaseRefs.ToArray());
        }).ToList();
        await audit.AppendAsync(events, context.CancellationToken);
        return new AuditQueryResponse { Appended = events.Count };
    }

    // Cases, requests and grants are agency business; the platform services account is registered under the agency
    // that operates it, and would otherwise see that agency's cases, incoming requests and given grants.
    private static Subject AgencyMember(ServerCallContext context) => context.GetSubject().AsAgencyMember("work with cases, access requests or grants");

    private static CaseMembership MapToMembership(CaseMember member) =>
        new(string.IsNullOrWhiteSpace(member.UserId) ? null : member.UserId, string.IsNullOrWhiteSpace(member.Agency) ? null : member.Agency);

    private static Case MapToCase(CaseFile file)
    {
        var message = new Case
        {
            CaseRef = file.CaseRef,
            Title = file.Title,
            OwnerAgency = file.OwnerAgency,
            CreatedAt = Timestamp.FromDateTimeOffset(file.CreatedAt),
            CompromisedAt = file.CompromisedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        message.Members.AddRange(file.Members.Select(m => new CaseMember { UserId = m.UserId ?? "", Agency = m.Agency ?? "" }));
        return message;
    }

    private static AccessRequest MapToRequest(AccessRequestFile file) => new()
    {
        RequestId = file.RequestId,
        RequesterUserId = file.RequesterUserId,
        RequesterAgency = file.RequesterAgency,
        RecordId = file.RecordId,
        HolderAgency = file.HolderAgency,
        Reason = file.Reason,
        CaseRef = file.CaseRef,
        State = (AccessRequestState)(int)file.State,
        DecidedBy = file.DecidedBy,
        DecisionReason = file.DecisionReason,
        RequestedAt = Timestamp.FromDateTimeOffset(file.RequestedAt),
        DecidedAt = file.DecidedAt is { } decided ? Timestamp.FromDateTimeOffset(decided) : null,
        GrantId = file.GrantId,
        GrantExpiresAt = file.GrantExpiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        Grant = file.Grant is { } grant ? MapToGrant(grant) : null,
    };

    private static Grant MapToGrant(GrantFile file)
    {
        var message = new Grant
        {
            GrantId = file.GrantId,
            GranteeUserId = file.GranteeUserId,
            GranteeAgency = file.GranteeAgency,
            ValidFrom = Timestamp.FromDateTimeOffset(file.ValidFrom),
            ValidTo = Timestamp.FromDateTimeOffset(file.ValidTo),
            GrantedBy = file.GrantedBy,
            GrantedByAgency = file.GrantedByAgency,
            RequestId = file.RequestId,
            Revoked = file.Revoked,
            RevokedBy = file.Revocation?.By ?? "",
            RevokedAt = file.Revocation is { } revocation ? Timestamp.FromDateTimeOffset(revocation.At) : null,
            RevokeReason = file.Revocation?.Reason ?? "",
        };
        message.RecordIds.AddRange(file.RecordIds);
        return message;
    }
}
