using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace IntelShare.Platform.Tests;

public sealed class RecordsServiceTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task Contributed_record_reads_back_with_the_callers_agency_as_originator()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef();

        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        var read = await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });

        Assert.Equal(ContributeOutcome.Created, created.Outcome);
        Assert.Equal(1, created.Version);
        Assert.Equal(RecordType.Person, read.Record.Type);
        Assert.Equal("POL-ATU", read.Record.Content.Marking.OriginatorAgency);
        Assert.Equal("Petrov", read.Record.Content.Person.Name.FamilyName);
        Assert.Equal(sourceRef, read.Record.Content.SourceRef);
    }

    [Fact]
    public async Task A_read_counts_as_a_reader_waiting_for_the_projections_catching_up_to_stand_back_from()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });
        var activity = Factory.Services.GetRequiredService<ForegroundActivity>();

        await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });

        Assert.True(activity.IsBusy(TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task The_markings_sets_in_another_order_or_an_empty_evaluation_are_the_same_content()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef("sets");
        RecordContent Marked(params string[] agencies)
        {
            var content = TestRecords.Person(sourceRef);
            content.Marking.ReleasableTo.AddRange(agencies);
            return content;
        }

        var first = await records.ContributeAsync(new ContributeRequest { Content = Marked("LABOUR", "BORDER") });
        var reordered = await records.ContributeAsync(new ContributeRequest { Content = Marked("BORDER", "LABOUR") });
        var withEmptyEvaluation = Marked("LABOUR", "BORDER");
        withEmptyEvaluation.Evaluation = new Evaluation();
        var emptyEvaluation = await records.ContributeAsync(new ContributeRequest { Content = withEmptyEvaluation });
        var narrowed = await records.ContributeAsync(new ContributeRequest { Content = Marked("BORDER") });
        var stored = await records.GetAsync(new GetRecordRequest { RecordId = first.RecordId, Version = 1, Justification = TestRecords.Because() });

        Assert.Equal((ContributeOutcome.Duplicate, 1L), (reordered.Outcome, reordered.Version));
        Assert.Equal((ContributeOutcome.Duplicate, 1L), (emptyEvaluation.Outcome, emptyEvaluation.Version));
        Assert.Equal((ContributeOutcome.NewVersion, 2L), (narrowed.Outcome, narrowed.Version));
        // Compared as sets, kept as sent.
        Assert.Equal(["LABOUR", "BORDER"], stored.Record.Content.Marking.ReleasableTo);
    }

    [Fact]
    public async Task Same_source_reference_and_content_is_a_duplicate_and_different_content_a_new_version()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef();

        var first = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        var again = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        var changed = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef, family: "Petrova") });

        Assert.Equal(ContributeOutcome.Duplicate, again.Outcome);
        Assert.Equal(first.RecordId, again.RecordId);
        Assert.Equal(1, again.Version);
        Assert.Equal(ContributeOutcome.NewVersion, changed.Outcome);
        Assert.Equal(first.RecordId, changed.RecordId);
        Assert.Equal(2, changed.Version);
    }

    [Fact]
    public async Task Amend_makes_a_new_version_and_history_keeps_every_version()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });
        var amendedContent = TestRecords.Person("", family: "Petrenko");

        var amended = await records.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = amendedContent, ExpectedVersion = 1, Reason = "spelling" });
        var history = await records.HistoryAsync(new HistoryRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });
        var first = await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Version = 1, Justification = TestRecords.Because() });

        Assert.True(amended.Changed);
        Assert.Equal(2, amended.Version);
        Assert.Equal([1L, 2L], history.Versions.Select(v => v.Version));
        Assert.Equal("Petrenko", history.Versions[1].Content.Person.Name.FamilyName);
        Assert.Equal("Petrov", first.Record.Content.Person.Name.FamilyName);
        Assert.Equal(history.Versions[0].Content.SourceRef, history.Versions[1].Content.SourceRef);
        Assert.Equal(("", "spelling"), (history.Versions[0].AmendmentReason, history.Versions[1].AmendmentReason));
    }

    [Fact]
    public async Task Amend_against_a_stale_version_is_failed_precondition()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });
        await records.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = TestRecords.Person("", family: "A") });

        var error = await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(
            new AmendRequest { RecordId = created.RecordId, Content = TestRecords.Person("", family: "B"), ExpectedVersion = 1 }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task Another_agency_learns_only_who_holds_a_discoverable_record_and_cannot_amend_or_withdraw_it()
    {
        var owner = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.ChannelForAsync("border.analyst")).RecordsClient();
        var created = await owner.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });

        var get = await border.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });
        var history = await border.HistoryAsync(new HistoryRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });
        var amend = await Assert.ThrowsAsync<RpcException>(() => border.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = TestRecords.Person("", family: "X") }).ResponseAsync);
        var withdraw = await Assert.ThrowsAsync<RpcException>(() => border.WithdrawAsync(new WithdrawRequest { RecordId = created.RecordId, Reason = "not mine" }).ResponseAsync);
        var batch = await border.BatchGetAsync(new BatchGetRecordsRequest { RecordIds = { created.RecordId }, Justification = TestRecords.Because() });

        Assert.Null(get.Record);
        Assert.Equal(Effect.ExistenceOnly, get.Decision.Effect);
        Assert.Equal("POL-ATU", get.Decision.HolderAgency);
        Assert.Equal(created.RecordId, get.Decision.ResourceRef);
        Assert.Empty(history.Versions);
        Assert.Equal(StatusCode.PermissionDenied, amend.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, withdraw.StatusCode);
        Assert.Equal(ItemStatus.ItemExistenceOnly, batch.Items.Single().Status);
        Assert.Null(batch.Items.Single().Record);
        var unchanged = await owner.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });
        Assert.Equal(1, unchanged.Record.Version);
    }

    [Fact]
    public async Task A_record_that_is_not_discoverable_is_indistinguishable_from_a_missing_one_to_another_agency()
    {
        var owner = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.ChannelForAsync("border.analyst")).RecordsClient();
        var content = TestRecords.Person(TestRecords.UniqueRef());
        content.Marking.Discoverable = false;
        var created = await owner.ContributeAsync(new ContributeRequest { Content = content });

        var hidden = await Assert.ThrowsAsync<RpcException>(() => border.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() }).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => border.GetAsync(new GetRecordRequest { RecordId = "rec-missing", Justification = TestRecords.Because() }).ResponseAsync);
        var batch = await border.BatchGetAsync(new BatchGetRecordsRequest { RecordIds = { created.RecordId, "rec-missing" }, Justification = TestRecords.Because() });

        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(missing.Status.Detail.Replace("rec-missing", created.RecordId), hidden.Status.Detail);
        Assert.All(batch.Items, item => Assert.Equal(ItemStatus.ItemNotFound, item.Status));
    }

    [Fact]
    public async Task Batch_get_reports_each_record_found_or_not()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var a = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });
        var b = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef(), given: "Olga") });

        var batch = await records.BatchGetAsync(new BatchGetRecordsRequest { RecordIds = { a.RecordId, "rec-missing", b.RecordId }, Justification = TestRecords.Because() });

        Assert.Equal([ItemStatus.ItemFound, ItemStatus.ItemNotFound, ItemStatus.ItemFound], batch.Items.Select(i => i.Status));
        Assert.Equal("Olga", batch.Items[2].Record.Content.Person.Name.GivenName);
    }

    [Fact]
    public async Task Handling_conditions_travel_with_the_record()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var content = TestRecords.Person(TestRecords.UniqueRef());
        content.Marking.Handling = new Handling { Code = HandlingCode.HandlingC, Conditions = "Do not disclose to the subject's employer" };
        var created = await records.ContributeAsync(new ContributeRequest { Content = content });

        var read = await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });

        Assert.Equal("Do not disclose to the subject's employer", read.HandlingConditions);
    }

    [Fact]
    public async Task Bulk_intake_of_ten_thousand_rows_with_three_bad_ones_imports_the_rest_and_reports_each_bad_row()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var batch = TestRecords.UniqueRef("bulk");
        int[] badPositions = [17, 4_321, 9_998];
        using var call = records.ContributeStream();
        for (var i = 0; i < 10_000; i++)
        {
            var content = TestRecords.Person($"{batch}-{i}", given: $"Given{i}");
            if (badPositions.Contains(i))
            {
                content.Person.DateOfBirth = "1985-13-45";
                content.Marking.Classification = Classification.Unspecified;
            }

            await call.RequestStream.WriteAsync(new ContributeRequest { Content = content });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal(9_997, response.Accepted);
        Assert.Equal(3, response.Rejected);
        Assert.Equal(0, response.Duplicates);
        Assert.Equal(badPositions.Select(p => (long)p), response.Rejections.Select(r => r.Position));
        Assert.All(response.Rejections, r => Assert.Equal(
            ["content.marking.classification", "content.person.date_of_birth"],
            r.Problems.Select(p => p.Field).Order()));
        Assert.Equal($"{batch}-4321", response.Rejections[1].SourceRef);
    }

    [Fact]
    public async Task Resending_a_bulk_intake_creates_no_duplicates()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var batch = TestRecords.UniqueRef("resend");

        async Task<ContributeStreamResponse> Send()
        {
            using var call = records.ContributeStream();
            for (var i = 0; i < 300; i++)
            {
                await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-{i}", given: $"G{i}") });
            }

            await call.RequestStream.CompleteAsync();
            return await call;
        }

        var first = await Send();
        var second = await Send();

        Assert.Equal(300, first.Accepted);
        Assert.Equal(0, second.Accepted);
        Assert.Equal(300, second.Duplicates);
    }

    [Fact]
    public async Task Resending_what_the_source_sent_before_leaves_an_amendment_made_here_standing()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef("amended");
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        await records.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = TestRecords.Person(sourceRef, family: "Petrov-Smith") });

        var resent = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        var sourceCatchesUp = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef, family: "Petrov-Smith") });
        var sourceChanges = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        var current = await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });

        Assert.Equal((ContributeOutcome.Duplicate, 2L), (resent.Outcome, resent.Version));
        Assert.Equal((ContributeOutcome.Duplicate, 2L), (sourceCatchesUp.Outcome, sourceCatchesUp.Version));
        // Once the source had caught up with the amendment, going back is a change of the source's, made here too.
        Assert.Equal((ContributeOutcome.NewVersion, 3L), (sourceChanges.Outcome, sourceChanges.Version));
        Assert.Equal("Petrov", current.Record.Content.Person.Name.FamilyName);
    }

    [Fact]
    public async Task A_withdrawn_record_stays_withdrawn_when_its_source_row_is_sent_again_or_it_is_amended()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var batch = TestRecords.UniqueRef("withdrawn");
        var kept = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-0") });
        var withdrawn = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-1") });
        await records.WithdrawAsync(new WithdrawRequest { RecordId = withdrawn.RecordId, Reason = "entered in error" });

        using (var call = records.ContributeStream())
        {
            await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-0") });
            await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-1", family: "Petrova") });
            await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-2") });
            await call.RequestStream.CompleteAsync();
            var bulk = await call;

            Assert.Equal((1L, 1L, 1L), (bulk.Accepted, bulk.Duplicates, bulk.Rejected));
            var rejection = Assert.Single(bulk.Rejections);
            Assert.Equal((1L, $"{batch}-1"), (rejection.Position, rejection.SourceRef));
            var problem = Assert.Single(rejection.Problems);
            Assert.Equal("content.source_ref", problem.Field);
            Assert.Contains("withdrew", problem.Description);
        }

        var single = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-1") }).ResponseAsync);
        var amend = await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(new AmendRequest { RecordId = withdrawn.RecordId, Content = TestRecords.Person("", family: "Back") }).ResponseAsync);
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        var changes = await ReadAll(changeLog, 0);

        Assert.Equal(StatusCode.FailedPrecondition, single.StatusCode);
        Assert.Contains("new source reference", single.Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, amend.StatusCode);
        Assert.Contains("withdrawn", amend.Status.Detail);
        Assert.Equal([ChangeKind.RecordCreated, ChangeKind.RecordWithdrawn], changes.Where(c => c.RecordId == withdrawn.RecordId).Select(c => c.Kind));
        Assert.Single(changes, c => c.RecordId == kept.RecordId);
    }

    [Fact]
    public async Task CheckContributions_reports_what_ContributeStream_would_reject_and_writes_nothing()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var batch = TestRecords.UniqueRef("check");
        var held = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-held") });
        var withdrawn = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-withdrawn") });
        await records.WithdrawAsync(new WithdrawRequest { RecordId = withdrawn.RecordId, Reason = "entered in error" });
        var nameless = TestRecords.Person($"{batch}-nameless");
        nameless.Person.Name = null;
        nameless.Person.Sex = "male";
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        var headBefore = (await changeLog.GetChangeHeadAsync(new GetChangeHeadRequest())).Sequence;

        using var call = records.CheckContributions();
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-new") });
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = nameless });
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-withdrawn") });
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-held", family: "Changed") });
        await call.RequestStream.WriteAsync(new ContributeRequest
        {
            Content = new RecordContent { SourceRef = $"{batch}-held", Marking = TestRecords.Marking(), Phone = new Phone { Number = "+37369123456" } },
        });
        var namelessWithdrawn = nameless.Clone();
        namelessWithdrawn.SourceRef = $"{batch}-withdrawn";
        namelessWithdrawn.Person.Sex = "";
        await call.RequestStream.WriteAsync(new ContributeRequest { Content = namelessWithdrawn });
        await call.RequestStream.WriteAsync(new ContributeRequest
        {
            Content = new RecordContent { SourceRef = $"{batch}-new", Marking = TestRecords.Marking(), Phone = new Phone { Number = "+37369123456" } },
        });
        await call.RequestStream.CompleteAsync();
        var checkedRecords = await call;

        Assert.Equal(7, checkedRecords.Checked);
        Assert.Equal([1L, 2L, 4L, 5L, 6L], checkedRecords.Rejections.Select(r => r.Position));
        Assert.Equal(["content.person.name", "content.person.sex"], checkedRecords.Rejections[0].Problems.Select(p => p.Field).Order(StringComparer.Ordinal));
        Assert.Equal(($"{batch}-withdrawn", "content.source_ref"), (checkedRecords.Rejections[1].SourceRef, Assert.Single(checkedRecords.Rejections[1].Problems).Field));
        Assert.Contains("withdrew", checkedRecords.Rejections[1].Problems[0].Description);
        Assert.Contains("keeps its type", Assert.Single(checkedRecords.Rejections[2].Problems).Description);
        // A row with problems of its own hears of its source reference's refusal too, so it is fixed once.
        Assert.Equal(["content.person.name", "content.source_ref"], checkedRecords.Rejections[3].Problems.Select(p => p.Field).Order(StringComparer.Ordinal));
        // As ContributeStream would have taken the person at position 0 first, a phone under its source reference is refused.
        Assert.Contains("an earlier record of this call from this source reference is a person", Assert.Single(checkedRecords.Rejections[4].Problems).Description);
        Assert.Equal(headBefore, (await changeLog.GetChangeHeadAsync(new GetChangeHeadRequest())).Sequence);
        var current = await records.GetAsync(new GetRecordRequest { RecordId = held.RecordId, Justification = TestRecords.Because() });
        Assert.Equal(1, current.Record.Version);

        // Another agency's source references are its own: the same ones say nothing of this agency's records.
        var border = (await Factory.ChannelForAsync("border.analyst")).RecordsClient();
        using (var borderCall = border.CheckContributions())
        {
            await borderCall.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"{batch}-withdrawn") });
            await borderCall.RequestStream.WriteAsync(new ContributeRequest
            {
                Content = new RecordContent { SourceRef = $"{batch}-held", Marking = TestRecords.Marking(), Phone = new Phone { Number = "+37369123456" } },
            });
            await borderCall.RequestStream.CompleteAsync();
            var borderChecked = await borderCall;
            Assert.Equal((2L, 0), (borderChecked.Checked, borderChecked.Rejections.Count));
        }

        var analyst = (await Factory.ChannelForAsync("analyst")).RecordsClient();
        using var refused = analyst.CheckContributions();
        await refused.RequestStream.CompleteAsync();
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => refused.ResponseAsync)).StatusCode);
    }

    [Fact]
    public async Task A_record_keeps_its_type_through_amendments_and_resent_source_rows()
    {
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var sourceRef = TestRecords.UniqueRef("typed");
        var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(sourceRef) });
        RecordContent Vehicle()
        {
            var vehicle = TestRecords.Person(sourceRef);
            vehicle.Vehicle = new Vehicle { Plate = "AB12 CDE", Country = "GB" };
            return vehicle;
        }

        var amend = await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = Vehicle() }).ResponseAsync);
        var moved = TestRecords.Person("another-source-row");
        moved.Person.Name = null;
        var movedAndNameless = await Assert.ThrowsAsync<RpcException>(() => records.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = moved }).ResponseAsync);
        var resent = await Assert.ThrowsAsync<RpcException>(() => records.ContributeAsync(new ContributeRequest { Content = Vehicle() }).ResponseAsync);
        var current = await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because() });

        Assert.Equal(StatusCode.InvalidArgument, amend.StatusCode);
        Assert.Equal(["content.body"], amend.ViolatedFields());
        // Every problem at once: the kept source reference is not left for a second attempt.
        Assert.Equal(["content.person.name", "content.source_ref"], movedAndNameless.ViolatedFields().Order());
        Assert.Equal(StatusCode.FailedPrecondition, resent.StatusCode);
        Assert.Contains("keeps its type", resent.Status.Detail);
        Assert.Equal((RecordType.Person, 1L), (current.Record.Type, current.Record.Version));
    }

    [Fact]
    public async Task Read_changes_streams_every_committed_change_in_order_with_its_record()
    {
        var contributor = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        var start = await LastSequence(changeLog);
        var created = await contributor.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });
        await contributor.AmendAsync(new AmendRequest { RecordId = created.RecordId, Content = TestRecords.Person("", family: "Changed") });
        await contributor.WithdrawAsync(new WithdrawRequest { RecordId = created.RecordId, Reason = "test" });

        var changes = await ReadAll(changeLog, start);
        var mine = changes.Where(c => c.RecordId == created.RecordId).ToList();

        Assert.Equal([ChangeKind.RecordCreated, ChangeKind.RecordAmended, ChangeKind.RecordWithdrawn], mine.Select(c => c.Kind));
        Assert.Equal([1L, 2L, 3L], mine.Select(c => c.Version));
        Assert.Equal("Changed", mine[1].Record.Content.Person.Name.FamilyName);
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
    }

    [Fact]
    public async Task Following_the_change_stream_delivers_a_change_committed_later()
    {
        var contributor = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        var start = await LastSequence(changeLog);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var follow = changeLog.ReadChanges(new ReadChangesRequest { AfterSequence = start, Follow = true }, cancellationToken: cancel.Token);
        var next = follow.ResponseStream.MoveNext(cancel.Token);

        var created = await contributor.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef()) });

        Assert.True(await next);
        Assert.True(follow.ResponseStream.Current.Sequence > start);
        var seen = new List<string> { follow.ResponseStream.Current.RecordId };
        while (!seen.Contains(created.RecordId) && await follow.ResponseStream.MoveNext(cancel.Token))
        {
            seen.Add(follow.ResponseStream.Current.RecordId);
        }

        Assert.Contains(created.RecordId, seen);
    }

    [Fact]
    public async Task Read_changes_is_refused_to_every_person_administrators_included_who_see_only_the_head()
    {
        var analyst = (await Factory.ChannelForAsync("analyst")).RecordsClient();
        var admin = await Factory.ChannelForAsync("admin");

        var analystError = await Assert.ThrowsAsync<RpcException>(() => ReadAll(analyst, 0));
        var adminError = await Assert.ThrowsAsync<RpcException>(() => ReadAll(admin.RecordsClient(), 0));
        var memberships = await Assert.ThrowsAsync<RpcException>(() =>
            new ResolutionService.ResolutionServiceClient(admin).ReadMembershipsAsync(new ReadMembershipsRequest()).ResponseAsync);
        var head = await admin.RecordsClient().GetChangeHeadAsync(new GetChangeHeadRequest());

        Assert.Equal(StatusCode.PermissionDenied, analystError.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, adminError.StatusCode);
        Assert.Contains("projection role", adminError.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, memberships.StatusCode);
        Assert.True(head.Sequence > 0);
    }

    [Fact]
    public async Task Read_markings_answers_only_the_platform_services_with_the_markings_of_records_it_holds_withdrawn_ones_included()
    {
        var contributor = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var content = TestRecords.Person(TestRecords.UniqueRef("markings"));
        content.Marking.ReleasableTo.Add("BORDER");
        var held = (await contributor.ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        var withdrawn = (await contributor.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("markings")) })).RecordId;
        await contributor.WithdrawAsync(new WithdrawRequest { RecordId = withdrawn, Reason = "entered in error" });
        var stored = await contributor.GetAsync(new GetRecordRequest { RecordId = held, Justification = TestRecords.Because() });
        var request = new ReadMarkingsRequest { RecordIds = { held, withdrawn, "no-such-record" } };

        var (asAdmin, asAnalyst) = ((await Factory.ChannelForAsync("admin")).RecordsClient(), (await Factory.ChannelForAsync("analyst")).RecordsClient());
        var admin = await Assert.ThrowsAsync<RpcException>(() => asAdmin.ReadMarkingsAsync(request).ResponseAsync);
        var analyst = await Assert.ThrowsAsync<RpcException>(() => asAnalyst.ReadMarkingsAsync(request).ResponseAsync);
        var services = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        var markings = (await services.ReadMarkingsAsync(request)).Markings.ToDictionary(m => m.RecordId);
        var tooMany = await Assert.ThrowsAsync<RpcException>(() => services.ReadMarkingsAsync(new ReadMarkingsRequest
        {
            RecordIds = { Enumerable.Range(0, IRecordMarkings.MaxPerCall + 1).Select(i => $"r{i}") },
        }).ResponseAsync);

        Assert.Equal((StatusCode.PermissionDenied, StatusCode.PermissionDenied), (admin.StatusCode, analyst.StatusCode));
        Assert.Contains("projection role", admin.Status.Detail);
        Assert.Equal(new[] { held, withdrawn }.Order(StringComparer.Ordinal), markings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((RecordType.Person, stored.Record.Content.Marking, false), (markings[held].Type, markings[held].Marking, markings[held].Withdrawn));
        Assert.True(markings[withdrawn].Withdrawn);
        Assert.Equal(["record_ids"], tooMany.ViolatedFields());
    }

    [Fact]
    public async Task Read_changes_from_beyond_the_head_is_refused_rather_than_waiting_for_changes_it_would_skip()
    {
        var changeLog = (await Factory.PlatformServicesChannelAsync()).RecordsClient();
        var head = await changeLog.GetChangeHeadAsync(new GetChangeHeadRequest());

        var ahead = await Assert.ThrowsAsync<RpcException>(() => ReadAll(changeLog, head.Sequence + 1_000));
        var atHead = await ReadAll(changeLog, head.Sequence);

        Assert.Equal(StatusCode.FailedPrecondition, ahead.StatusCode);
        Assert.Contains("Rebuild the read model from 0", ahead.Status.Detail);
        Assert.DoesNotContain(atHead, c => c.Sequence <= head.Sequence);
    }

    private static async Task<long> LastSequence(RecordsService.RecordsServiceClient client) =>
        (await ReadAll(client, 0)).LastOrDefault()?.Sequence ?? 0;

    private static async Task<List<ChangeEvent>> ReadAll(RecordsService.RecordsServiceClient client, long after)
    {
        using var call = client.ReadChanges(new ReadChangesRequest { AfterSequence = after });
        var changes = new List<ChangeEvent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            changes.Add(call.ResponseStream.Current);
        }

        return changes;
    }
}
