using IntelShare.Contracts;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using IntelShare.Contracts.V1;
using IntelShare.Identity;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;

namespace IntelShare.Platform.Tests;

public sealed class BadInputTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task Get_without_justification_is_invalid_argument_naming_it()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });

        var error = await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(new GetRecordRequest { RecordId = created.RecordId }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["justification"], error.ViolatedFields());
    }

    [Fact]
    public async Task Get_with_every_field_wrong_names_every_field()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();

        var error = await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(
            new GetRecordRequest { RecordId = "", Version = -1, Justification = new Justification { CaseRef = "OP-1" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["justification.reason", "record_id", "version"], error.ViolatedFields().Order());
    }

    [Fact]
    public async Task Reads_and_withdrawals_name_problems_of_form_together_with_those_of_meaning()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var badReason = new Justification { Reason = "a\u0001", Purpose = (Purpose)77 };

        var get = await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(new GetRecordRequest { RecordId = "", Justification = badReason }).ResponseAsync);
        var batch = await Assert.ThrowsAsync<RpcException>(() => records.BatchGetAsync(new BatchGetRecordsRequest { RecordIds = { "" }, Justification = badReason }).ResponseAsync);
        var history = await Assert.ThrowsAsync<RpcException>(() => records.HistoryAsync(new HistoryRequest { RecordId = "", Justification = badReason }).ResponseAsync);
        var withdraw = await Assert.ThrowsAsync<RpcException>(() => records.WithdrawAsync(new WithdrawRequest { RecordId = "", Reason = "gone\u0007" }).ResponseAsync);

        Assert.Equal(["justification.purpose", "justification.reason", "record_id"], get.ViolatedFields().Distinct().Order());
        Assert.Equal(["justification.purpose", "justification.reason", "record_ids[0]"], batch.ViolatedFields().Distinct().Order());
        Assert.Equal(["justification.purpose", "justification.reason", "record_id"], history.ViolatedFields().Distinct().Order());
        Assert.Equal(["reason", "record_id"], withdraw.ViolatedFields().Distinct().Order());
    }

    [Fact]
    public async Task Contribution_with_many_problems_names_every_one_and_stores_nothing()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef();
        var bad = TestRecords.Person(sourceRef);
        bad.Marking.Classification = Classification.Unspecified;
        bad.Marking.Handling = new Handling { Code = HandlingCode.HandlingC };
        bad.Marking.Caveats.Add("NOT_A_CAVEAT");
        bad.Marking.ReleasableTo.Add("border guard");
        bad.Marking.OriginatorAgency = "BORDER";
        bad.Person.DateOfBirth = "12/04/1985";
        bad.Person.Sex = "male";
        bad.Person.Nationalities.Add("Moldova");
        bad.Person.Phones.Add("call me");

        var error = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = bad }).ResponseAsync);
        var fixedUp = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(
            [
                "content.marking.caveats[0]", "content.marking.classification", "content.marking.handling.conditions",
                "content.marking.originator_agency", "content.marking.releasable_to[0]", "content.person.date_of_birth",
                "content.person.nationalities[1]", "content.person.phones[0]", "content.person.sex",
            ],
            error.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Equal(ContributeOutcome.Created, fixedUp.Outcome);
    }

    [Fact]
    public async Task Country_codes_must_be_assigned_ones_and_the_message_says_which_was_meant()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var person = TestRecords.Person(TestRecords.UniqueRef("countries"));
        person.Person.Nationalities.Clear();
        person.Person.Nationalities.Add(["UK", "gb", "JJ", "GB", "XK"]);

        var error = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = person }).ResponseAsync);

        Assert.Equal(["content.person.nationalities[0]", "content.person.nationalities[1]", "content.person.nationalities[2]"], error.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Contains("the United Kingdom is GB", error.Status.Detail);
        Assert.Contains("write it in capitals, 'GB'", error.Status.Detail);
    }

    [Fact]
    public async Task A_name_may_not_hide_how_it_reads_but_may_carry_the_joiners_its_script_needs()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var hidden = TestRecords.Person(TestRecords.UniqueRef("hidden-text"), given: "Ann\u202Ea", family: "Evil\u200Bson");
        var persian = TestRecords.Person(TestRecords.UniqueRef("zwnj"), given: "Mohammad\u200Creza", family: "Ahmadi");

        var error = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = hidden }).ResponseAsync);
        var accepted = await records.ContributeAsync(new ContributeRequest { Content = persian });

        Assert.Equal(["content.person.name.family_name", "content.person.name.given_name"], error.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Contains("invisible formatting character", error.Status.Detail);
        Assert.Equal(ContributeOutcome.Created, accepted.Outcome);
    }

    [Fact]
    public async Task A_marking_names_each_agency_and_caveat_once()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var person = TestRecords.Person(TestRecords.UniqueRef("repeats"));
        person.Marking.ReleasableTo.Add(["BORDER", "LABOUR", "BORDER"]);
        person.Marking.Caveats.Add(["CHILD", "child"]);

        var error = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = person }).ResponseAsync);

        Assert.Equal(["content.marking.caveats[1]", "content.marking.releasable_to[2]"], error.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Contains("names the same agency as releasable_to[0]", error.Status.Detail);
    }

    [Fact]
    public async Task A_Europol_handling_code_must_be_one_the_3x5x2_code_beside_it_maps_from()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        // H3 (no dissemination without the originator's leave) beside P (lawful sharing permitted): the policy goes by
        // the 3x5x2 code, so the record would travel with no conditions at all.
        var restricted = TestRecords.Person(TestRecords.UniqueRef("europol"));
        restricted.Marking.Handling = new Handling { Code = HandlingCode.HandlingP, EuropolCode = EuropolHandlingCode.H3 };
        var open = TestRecords.Person(TestRecords.UniqueRef("europol"));
        open.Marking.Handling = new Handling { Code = HandlingCode.HandlingC, Conditions = "police only", EuropolCode = EuropolHandlingCode.H0 };
        var agreeing = TestRecords.Person(TestRecords.UniqueRef("europol"));
        agreeing.Marking.Handling = new Handling { Code = HandlingCode.HandlingC, Conditions = "police only", EuropolCode = EuropolHandlingCode.H2 };

        var restrictedError = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = restricted }).ResponseAsync);
        var openError = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = open }).ResponseAsync);
        var created = await records.ContributeAsync(new ContributeRequest { Content = agreeing });

        Assert.Equal(StatusCode.InvalidArgument, restrictedError.StatusCode);
        Assert.Equal(["content.marking.handling.europol_code"], restrictedError.ViolatedFields());
        Assert.Contains("HANDLING_C", restrictedError.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["content.marking.handling.europol_code"], openError.ViolatedFields());
        Assert.Contains("HANDLING_P", openError.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(ContributeOutcome.Created, created.Outcome);
    }

    [Fact]
    public async Task A_source_reference_padded_with_white_space_is_refused_rather_than_made_a_second_record()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef("padded");
        var padded = TestRecords.Person($" {sourceRef}\t");
        padded.Links.Add(new RecordLink { TargetSourceRef = $"{sourceRef} ", Relationship = "recruited" });

        var refused = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = padded }).ResponseAsync);
        var trimmed = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["content.links[0].target_source_ref", "content.source_ref"], refused.ViolatedFields().Order());
        Assert.Contains("send it trimmed", refused.Status.Detail, StringComparison.Ordinal);
        // Nothing was stored under the padded reference: the trimmed one is new.
        Assert.Equal(ContributeOutcome.Created, trimmed.Outcome);
    }

    [Fact]
    public async Task Contribution_without_content_marking_or_body_names_them()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();

        var empty = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest()).ResponseAsync);
        var bare = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = new RecordContent() }).ResponseAsync);

        Assert.Equal(["content"], empty.ViolatedFields());
        Assert.Equal(["content.body", "content.marking", "content.source_ref"], bare.ViolatedFields().Order());
    }

    [Fact]
    public async Task Timestamps_off_the_calendar_and_enum_values_the_contract_lacks_are_named_and_stored_nowhere()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef("shape");
        var bad = TestRecords.Person(sourceRef);
        bad.Marking.ReviewDate = new Timestamp { Seconds = long.MaxValue };
        bad.Marking.Handling.Code = (HandlingCode)99;
        bad.Person.Name.GivenName = "Ana\u0001";
        // Problems of meaning come with those of shape, all at once.
        bad.Person.DateOfBirth = "abc";
        bad.Marking.Caveats.Add("FOO");
        bad.Links.Add(new RecordLink { Relationship = "knows", TargetSourceRef = "x", ValidFrom = new Timestamp { Nanos = -5 }, ValidTo = Timestamp.FromDateTime(DateTime.UtcNow) });

        var error = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = bad }).ResponseAsync);
        var search = await Assert.ThrowsAsync<RpcException>(async () => await new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst")).SearchAsync(new SearchRequest
        {
            Query = "petrov",
            Justification = TestRecords.Because(),
            Filters = new SearchFilters { Recorded = new TimeRange { From = new Timestamp { Seconds = long.MinValue } }, Classifications = { (Classification)42 } },
        }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(
            [
                "content.links[0].valid_from", "content.marking.caveats[0]", "content.marking.handling.code", "content.marking.review_date",
                "content.person.date_of_birth", "content.person.name.given_name",
            ],
            error.ViolatedFields().Distinct().Order(StringComparer.Ordinal));
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("shape-amend")) });
        var amended = TestRecords.Person("");
        amended.Person.Sex = "zz";
        var amend = await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(new AmendRequest
        {
            RecordId = created.RecordId, Content = amended, Reason = new string('r', MessageShape.MaxStringLength + 1),
        }).ResponseAsync);
        Assert.Equal(["content.person.sex", "reason"], amend.ViolatedFields().Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(StatusCode.InvalidArgument, search.StatusCode);
        Assert.Equal(["filters.classifications[0]", "filters.recorded.from"], search.ViolatedFields().Order(StringComparer.Ordinal));
        var fixedUp = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        Assert.Equal(ContributeOutcome.Created, fixedUp.Outcome);
    }

    [Fact]
    public async Task Access_calls_without_the_id_they_act_on_are_invalid_argument_naming_every_missing_field()
    {
        var supervisor = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("supervisor"));

        var getCase = await Assert.ThrowsAsync<RpcException>(() => supervisor.GetCaseAsync(new GetCaseRequest()).ResponseAsync);
        var compromise = await Assert.ThrowsAsync<RpcException>(() => supervisor.RecordCompromiseAsync(new RecordCompromiseRequest()).ResponseAsync);
        var approve = await Assert.ThrowsAsync<RpcException>(() => supervisor.ApproveAccessRequestAsync(new ApproveAccessRequestRequest()).ResponseAsync);
        var refuse = await Assert.ThrowsAsync<RpcException>(() => supervisor.RefuseAccessRequestAsync(new RefuseAccessRequestRequest()).ResponseAsync);
        var revoke = await Assert.ThrowsAsync<RpcException>(() => supervisor.RevokeGrantAsync(new RevokeGrantRequest()).ResponseAsync);
        var member = await Assert.ThrowsAsync<RpcException>(() => supervisor.AddCaseMemberAsync(new CaseMemberRequest()).ResponseAsync);

        Assert.All([getCase, compromise, approve, refuse, revoke, member], error => Assert.Equal(StatusCode.InvalidArgument, error.StatusCode));
        Assert.Equal(["case_ref"], getCase.ViolatedFields());
        Assert.Equal(["case_ref"], compromise.ViolatedFields());
        Assert.Equal(["expires_at", "request_id"], approve.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Equal(["reason", "request_id"], refuse.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Equal(["grant_id", "reason"], revoke.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Contains("case_ref", member.ViolatedFields());
    }

    [Fact]
    public async Task A_match_question_is_held_to_the_formats_a_contribution_is()
    {
        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var person = new Person { Name = new PersonName { GivenName = "Olena", FamilyName = "Kovalenko" }, DateOfBirth = "02/01/1980", Sex = "?", Nationalities = { "xx-yy" }, Phones = { "abc" } };

        var error = await Assert.ThrowsAsync<RpcException>(() => resolution.MatchAsync(new MatchRequest { Person = person, Justification = TestRecords.Because() }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["person.date_of_birth", "person.nationalities[0]", "person.phones[0]", "person.sex"], error.ViolatedFields().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_review_queue_token_of_the_old_offset_form_is_refused_rather_than_read_as_an_offset()
    {
        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));

        // Once an offset (near int.MaxValue it overflowed); a token now names the last pair shown, bound to its query.
        var error = await Assert.ThrowsAsync<RpcException>(() => resolution.ReviewQueueAsync(new ReviewQueueRequest
        {
            PageToken = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), Justification = TestRecords.Because(),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["page_token"], error.ViolatedFields());
    }

    [Fact]
    public async Task An_access_check_naming_an_unknown_caveat_says_so()
    {
        var access = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"));
        var marking = TestRecords.Marking();
        marking.Caveats.Add("BOGUS");

        var request = new CheckRequest
        {
            Item = new CheckItem { ResourceKind = "record", ResourceId = "rec-x", Marking = marking, RecordType = RecordType.Person },
            Justification = TestRecords.Because(),
        };
        var service = await Factory.PlatformServiceHeadersAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => access.CheckAsync(request, service).ResponseAsync);
        // Made by a user directly, a check would decide and audit a marking of the user's own making.
        var direct = await Assert.ThrowsAsync<RpcException>(() => access.CheckAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["item.marking.caveats[0]"], error.ViolatedFields());
        Assert.Equal(StatusCode.PermissionDenied, direct.StatusCode);
    }

    [Fact]
    public async Task A_bulk_intake_rejects_a_record_with_a_timestamp_off_the_calendar_alone()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var batch = TestRecords.UniqueRef("shape-bulk");
        var eventRecord = TestRecords.Person($"{batch}-1");
        eventRecord.Event = new Event { Kind = "meeting", OccurredFrom = new Timestamp { Seconds = long.MaxValue }, OccurredTo = new Timestamp { Seconds = 1 } };

        using var call = records.ContributeStream();
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-0") });
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = eventRecord });
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-2") });
        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal((2L, 1L), (response.Accepted, response.Rejected));
        var rejection = Assert.Single(response.Rejections);
        Assert.Equal(1, rejection.Position);
        Assert.Equal(["content.event.occurred_from"], rejection.Problems.Select(p => p.Field));
    }

    [Fact]
    public async Task A_release_or_case_membership_for_an_agency_not_taking_part_is_refused()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var access = new AccessService.AccessServiceClient(await Factory.ChannelForAsync("analyst"));
        var batch = TestRecords.UniqueRef("agency");
        var misspelt = TestRecords.Person($"{batch}-1");
        misspelt.Marking.ReleasableTo.Add("BORDER");
        misspelt.Marking.ReleasableTo.Add("BORDRE");
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-0") });
        var amended = TestRecords.Person($"{batch}-0");
        amended.Marking.ReleasableTo.Add("INTERPOL");

        var unary = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = misspelt }).ResponseAsync);
        var amend = await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = amended }).ResponseAsync);
        using var call = records.ContributeStream();
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = misspelt });
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-2") });
        await call.RequestStream.CompleteAsync();
        var stream = await call;
        var caseRef = "OP-" + Guid.NewGuid().ToString("N")[..8];
        var joint = await Assert.ThrowsAsync<RpcException>(() => access.CreateCaseAsync(new CreateCaseRequest
        {
            CaseRef = caseRef, Title = "Joint team",
            Members = { new CaseMember { Agency = "LABOUR" }, new CaseMember { Agency = "LABOR" }, new CaseMember { UserId = "border.analyst" } },
        }).ResponseAsync);

        Assert.Equal(["content.marking.releasable_to[1]"], unary.ViolatedFields());
        Assert.Contains("'BORDRE' is not an agency taking part", unary.Status.Detail);
        Assert.Equal(["content.marking.releasable_to[0]"], amend.ViolatedFields());
        Assert.Equal((1L, 1L), (stream.Accepted, stream.Rejected));
        Assert.Equal(["content.marking.releasable_to[1]"], Assert.Single(stream.Rejections).Problems.Select(p => p.Field));
        // Members are named by user id (the token's sub), which FindUsers gives for a user name.
        Assert.Equal(["members[1].agency", "members[2].user_id"], joint.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => access.GetCaseAsync(new GetCaseRequest { CaseRef = caseRef }).ResponseAsync)).StatusCode);
        Assert.Single((await records.HistoryAsync(new HistoryRequest { RecordId = created.RecordId, Justification = TestRecords.Because() })).Versions);
    }

    [Fact]
    public async Task Oversized_input_is_refused_with_a_status_short_enough_to_reach_the_caller()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var longName = TestRecords.Person(TestRecords.UniqueRef("long"), given: new string('a', 400));
        var manyPhones = TestRecords.Person(TestRecords.UniqueRef("phones"));
        manyPhones.Person.Phones.AddRange(Enumerable.Repeat("call me", 20_000));

        var name = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = longName }).ResponseAsync);
        var reason = await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(
            new GetRecordRequest { RecordId = "rec-x", Justification = TestRecords.Because(new string('r', 200_000)) }).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(
            new GetRecordRequest { RecordId = new string('x', 90_000), Justification = TestRecords.Because() }).ResponseAsync);
        var phones = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = manyPhones }).ResponseAsync);

        Assert.Equal(["content.person.name.given_name"], name.ViolatedFields());
        Assert.Equal(["justification.reason"], reason.ViolatedFields());
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.True(missing.Status.Detail.Length <= 1_000, $"{missing.Status.Detail.Length} characters");
        Assert.Equal(StatusCode.InvalidArgument, phones.StatusCode);
        Assert.Equal(51, phones.ViolatedFields().Count);
        Assert.Equal("(more)", phones.ViolatedFields()[^1]);
    }

    [Fact]
    public async Task Intelligence_report_needs_its_evaluation()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var report = new RecordContent { SourceRef = TestRecords.UniqueRef(), Marking = TestRecords.Marking(), Report = new Report { Title = "Recruitment via job adverts" } };

        var error = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = report }).ResponseAsync);

        Assert.Equal(["content.evaluation.assessment", "content.evaluation.source"], error.ViolatedFields().Order());
    }

    [Fact]
    public async Task Unknown_record_is_not_found_for_every_operation()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        const string missing = "rec-does-not-exist";

        var errors = new[]
        {
            await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(new GetRecordRequest { RecordId = missing, Justification = TestRecords.Because() }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => records.HistoryAsync(new HistoryRequest { RecordId = missing, Justification = TestRecords.Because() }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(new AmendRequest { RecordId = missing, Content = TestRecords.Person("") }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => records.WithdrawAsync(new WithdrawRequest { RecordId = missing, Reason = "x" }).ResponseAsync),
        };

        Assert.All(errors, e => Assert.Equal(StatusCode.NotFound, e.StatusCode));
    }

    [Fact]
    public async Task Missing_token_is_unauthenticated()
    {
        var records = Factory.Channel(accessToken: null).RecordsClient();

        var error = await Assert.ThrowsAsync<RpcException>(() => records.GetAsync(new GetRecordRequest { RecordId = "x", Justification = TestRecords.Because() }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        // As a gRPC status saying what to do, not a bare HTTP 401 ("Bad gRPC response").
        Assert.Equal(GrpcChallenge.NoToken, error.Status.Detail);
    }

    [Fact]
    public async Task A_token_identity_issued_is_unauthenticated_once_it_expires_saying_it_expired()
    {
        // A platform of its own, whose Identity issues tokens of three seconds and whose services allow no clock skew:
        // the default hour (and 30 s of skew) could not be waited out. Three, not one: a token's expiry is written in
        // whole seconds, so it is valid for a little more than two, time for the call made while it is valid.
        using var data = new TemporaryDirectory();
        await using var shortLived = new PlatformFactory(data.Path, settings: new Dictionary<string, string>
        {
            [IdentitySettings.AccessTokenLifetimeKey] = "3",
            [AuthenticationExtensions.ClockSkewKey] = "0",
        });
        Task<SubjectProfile> WhoAmI(string token) =>
            new IdentityService.IdentityServiceClient(shortLived.Channel(token)).WhoAmIAsync(new WhoAmIRequest()).ResponseAsync;
        // A first call on a token of its own readies the host, so that the call below is made well within the lifetime.
        await WhoAmI(await shortLived.SignInAsync("analyst"));

        var token = await shortLived.SignInAsync("analyst");
        var whileValid = await WhoAmI(token);
        var expires = new JsonWebToken(token).ValidTo;
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (expires - DateTime.UtcNow).Ticks)) + TimeSpan.FromMilliseconds(100));
        // The same token, validated (and remembered) a moment ago, is refused now that it has expired.
        var expired = await Assert.ThrowsAsync<RpcException>(() => WhoAmI(token));

        Assert.Equal("POL-ATU", whileValid.Agency);
        Assert.Equal(StatusCode.Unauthenticated, expired.StatusCode);
        Assert.Equal(GrpcChallenge.Expired, expired.Status.Detail);
    }

    [Fact]
    public async Task Forged_or_tampered_token_is_unauthenticated()
    {
        var token = await Factory.SignInAsync("contributor");
        var parts = token.Split('.');
        // Swap the payload for one that claims another agency: the signature no longer matches.
        var forgedPayload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("{\"sub\":\"x\",\"agency\":\"BORDER\",\"role\":\"contributor\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var tampered = $"{parts[0]}.{forgedPayload}.{parts[2]}";

        var garbage = await Assert.ThrowsAsync<RpcException>(() => Factory.Channel("not-a-token").RecordsClient()
            .ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) }).ResponseAsync);
        var forged = await Assert.ThrowsAsync<RpcException>(() => Factory.Channel(tampered).RecordsClient()
            .ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, garbage.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);
        Assert.Equal(GrpcChallenge.Invalid, garbage.Status.Detail);
        Assert.Equal(GrpcChallenge.Invalid, forged.Status.Detail);
    }

    [Fact]
    public async Task Contributing_needs_the_contributor_role()
    {
        var analyst = (await Factory.ChannelForAsync("analyst")).RecordsClient();

        var error = await Assert.ThrowsAsync<RpcException>(() => analyst.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Health_is_served_without_a_token()
    {
        var health = new Health.HealthClient(Factory.Channel(accessToken: null));

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
