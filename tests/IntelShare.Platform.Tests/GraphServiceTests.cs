using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using GraphLimits = IntelShare.Graph.Engine.GraphLimits;

namespace IntelShare.Platform.Tests;

/// <summary>The Graph service over gRPC on the real host: projection from Records, need-to-know while walking.</summary>
public sealed class GraphServiceTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task A_shared_phone_links_two_agencies_records_and_each_reader_sees_only_what_the_policy_allows()
    {
        var phone = UniquePhone();
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        async Task<string> Contribute(string given, Action<RecordContent> shape)
        {
            var content = TestRecords.Person(TestRecords.UniqueRef("graph"), given: given, family: "Rusu");
            content.Person.Phones.Add(phone);
            shape(content);
            return (await records.ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        }

        var recruiter = await Contribute("Victor", c => c.Marking.ReleasableTo.Add("BORDER"));
        var driver = await Contribute("Andrei", c => c.Marking.ReleasableTo.Add("BORDER"));
        var hiddenAssociate = await Contribute("Secret", c => c.Marking.Discoverable = false);
        var knownToExist = await Contribute("Ghost", _ => { });
        var recruitedBy = TestRecords.Person(TestRecords.UniqueRef("graph"), given: "Maria", family: "Lungu");
        recruitedBy.Marking.ReleasableTo.Add("BORDER");
        recruitedBy.Links.Add(new RecordLink { Relationship = "recruited", TargetRecordId = recruiter });
        var victim = (await records.ContributeAsync(new ContributeRequest { Content = recruitedBy })).RecordId;

        var border = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var police = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var request = new NeighbourhoodRequest { EntityIds = { recruiter }, Depth = 2, Justification = TestRecords.Because("network of the recruiter") };

        var own = await Projected.Eventually(() => police.NeighbourhoodAsync(request).ResponseAsync, s => s.Nodes.Any(n => n.Id == hiddenAssociate) && s.Nodes.Any(n => n.Id == victim));
        Assert.Contains(own.Nodes, n => n.Id == $"phone:{phone}");
        Assert.Contains(own.Nodes, n => n.Id == knownToExist && !n.Placeholder);
        Assert.Equal(0, own.WithheldNodes);

        var partner = await border.NeighbourhoodAsync(request);
        Assert.Contains(partner.Nodes, n => n.Id == driver && n.Label == "Andrei Rusu");
        Assert.Contains(partner.Edges, e => e.From == victim && e.To == recruiter && e.Kind == "recruited");
        Assert.DoesNotContain(partner.Nodes, n => n.Id == hiddenAssociate);
        Assert.DoesNotContain(partner.Nodes, n => n.Id == knownToExist);
        var placeholder = Assert.Single(partner.Nodes, n => n.Id == "ref:" + knownToExist);
        Assert.True(placeholder.Placeholder);
        Assert.Equal("", placeholder.Label);
        Assert.Equal("POL-ATU", placeholder.HolderAgency);
        Assert.Empty(placeholder.Properties);
        // The associate BORDER may not learn of, beside the phone, is not even counted as withheld.
        Assert.Equal((0, 0), (partner.WithheldNodes, partner.WithheldEdges));

        var path = await border.ShortestPathAsync(new PathRequest { FromId = victim, ToId = driver, Justification = TestRecords.Because("how is the victim linked") });
        Assert.True(path.Found);
        Assert.Equal([victim, recruiter, $"phone:{phone}", driver], path.Paths[0].NodeIds);

        // A record the reader may not learn of is answered as one that does not exist, whatever the query starts or ends at.
        var toHidden = await Assert.ThrowsAsync<RpcException>(() => border.ShortestPathAsync(new PathRequest { FromId = victim, ToId = hiddenAssociate, Justification = TestRecords.Because("probe") }).ResponseAsync);
        var fromHidden = await Assert.ThrowsAsync<RpcException>(() => border.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { hiddenAssociate }, Justification = TestRecords.Because("probe") }).ResponseAsync);
        var nowhere = await Assert.ThrowsAsync<RpcException>(() => border.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { "rec-no-such-record" }, Justification = TestRecords.Because("probe") }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, toHidden.StatusCode);
        Assert.Equal(StatusCode.NotFound, fromHidden.StatusCode);
        Assert.Equal(nowhere.Status.Detail.Replace("rec-no-such-record", hiddenAssociate, StringComparison.Ordinal), fromHidden.Status.Detail);
        var placeholderSeed = await border.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { knownToExist }, Justification = TestRecords.Because("probe") });
        Assert.Contains(placeholderSeed.Nodes, n => n.Placeholder);
    }

    [Fact]
    public async Task Nodes_and_edges_carry_the_marking_without_the_cases_the_reader_is_not_on()
    {
        var caseRef = "OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst")).CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Police only" });
        var content = TestRecords.Person(TestRecords.UniqueRef("graph-case"), given: "Iulia", family: "Cebotari");
        content.Person.Phones.Add(UniquePhone());
        content.Marking.ReleasableTo.Add("BORDER");
        content.Marking.CaseRefs.Add(caseRef);
        var recordId = (await (await Factory.ChannelForAsync("contributor")).RecordsClient().ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        var request = new NeighbourhoodRequest { EntityIds = { recordId }, Depth = 1, Justification = TestRecords.Because("who uses the phone") };

        var police = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var own = await Projected.Eventually(() => police.NeighbourhoodAsync(request).ResponseAsync, s => s.Edges.Any(e => e.Kind == "uses"));
        var border = await new GraphService.GraphServiceClient(await Factory.ChannelForAsync("border.analyst")).NeighbourhoodAsync(request);

        Assert.Equal([caseRef], Assert.Single(own.Nodes, n => n.Id == recordId).Marking.CaseRefs);
        Assert.Equal([caseRef], Assert.Single(own.Edges, e => e.Kind == "uses").Marking.CaseRefs);
        Assert.Equal("POL-ATU", Assert.Single(border.Nodes, n => n.Id == recordId).Marking.OriginatorAgency);
        Assert.Equal("POL-ATU", Assert.Single(border.Edges, e => e.Kind == "uses").Marking.OriginatorAgency);
        Assert.DoesNotContain(caseRef, border.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Withheld_counts_leave_out_records_the_reader_may_not_learn_exist_and_count_what_they_may()
    {
        var caseRef = "OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst")).CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Police only" });
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var subject = TestRecords.Person(TestRecords.UniqueRef("graph-count"), given: "Dorin", family: "Lazar");
        subject.Marking.ReleasableTo.Add("BORDER");
        subject.Marking.CaseRefs.Add(caseRef);
        var subjectId = (await records.ContributeAsync(new ContributeRequest { Content = subject })).RecordId;
        async Task<string> LinkedToSubject(string given, string relationship, bool discoverable)
        {
            var content = TestRecords.Person(TestRecords.UniqueRef("graph-count-linked"), given: given, family: "Lazar");
            content.Marking.Discoverable = discoverable;
            content.Links.Add(new RecordLink { Relationship = relationship, TargetRecordId = subjectId });
            return (await records.ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        }

        // Neither is released to BORDER: one it may learn exists (a hit), one it may not (as a shelter's record of a victim).
        var knownId = await LinkedToSubject("Mihai", "recruited", discoverable: true);
        var hiddenId = await LinkedToSubject("Ana", "controls", discoverable: false);
        var why = TestRecords.Because("who is around him");
        var request = new NeighbourhoodRequest { EntityIds = { subjectId }, Depth = 1, Justification = why };

        var police = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var own = await Projected.Eventually(() => police.NeighbourhoodAsync(request).ResponseAsync, s => s.Nodes.Any(n => n.Id == hiddenId) && s.Nodes.Any(n => n.Id == knownId));
        var borderGraph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var border = await borderGraph.NeighbourhoodAsync(request);
        var central = await borderGraph.CentralityAsync(new CentralityRequest { Measure = CentralityMeasure.Degree, EntityIds = { subjectId }, Depth = 1, Justification = why });
        var export = await borderGraph.ExportAsync(new ExportRequest { Neighbourhood = request, Format = ExportFormat.Json });

        Assert.Contains(own.Nodes, n => n.Id == GraphCaseNodeId(caseRef));
        Assert.Equal((0, 0), (own.WithheldNodes, own.WithheldEdges));
        Assert.Contains(border.Nodes, n => n.Id == "ref:" + knownId && n.Placeholder);
        Assert.DoesNotContain(hiddenId, border.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(caseRef, border.ToString(), StringComparison.OrdinalIgnoreCase);
        // Withheld and counted: the case BORDER is not on, which it reads the record without. Not counted: her record.
        Assert.Equal((1, 1), (border.WithheldNodes, border.WithheldEdges));
        Assert.Equal(1, central.WithheldNodes);
        Assert.Equal((1, 1), (export.WithheldNodes, export.WithheldEdges));
    }

    [Fact]
    public async Task A_person_read_without_only_a_case_reference_keeps_her_name_as_label()
    {
        var caseRef = "OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst")).CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Police only" });
        var content = TestRecords.Person(TestRecords.UniqueRef("graph-label"), given: "Galina", family: "Rotaru");
        content.Marking.ReleasableTo.Add("BORDER");
        content.Marking.CaseRefs.Add(caseRef);
        var recordId = (await (await Factory.ChannelForAsync("contributor")).RecordsClient().ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        var request = new NeighbourhoodRequest { EntityIds = { recordId }, Depth = 1, Justification = TestRecords.Because("who is she") };
        var border = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("border.analyst"));

        var shown = await Projected.Eventually(() => border.NeighbourhoodAsync(request).ResponseAsync, s => s.Nodes.Any(n => n.Id == recordId));

        var node = Assert.Single(shown.Nodes, n => n.Id == recordId);
        // Redacted for the case alone, as Records sends it: her name is not withheld, so neither is the label made from it.
        Assert.Equal(Effect.PermitRedacted, node.Decision.Effect);
        Assert.Equal(["marking.case_refs[0]"], node.Decision.RedactedFields);
        Assert.Equal("Galina Rotaru", node.Label);
    }

    private static string GraphCaseNodeId(string caseRef) => "case:" + caseRef;

    [Fact]
    public async Task Identifiers_of_a_record_read_redacted_are_withheld_unless_a_record_read_whole_shows_them()
    {
        var (ownPhone, sharedPhone) = (UniquePhone(), UniquePhone());
        var passport = $"MD{Random.Shared.Next(1_000_000, 9_999_999)}";
        var street = "Strada Victima" + Guid.NewGuid().ToString("N")[..6];
        var victim = TestRecords.Person(TestRecords.UniqueRef("graph-victim"), given: "Lidia", family: "Ursu");
        victim.Marking.ReleasableTo.Add("BORDER");
        victim.Marking.Caveats.Add("VICTIM_IDENTITY");
        victim.Person.Phones.Add(ownPhone);
        victim.Person.Phones.Add(sharedPhone);
        victim.Person.Documents.Add(new IdentityDocument { Kind = "passport", Number = passport, IssuingCountry = "MD" });
        victim.Person.Addresses.Add(new Address { StreetNumber = "12", Street = street, City = "Chisinau", Country = "MD" });
        var witness = TestRecords.Person(TestRecords.UniqueRef("graph-witness"), given: "Pavel", family: "Grosu");
        witness.Marking.ReleasableTo.Add("BORDER");
        witness.Person.Phones.Add(sharedPhone);
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var victimId = (await records.ContributeAsync(new ContributeRequest { Content = victim })).RecordId;
        var witnessId = (await records.ContributeAsync(new ContributeRequest { Content = witness })).RecordId;
        var request = new NeighbourhoodRequest { EntityIds = { victimId }, Depth = 2, Justification = TestRecords.Because("who is around the victim") };

        var police = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var own = await Projected.Eventually(() => police.NeighbourhoodAsync(request).ResponseAsync, s => s.Nodes.Any(n => n.Id == witnessId));
        var borderGraph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var border = await borderGraph.NeighbourhoodAsync(request);
        var aroundWitness = await borderGraph.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { witnessId }, Depth = 2, Justification = TestRecords.Because("who is around the witness") });

        Assert.Contains(own.Nodes, n => n.Id == $"phone:{ownPhone}");
        Assert.Contains(own.Nodes, n => n.Label.Contains(passport, StringComparison.Ordinal));
        Assert.Contains(own.Nodes, n => n.Label.Contains(street, StringComparison.Ordinal));
        Assert.Contains(own.Edges, e => e.From == victimId && e.To == $"phone:{sharedPhone}");
        Assert.Equal("[redacted]", Assert.Single(border.Nodes, n => n.Id == victimId).Label);
        // The phone she shares with the witness is his to show, but not that she uses it: no edge leads from her to it.
        Assert.DoesNotContain(border.Edges, e => (e.From, e.To) == (victimId, $"phone:{sharedPhone}"));
        Assert.DoesNotContain(border.Nodes, n => n.Id == witnessId);
        Assert.Contains(aroundWitness.Nodes, n => n.Id == witnessId && n.Label == "Pavel Grosu");
        // Nor does the phone name her record among those that show it: that would tie her to the phone all the same.
        Assert.Equal([witnessId], Assert.Single(aroundWitness.Nodes, n => n.Id == $"phone:{sharedPhone}" && !n.Placeholder).RecordIds);
        Assert.DoesNotContain(aroundWitness.Nodes, n => n.Id == victimId);
        var shown = border.ToString() + aroundWitness;
        Assert.DoesNotContain(victimId, aroundWitness.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ownPhone[1..], shown, StringComparison.Ordinal);
        Assert.DoesNotContain(passport, shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(street, shown, StringComparison.OrdinalIgnoreCase);
        Assert.True(border.WithheldNodes >= 3);
    }

    [Fact]
    public async Task Linked_cases_refuse_a_case_the_caller_is_not_on_as_one_that_does_not_exist()
    {
        var access = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"));
        var (first, second) = ("OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), "OP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant());
        foreach (var caseRef in new[] { first, second })
        {
            await access.CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Police only" });
        }

        var content = TestRecords.Person(TestRecords.UniqueRef("graph-cases"), given: "Radu", family: "Lupu");
        content.Marking.ReleasableTo.Add("BORDER");
        content.Marking.CaseRefs.Add(first);
        content.Marking.CaseRefs.Add(second);
        await (await Factory.ChannelForAsync("contributor")).RecordsClient().ContributeAsync(new ContributeRequest { Content = content });
        LinkedCasesRequest Request(params string[] caseRefs) => new() { CaseRefs = { caseRefs }, Justification = TestRecords.Because("are the operations linked") };

        var police = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var linked = await Projected.Eventually(() => police.LinkedCasesAsync(Request(first, second.ToLowerInvariant())).ResponseAsync, r => r.Links.Count > 0);
        var border = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var hidden = await Assert.ThrowsAsync<RpcException>(() => border.LinkedCasesAsync(Request(first)).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => border.LinkedCasesAsync(Request("OP-NO-SUCH-CASE")).ResponseAsync);

        Assert.Equal((first, second), (Assert.Single(linked.Links).FirstCase, linked.Links[0].SecondCase));
        Assert.Equal(StatusCode.InvalidArgument, hidden.StatusCode);
        Assert.Equal(["case_refs[0]"], hidden.ViolatedFields());
        Assert.Equal(unknown.StatusCode, hidden.StatusCode);
        Assert.Equal(unknown.Status.Detail.Replace("OP-NO-SUCH-CASE", first, StringComparison.Ordinal), hidden.Status.Detail);
    }

    [Fact]
    public async Task Records_resolution_puts_in_one_entity_are_joined_through_it_and_follow_an_analysts_split()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        Assert.Equal(300, await police.ContributeAllAsync(TestRecords.Population(300, seed: 4)));
        var born = $"19{Random.Shared.Next(60, 99)}-0{Random.Shared.Next(1, 9)}-1{Random.Shared.Next(0, 9)}";
        var policeRecord = TestRecords.Person(TestRecords.UniqueRef("same"), "Tamara", "Zaharia", born);
        policeRecord.Marking.ReleasableTo.Add("BORDER");
        policeRecord.Person.Documents.Add(new IdentityDocument { Kind = "passport", Number = $"MD{Random.Shared.Next(1_000_000, 9_999_999)}", IssuingCountry = "MD" });
        var policeId = (await police.ContributeAsync(new ContributeRequest { Content = policeRecord })).RecordId;
        var borderRecord = TestRecords.Person(TestRecords.UniqueRef("same"), "Тамара", "Захария", born);
        borderRecord.Person.Name.OriginalScript = "Тамара Захария";
        borderRecord.Person.Documents.Add(policeRecord.Person.Documents[0].Clone());
        borderRecord.Marking.OriginatorAgency = "BORDER";
        borderRecord.Marking.ReleasableTo.Add("POL-ATU");
        var borderId = (await border.ContributeAsync(new ContributeRequest { Content = borderRecord })).RecordId;

        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var match = await Projected.Eventually(
            () => resolution.MatchAsync(new MatchRequest
            {
                Person = new Person { Name = new PersonName { GivenName = "Tamara", FamilyName = "Zaharia" }, DateOfBirth = born },
                Justification = TestRecords.Because(),
            }).ResponseAsync,
            m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == policeId) && c.Records.Any(r => r.RecordId == borderId)),
            // Resolution trains on the population first: on two busy cores that took more than the default 20 s.
            seconds: 60);
        var entityId = match.Candidates.First(c => c.Records.Any(r => r.RecordId == policeId)).EntityId;
        var entity = await resolution.GetEntityAsync(new GetEntityRequest { EntityId = entityId, Justification = TestRecords.Because() });

        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var around = await Projected.Eventually(
            () => graph.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { entity.EntityId }, Depth = 1, Justification = TestRecords.Because("one person across agencies") }).ResponseAsync,
            s => s.Edges.Count(e => e.Kind == "same_as") == 2);
        Assert.Contains(around.Edges, e => e.Kind == "same_as" && e.From == policeId && e.To == entity.EntityId && e.RecordIds.Contains(policeId));
        Assert.Contains(around.Edges, e => e.Kind == "same_as" && e.From == borderId && e.To == entity.EntityId && e.RecordIds.Contains(borderId));
        Assert.Contains(around.Nodes, n => n.Id == entity.EntityId && n.Kind == "person");

        var split = await resolution.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Split,
            Entities = { new EntityVersion { EntityId = entity.EntityId, Version = entity.Version } },
            RecordIds = { borderId },
            Reason = "the interview shows two different women",
            Justification = TestRecords.Because(),
        });
        var borderEntity = Assert.Single(Assert.Single(split.Changes).ToEntityIds, id => id != entity.EntityId);

        var after = await Projected.Eventually(
            () => graph.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { borderId }, Depth = 1, Justification = TestRecords.Because("after the split") }).ResponseAsync,
            s => s.Edges.Any(e => e.Kind == "same_as" && e.To == borderEntity));
        Assert.DoesNotContain(after.Edges, e => e.Kind == "same_as" && e.To == entity.EntityId);
    }

    [Fact]
    public async Task Centrality_and_communities_rank_the_neighbourhood_of_named_entities()
    {
        var phone = UniquePhone();
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var people = new List<string>();
        // Three people Resolution keeps apart (names and births differ), so the phone is the one node they share; and
        // named as no other test's people are, so that none joins an entity of another's.
        foreach (var (given, family, born) in new[] { ("Vasile", "Cojocaru", "1971-03-04"), ("Tudor", "Harea", "1986-07-08"), ("Ion", "Ceban", "1993-11-12") })
        {
            var content = TestRecords.Person(TestRecords.UniqueRef("central"), given, family, born);
            content.Person.Phones.Add(phone);
            people.Add((await records.ContributeAsync(new ContributeRequest { Content = content })).RecordId);
        }

        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var why = TestRecords.Because("who is central around Vasile");
        // Over the phone's edges alone: each person's same_as edge to the entity Resolution puts them in arrives when
        // Resolution has run, and its node would join the ranking and the communities whenever it came.
        var phoneEdges = new GraphFilter { EdgeKinds = { "uses" } };
        var ranking = await Projected.Eventually(
            () => graph.CentralityAsync(new CentralityRequest { Measure = CentralityMeasure.Degree, EntityIds = { people[0] }, Depth = 2, Filter = phoneEdges, Justification = why }).ResponseAsync,
            r => r.Ranking.Count == 4);
        var communities = await graph.CommunitiesAsync(new CommunitiesRequest { EntityIds = { people[0] }, Depth = 2, MinSize = 2, Filter = phoneEdges, Justification = why });

        Assert.Equal($"phone:{phone}", ranking.Ranking[0].Node.Id);
        Assert.Equal(people.Append($"phone:{phone}").Order(), ranking.Ranking.Select(r => r.Node.Id).Order());
        var community = Assert.Single(communities.Communities);
        Assert.Equal(people.Append($"phone:{phone}").Order(), community.Members.Select(m => m.Id).Order());

        var tooMany = await Assert.ThrowsAsync<RpcException>(() => graph.CentralityAsync(new CentralityRequest
        {
            Measure = CentralityMeasure.Degree,
            EntityIds = { Enumerable.Range(0, 101).Select(i => $"rec-{i}").Append(" ") },
            Justification = why,
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Equal(["entity_ids", "entity_ids[101]"], tooMany.ViolatedFields().Order());
    }

    [Fact]
    public async Task Common_associates_are_only_those_of_the_filters_kinds_and_time_window()
    {
        var phone = UniquePhone();
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        async Task<string> Contribute(string given, string family, string born, params RecordLink[] links)
        {
            var content = TestRecords.Person(TestRecords.UniqueRef("common"), given, family, born);
            content.Links.Add(links);
            if (links.Length > 0)
            {
                content.Person.Phones.Add(phone);
            }

            return (await records.ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        }

        static Google.Protobuf.WellKnownTypes.Timestamp On(int year, int month) => Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc));
        RecordLink[] Links(string controlled, string paid) =>
        [
            new() { Relationship = "controls", TargetRecordId = controlled, ValidFrom = On(2020, 1), ValidTo = On(2020, 6) },
            new() { Relationship = "paid", TargetRecordId = paid, ValidFrom = On(2024, 3), ValidTo = On(2024, 4) },
        ];

        // People Resolution keeps apart (names and births differ), so only the links below join them.
        var controlled = await Contribute("Elena", "Turcan", "1999-02-03");
        var payee = await Contribute("Sergiu", "Balan", "1962-08-09");
        var first = await Contribute("Victor", "Rusu", "1970-01-02", Links(controlled, payee));
        var second = await Contribute("Andrei", "Moraru", "1985-06-07", Links(controlled, payee));

        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        CommonAssociatesRequest Request(GraphFilter? filter) => new() { FirstId = first, SecondId = second, Filter = filter, Justification = TestRecords.Because("who do they share") };
        async Task<string[]> Associates(GraphFilter filter) =>
            [.. (await graph.CommonAssociatesAsync(Request(filter))).Nodes.Select(n => n.Id).Except([first, second]).Order()];

        var unfiltered = await Projected.Eventually(() => graph.CommonAssociatesAsync(Request(null)).ResponseAsync, s => s.Nodes.Count == 5);

        Assert.Equal(new[] { controlled, payee, $"phone:{phone}" }.Order(), unfiltered.Nodes.Select(n => n.Id).Except([first, second]).Order());
        Assert.Equal([$"phone:{phone}"], await Associates(new GraphFilter { NodeKinds = { "phone" } }));
        Assert.Equal([controlled], await Associates(new GraphFilter { EdgeKinds = { "controls" } }));
        // The phone's links carry no dates, so no window rules them out.
        Assert.Equal(new[] { payee, $"phone:{phone}" }.Order(), await Associates(new GraphFilter { From = On(2024, 1), To = On(2025, 1) }));
        Assert.All((await graph.CommonAssociatesAsync(Request(new GraphFilter { EdgeKinds = { "paid" } }))).Edges, e => Assert.Equal("paid", e.Kind));

        var invalid = await Assert.ThrowsAsync<RpcException>(() => graph.CommonAssociatesAsync(Request(new GraphFilter { NodeKinds = { "spaceship" }, EdgeKinds = { "knows" }, From = On(2025, 1), To = On(2024, 1) })).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(["filter.edge_kinds", "filter.from", "filter.node_kinds"], invalid.ViolatedFields().Order());
    }

    [Fact]
    public async Task Centrality_and_communities_rank_only_the_filters_kinds_of_node_and_link()
    {
        var phone = UniquePhone();
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var controlled = TestRecords.Person(TestRecords.UniqueRef("filtered"), "Elena", "Turcan", "1999-02-03");
        controlled.Person.Phones.Add(phone);
        var controlledId = (await records.ContributeAsync(new ContributeRequest { Content = controlled })).RecordId;
        // A busy person: more links than any phone, so unfiltered it is among the most central of the whole graph.
        var controller = TestRecords.Person(TestRecords.UniqueRef("filtered"), "Victor", "Rusu", "1970-01-02");
        controller.Person.Phones.Add(phone);
        controller.Person.Phones.Add(Enumerable.Range(0, 12).Select(_ => UniquePhone()));
        controller.Links.Add(new RecordLink { Relationship = "controls", TargetRecordId = controlledId });
        var controllerId = (await records.ContributeAsync(new ContributeRequest { Content = controller })).RecordId;

        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var why = TestRecords.Because("who is central on the phones");
        var uses = new GraphFilter { EdgeKinds = { "uses" } };
        var around = new CentralityRequest { Measure = CentralityMeasure.Degree, EntityIds = { controlledId }, Depth = 2, Filter = uses, Justification = why };

        // Around her over "uses" only: the two people and their shared phone, and the controls link between them not counted.
        var scoped = await Projected.Eventually(() => graph.CentralityAsync(around).ResponseAsync, r => r.Ranking.Count == 3);
        var wholeGraph = await graph.CentralityAsync(new CentralityRequest { Measure = CentralityMeasure.Degree, Top = 1_000, Filter = new GraphFilter { NodeKinds = { "phone" } }, Justification = why });
        var communities = await graph.CommunitiesAsync(new CommunitiesRequest { MinSize = 1, Filter = new GraphFilter { NodeKinds = { "phone" } }, Justification = why });

        Assert.Equal(new[] { ($"phone:{phone}", 2.0), (controlledId, 1.0), (controllerId, 1.0) }.Order(), scoped.Ranking.Select(r => (r.Node.Id, r.Score)).Order());
        Assert.NotEmpty(wholeGraph.Ranking);
        Assert.All(wholeGraph.Ranking, r => Assert.Equal("phone", r.Node.Kind));
        Assert.All(communities.Communities.SelectMany(c => c.Members), m => Assert.Equal("phone", m.Kind));
    }

    [Fact]
    public async Task Bad_graph_queries_name_every_problem_and_unknown_entities_are_not_found()
    {
        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var invalid = await Assert.ThrowsAsync<RpcException>(() => graph.NeighbourhoodAsync(new NeighbourhoodRequest
        {
            EntityIds = { "anything" },
            Depth = 5,
            Limit = 1_000_000,
            Filter = new GraphFilter { From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc)), To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("depth", invalid.ViolatedFields());
        Assert.Contains("limit", invalid.ViolatedFields());
        Assert.Contains("filter.from", invalid.ViolatedFields());
        Assert.Contains("justification", invalid.ViolatedFields());

        var missing = await Assert.ThrowsAsync<RpcException>(() => graph.ShortestPathAsync(new PathRequest
        {
            FromId = "no-such-entity",
            ToId = "nor-this",
            Justification = TestRecords.Because(),
        }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Connect_the_dots_names_too_many_or_blank_entities_before_looking_any_up()
    {
        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));

        // More than the engine joins pairwise, and a blank one, all of them unknown: the request's form is named first.
        var invalid = await Assert.ThrowsAsync<RpcException>(() => graph.ConnectTheDotsAsync(new ConnectTheDotsRequest
        {
            EntityIds = { Enumerable.Range(0, GraphLimits.MaxConnectIds).Select(i => $"rec-no-such-{i}").Append("  ") },
            Justification = TestRecords.Because("how are they linked"),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(["entity_ids", $"entity_ids[{GraphLimits.MaxConnectIds}]"], invalid.ViolatedFields().Order());
        Assert.Contains($"at most {GraphLimits.MaxConnectIds}", invalid.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Communities_cut_to_the_most_a_response_carries_say_they_are_truncated()
    {
        // Each phone alone is a community of one when only phones take part: more of them than a response carries.
        var content = TestRecords.Person(TestRecords.UniqueRef("many-phones"), "Mihai", "Popa", "1977-07-07");
        var first = Random.Shared.Next(10_000, 90_000);
        content.Person.Phones.Add(Enumerable.Range(first, 250).Select(n => $"+4477008{n}"));
        var recordId = (await (await Factory.ChannelForAsync("contributor")).RecordsClient().ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var why = TestRecords.Because("which groups");
        await Projected.Eventually(
            () => graph.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { recordId }, Justification = why }).ResponseAsync,
            s => s.Nodes.Count(n => n.Kind == "phone") == 250);

        var phones = await graph.CommunitiesAsync(new CommunitiesRequest { MinSize = 1, Filter = new GraphFilter { NodeKinds = { "phone" } }, Justification = why });

        Assert.Equal(200, phones.Communities.Count);
        Assert.True(phones.Truncated);
    }

    private static string UniquePhone() => $"+4477009{Random.Shared.Next(10000, 99999)}";
}
