using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>Users of different agencies, clearances and caveats reading the same records, end to end.</summary>
public sealed class NeedToKnowTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    private async Task<string> Contribute(Action<RecordContent> mark)
    {
        var content = TestRecords.Person(TestRecords.UniqueRef("ntk"), given: "Elena", family: "Popescu");
        mark(content);
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        return (await records.ContributeAsync(new ContributeRequest { Content = content })).RecordId;
    }

    private async Task<GetRecordResponse> Read(string user, string recordId, Purpose purpose = Purpose.CriminalInvestigation)
    {
        var records = (await Factory.ChannelForAsync(user)).RecordsClient();
        return await records.GetAsync(new GetRecordRequest
        {
            RecordId = recordId,
            Justification = new Justification { Reason = "joint investigation", Purpose = purpose },
        });
    }

    /// <summary>A new case the police analyst opens with the labour inspectorate on it, spelt "prefix-XXXXXXXX".</summary>
    private async Task<string> OpenCaseWithLabourAsync(string prefix, string title)
    {
        var caseRef = prefix + "-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"))
            .CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = title, Members = { new CaseMember { Agency = "LABOUR" } } });
        return caseRef;
    }

    [Fact]
    public async Task Two_agencies_see_exactly_what_the_policy_allows_and_oversight_sees_every_read()
    {
        var released = await Contribute(c => c.Marking.ReleasableTo.Add("BORDER"));
        var victim = await Contribute(c =>
        {
            c.Marking.ReleasableTo.Add("BORDER");
            c.Marking.Caveats.Add("VICTIM_IDENTITY");
        });
        var notReleased = await Contribute(_ => { });
        var hidden = await Contribute(c => c.Marking.Discoverable = false);

        var full = await Read("border.analyst", released);
        var redacted = await Read("border.analyst", victim);
        var ownAgency = await Read("analyst", victim);
        var existence = await Read("border.analyst", notReleased);
        var denied = await Assert.ThrowsAsync<RpcException>(() => Read("border.analyst", hidden));
        var immigration = await Assert.ThrowsAsync<RpcException>(() => Read("border.analyst", victim, Purpose.ImmigrationEnforcement));

        Assert.Equal(Effect.Permit, full.Decision.Effect);
        Assert.Equal("Popescu", full.Record.Content.Person.Name.FamilyName);

        Assert.Equal(Effect.PermitRedacted, redacted.Decision.Effect);
        Assert.Null(redacted.Record.Content.Person.Name);
        Assert.Empty(redacted.Record.Content.Person.DateOfBirth);
        Assert.Equal(["MD"], redacted.Record.Content.Person.Nationalities);
        Assert.Contains("person.name", redacted.Decision.RedactedFields);

        Assert.Equal(Effect.Permit, ownAgency.Decision.Effect);
        Assert.Equal("Popescu", ownAgency.Record.Content.Person.Name.FamilyName);

        Assert.Equal(Effect.ExistenceOnly, existence.Decision.Effect);
        Assert.Null(existence.Record);
        Assert.Equal("POL-ATU", existence.Decision.HolderAgency);

        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
        Assert.Equal(StatusCode.NotFound, immigration.StatusCode);

        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        foreach (var (recordId, effects) in new[]
                 {
                     (released, new[] { Effect.Permit }),
                     (victim, new[] { Effect.PermitRedacted, Effect.Permit, Effect.Deny }),
                     (notReleased, new[] { Effect.ExistenceOnly }),
                     (hidden, new[] { Effect.Deny }),
                 })
        {
            var accesses = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = recordId });
            Assert.Equal(effects.Order(), accesses.Entries.Select(e => e.Effect).Order());
            Assert.All(accesses.Entries, e => Assert.Equal("joint investigation", e.Justification.Reason));
        }
    }

    [Fact]
    public async Task Each_version_leaves_only_as_its_own_marking_allows_as_well_as_the_records_current_one()
    {
        var caseRef = await OpenCaseWithLabourAsync("OP-VERSIONS", "A case the border guard is not on");
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();

        // v1 names a victim for the border guard (caveat), v2 lifts the caveat, and changes what else is asked.
        async Task<(string Id, RecordContent Lifted)> NamedThenLiftedAsync(string given, string family, Action<RecordContent> alsoChange)
        {
            var named = TestRecords.Person(TestRecords.UniqueRef("ntk-versions"), given: given, family: family);
            named.Marking.ReleasableTo.Add("BORDER");
            named.Marking.Caveats.Add("VICTIM_IDENTITY");
            var recordId = (await records.ContributeAsync(new ContributeRequest { Content = named })).RecordId;
            var lifted = named.Clone();
            lifted.Marking.Caveats.Clear();
            alsoChange(lifted);
            await records.AmendAsync(new AmendRequest { RecordId = recordId, Content = lifted });
            return (recordId, lifted);
        }

        // v3 files the record under a case the border guard is not on.
        var (id, v2) = await NamedThenLiftedAsync("Elena", "Popescu", c => c.Person.Name.FamilyName = "Popescu-Ionescu");
        var v3 = v2.Clone();
        v3.Marking.CaseRefs.Add(caseRef);
        await records.AmendAsync(new AmendRequest { RecordId = id, Content = v3 });

        // v1 was for police eyes only; v2 releases the record to the border guard.
        var tightened = TestRecords.Person(TestRecords.UniqueRef("ntk-versions"), given: "Ana", family: "Rusu");
        tightened.Marking.Discoverable = false;
        var tightenedId = (await records.ContributeAsync(new ContributeRequest { Content = tightened })).RecordId;
        var released = tightened.Clone();
        released.Marking.ReleasableTo.Add("BORDER");
        released.Marking.Discoverable = true;
        await records.AmendAsync(new AmendRequest { RecordId = tightenedId, Content = released });

        // Lifted and changed in nothing else, the record is released whole.
        var (namedId, _) = await NamedThenLiftedAsync("Maria", "Lungu", _ => { });

        var border = (await Factory.ChannelForAsync("border.analyst")).RecordsClient();
        var namedNow = await border.GetAsync(new GetRecordRequest { RecordId = namedId, Justification = TestRecords.Because() });
        var namedFirst = await border.GetAsync(new GetRecordRequest { RecordId = namedId, Version = 1, Justification = TestRecords.Because() });
        var namedHistory = await border.HistoryAsync(new HistoryRequest { RecordId = namedId, Justification = TestRecords.Because() });
        var history = await border.HistoryAsync(new HistoryRequest { RecordId = id, Justification = TestRecords.Because() });
        var first = await border.GetAsync(new GetRecordRequest { RecordId = id, Version = 1, Justification = TestRecords.Because() });
        var tightenedHistory = await border.HistoryAsync(new HistoryRequest { RecordId = tightenedId, Justification = TestRecords.Because() });
        var policeOnly = await Assert.ThrowsAsync<RpcException>(() =>
            border.GetAsync(new GetRecordRequest { RecordId = tightenedId, Version = 1, Justification = TestRecords.Because() }).ResponseAsync);
        var owner = await records.HistoryAsync(new HistoryRequest { RecordId = tightenedId, Justification = TestRecords.Because() });

        Assert.Equal([1L, 2L, 3L], history.Versions.Select(v => v.Version));
        Assert.Null(history.Versions[0].Content.Person.Name);
        Assert.Equal("Popescu-Ionescu", history.Versions[1].Content.Person.Name.FamilyName);
        Assert.Equal("Popescu-Ionescu", history.Versions[2].Content.Person.Name.FamilyName);
        Assert.Empty(history.Versions[2].Content.Marking.CaseRefs);
        Assert.Equal(Effect.PermitRedacted, first.Decision.Effect);
        Assert.Null(first.Record.Content.Person.Name);
        Assert.Equal([2L], tightenedHistory.Versions.Select(v => v.Version));
        Assert.Equal(StatusCode.PermissionDenied, policeOnly.StatusCode);
        Assert.Equal([1L, 2L], owner.Versions.Select(v => v.Version));
        // The first version leaves without her name, and its decision says so, though the current one is read whole.
        Assert.Equal((Effect.Permit, "Lungu"), (namedNow.Decision.Effect, namedNow.Record.Content.Person.Name.FamilyName));
        Assert.Null(namedFirst.Record.Content.Person.Name);
        Assert.Equal(Effect.PermitRedacted, namedFirst.Decision.Effect);
        Assert.Contains("person.name", namedFirst.Decision.RedactedFields);
        // History gives each version the decision it left under: the record as it is now is read whole.
        Assert.Equal(Effect.Permit, namedHistory.Decision.Effect);
        Assert.Equal([Effect.PermitRedacted, Effect.Permit], namedHistory.VersionDecisions.Select(d => d.Effect));
        Assert.Contains("person.name", namedHistory.VersionDecisions[0].RedactedFields);
        // v3's case reference is withheld from v3 only; v1 lacks the name, v2 lacks nothing.
        Assert.Equal(history.Versions.Count, history.VersionDecisions.Count);
        Assert.Contains("person.name", history.VersionDecisions[0].RedactedFields);
        Assert.Equal(Effect.Permit, history.VersionDecisions[1].Effect);
        Assert.Equal(Effect.PermitRedacted, history.VersionDecisions[2].Effect);
        Assert.DoesNotContain("person.name", history.VersionDecisions[2].RedactedFields);
        Assert.Equal(history.Decision.RedactedFields, history.VersionDecisions[2].RedactedFields);
    }

    [Fact]
    public async Task Clearance_below_the_classification_gets_existence_only()
    {
        var secret = await Contribute(c =>
        {
            c.Marking.Classification = Classification.Secret;
            c.Marking.ReleasableTo.Add("LABOUR");
            c.Marking.ReleasableTo.Add("BORDER");
        });

        var labour = await Read("labour.inspector", secret);
        var border = await Read("border.analyst", secret);

        Assert.Equal(Effect.ExistenceOnly, labour.Decision.Effect);
        Assert.Null(labour.Record);
        Assert.Equal(Effect.Permit, border.Decision.Effect);
    }

    [Fact]
    public async Task Case_membership_across_agencies_opens_the_cases_records()
    {
        var caseRef = await OpenCaseWithLabourAsync("OP", "Joint team");
        var inCase = await Contribute(c => c.Marking.CaseRefs.Add(caseRef));

        var labour = await Read("labour.inspector", inCase);
        var fiu = await Read("fiu.analyst", inCase);

        Assert.Equal(Effect.Permit, labour.Decision.Effect);
        Assert.Equal(Effect.ExistenceOnly, fiu.Decision.Effect);
    }

    [Fact]
    public async Task Records_are_filed_only_under_a_case_the_agency_owns_or_is_on_so_that_opening_one_of_that_name_later_hands_over_nothing()
    {
        var caseRef = "OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var policeAnalyst = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"));
        var content = TestRecords.Person(TestRecords.UniqueRef("case-file"));
        content.Marking.CaseRefs.Add(caseRef);

        // Not a case yet: filing under it is refused. Another agency opens a case of that name: still refused.
        var unopened = await Assert.ThrowsAsync<RpcException>(() => police.ContributeAsync(new ContributeRequest { Content = content }).ResponseAsync);
        await border.CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Claimed by another agency" });
        var othersCase = await Assert.ThrowsAsync<RpcException>(() => police.ContributeAsync(new ContributeRequest { Content = content }).ResponseAsync);

        // Once the border guard adds the police unit to its case, the police may file under it.
        await border.AddCaseMemberAsync(new CaseMemberRequest { CaseRef = caseRef, Member = new CaseMember { Agency = "POL-ATU" } });
        var filed = await police.ContributeAsync(new ContributeRequest { Content = content });
        var ownerSees = await policeAnalyst.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef });

        // Taken off the case later, the police still amend their record, which keeps the case.
        await border.RemoveCaseMemberAsync(new CaseMemberRequest { CaseRef = caseRef, Member = new CaseMember { Agency = "POL-ATU" } });
        var amended = content.Clone();
        amended.Person.Name.FamilyName = "Popescu-Amended";
        var amend = await police.AmendAsync(new AmendRequest { RecordId = filed.RecordId, Content = amended });
        var resent = await police.ContributeAsync(new ContributeRequest { Content = amended });

        // A read cannot name a case the reader is not on: refused as an unknown case, so naming it neither proves it
        // exists nor hides the read among the case team's own.
        var labour = (await Factory.ChannelForAsync("labour.inspector")).RecordsClient();
        var own = await labour.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("labour-own")) });
        var namingOthers = await Assert.ThrowsAsync<RpcException>(() => labour.GetAsync(new GetRecordRequest { RecordId = own.RecordId, Justification = TestRecords.Because("t", caseRef) }).ResponseAsync);
        var namingNone = await Assert.ThrowsAsync<RpcException>(() => labour.GetAsync(new GetRecordRequest { RecordId = own.RecordId, Justification = TestRecords.Because("t", "OP-NO-SUCH-CASE") }).ResponseAsync);
        var oversightCases = await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("oversight")).ListCasesAsync(new ListCasesRequest());

        Assert.Equal(["content.marking.case_refs[0]"], unopened.ViolatedFields());
        Assert.Equal(["content.marking.case_refs[0]"], othersCase.ViolatedFields());
        Assert.Contains("not a case your agency owns or is on", othersCase.Status.Detail);
        Assert.Equal(ContributeOutcome.Created, filed.Outcome);
        Assert.Equal("BORDER", ownerSees.OwnerAgency);
        Assert.True(amend.Changed);
        Assert.Equal(ContributeOutcome.Duplicate, resent.Outcome);
        Assert.Equal(StatusCode.InvalidArgument, namingOthers.StatusCode);
        Assert.Equal(namingNone.Status.Detail.Replace("OP-NO-SUCH-CASE", caseRef, StringComparison.Ordinal), namingOthers.Status.Detail);
        Assert.Contains(oversightCases.Cases, c => c.CaseRef == caseRef);
    }

    [Fact]
    public async Task A_case_is_unknown_to_those_outside_it_and_its_reference_is_one_regardless_of_letter_case()
    {
        var analyst = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"));
        var border = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var caseRef = "OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await analyst.CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Police only" });

        var outsider = await Assert.ThrowsAsync<RpcException>(() => border.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => border.GetCaseAsync(new GetCaseRequest { CaseRef = "OP-NO-SUCH-CASE" }).ResponseAsync);
        var joining = await Assert.ThrowsAsync<RpcException>(() =>
            border.AddCaseMemberAsync(new CaseMemberRequest { CaseRef = caseRef, Member = new CaseMember { Agency = "BORDER" } }).ResponseAsync);
        var lowerCase = await Assert.ThrowsAsync<RpcException>(() =>
            analyst.CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef.ToLowerInvariant(), Title = "Same case?" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, outsider.StatusCode);
        Assert.Equal(unknown.Status.Detail.Replace("OP-NO-SUCH-CASE", caseRef, StringComparison.Ordinal), outsider.Status.Detail);
        Assert.Equal(StatusCode.NotFound, joining.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, lowerCase.StatusCode);
        Assert.Contains("already exists", lowerCase.Status.Detail);
        // The existing case's own spelling is not given away.
        Assert.DoesNotContain(caseRef, lowerCase.Status.Detail);
        Assert.Equal(caseRef, (await analyst.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef })).CaseRef);
    }

    [Fact]
    public async Task A_case_named_in_any_letter_case_is_the_case_as_it_was_opened_on_records_reads_searches_and_in_the_audit_log()
    {
        var caseRef = await OpenCaseWithLabourAsync("Op", "Spelt once");
        var analyst = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"));
        var family = "Spelt" + Guid.NewGuid().ToString("N")[..6];
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var content = TestRecords.Person(TestRecords.UniqueRef("case-spelling"), "Elena", family);
        content.Marking.CaseRefs.Add(caseRef.ToLowerInvariant());
        var filed = await police.ContributeAsync(new ContributeRequest { Content = content });
        var resent = await police.ContributeAsync(new ContributeRequest { Content = content });
        var twice = TestRecords.Person(TestRecords.UniqueRef("case-twice"));
        twice.Marking.CaseRefs.Add(caseRef);
        twice.Marking.CaseRefs.Add(caseRef.ToUpperInvariant());
        var namedTwice = await Assert.ThrowsAsync<RpcException>(() => police.ContributeAsync(new ContributeRequest { Content = twice }).ResponseAsync);

        var labour = await Factory.ChannelForAsync("labour.inspector");
        var labourRead = await labour.RecordsClient().GetAsync(new GetRecordRequest
        {
            RecordId = filed.RecordId, Justification = TestRecords.Because("joint team", caseRef.ToUpperInvariant()),
        });
        var found = await analyst.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef.ToLowerInvariant() });
        var search = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));
        var filtered = await Projected.Eventually(() => search.SearchAsync(new SearchRequest
        {
            Query = family, Mode = SearchMode.SearchName, Justification = TestRecords.Because("case file"),
            Filters = new SearchFilters { CaseRefs = { caseRef.ToLowerInvariant() } },
        }).ResponseAsync, r => r.Total == 1);
        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        var reads = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = filed.RecordId });
        var byCase = await oversight.WhoAccessedAsync(new WhoAccessedRequest { CaseRef = caseRef.ToLowerInvariant() });

        Assert.Equal(ContributeOutcome.Duplicate, resent.Outcome);
        Assert.Equal(["content.marking.case_refs[1]"], namedTwice.ViolatedFields());
        Assert.Equal(Effect.Permit, labourRead.Decision.Effect);
        Assert.Equal([caseRef], labourRead.Record.Content.Marking.CaseRefs);
        Assert.Equal(caseRef, found.CaseRef);
        Assert.Equal(filed.RecordId, Assert.Single(filtered.Hits).RecordId);
        Assert.Contains(byCase.Entries, e => e.ResourceId == filed.RecordId && e.Agency == "LABOUR");
        var labourEntry = Assert.Single(reads.Entries, e => e.Agency == "LABOUR");
        Assert.Equal(caseRef, labourEntry.Justification.CaseRef);
        Assert.Equal([caseRef], labourEntry.ResourceCaseRefs);
    }

    [Fact]
    public async Task A_reader_outside_a_case_gets_its_records_without_it_and_cannot_search_or_walk_by_it()
    {
        var caseRef = await OpenCaseWithLabourAsync("OP", "Labour joins");
        var family = "Withheld" + Guid.NewGuid().ToString("N")[..6];
        var content = TestRecords.Person(TestRecords.UniqueRef("case-withheld"), "Elena", family);
        content.Marking.ReleasableTo.Add("FIU");
        content.Marking.CaseRefs.Add(caseRef);
        var recordId = (await (await Factory.ChannelForAsync("contributor")).RecordsClient().ContributeAsync(new ContributeRequest { Content = content })).RecordId;

        var fiuChannel = await Factory.ChannelForAsync("fiu.analyst");
        var fiu = await fiuChannel.RecordsClient().GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because("financial profile") });
        var labour = await Read("labour.inspector", recordId);
        var fiuSearch = new SearchService.SearchServiceClient(fiuChannel);
        var found = await Projected.Eventually(() => fiuSearch.SearchAsync(new SearchRequest
        {
            Query = family, Mode = SearchMode.SearchName, Justification = TestRecords.Because("financial profile"),
        }).ResponseAsync, r => r.Total == 1);
        var byCase = await Assert.ThrowsAsync<RpcException>(() => fiuSearch.SearchAsync(new SearchRequest
        {
            Query = family, Mode = SearchMode.SearchName, Filters = new SearchFilters { CaseRefs = { caseRef } }, Justification = TestRecords.Because("probe"),
        }).ResponseAsync);
        var fiuGraph = new GraphService.GraphServiceClient(fiuChannel);
        var walk = await Projected.Eventually(
            () => fiuGraph.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { recordId }, Depth = 2, Justification = TestRecords.Because("financial profile") }).ResponseAsync,
            s => s.Nodes.Any(n => n.Id == recordId));
        var policeWalk = await new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"))
            .NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { recordId }, Depth = 1, Justification = TestRecords.Because("own case") });

        Assert.Equal(Effect.PermitRedacted, fiu.Decision.Effect);
        Assert.Empty(fiu.Record.Content.Marking.CaseRefs);
        Assert.Equal(family, fiu.Record.Content.Person.Name.FamilyName);
        Assert.DoesNotContain(caseRef, fiu.Decision.ToString());
        Assert.Equal([caseRef], labour.Record.Content.Marking.CaseRefs);
        Assert.Empty(Assert.Single(found.Hits).Record.Content.Marking.CaseRefs);
        Assert.Equal(["filters.case_refs[0]"], byCase.ViolatedFields());
        Assert.DoesNotContain(walk.Nodes, n => n.Kind == "case");
        Assert.Contains(policeWalk.Nodes, n => n.Kind == "case" && n.Label == caseRef);
    }

    [Fact]
    public async Task An_access_request_or_amendment_of_a_record_the_asker_may_not_know_of_tells_them_nothing()
    {
        var hidden = await Contribute(c => c.Marking.Discoverable = false);
        var requester = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var border = (await Factory.ChannelForAsync("border.analyst")).RecordsClient();

        var request = await Assert.ThrowsAsync<RpcException>(() => requester.RequestAccessAsync(new RequestAccessRequest { RecordId = hidden, Reason = "probing" }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => requester.RequestAccessAsync(new RequestAccessRequest { RecordId = "rec-no-such-record", Reason = "probing" }).ResponseAsync);
        var amend = await Assert.ThrowsAsync<RpcException>(() => border.AmendAsync(new AmendRequest { RecordId = hidden, Content = TestRecords.Person("") }).ResponseAsync);
        var withdraw = await Assert.ThrowsAsync<RpcException>(() => border.WithdrawAsync(new WithdrawRequest { RecordId = hidden, Reason = "probing" }).ResponseAsync);
        var amendUnknown = await Assert.ThrowsAsync<RpcException>(() => border.AmendAsync(new AmendRequest { RecordId = "rec-no-such-record", Content = TestRecords.Person("") }).ResponseAsync);
        var known = await Contribute(_ => { });
        var amendKnown = await Assert.ThrowsAsync<RpcException>(() => border.AmendAsync(new AmendRequest { RecordId = known, Content = TestRecords.Person("") }).ResponseAsync);
        var withdrawKnown = await Assert.ThrowsAsync<RpcException>(() => border.WithdrawAsync(new WithdrawRequest { RecordId = known, Reason = "not ours" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, request.StatusCode);
        Assert.Equal(unknown.Status.Detail.Replace("rec-no-such-record", hidden, StringComparison.Ordinal), request.Status.Detail);
        // A record the caller may not know of is not there to amend or withdraw, answered as one that never was.
        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (amend.StatusCode, withdraw.StatusCode));
        Assert.Equal(amendUnknown.Status.Detail.Replace("rec-no-such-record", hidden, StringComparison.Ordinal), amend.Status.Detail);
        // One it may know of is refused as the issue demands of a non-originator, without naming who holds it.
        Assert.Equal((StatusCode.PermissionDenied, StatusCode.PermissionDenied), (amendKnown.StatusCode, withdrawKnown.StatusCode));
        Assert.DoesNotContain("POL-ATU", amendKnown.Status.Detail);
    }

    [Fact]
    public async Task An_access_request_flows_from_request_to_approval_to_expiry()
    {
        var recordId = await Contribute(_ => { });
        var requester = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var supervisor = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("supervisor"));

        var request = await requester.RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "the subject crossed at our border" });
        var incoming = await supervisor.ListAccessRequestsAsync(new ListAccessRequestsRequest { Incoming = true, PendingOnly = true });
        var approved = await supervisor.ApproveAccessRequestAsync(new ApproveAccessRequestRequest
        {
            RequestId = request.RequestId,
            ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(6)),
            Reason = "joint interest",
        });
        var mine = await requester.ListAccessRequestsAsync(new ListAccessRequestsRequest());
        var during = await Read("border.analyst", recordId);
        var grants = await requester.ListGrantsAsync(new ListGrantsRequest());
        await Task.Delay(TimeSpan.FromSeconds(6.5));
        var after = await Read("border.analyst", recordId);

        Assert.Equal("POL-ATU", request.HolderAgency);
        Assert.Contains(incoming.Requests, r => r.RequestId == request.RequestId);
        Assert.Equal(AccessRequestState.Approved, approved.State);
        Assert.Equal(AccessRequestState.Approved, mine.Requests.Single(r => r.RequestId == request.RequestId).State);
        Assert.Equal(Effect.Permit, during.Decision.Effect);
        Assert.Contains(grants.Grants, g => g.RecordIds.Contains(recordId));
        Assert.Equal(Effect.ExistenceOnly, after.Decision.Effect);
    }

    [Fact]
    public async Task A_revoked_grant_ends_the_access_and_tells_the_grantee_who_ended_it_when_and_why()
    {
        var recordId = await Contribute(_ => { });
        var requester = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var supervisor = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("supervisor"));
        var supervisorId = (await new IdentityService.IdentityServiceClient(await Factory.ChannelForAsync("supervisor")).WhoAmIAsync(new WhoAmIRequest())).UserId;
        var request = await requester.RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "the subject crossed at our border" });
        var approved = await supervisor.ApproveAccessRequestAsync(new ApproveAccessRequestRequest
        {
            RequestId = request.RequestId, ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(7)), Reason = "joint interest",
        });
        var during = await Read("border.analyst", recordId);

        var revoked = await supervisor.RevokeGrantAsync(new RevokeGrantRequest { GrantId = approved.GrantId, Reason = "the joint operation ended" });
        var after = await Read("border.analyst", recordId);
        var held = (await requester.ListGrantsAsync(new ListGrantsRequest { IncludeExpired = true })).Grants.Single(g => g.GrantId == approved.GrantId);
        var asked = (await requester.ListAccessRequestsAsync(new ListAccessRequestsRequest())).Requests.Single(r => r.RequestId == request.RequestId);

        Assert.Equal(Effect.Permit, during.Decision.Effect);
        Assert.Equal(Effect.ExistenceOnly, after.Decision.Effect);
        Assert.True(revoked.Revoked);
        Assert.Equal((true, supervisorId, "the joint operation ended"), (held.Revoked, held.RevokedBy, held.RevokeReason));
        Assert.InRange(held.RevokedAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        // The request itself says the access it gave has ended.
        Assert.Null(approved.Grant.RevokedAt);
        Assert.Equal((AccessRequestState.Approved, true, "the joint operation ended"), (asked.State, asked.Grant.Revoked, asked.Grant.RevokeReason));
    }

    [Fact]
    public async Task Refused_request_is_told_to_the_requester_with_the_reason()
    {
        var recordId = await Contribute(_ => { });
        var requester = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("fiu.analyst"));
        var supervisor = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("supervisor"));
        var request = await requester.RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "payments" });

        await supervisor.RefuseAccessRequestAsync(new RefuseAccessRequestRequest { RequestId = request.RequestId, Reason = "source protection" });
        var mine = await requester.ListAccessRequestsAsync(new ListAccessRequestsRequest());

        var told = mine.Requests.Single(r => r.RequestId == request.RequestId);
        Assert.Equal(AccessRequestState.Refused, told.State);
        Assert.Equal("source protection", told.DecisionReason);
    }

    [Fact]
    public async Task Bad_approvals_are_refused_and_change_nothing()
    {
        var recordId = await Contribute(_ => { });
        var requester = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var supervisor = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("supervisor"));
        var analyst = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"));
        var request = await requester.RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "needed" });
        ApproveAccessRequestRequest Approve(TimeSpan expiresIn) => new()
        {
            RequestId = request.RequestId,
            ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + expiresIn),
        };

        var byRequester = await Assert.ThrowsAsync<RpcException>(() => requester.ApproveAccessRequestAsync(Approve(TimeSpan.FromDays(1))).ResponseAsync);
        var byNonSupervisor = await Assert.ThrowsAsync<RpcException>(() => analyst.ApproveAccessRequestAsync(Approve(TimeSpan.FromDays(1))).ResponseAsync);
        var past = await Assert.ThrowsAsync<RpcException>(() => supervisor.ApproveAccessRequestAsync(Approve(TimeSpan.FromDays(-1))).ResponseAsync);
        var tooLong = await Assert.ThrowsAsync<RpcException>(() => supervisor.ApproveAccessRequestAsync(Approve(TimeSpan.FromDays(400))).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => supervisor.ApproveAccessRequestAsync(new ApproveAccessRequestRequest { RequestId = "req-unknown", ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)) }).ResponseAsync);
        // A third agency is told nothing of a request between two others, as of one never made.
        var labour = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("labour.inspector"));
        var byStranger = await Assert.ThrowsAsync<RpcException>(() => labour.RefuseAccessRequestAsync(new RefuseAccessRequestRequest { RequestId = request.RequestId, Reason = "probe" }).ResponseAsync);
        var strangerUnknown = await Assert.ThrowsAsync<RpcException>(() => labour.RefuseAccessRequestAsync(new RefuseAccessRequestRequest { RequestId = "req-unknown", Reason = "probe" }).ResponseAsync);
        var askedAgain = await Assert.ThrowsAsync<RpcException>(() => requester.RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "still needed" }).ResponseAsync);
        var mine = await requester.ListAccessRequestsAsync(new ListAccessRequestsRequest());
        var read = await Read("border.analyst", recordId);

        Assert.Equal(StatusCode.PermissionDenied, byRequester.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, byNonSupervisor.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, past.StatusCode);
        Assert.Equal(["expires_at"], past.ViolatedFields());
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.NotFound, byStranger.StatusCode);
        Assert.Equal(strangerUnknown.Status.Detail.Replace("req-unknown", request.RequestId, StringComparison.Ordinal), byStranger.Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, askedAgain.StatusCode);
        Assert.Contains(request.RequestId, askedAgain.Status.Detail);
        Assert.Equal(AccessRequestState.Pending, mine.Requests.Single(r => r.RecordId == recordId).State);
        Assert.Equal(Effect.ExistenceOnly, read.Decision.Effect);
    }

    [Fact]
    public async Task A_read_naming_an_unknown_case_is_invalid_argument()
    {
        var recordId = await Contribute(_ => { });
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();

        var error = await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(new GetRecordRequest
        {
            RecordId = recordId,
            Justification = new Justification { Reason = "r", CaseRef = "OP-NO-SUCH-CASE" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["justification.case_ref"], error.ViolatedFields());
    }

    [Fact]
    public async Task Who_read_an_agencys_records_names_the_readers_case_only_when_the_agency_is_on_it_too()
    {
        var recordId = await Contribute(c => c.Marking.ReleasableTo.Add(["BORDER", "LABOUR"]));
        var borderCase = "OP-BORDER-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var border = await Factory.ChannelForAsync("border.analyst");
        await new AccessService.AccessServiceClient(border).CreateCaseAsync(new CreateCaseRequest { CaseRef = borderCase, Title = "border only" });
        await border.RecordsClient().GetAsync(new GetRecordRequest
        {
            RecordId = recordId,
            Justification = new Justification { CaseRef = borderCase, Reason = "smuggling route east", Purpose = Purpose.CriminalInvestigation },
        });
        var jointCase = await OpenCaseWithLabourAsync("OP-JOINT", "joint");
        await (await Factory.ChannelForAsync("labour.inspector")).RecordsClient().GetAsync(new GetRecordRequest
        {
            RecordId = recordId,
            Justification = new Justification { CaseRef = jointCase, Reason = "farm inspection", Purpose = Purpose.CriminalInvestigation },
        });

        var readers = await new OversightService.OversightServiceClient(await Factory.ChannelForAsync("contributor")).AgencyReadersAsync(new PeriodRequest());

        var byBorder = Assert.Single(readers.Entries, e => e.ResourceId == recordId && e.Agency == "BORDER");
        Assert.Equal(("", "", Purpose.CriminalInvestigation, ""), (byBorder.Justification.CaseRef, byBorder.Justification.Reason, byBorder.Justification.Purpose, byBorder.Origin));
        var byLabour = Assert.Single(readers.Entries, e => e.ResourceId == recordId && e.Agency == "LABOUR");
        Assert.Equal((jointCase, "farm inspection"), (byLabour.Justification.CaseRef, byLabour.Justification.Reason));
        Assert.DoesNotContain(borderCase, readers.ToString());
    }

    [Fact]
    public async Task The_platform_services_account_sees_none_of_the_agency_it_is_registered_under()
    {
        var recordId = await Contribute(_ => { });
        var caseRef = await OpenCaseWithLabourAsync("OP-SERVICES", "not the services' business");
        await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("border.analyst"))
            .RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "route east", CaseRef = "" });
        await Read("border.analyst", recordId);
        var services = await Factory.PlatformServicesChannelAsync();
        var access = new AccessService.AccessServiceClient(services);

        var refused = new[]
        {
            await Assert.ThrowsAsync<RpcException>(() => access.ListCasesAsync(new ListCasesRequest()).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => access.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => access.ListAccessRequestsAsync(new ListAccessRequestsRequest { Incoming = true }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => access.ListGrantsAsync(new ListGrantsRequest { Given = true }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => new OversightService.OversightServiceClient(services).AgencyReadersAsync(new PeriodRequest()).ResponseAsync),
        };

        Assert.All(refused, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.All(refused, e => Assert.Contains("platform service account", e.Status.Detail));
    }

    [Fact]
    public async Task Oversight_queries_are_refused_to_analysts_but_everyone_sees_who_read_their_agencys_records()
    {
        var recordId = await Contribute(c => c.Marking.ReleasableTo.Add("BORDER"));
        await Read("border.analyst", recordId);
        var analyst = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("analyst"));

        var whoAccessed = await Assert.ThrowsAsync<RpcException>(() => analyst.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = recordId }).ResponseAsync);
        var denied = await Assert.ThrowsAsync<RpcException>(() => analyst.DeniedAttemptsAsync(new PeriodRequest()).ResponseAsync);
        var anomalies = await Assert.ThrowsAsync<RpcException>(() => analyst.AnomaliesAsync(new PeriodRequest()).ResponseAsync);
        var readers = await analyst.AgencyReadersAsync(new PeriodRequest());

        Assert.Equal(StatusCode.PermissionDenied, whoAccessed.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, anomalies.StatusCode);
        Assert.Contains(readers.Entries, e => e.ResourceId == recordId && e.Agency == "BORDER");
    }
}
