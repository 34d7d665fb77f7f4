using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Bad input is refused with INVALID_ARGUMENT naming every problem at once, each once, by its path in the request, and
/// changes nothing (Search, Graph, Resolution, Records and Oversight alike).
/// </summary>
public sealed class BadInputTogetherTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    private static readonly Justification OutOfRangePurpose = new() { Reason = "probe", Purpose = (Purpose)77 };

    private static async Task<IReadOnlyList<string>> InvalidFieldsAsync<T>(AsyncUnaryCall<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return error.ViolatedFields();
    }

    private static async Task<IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation>> InvalidAsync<T>(AsyncUnaryCall<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations;
    }

    [Fact]
    public async Task Search_takes_the_facet_names_of_its_contract_and_names_an_unknown_one_by_its_index()
    {
        var search = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));

        await search.SearchAsync(new SearchRequest { Query = "Petrov", Facets = { "exploitation_form", "exploitation", "type" }, Justification = TestRecords.Because() });
        var unknown = await InvalidFieldsAsync(search.SearchAsync(new SearchRequest { Query = "Petrov", Facets = { "type", "nope" }, Justification = TestRecords.Because() }));

        Assert.Equal(["facets[1]"], unknown);
    }

    [Fact]
    public async Task An_enum_out_of_range_or_an_unknown_case_is_named_with_every_other_problem()
    {
        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var search = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));
        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));

        var neighbourhood = await InvalidFieldsAsync(graph.NeighbourhoodAsync(new NeighbourhoodRequest { EntityIds = { "x" }, Depth = 9, Limit = -1, Justification = OutOfRangePurpose }));
        var mode = await InvalidFieldsAsync(search.SearchAsync(new SearchRequest { Query = "Petrov", Mode = (SearchMode)77, PageSize = -1, Justification = TestRecords.Because() }));
        var filters = await InvalidFieldsAsync(search.SearchAsync(new SearchRequest
        {
            Filters = new SearchFilters
            {
                Types_ = { (RecordType)99 },
                Agencies = { "NOPE" },
                Nationalities = { "XX" },
                Recorded = new TimeRange { From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow), To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)) },
            },
            Justification = TestRecords.Because(),
        }));
        var match = await InvalidFieldsAsync(resolution.MatchAsync(new MatchRequest
        {
            MaxCandidates = -1, Person = new Person { Name = new PersonName { FamilyName = "Petrov" }, DateOfBirth = "zz" }, Justification = OutOfRangePurpose,
        }));
        var export = await InvalidFieldsAsync(graph.ExportAsync(new ExportRequest { Format = ExportFormat.Graphml, Neighbourhood = new NeighbourhoodRequest { EntityIds = { "x" }, Justification = new Justification { Purpose = (Purpose)77 } } }));
        var unknownCase = await InvalidFieldsAsync(search.SearchAsync(new SearchRequest { Query = "Petrov", PageSize = -1, Justification = TestRecords.Because("probe", "NO-SUCH-CASE") }));

        Assert.Equal(["depth", "justification.purpose", "limit"], neighbourhood.Order());
        Assert.Equal(["mode", "page_size"], mode.Order());
        Assert.Equal(["filters.agencies[0]", "filters.nationalities[0]", "filters.recorded", "filters.types[0]"], filters.Order());
        Assert.Equal(["justification.purpose", "max_candidates", "person.date_of_birth"], match.Order());
        Assert.Equal(["neighbourhood.justification.purpose", "neighbourhood.justification.reason"], export.Order());
        Assert.Equal(["justification.case_ref", "page_size"], unknownCase.Order());
    }

    [Fact]
    public async Task Each_problem_is_named_by_its_own_field_with_its_own_reason()
    {
        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var search = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));
        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));

        var sameTwice = await InvalidFieldsAsync(graph.CommonAssociatesAsync(new CommonAssociatesRequest { FirstId = "a", SecondId = "a", Justification = TestRecords.Because() }));
        var longText = await InvalidAsync(search.SearchAsync(new SearchRequest { Query = new string('a', 2_001), Mode = SearchMode.SearchText, Justification = TestRecords.Because() }));
        var noPair = await InvalidFieldsAsync(resolution.DecideAsync(new DecideRequest { Kind = DecisionKind.Confirm, Reason = "same person", Justification = TestRecords.Because() }));
        var blankLeaver = await InvalidFieldsAsync(resolution.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Split, Entities = { new EntityVersion { EntityId = "ent-x", Version = 1 } }, RecordIds = { "" }, Reason = "two people", Justification = TestRecords.Because(),
        }));

        Assert.Equal(["second_id"], sameTwice);
        Assert.Equal("query", Assert.Single(longText).Field);
        Assert.Contains("2,000", longText[0].Description, StringComparison.Ordinal);
        Assert.Equal(["left_record_id", "right_record_id"], noPair.Order());
        Assert.Equal(["record_ids[0]"], blankLeaver);
    }

    [Fact]
    public async Task A_blank_id_is_refused_as_required_not_answered_as_not_found()
    {
        var graph = new GraphService.GraphServiceClient(await Factory.ChannelForAsync("analyst"));
        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));

        var path = await InvalidFieldsAsync(graph.ShortestPathAsync(new PathRequest { FromId = " ", ToId = "y", Justification = TestRecords.Because() }));
        var timeline = await InvalidFieldsAsync(graph.TimelineAsync(new TimelineRequest { EntityId = "  ", Justification = TestRecords.Because() }));
        var entity = await InvalidFieldsAsync(resolution.GetEntityAsync(new GetEntityRequest { EntityId = "  ", Justification = TestRecords.Because() }));
        var merge = await InvalidFieldsAsync(resolution.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Merge, Entities = { new EntityVersion { EntityId = "" }, new EntityVersion { EntityId = "ent-x", Version = 1 } }, Reason = "one person", Justification = TestRecords.Because(),
        }));

        Assert.Equal(["from_id"], path);
        Assert.Equal(["entity_id"], timeline);
        Assert.Equal(["entity_id"], entity);
        Assert.Equal(["entities[0].entity_id"], merge);
    }

    [Fact]
    public async Task Input_that_says_nothing_is_refused_or_kept_as_nothing()
    {
        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();

        var self = await InvalidFieldsAsync(resolution.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Merge, Entities = { new EntityVersion { EntityId = "ent-x", Version = 1 }, new EntityVersion { EntityId = "ent-x", Version = 1 } }, Reason = "one", Justification = TestRecords.Because(),
        }));
        var blankReason = await InvalidFieldsAsync(resolution.DecideAsync(new DecideRequest { Kind = DecisionKind.Confirm, LeftRecordId = "a", RightRecordId = "b", Reason = "   ", Justification = TestRecords.Because() }));
        var page = await InvalidFieldsAsync(oversight.AnomaliesAsync(new PeriodRequest { Page = new PageRequest { PageSize = -5, PageToken = "junk" } }));
        var empty = TestRecords.Person(TestRecords.UniqueRef());
        empty.Person.Aliases.Add(new PersonName());
        empty.LocalTerms.Add(new LocalTerm());
        var contribute = await InvalidFieldsAsync(records.ContributeAsync(new ContributeRequest { Content = empty }));

        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });
        var amended = TestRecords.Person("", given: "Ivana");
        await records.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = amended, Reason = "   " });
        var stored = await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });

        Assert.Equal(["entities[1].entity_id"], self);
        Assert.Equal(["reason"], blankReason);
        Assert.Equal(2, page.Count);
        Assert.Equal(["content.local_terms[0].field", "content.local_terms[0].term", "content.person.aliases[0]"], contribute.Order());
        Assert.Equal(2, stored.Record.Version);
        Assert.Equal("", stored.Record.AmendmentReason);
    }

    [Fact]
    public async Task A_problem_is_reported_once()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var report = new RecordContent
        {
            SourceRef = TestRecords.UniqueRef(),
            Marking = TestRecords.Marking(),
            Report = new Report { Title = "long", Text = new string('a', 100_001) },
            Evaluation = new Evaluation { Source = SourceEvaluation.SourceReliable },
        };

        var purpose = await InvalidFieldsAsync(records.GetAsync(new GetRecordRequest { RecordId = "r", Justification = new Justification { Reason = "probe", Purpose = (Purpose)99 } }));
        var text = await InvalidFieldsAsync(records.ContributeAsync(new ContributeRequest { Content = report }));

        Assert.Equal(["justification.purpose"], purpose);
        Assert.Single(text, field => field == "content.report.text");
    }
}
