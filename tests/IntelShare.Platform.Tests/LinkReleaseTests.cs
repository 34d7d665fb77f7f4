using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Links in released content, end to end: a link to a record the reader may not even learn exists is withheld wherever
/// the content leaves, so its id is never given away; a link to a record the reader may learn of stays.
/// </summary>
public sealed class LinkReleaseTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    /// <summary>
    /// LABOUR's hidden worker (not discoverable, not released), a worker known to exist only (discoverable, not
    /// released), and an organisation released to all partners that employs both.
    /// </summary>
    private async Task<(string Organisation, string Hidden, string Known)> LabourEmployerAsync(string name, string phone = "+373 22 555 000")
    {
        var labour = (await Factory.SystemChannelAsync("LABOUR")).RecordsClient();
        async Task<string> Worker(bool discoverable)
        {
            var person = TestRecords.Person(TestRecords.UniqueRef("link-worker"), "Andrei", "Rusu");
            person.Marking.OriginatorAgency = "LABOUR";
            person.Marking.Discoverable = discoverable;
            return (await labour.ContributeAsync(new ContributeRequest { Content = person })).RecordId;
        }

        var hidden = await Worker(discoverable: false);
        var known = await Worker(discoverable: true);
        var organisation = new RecordContent
        {
            SourceRef = TestRecords.UniqueRef("link-employer"),
            Marking = TestRecords.Marking(),
            Organisation = new Organisation { Name = name, Country = "MD", Phones = { phone } },
            Links =
            {
                new RecordLink { Relationship = "employs", TargetRecordId = hidden },
                new RecordLink { Relationship = "employs", TargetRecordId = known },
            },
        };
        organisation.Marking.OriginatorAgency = "LABOUR";
        organisation.Marking.ReleaseToAllPartners = true;
        var id = (await labour.ContributeAsync(new ContributeRequest { Content = organisation })).RecordId;
        return (id, hidden, known);
    }

    private async Task<(string Event, string Victim)> VictimCrossingAsync(string place)
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var victimContent = TestRecords.Person(TestRecords.UniqueRef("link-victim"), "Elena", "Popescu");
        victimContent.Marking.ReleasableTo.Add("BORDER");
        victimContent.Marking.Caveats.Add("VICTIM_IDENTITY");
        var victim = (await police.ContributeAsync(new ContributeRequest { Content = victimContent })).RecordId;
        var eventContent = new RecordContent
        {
            SourceRef = TestRecords.UniqueRef("link-event"),
            Marking = TestRecords.Marking(),
            Event = new Event { Kind = "border_crossing", Description = "crossed at " + place },
            Links = { new RecordLink { Relationship = "victim", TargetRecordId = victim } },
        };
        eventContent.Marking.ReleasableTo.Add("BORDER");
        var crossing = (await police.ContributeAsync(new ContributeRequest { Content = eventContent })).RecordId;
        return (crossing, victim);
    }

    /// <summary>
    /// A POL-ATU person released to BORDER who uses a phone POL-ATU also released to BORDER and LABOUR's phone that
    /// LABOUR keeps to itself (not discoverable): records Resolution does not hold, as it holds only people and
    /// organisations.
    /// </summary>
    private async Task<(string Person, string Phone, string Hidden)> PersonWithPhonesAsync(string given, string family)
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var phoneContent = new RecordContent
        {
            SourceRef = TestRecords.UniqueRef("link-phone"),
            Marking = TestRecords.Marking(),
            Phone = new Phone { Number = "+373 69 " + Random.Shared.Next(100_000, 999_999), Country = "MD" },
        };
        phoneContent.Marking.ReleasableTo.Add("BORDER");
        var phone = (await police.ContributeAsync(new ContributeRequest { Content = phoneContent })).RecordId;
        var hiddenContent = new RecordContent
        {
            SourceRef = TestRecords.UniqueRef("link-hidden-phone"),
            Marking = TestRecords.Marking(),
            Phone = new Phone { Number = "+373 79 " + Random.Shared.Next(100_000, 999_999), Country = "MD" },
        };
        hiddenContent.Marking.OriginatorAgency = "LABOUR";
        hiddenContent.Marking.Discoverable = false;
        var hidden = (await (await Factory.SystemChannelAsync("LABOUR")).RecordsClient().ContributeAsync(new ContributeRequest { Content = hiddenContent })).RecordId;
        var personContent = TestRecords.Person(TestRecords.UniqueRef("link-phone-user"), given, family, "1991-02-17");
        personContent.Marking.ReleasableTo.Add("BORDER");
        personContent.Links.Add(new RecordLink { Relationship = "uses", TargetRecordId = phone });
        personContent.Links.Add(new RecordLink { Relationship = "uses", TargetRecordId = hidden });
        var person = (await police.ContributeAsync(new ContributeRequest { Content = personContent })).RecordId;
        return (person, phone, hidden);
    }

    private static readonly Justification Immigration = new() { Reason = "removal proceedings", Purpose = Purpose.ImmigrationEnforcement };

    private static void AssertOnlyKnownLinkShown(IntelShare.Contracts.V1.Record record, string hidden, string known)
    {
        Assert.DoesNotContain(hidden, record.ToString());
        var link = Assert.Single(record.Content.Links);
        Assert.Equal(known, link.TargetRecordId);
    }

    [Fact]
    public async Task A_released_record_read_by_another_agency_keeps_its_links_to_records_it_may_learn_of_and_withholds_the_rest()
    {
        var (organisation, hidden, known) = await LabourEmployerAsync("Agro " + Guid.NewGuid().ToString("N")[..6]);
        var border = (await Factory.ChannelForAsync("border.analyst")).RecordsClient();
        var because = TestRecords.Because("who works there");

        var denied = await Assert.ThrowsAsync<RpcException>(() => border.GetAsync(new GetRecordRequest { RecordId = hidden, Justification = because }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, denied.StatusCode);

        var read = await border.GetAsync(new GetRecordRequest { RecordId = organisation, Justification = because });
        var batch = await border.BatchGetAsync(new BatchGetRecordsRequest { RecordIds = { organisation }, Justification = because });
        var history = await border.HistoryAsync(new HistoryRequest { RecordId = organisation, Justification = because });

        foreach (var response in new Google.Protobuf.IMessage[] { read, batch, history })
        {
            Assert.DoesNotContain(hidden, response.ToString());
        }

        AssertOnlyKnownLinkShown(read.Record, hidden, known);
        Assert.Equal(Effect.PermitRedacted, read.Decision.Effect);
        Assert.Contains("links[0]", read.Decision.RedactedFields);
        var item = Assert.Single(batch.Items);
        AssertOnlyKnownLinkShown(item.Record, hidden, known);
        Assert.Contains("links[0]", item.Decision.RedactedFields);
        AssertOnlyKnownLinkShown(Assert.Single(history.Versions), hidden, known);
        Assert.Contains("links[0]", history.Decision.RedactedFields);

        // Each read decided the hidden target once, as a link (not a read of it), and the log holds every decision.
        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        var decisions = (await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = hidden })).Entries
            .Where(e => e.Agency == "BORDER" && e.Action != "read").ToList();
        Assert.Equal(3, decisions.Count);
        Assert.All(decisions, e => Assert.Equal(("link", Effect.Deny), (e.Action, e.Effect)));

        // The holder itself reads its record whole.
        var own = await (await Factory.ChannelForAsync("labour.inspector")).RecordsClient()
            .GetAsync(new GetRecordRequest { RecordId = organisation, Justification = because });
        Assert.Equal([hidden, known], own.Record.Content.Links.Select(l => l.TargetRecordId));
        Assert.Empty(own.Decision.RedactedFields);
    }

    [Fact]
    public async Task A_link_to_a_record_id_no_record_has_is_withheld_as_one_to_a_hidden_record_is()
    {
        // BORDER's record, neither released nor discoverable: POL-ATU may not learn that it exists.
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        var hiddenContent = TestRecords.Person(TestRecords.UniqueRef("link-probe-target"));
        hiddenContent.Marking.Discoverable = false;
        var hidden = (await border.ContributeAsync(new ContributeRequest { Content = hiddenContent })).RecordId;
        var police = (await Factory.SystemChannelAsync("POL-ATU")).RecordsClient();
        var probe = TestRecords.Person(TestRecords.UniqueRef("link-probe"));
        probe.Links.Add(new RecordLink { Relationship = "called", TargetRecordId = hidden });
        probe.Links.Add(new RecordLink { Relationship = "called", TargetRecordId = "rec-" + Guid.CreateVersion7().ToString("N") });
        var linking = (await police.ContributeAsync(new ContributeRequest { Content = probe })).RecordId;

        var reader = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var because = TestRecords.Because("checking our import");
        var read = await reader.GetAsync(new GetRecordRequest { RecordId = linking, Justification = because });
        var batch = await reader.BatchGetAsync(new BatchGetRecordsRequest { RecordIds = { linking }, Justification = because });
        var history = await reader.HistoryAsync(new HistoryRequest { RecordId = linking, Justification = because });

        // Told apart, the two links would say which id names a record: the hidden one.
        foreach (var (record, decision) in new[] { (read.Record, read.Decision), (batch.Items.Single().Record, batch.Items.Single().Decision), (history.Versions.Single(), history.Decision) })
        {
            Assert.Empty(record.Content.Links);
            Assert.Equal(["links[0]", "links[1]"], decision.RedactedFields.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_victim_linked_from_an_event_is_withheld_from_it_under_the_immigration_enforcement_purpose()
    {
        var (crossing, victim) = await VictimCrossingAsync("Leuseni");
        var border = (await Factory.ChannelForAsync("border.analyst")).RecordsClient();
        var read = await border.GetAsync(new GetRecordRequest { RecordId = crossing, Justification = Immigration });
        var batch = await border.BatchGetAsync(new BatchGetRecordsRequest { RecordIds = { crossing }, Justification = Immigration });

        Assert.DoesNotContain(victim, read.ToString());
        Assert.DoesNotContain(victim, batch.ToString());
        Assert.Empty(read.Record.Content.Links);
        Assert.Equal("crossed at Leuseni", read.Record.Content.Event.Description);

        // For an investigation the victim may be known of (read redacted), so the link stays.
        var investigation = await border.GetAsync(new GetRecordRequest { RecordId = crossing, Justification = TestRecords.Because("trafficking route") });
        Assert.Equal(victim, Assert.Single(investigation.Record.Content.Links).TargetRecordId);
        Assert.Equal(Effect.Permit, investigation.Decision.Effect);
    }

    [Fact]
    public async Task Search_hits_and_frontline_checks_withhold_links_to_records_the_reader_may_not_learn_of()
    {
        var name = "Agro" + Guid.NewGuid().ToString("N")[..8];
        var phone = "+373 22 " + Random.Shared.Next(100_000, 999_999);
        var (organisation, hidden, known) = await LabourEmployerAsync(name, phone);
        var place = "Ungheni" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + (c % 26))));
        var (crossing, victim) = await VictimCrossingAsync(place);
        var search = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("border.analyst"));

        var byName = await Projected.Eventually(
            () => search.SearchAsync(new SearchRequest { Query = name, Mode = SearchMode.SearchName, Justification = TestRecords.Because("who works there") }).ResponseAsync,
            r => r.Hits.Any(h => h.RecordId == organisation));
        Assert.DoesNotContain(hidden, byName.ToString());
        var hit = Assert.Single(byName.Hits, h => h.RecordId == organisation);
        AssertOnlyKnownLinkShown(hit.Record, hidden, known);
        Assert.Contains("links[0]", hit.Decision.RedactedFields);

        var check = await search.FrontlineCheckAsync(new FrontlineCheckRequest { Phone = phone, Justification = TestRecords.Because("roadside check") });
        Assert.DoesNotContain(hidden, check.ToString());
        AssertOnlyKnownLinkShown(Assert.Single(check.Hits, h => h.RecordId == organisation).Record, hidden, known);

        var byText = await Projected.Eventually(
            () => search.SearchAsync(new SearchRequest { Query = place, Mode = SearchMode.SearchText, Justification = Immigration }).ResponseAsync,
            r => r.Hits.Any(h => h.RecordId == crossing));
        Assert.DoesNotContain(victim, byText.ToString());
        Assert.Empty(Assert.Single(byText.Hits, h => h.RecordId == crossing).Record.Content.Links);
    }

    [Fact]
    public async Task Resolution_matches_and_entities_withhold_links_to_records_the_reader_may_not_learn_of()
    {
        var name = "Vinaria" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + (c % 26))));
        var (organisation, hidden, _) = await LabourEmployerAsync(name);
        var resolution = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var because = TestRecords.Because("who works there");

        var match = await Projected.Eventually(
            () => resolution.MatchAsync(new MatchRequest { Organisation = new Organisation { Name = name, Country = "MD" }, Justification = because }).ResponseAsync,
            m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == organisation)),
            // Resolution trains on the population first, which on two busy cores can take longer than the default.
            seconds: 60);
        var candidate = match.Candidates.First(c => c.Records.Any(r => r.RecordId == organisation));
        var entity = await resolution.GetEntityAsync(new GetEntityRequest { EntityId = candidate.EntityId, Justification = because });

        Assert.DoesNotContain(hidden, match.ToString());
        Assert.DoesNotContain(hidden, entity.ToString());
        var listed = Assert.Single(entity.Records, r => r.RecordId == organisation);
        Assert.DoesNotContain(listed.Record.Content.Links, l => l.TargetRecordId == hidden);
        Assert.Contains("links[0]", listed.Decision.RedactedFields);
    }

    [Fact]
    public async Task Resolution_shows_a_link_to_a_record_it_does_not_hold_as_Records_does_and_withholds_a_hidden_one()
    {
        var family = "Ciobanu" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + (c % 26))));
        var (person, phone, hidden) = await PersonWithPhonesAsync("Mihail", family);
        var border = await Factory.ChannelForAsync("border.analyst");
        var resolution = new ResolutionService.ResolutionServiceClient(border);
        var because = TestRecords.Because("whose phones");

        var read = await border.RecordsClient().GetAsync(new GetRecordRequest { RecordId = person, Justification = because });
        var match = await Projected.Eventually(
            () => resolution.MatchAsync(new MatchRequest
            {
                Person = new Person { Name = new PersonName { GivenName = "Mihail", FamilyName = family }, DateOfBirth = "1991-02-17" },
                Justification = because,
            }).ResponseAsync,
            m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == person)),
            // Resolution trains on the population first, which on two busy cores can take longer than the default.
            seconds: 60);
        var candidate = match.Candidates.First(c => c.Records.Any(r => r.RecordId == person));
        var entity = await resolution.GetEntityAsync(new GetEntityRequest { EntityId = candidate.EntityId, Justification = because });

        // Records shows the phone BORDER may read and withholds LABOUR's, naming the link withheld.
        Assert.Equal([phone], read.Record.Content.Links.Select(l => l.TargetRecordId));
        Assert.Equal(Effect.PermitRedacted, read.Decision.Effect);
        Assert.Equal(["links[1]"], read.Decision.RedactedFields);
        // Resolution releases the person as Records does: the same links, the same decision.
        Assert.DoesNotContain(hidden, match.ToString());
        Assert.DoesNotContain(hidden, entity.ToString());
        foreach (var listed in new[] { candidate.Records.Single(r => r.RecordId == person), entity.Records.Single(r => r.RecordId == person) })
        {
            Assert.Equal(read.Record.Content.Links, listed.Record.Content.Links);
            Assert.Equal(read.Decision.Effect, listed.Decision.Effect);
            Assert.Equal(read.Decision.RedactedFields, listed.Decision.RedactedFields);
        }

        // Each target was decided for BORDER as a link, by Resolution too, on its own marking: the phone permitted.
        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        var phoneDecisions = (await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = phone })).Entries
            .Where(e => e.Agency == "BORDER" && e.Service == "resolution").ToList();
        Assert.NotEmpty(phoneDecisions);
        Assert.All(phoneDecisions, e => Assert.Equal(("link", Effect.Permit), (e.Action, e.Effect)));
        var hiddenDecisions = (await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = hidden })).Entries
            .Where(e => e.Agency == "BORDER" && e.Service == "resolution").ToList();
        Assert.NotEmpty(hiddenDecisions);
        Assert.All(hiddenDecisions, e => Assert.Equal(("link", Effect.Deny), (e.Action, e.Effect)));
    }
}
