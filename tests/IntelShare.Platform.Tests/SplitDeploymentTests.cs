using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Resolution.Domain;
using IntelShare.Testing;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Identity, Access (with Audit) and Records each in a process of its own, as on Kubernetes: tokens are validated
/// against Identity's published keys, Records asks Access to decide and audit every read over gRPC, and Access asks
/// Records who holds a record someone requests.
/// </summary>
public sealed class SplitDeploymentTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Services_in_separate_processes_decide_audit_and_route_access_requests_over_grpc()
    {
        var (identityAddress, accessAddress, recordsAddress) = (HostProcess.FreeAddress(), HostProcess.FreeAddress(), HostProcess.FreeAddress());
        var issuer = new Dictionary<string, string> { ["Identity:Issuer"] = identityAddress.ToString() };
        var validated = new Dictionary<string, string>(issuer) { ["Identity:Authority"] = identityAddress.ToString() };
        await using var identity = await HostProcess.StartServiceAsync("IntelShare.Identity", Directory("identity"), identityAddress, issuer);
        await using var access = await HostProcess.StartServiceAsync(
            "IntelShare.Access", Directory("access"), accessAddress, new Dictionary<string, string>(validated) { ["Records:Address"] = recordsAddress.ToString() });
        await using var records = await HostProcess.StartServiceAsync(
            "IntelShare.Records", Directory("records"), recordsAddress, new Dictionary<string, string>(validated) { ["Access:Address"] = accessAddress.ToString() });

        async Task<Grpc.Net.Client.GrpcChannel> On(HostProcess service, string user) => service.Channel(await identity.SignInAsync(user));

        var contributed = await (await On(records, "contributor")).RecordsClient().ContributeAsync(new ContributeRequest
        {
            Content = TestRecords.Person(TestRecords.UniqueRef("split")),
        });
        var recordId = contributed.RecordId;
        // A body that is not a message of its type is refused by Records on its own as by the all-in-one host.
        var malformed = await records.CallAsync("/intelshare.v1.RecordsService/Get", await identity.SignInAsync("analyst"), RawGrpc.Frames(RawGrpc.NotAMessage));
        // Records asks Identity, in its own process, which agencies a marking may name.
        var misspelt = TestRecords.Person(TestRecords.UniqueRef("split"));
        misspelt.Marking.ReleasableTo.Add("BORDRE");
        var contributor = (await On(records, "contributor")).RecordsClient();
        var unknownAgency = await Assert.ThrowsAsync<RpcException>(() => contributor.ContributeAsync(new ContributeRequest { Content = misspelt }).ResponseAsync);
        Assert.Equal(["content.marking.releasable_to[0]"], unknownAgency.ViolatedFields());
        var released = TestRecords.Person(TestRecords.UniqueRef("split"));
        released.Marking.ReleasableTo.Add("LABOUR");
        Assert.Equal(ContributeOutcome.Created, (await contributor.ContributeAsync(new ContributeRequest { Content = released })).Outcome);

        // Same agency: permitted. Another agency without release: told only who holds it. Both decided by Access.
        var own = await (await On(records, "analyst")).RecordsClient().GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because("own agency") });
        var border = (await On(records, "border.analyst")).RecordsClient();
        var other = await border.GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because("border crossing") });
        var unjustified = await Assert.ThrowsAsync<RpcException>(() => border.GetAsync(new GetRecordRequest { RecordId = recordId }).ResponseAsync);

        // The border analyst asks for it at Access, which learns the holder from Records; POL-ATU's supervisor approves.
        var requester = new AccessService.AccessServiceClient(await On(access, "border.analyst"));
        var request = await requester.RequestAccessAsync(new RequestAccessRequest { RecordId = recordId, Reason = "the subject crossed at our border" });
        var unknown = await Assert.ThrowsAsync<RpcException>(() => requester.RequestAccessAsync(new RequestAccessRequest { RecordId = "no-such-record", Reason = "typo" }).ResponseAsync);
        var supervisor = new AccessService.AccessServiceClient(await On(access, "supervisor"));
        await supervisor.ApproveAccessRequestAsync(new ApproveAccessRequestRequest
        {
            RequestId = request.RequestId,
            ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
            Reason = "joint interest",
        });
        var granted = await border.GetAsync(new GetRecordRequest { RecordId = recordId, Justification = TestRecords.Because("granted") });

        // Access asks Identity, in its own process, whether a case's members exist.
        var borderUser = (await new IdentityService.IdentityServiceClient(await On(identity, "border.analyst")).WhoAmIAsync(new WhoAmIRequest())).UserId;
        var joint = await supervisor.CreateCaseAsync(new CreateCaseRequest { CaseRef = "OP-SPLIT", Title = "Joint", Members = { new CaseMember { UserId = borderUser } } });
        var misnamed = await Assert.ThrowsAsync<RpcException>(() =>
            supervisor.CreateCaseAsync(new CreateCaseRequest { CaseRef = "OP-SPLIT-2", Title = "Joint", Members = { new CaseMember { UserId = "border.analyst" } } }).ResponseAsync);
        Assert.Contains(joint.Members, m => m.UserId == borderUser);
        Assert.Equal(["members[0].user_id"], misnamed.ViolatedFields());

        // Records asks Access, in its own process, which cases the contributor may file records under.
        var inCase = TestRecords.Person(TestRecords.UniqueRef("split"));
        inCase.Marking.CaseRefs.Add("OP-SPLIT");
        var inUnopened = TestRecords.Person(TestRecords.UniqueRef("split"));
        inUnopened.Marking.CaseRefs.Add("OP-NOT-OPENED");
        Assert.Equal(ContributeOutcome.Created, (await contributor.ContributeAsync(new ContributeRequest { Content = inCase })).Outcome);
        var unopened = await Assert.ThrowsAsync<RpcException>(() => contributor.ContributeAsync(new ContributeRequest { Content = inUnopened }).ResponseAsync);
        Assert.Equal(["content.marking.case_refs[0]"], unopened.ViolatedFields());

        // Oversight, at Access, sees the reads that Records served.
        var oversight = new OversightService.OversightServiceClient(await On(access, "oversight"));
        var accessed = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = recordId });
        // Access asks Identity, in its own process, whether the agency and user oversight names exist.
        var nobody = await Assert.ThrowsAsync<RpcException>(() => oversight.ActivityAsync(new ActivityRequest { UserId = "no.such.user", Agency = "BORDRE" }).ResponseAsync);
        var idle = await oversight.ActivityAsync(new ActivityRequest { UserId = "ngo.caseworker", Agency = "NGO-SHELTER" });

        RawGrpc.AssertRefusedAsMalformed(malformed, "request", "intelshare.v1.GetRecordRequest");
        Assert.Equal(Effect.Permit, own.Decision.Effect);
        Assert.Equal("Ivan", own.Record.Content.Person.Name.GivenName);
        Assert.Equal(Effect.ExistenceOnly, other.Decision.Effect);
        Assert.Equal(["agency", "user_id"], nobody.ViolatedFields().Order());
        Assert.Empty(idle.Entries);
        Assert.Null(other.Record);
        Assert.Equal("POL-ATU", other.Decision.HolderAgency);
        Assert.Equal(StatusCode.InvalidArgument, unjustified.StatusCode);
        Assert.Equal("POL-ATU", request.HolderAgency);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(Effect.Permit, granted.Decision.Effect);
        Assert.Contains(accessed.Entries, e => e.UserName == "analyst" && e.Effect == Effect.Permit);
        Assert.Contains(accessed.Entries, e => e.UserName == "border.analyst" && e.Effect == Effect.ExistenceOnly && e.Justification.Reason == "border crossing");
        Assert.Contains(accessed.Entries, e => e.UserName == "border.analyst" && e.Effect == Effect.Permit && e.Justification.Reason == "granted");
    }

    [Fact]
    public async Task Search_graph_and_resolution_deployed_alone_project_the_records_change_log_follow_entities_and_decide_and_audit_with_access()
    {
        var (identityAddress, accessAddress, recordsAddress) = (HostProcess.FreeAddress(), HostProcess.FreeAddress(), HostProcess.FreeAddress());
        var issuer = new Dictionary<string, string> { ["Identity:Issuer"] = identityAddress.ToString() };
        var validated = new Dictionary<string, string>(issuer) { ["Identity:Authority"] = identityAddress.ToString() };
        var readModel = new Dictionary<string, string>(validated) { ["Access:Address"] = accessAddress.ToString(), ["Records:Address"] = recordsAddress.ToString() };
        await using var identity = await HostProcess.StartServiceAsync("IntelShare.Identity", Directory("identity"), identityAddress, issuer);
        await using var access = await HostProcess.StartServiceAsync(
            "IntelShare.Access", Directory("access"), accessAddress, new Dictionary<string, string>(validated) { ["Records:Address"] = recordsAddress.ToString() });
        await using var records = await HostProcess.StartServiceAsync(
            "IntelShare.Records", Directory("records"), recordsAddress, new Dictionary<string, string>(validated) { ["Access:Address"] = accessAddress.ToString() });
        await using var resolution = await HostProcess.StartServiceAsync("IntelShare.Resolution", Directory("resolution"), HostProcess.FreeAddress(), readModel);
        var resolved = new Dictionary<string, string>(readModel) { ["Resolution:Address"] = resolution.Address.ToString() };
        await using var search = await HostProcess.StartServiceAsync("IntelShare.Search", Directory("search"), HostProcess.FreeAddress(), resolved);
        await using var graph = await HostProcess.StartServiceAsync("IntelShare.Graph", Directory("graph"), HostProcess.FreeAddress(), resolved);

        async Task<Grpc.Net.Client.GrpcChannel> On(HostProcess service, string user) => service.Channel(await identity.SignInAsync(user));

        var family = "Moraru" + Guid.NewGuid().ToString("N")[..6];
        var phone = $"+4477008{Random.Shared.Next(10000, 99999)}";
        var contributor = (await On(records, "contributor")).RecordsClient();
        var handset = (await contributor.ContributeAsync(new ContributeRequest
        {
            Content = new RecordContent { SourceRef = TestRecords.UniqueRef("split-phone"), Marking = TestRecords.Marking(), Phone = new Phone { Number = $"+4477009{Random.Shared.Next(10000, 99999)}" } },
        })).RecordId;
        var content = TestRecords.Person(TestRecords.UniqueRef("split"), "Olena", family, "1990-07-03");
        content.Person.Phones.Add(phone);
        content.Links.Add(new RecordLink { Relationship = "uses", TargetRecordId = handset });
        var recordId = (await contributor.ContributeAsync(new ContributeRequest { Content = content })).RecordId;

        // Resolution: the person is an entity that a match finds.
        var resolutionAnalyst = new ResolutionService.ResolutionServiceClient(await On(resolution, "analyst"));
        var match = await Projected.Eventually(
            () => resolutionAnalyst.MatchAsync(new MatchRequest
            {
                Person = new Person { Name = new PersonName { GivenName = "Olena", FamilyName = family }, DateOfBirth = "1990-07-03" },
                Justification = TestRecords.Because("split match"),
            }).ResponseAsync,
            m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == recordId)));
        var entityId = match.Candidates.First(c => c.Records.Any(r => r.RecordId == recordId)).EntityId;
        // The phone is not Resolution's, so Resolution asks Records, in its own process, for its marking.
        var entity = await resolutionAnalyst.GetEntityAsync(new GetEntityRequest { EntityId = entityId, Justification = TestRecords.Because("split entity") });

        // Search: the record's own agency reads it, grouped under its entity; another agency only learns who holds it.
        var query = new SearchRequest { Query = $"Olena {family}", Mode = SearchMode.SearchName, Justification = TestRecords.Because("split search") };
        var police = new SearchService.SearchServiceClient(await On(search, "analyst"));
        var own = await Projected.Eventually(() => police.SearchAsync(query).ResponseAsync, r => r.Total == 1 && r.Hits[0].EntityId == entityId);
        var partner = await new SearchService.SearchServiceClient(await On(search, "border.analyst")).SearchAsync(query);
        var status = await new ProjectionsService.ProjectionsServiceClient(await On(search, "admin")).StatusAsync(new ProjectionStatusRequest());
        // So is one sent to Search, a read model on its own.
        var malformed = await search.CallAsync("/intelshare.v1.SearchService/Search", await identity.SignInAsync("analyst"), RawGrpc.Frames(RawGrpc.NotAMessage));

        // Graph: the phone links the person, and the record joins its entity's node.
        var graphAnalyst = new GraphService.GraphServiceClient(await On(graph, "analyst"));
        var network = await Projected.Eventually(
            () => graphAnalyst.NeighbourhoodAsync(new NeighbourhoodRequest
            {
                EntityIds = { recordId }, Depth = 1, Justification = TestRecords.Because("split graph"),
            }).ResponseAsync,
            s => s.Nodes.Any(n => n.Id == $"phone:{phone}") && s.Nodes.Any(n => n.Id == entityId));

        // A case the read models cannot know of is refused by Access, before any result.
        var unknownCase = await Assert.ThrowsAsync<RpcException>(() => police.SearchAsync(new SearchRequest
        {
            Query = family, Mode = SearchMode.SearchName, Justification = new Justification { CaseRef = "NO-SUCH-CASE", Reason = "typo" },
        }).ResponseAsync);

        // Oversight, at Access, sees what each read model released and to whom.
        var oversight = new OversightService.OversightServiceClient(await On(access, "oversight"));
        var accessed = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = recordId });

        // Records stops. Here, not in a test of its own, because Resolution has to have projected the entity from
        // Records first, and this test has the whole set of processes with the entity in place: another set would cost
        // CI several process starts. The phone's marking is only at Records, so Resolution refuses the entity, to be
        // asked again, rather than answer it with the link undecided; and it releases nothing, so audits nothing.
        records.Kill();
        var recordsGone = await Assert.ThrowsAsync<RpcException>(() => resolutionAnalyst.GetEntityAsync(
            new GetEntityRequest { EntityId = entityId, Justification = TestRecords.Because("records gone") }).ResponseAsync);
        var accessedSince = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = recordId });

        var hit = Assert.Single(own.Hits);
        RawGrpc.AssertRefusedAsMalformed(malformed, "request", "intelshare.v1.SearchRequest");
        Assert.Equal(family, hit.Record.Content.Person.Name.FamilyName);
        Assert.Equal(entityId, hit.EntityId);
        var existenceOnly = Assert.Single(partner.Hits);
        Assert.Equal(Effect.ExistenceOnly, existenceOnly.Decision.Effect);
        Assert.Null(existenceOnly.Record);
        Assert.Equal("POL-ATU", existenceOnly.HolderAgency);
        Assert.Contains(status.Projections, p => p.Name == "search" && p.AppliedSequence >= 1 && p.AppliedSequence == p.HeadSequence);
        Assert.Contains(network.Nodes, n => n.Id == recordId);
        Assert.Contains(network.Edges, e => e.From == recordId && e.To == entityId && e.Kind == "same_as");
        Assert.Contains(match.Candidates, c => c.Records.Any(r => r.RecordId == recordId));
        var person = Assert.Single(entity.Records, r => r.RecordId == recordId);
        Assert.Equal([handset], person.Record.Content.Links.Select(l => l.TargetRecordId));
        Assert.Equal(Effect.Permit, person.Decision.Effect);
        Assert.Equal(StatusCode.InvalidArgument, unknownCase.StatusCode);
        Assert.Contains(accessed.Entries, e => e.UserName == "analyst" && e.Service == "search" && e.Effect == Effect.Permit && e.Justification.Reason == "split search");
        Assert.Contains(accessed.Entries, e => e.UserName == "border.analyst" && e.Service == "search" && e.Effect == Effect.ExistenceOnly);
        Assert.Contains(accessed.Entries, e => e.UserName == "analyst" && e.Justification.Reason == "split graph");
        Assert.Contains(accessed.Entries, e => e.UserName == "analyst" && e.Justification.Reason == "split match");
        Assert.Contains(accessed.Entries, e => e.UserName == "analyst" && e.Service == "resolution" && e.Justification.Reason == "split entity");
        Assert.Equal(StatusCode.Unavailable, recordsGone.StatusCode);
        Assert.Equal(LinkTargetMarkings.RecordsUnreachable, recordsGone.Status.Detail);
        Assert.DoesNotContain(accessedSince.Entries, e => e.Justification.Reason == "records gone");
    }

    private string Directory(string service)
    {
        var path = Path.Combine(_data.Path, service);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
