using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>The Resolution service over gRPC on the real host: the same person across agencies, hits, decisions.</summary>
public sealed class ResolutionServiceTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task Two_agencies_records_of_one_person_resolve_to_one_entity_and_both_agencies_hear_of_it()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();

        Assert.Equal(300, await police.ContributeAllAsync(TestRecords.Population(300, seed: 3)));

        var policeId = (await police.ContributeAsync(new ContributeRequest { Content = TestRecords.PoliceSubject("res", "Olena", "Kovalenko", "1991-03-07") })).RecordId;

        var borderRecord = TestRecords.BorderSubject("res", "Олена", "Коваленко", "1991-07-03");
        borderRecord.Person.Name.OriginalScript = "Олена Коваленко";
        var borderId = (await border.ContributeAsync(new ContributeRequest { Content = borderRecord })).RecordId;

        var analyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var match = await MatchEventually(analyst, "Olena", "Kovalenko", "1991-03-07", "does anyone know her",
            m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == borderId) && c.Records.Any(r => r.RecordId == policeId)));
        var candidate = match.Candidates.First(c => c.Records.Any(r => r.RecordId == borderId));
        Assert.Contains(candidate.Records, r => r.RecordId == policeId);
        Assert.Equal(["BORDER", "POL-ATU"], candidate.HolderAgencies);
        Assert.NotEmpty(candidate.Explanation.Fields);

        // Both agencies are told the other holds the same person.
        var borderAnalyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var borderHits = await ReadHits(borderAnalyst);
        Assert.Contains(borderHits, h => h.EntityId == candidate.EntityId && h.Counterpart.RecordId == policeId && h.Counterpart.HolderAgency == "POL-ATU");
        var policeHits = await ReadHits(analyst);
        Assert.Contains(policeHits, h => h.EntityId == candidate.EntityId && h.Counterpart.RecordId == borderId);

        // An analyst's split survives a full re-run, and the entity keeps its id.
        var entity = await analyst.GetEntityAsync(new GetEntityRequest { EntityId = candidate.EntityId, Justification = TestRecords.Because() });
        var split = await analyst.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Split,
            Entities = { new EntityVersion { EntityId = entity.EntityId, Version = entity.Version } },
            RecordIds = { borderId },
            Reason = "different mothers' names in the interview notes",
            Justification = TestRecords.Because(),
        });
        Assert.Equal("split", Assert.Single(split.Changes).Kind);

        var stale = await Assert.ThrowsAsync<RpcException>(() => analyst.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Split,
            Entities = { new EntityVersion { EntityId = entity.EntityId, Version = entity.Version } },
            RecordIds = { policeId },
            Reason = "again",
            Justification = TestRecords.Because(),
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
        Assert.Contains("version", stale.Status.Detail);

        var admin = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("admin"));
        using (var rerun = admin.Rerun(new RerunRequest()))
        {
            await foreach (var _ in rerun.ResponseStream.ReadAllAsync())
            {
            }
        }

        var after = await analyst.GetEntityAsync(new GetEntityRequest { EntityId = candidate.EntityId, Justification = TestRecords.Because() });
        Assert.Contains(after.Records, r => r.RecordId == policeId);
        Assert.DoesNotContain(after.Records, r => r.RecordId == borderId);
    }

    [Fact]
    public async Task A_hit_names_the_notified_agencys_own_record_and_the_other_agencys()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        Assert.Equal(200, await police.ContributeAllAsync(TestRecords.Population(200, seed: 11)));

        // POL-ATU holds the person twice before BORDER records her: each of its records is its own hit.
        var policeIds = new List<string>();
        for (var copy = 0; copy < 2; copy++)
        {
            policeIds.Add((await police.ContributeAsync(new ContributeRequest { Content = TestRecords.PoliceSubject("hit", "Zinaida", "Harabagiu", "1983-02-19") })).RecordId);
        }

        var borderId = (await border.ContributeAsync(new ContributeRequest { Content = TestRecords.BorderSubject("hit", "Zinaida", "Harabagiu", "1983-02-19") })).RecordId;
        var analyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        await MatchEventually(analyst, "Zinaida", "Harabagiu", "1983-02-19", "does anyone know her",
            m => m.Candidates.Any(c => c.Records.Select(r => r.RecordId).Order().SequenceEqual(policeIds.Append(borderId).Order())));

        var policeHits = (await ReadHits(analyst)).Where(h => h.Counterpart.RecordId == borderId).ToList();
        Assert.Equal(policeIds.Order(), policeHits.Select(h => h.RecordId).Order());
        Assert.All(policeHits, h => Assert.Equal(("BORDER", "POL-ATU", "BORDER"), (h.ContributingAgency, h.NotifiedAgency, h.Counterpart.HolderAgency)));

        var borderAnalyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var borderHits = (await ReadHits(borderAnalyst)).Where(h => h.RecordId == borderId).ToList();
        Assert.Equal(policeIds.Order(), borderHits.Select(h => h.Counterpart.RecordId).Order());
        Assert.All(borderHits, h => Assert.Equal(("BORDER", "BORDER", "POL-ATU"), (h.ContributingAgency, h.NotifiedAgency, h.Counterpart.HolderAgency)));
    }

    [Fact]
    public async Task Records_of_two_agencies_an_analyst_joins_raise_the_hits_an_automatic_link_would()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        var policeId = (await police.ContributeAsync(new ContributeRequest { Content = TestRecords.PoliceSubject("join", "Tatiana", "Rotaru", "1970-01-02") })).RecordId;
        var borderId = (await border.ContributeAsync(new ContributeRequest { Content = TestRecords.BorderSubject("join", "Svetlana", "Ursu", "1988-09-09") })).RecordId;
        var analyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var borderAnalyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        await MatchEventually(analyst, "Svetlana", "Ursu", "1988-09-09", "who is she",
            m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == borderId) && c.Records.All(r => r.RecordId != policeId)));
        Assert.DoesNotContain(await ReadHits(analyst), h => h.RecordId == policeId);

        // The interview shows the two are one woman under two identities: the analyst confirms the pair.
        await analyst.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Confirm, LeftRecordId = policeId, RightRecordId = borderId,
            Reason = "same woman, second identity", Justification = TestRecords.Because(),
        });

        var policeHit = Assert.Single(await ReadHits(analyst), h => h.RecordId == policeId);
        var borderHit = Assert.Single(await ReadHits(borderAnalyst), h => h.RecordId == borderId);
        Assert.Equal((borderId, "BORDER", 1.0), (policeHit.Counterpart.RecordId, policeHit.Counterpart.HolderAgency, policeHit.Probability));
        Assert.Equal((policeId, "POL-ATU"), (borderHit.Counterpart.RecordId, borderHit.Counterpart.HolderAgency));
        Assert.Equal(policeHit.EntityId, borderHit.EntityId);
    }

    [Fact]
    public async Task A_decision_on_a_record_the_analyst_may_not_know_of_is_answered_as_on_one_that_does_not_exist()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var hidden = TestRecords.Person(TestRecords.UniqueRef("res-hidden"), "Ion", "Ciobanu", "1979-02-02");
        hidden.Marking.Discoverable = false;
        var hiddenId = (await police.ContributeAsync(new ContributeRequest { Content = hidden })).RecordId;
        var ownId = (await police.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("res-own"), "Ion", "Ciobanu", "1979-02-02") })).RecordId;
        var owner = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        await Projected.Eventually(
            () => owner.ExplainAsync(new ExplainRequest { LeftRecordId = hiddenId, RightRecordId = ownId, Justification = TestRecords.Because() }).ResponseAsync,
            _ => true);
        var border = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));

        var decide = await Assert.ThrowsAsync<RpcException>(() => border.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Reject,
            LeftRecordId = hiddenId,
            RightRecordId = ownId,
            Reason = "probing",
            Justification = TestRecords.Because(),
        }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, decide.StatusCode);
        Assert.DoesNotContain("POL-ATU", decide.Status.Detail);
    }

    [Fact]
    public async Task A_merge_or_split_is_decided_on_the_records_the_analyst_may_learn_of_and_tells_nothing_of_the_others()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        Assert.Equal(200, await police.ContributeAllAsync(TestRecords.Population(200, seed: 23)));
        async Task<string> Contribute(string given, string family, string born, string passport, bool releasedToBorder)
        {
            var content = TestRecords.Person(TestRecords.UniqueRef("res-decide"), given, family, born);
            if (releasedToBorder)
            {
                content.Marking.ReleasableTo.Add("BORDER");
            }

            // Not released and not discoverable: BORDER may not even learn that it exists.
            content.Marking.Discoverable = releasedToBorder;
            content.Person.Documents.Add(new IdentityDocument { Kind = "passport", Number = passport, IssuingCountry = "MD" });
            return (await police.ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        }

        var passport = $"MD{Random.Shared.Next(1_000_000, 9_999_999)}";
        var visibleId = await Contribute("Veronica", "Munteanu", "1987-05-14", passport, releasedToBorder: true);
        var hiddenId = await Contribute("Veronica", "Munteanu", "1987-05-14", passport, releasedToBorder: false);
        var hiddenAloneId = await Contribute("Cornel", "Bivol", "1969-10-30", $"MD{Random.Shared.Next(1_000_000, 9_999_999)}", releasedToBorder: false);
        var otherId = await Contribute("Ion", "Ceban", "1975-02-08", $"MD{Random.Shared.Next(1_000_000, 9_999_999)}", releasedToBorder: true);
        var owner = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var shared = await MatchEventually(owner, "Veronica", "Munteanu", "1987-05-14", "one woman twice",
            m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == visibleId) && c.Records.Any(r => r.RecordId == hiddenId)));
        var alone = await MatchEventually(owner, "Cornel", "Bivol", "1969-10-30", "who is he", m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == hiddenAloneId)));
        var other = await MatchEventually(owner, "Ion", "Ceban", "1975-02-08", "who is he", m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == otherId)));
        var (entityId, hiddenEntityId) = (shared.Candidates.First(c => c.Records.Any(r => r.RecordId == visibleId)).EntityId, alone.Candidates.First(c => c.Records.Any(r => r.RecordId == hiddenAloneId)).EntityId);
        var otherEntityId = other.Candidates.First(c => c.Records.Any(r => r.RecordId == otherId)).EntityId;

        var border = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        async Task<EntityVersion> Seen(ResolutionService.ResolutionServiceClient by, string id) =>
            new() { EntityId = id, Version = (await by.GetEntityAsync(new GetEntityRequest { EntityId = id, Justification = TestRecords.Because() })).Version };
        Task<DecideResponse> Decide(DecisionKind kind, IEnumerable<EntityVersion> entities, params string[] leaving) => border.DecideAsync(new DecideRequest
        {
            Kind = kind, Entities = { entities }, RecordIds = { leaving }, Reason = "probing", Justification = TestRecords.Because(),
        }).ResponseAsync;
        var entity = await border.GetEntityAsync(new GetEntityRequest { EntityId = entityId, Justification = TestRecords.Because() });
        var version = new EntityVersion { EntityId = entityId, Version = entity.Version };

        // As BORDER sees her, the entity holds one record: a split of it would leave nothing, whoever else holds records on her.
        var splitAll = await Assert.ThrowsAsync<RpcException>(() => Decide(DecisionKind.Split, [version], visibleId));
        var splitHidden = await Assert.ThrowsAsync<RpcException>(() => Decide(DecisionKind.Split, [version], hiddenId));
        var mergeHidden = await Assert.ThrowsAsync<RpcException>(() => Decide(DecisionKind.Merge, [new EntityVersion { EntityId = hiddenEntityId, Version = 1 }, version]));
        var mergeUnknown = await Assert.ThrowsAsync<RpcException>(() => Decide(DecisionKind.Merge, [new EntityVersion { EntityId = "ent-99999999", Version = 1 }, version]));

        // Not even counted: a count would tell BORDER that someone holds a record on her it may not learn of.
        Assert.Equal(0, entity.WithheldRecords);
        Assert.Equal([visibleId], entity.Records.Select(r => r.RecordId));
        Assert.Equal(StatusCode.InvalidArgument, splitAll.StatusCode);
        Assert.Contains("a split must leave at least one record in the entity", splitAll.Status.Detail);
        Assert.DoesNotContain(hiddenId, splitAll.Status.Detail);
        Assert.DoesNotContain("may not read", splitAll.Status.Detail);
        // Her record BORDER may not learn of is answered as any record not in the entity.
        Assert.Equal(StatusCode.InvalidArgument, splitHidden.StatusCode);
        Assert.Contains($"'{hiddenId}' is not in entity {entityId}", splitHidden.Status.Detail);
        // An entity of records the analyst may not know of is answered as one that does not exist, as GetEntity answers it.
        Assert.Equal(mergeUnknown.StatusCode, mergeHidden.StatusCode);
        Assert.Equal(mergeUnknown.Status.Detail.Replace("ent-99999999", hiddenEntityId, StringComparison.Ordinal), mergeHidden.Status.Detail);

        // A merge BORDER takes on what it sees moves the record it may not learn of with its entity...
        var merged = await Decide(DecisionKind.Merge, [version, await Seen(border, otherEntityId)]);
        var one = Assert.Single(merged.Changes).ToEntityIds.Single();
        var asOwnerSees = await owner.GetEntityAsync(new GetEntityRequest { EntityId = one, Justification = TestRecords.Because() });
        var asBorderSees = await border.GetEntityAsync(new GetEntityRequest { EntityId = one, Justification = TestRecords.Because() });
        Assert.Equal(new[] { visibleId, hiddenId, otherId }.Order(), asOwnerSees.Records.Select(r => r.RecordId).Order());
        Assert.Equal(new[] { visibleId, otherId }.Order(), asBorderSees.Records.Select(r => r.RecordId).Order());
        Assert.Equal(0, asBorderSees.WithheldRecords);

        // ...and a split leaves it where it was, beside the records BORDER kept there.
        var split = await Decide(DecisionKind.Split, [await Seen(border, one)], otherId);
        var parts = Assert.Single(split.Changes).ToEntityIds;
        var kept = await owner.GetEntityAsync(new GetEntityRequest { EntityId = one, Justification = TestRecords.Because() });
        var left = await owner.GetEntityAsync(new GetEntityRequest { EntityId = parts.Single(id => id != one), Justification = TestRecords.Because() });
        Assert.Equal(new[] { visibleId, hiddenId }.Order(), kept.Records.Select(r => r.RecordId).Order());
        Assert.Equal([otherId], left.Records.Select(r => r.RecordId));
    }

    [Fact]
    public async Task A_match_on_records_the_caller_may_not_read_says_only_who_holds_them()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var secret = TestRecords.Person(TestRecords.UniqueRef("res"), "Dragomir", "Vasilescu", "1979-11-23");
        await police.ContributeAsync(new ContributeRequest { Content = secret });
        var hidden = TestRecords.Person(TestRecords.UniqueRef("res"), "Anatol", "Bostan", "1982-01-15");
        hidden.Marking.Discoverable = false;
        await police.ContributeAsync(new ContributeRequest { Content = hidden });

        var border = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var known = await Projected.Eventually(
            () => border.MatchAsync(new MatchRequest { Person = new Person { Name = new PersonName { GivenName = "Dragomir", FamilyName = "Vasilescu" } }, Justification = TestRecords.Because() }).ResponseAsync,
            m => m.Candidates.Count > 0);
        var candidate = Assert.Single(known.Candidates);
        Assert.Equal(Effect.ExistenceOnly, candidate.Decision.Effect);
        Assert.Equal(["POL-ATU"], candidate.HolderAgencies);
        Assert.All(candidate.Records, r => Assert.Null(r.Record));
        Assert.Null(candidate.Explanation);

        var notDiscoverable = await border.MatchAsync(new MatchRequest { Person = new Person { Name = new PersonName { GivenName = "Anatol", FamilyName = "Bostan" } }, Justification = TestRecords.Because() });
        Assert.Empty(notDiscoverable.Candidates);

        var invalid = await Assert.ThrowsAsync<RpcException>(() => border.MatchAsync(new MatchRequest { MaxCandidates = 500 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("query", invalid.ViolatedFields());
        Assert.Contains("max_candidates", invalid.ViolatedFields());
        Assert.Contains("justification", invalid.ViolatedFields());
    }

    [Fact]
    public async Task A_match_or_explanation_never_tells_fields_withheld_from_the_reader()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var victim = TestRecords.Person(TestRecords.UniqueRef("res-victim"), "Mirela", "Cojocaru", "1996-02-29");
        victim.Person.Phones.Add("+373 69 555 010");
        victim.Marking.ReleasableTo.Add("BORDER");
        victim.Marking.Caveats.Add("VICTIM_IDENTITY");
        var victimId = (await police.ContributeAsync(new ContributeRequest { Content = victim })).RecordId;
        var plain = TestRecords.Person(TestRecords.UniqueRef("res-plain"), "Mirela", "Cojocaru", "1996-02-29");
        plain.Marking.ReleasableTo.Add("BORDER");
        var plainId = (await police.ContributeAsync(new ContributeRequest { Content = plain })).RecordId;

        // The border guard may read both records, the victim's without who she is (no VICTIM_IDENTITY entitlement).
        var border = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var byPhone = await Projected.Eventually(
            () => border.MatchAsync(new MatchRequest { Person = new Person { Name = new PersonName { GivenName = "Mirela", FamilyName = "Cojocaru" }, Phones = { "+373 69 555 010" } }, Justification = TestRecords.Because() }).ResponseAsync,
            m => m.Candidates.Any(c => c.Records.Any(r => r.Decision.Rule == "withheld")));
        // The plain record may reach Resolution after the victim's: until then Explain does not know it (NOT_FOUND).
        var explained = await Projected.Eventually(
            () => border.ExplainAsync(new ExplainRequest { LeftRecordId = plainId, RightRecordId = victimId, Justification = TestRecords.Because() }).ResponseAsync,
            _ => true);
        var analyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var entitled = await analyst.ExplainAsync(new ExplainRequest { LeftRecordId = plainId, RightRecordId = victimId, Justification = TestRecords.Because() });

        // Matched on her name and phone, her record is listed by who holds it alone, to ask about: on its own, or beside
        // the plain record where Resolution put the two together (the entity is then offered through the plain one).
        var withHer = byPhone.Candidates.Single(c => c.Records.Any(r => r.Decision.Rule == "withheld"));
        var her = Assert.Single(withHer.Records, r => r.Decision.Rule == "withheld");
        Assert.Equal((Effect.ExistenceOnly, "", "POL-ATU"), (her.Decision.Effect, her.RecordId, her.HolderAgency));
        Assert.Null(her.Record);
        Assert.DoesNotContain(victimId, byPhone.ToString());
        Assert.DoesNotContain(byPhone.Candidates, c => c.Explanation is { } e && (e.Summary.Contains("555") || e.Fields.Any(f => f.Field == "phone" && f.Level != "missing")));

        // The pair is explained without the comparisons of what is withheld of her, nor her name beside her id.
        Assert.DoesNotContain(explained.Fields, f => f.Field is "given name" or "family name" or "date of birth" or "phone");
        Assert.DoesNotContain("555", explained.Summary);
        Assert.Contains($"vs {victimId}:", explained.Summary);
        Assert.Contains(entitled.Fields, f => f.Field == "family name");
        Assert.Contains($"{victimId} (mirela cojocaru)", entitled.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cojocaru", explained.Summary[explained.Summary.IndexOf(" vs ", StringComparison.Ordinal)..], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_guess_at_a_victims_withheld_name_is_neither_tied_to_her_record_nor_scored()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        Assert.Equal(200, await police.ContributeAllAsync(TestRecords.Population(200, seed: 31)));
        var family = "Victim" + new string([.. Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(5)]);
        var victim = TestRecords.Person(TestRecords.UniqueRef("res-guess"), "Maria", family, "2001-02-03");
        victim.Marking.ReleasableTo.Add("BORDER");
        victim.Marking.Caveats.Add("VICTIM_IDENTITY");
        var victimId = (await police.ContributeAsync(new ContributeRequest { Content = victim })).RecordId;

        // The border guard reads her record without her name and date of birth, and guesses them.
        var borderAnalyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var guessed = await MatchEventually(borderAnalyst, "Maria", family, "2001-02-03", "is she known", m => m.Candidates.Any(c => c.HolderAgencies.Contains("POL-ATU")));
        var analyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("analyst"));
        var entitled = await MatchEventually(analyst, "Maria", family, "2001-02-03", "is she known", m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == victimId)));
        var victimEntity = entitled.Candidates.First(c => c.Records.Any(r => r.RecordId == victimId)).EntityId;

        // As in Search: the holder is named, not the record nor its entity, and the caveat behind it is not told.
        var hit = Assert.Single(guessed.Candidates, c => c.HolderAgencies.Contains("POL-ATU"));
        Assert.DoesNotContain(victimId, guessed.ToString());
        Assert.DoesNotContain(victimEntity, guessed.ToString());
        Assert.Equal((Effect.ExistenceOnly, "withheld"), (hit.Decision.Effect, hit.Decision.Rule));
        Assert.Contains("found through details withheld from you", hit.Decision.Explanation);
        Assert.DoesNotContain("VICTIM", guessed.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.All(hit.Records, r => Assert.Equal(("", "POL-ATU", null), (r.RecordId, r.HolderAgency, r.Record)));

        // A record of her guessed name, right or wrong, is explained to the border guard with the same score and verdict.
        var right = TestRecords.BorderSubject("res-guess", "Maria", family, "2001-02-03");
        right.Person.Phones.Clear();
        var wrong = TestRecords.BorderSubject("res-guess", "Zoia", "Elsewhere", "1960-11-12");
        wrong.Person.Phones.Clear();
        var rightId = (await border.ContributeAsync(new ContributeRequest { Content = right })).RecordId;
        var wrongId = (await border.ContributeAsync(new ContributeRequest { Content = wrong })).RecordId;
        Task<PairExplanation> Explain(string other) => Projected.Eventually(
            () => borderAnalyst.ExplainAsync(new ExplainRequest { LeftRecordId = victimId, RightRecordId = other, Justification = TestRecords.Because() }).ResponseAsync,
            _ => true);
        var (rightGuess, wrongGuess) = (await Explain(rightId), await Explain(wrongId));
        Assert.Equal((wrongGuess.TotalWeight, wrongGuess.Probability, wrongGuess.Outcome), (rightGuess.TotalWeight, rightGuess.Probability, rightGuess.Outcome));
        Assert.Equal(rightGuess.Fields.Sum(f => f.Weight), rightGuess.TotalWeight, 6);
        var (analystRight, analystWrong) = (
            await analyst.ExplainAsync(new ExplainRequest { LeftRecordId = victimId, RightRecordId = rightId, Justification = TestRecords.Because() }),
            await analyst.ExplainAsync(new ExplainRequest { LeftRecordId = victimId, RightRecordId = wrongId, Justification = TestRecords.Because() }));
        Assert.True(analystRight.TotalWeight > analystWrong.TotalWeight, "the entitled analyst still sees what the name weighs");

        // The review queue holds no pair of hers that her withheld details made: what is left of it is scored without them.
        var queue = await borderAnalyst.ReviewQueueAsync(new ReviewQueueRequest { PageSize = 100, Justification = TestRecords.Because() });
        Assert.All(
            queue.Items.Where(i => i.Pair.LeftRecordId == victimId || i.Pair.RightRecordId == victimId),
            i => Assert.Equal(i.Pair.Fields.Sum(f => f.Weight), i.Pair.TotalWeight, 6));
        Assert.DoesNotContain(queue.Items, i => new[] { i.Pair.LeftRecordId, i.Pair.RightRecordId }.Order().SequenceEqual(new[] { victimId, rightId }.Order()));

        // Resolved with the border guard's record of the right guess, her record is listed beside it by its holder alone,
        // wherever that entity is shown to them: a match, the entity, a hit.
        var joined = await Projected.Eventually(
            () => analyst.GetEntityAsync(new GetEntityRequest { EntityId = victimEntity, Justification = TestRecords.Because() }).ResponseAsync,
            e => e.Records.Any(r => r.RecordId == rightId));
        var again = await MatchEventually(borderAnalyst, "Maria", family, "2001-02-03", "is she known", m => m.Candidates.Any(c => c.Records.Any(r => r.RecordId == rightId)));
        var ownEntity = again.Candidates.First(c => c.Records.Any(r => r.RecordId == rightId)).EntityId;
        var shown = await borderAnalyst.GetEntityAsync(new GetEntityRequest { EntityId = ownEntity, Justification = TestRecords.Because() });
        var hits = await ReadHits(new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst")));
        Assert.Equal(joined.EntityId, ownEntity);
        Assert.DoesNotContain(victimId, again.ToString());
        Assert.DoesNotContain(victimId, shown.ToString());
        Assert.DoesNotContain(victimId, hits.Select(h => h.ToString()));
        Assert.Contains(shown.Records, r => r is { RecordId: "", HolderAgency: "POL-ATU", Record: null } && r.Decision.Rule == "withheld");
        Assert.All(shown.Records, r => Assert.DoesNotContain("VICTIM", r.Decision.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_decision_on_a_record_the_analyst_may_not_know_of_is_answered_as_on_one_that_does_not_exist_whichever_the_side()
    {
        var labour = (await Factory.SystemChannelAsync("LABOUR")).RecordsClient();
        var hidden = TestRecords.Person(TestRecords.UniqueRef("res-labour"), "Petru", "Ungureanu", "1975-06-06");
        hidden.Marking.OriginatorAgency = "LABOUR";
        hidden.Marking.Discoverable = false;
        var hiddenId = (await labour.ContributeAsync(new ContributeRequest { Content = hidden })).RecordId;
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        var ownId = (await border.ContributeAsync(new ContributeRequest { Content = TestRecords.BorderSubject("res-own", "Petru", "Ungureanu", "1975-06-06") })).RecordId;
        var inspector = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("labour.inspector"));
        await Projected.Eventually(
            () => inspector.ExplainAsync(new ExplainRequest { LeftRecordId = hiddenId, RightRecordId = hiddenId, Justification = TestRecords.Because() }).ResponseAsync,
            _ => true);
        var borderAnalyst = new ResolutionService.ResolutionServiceClient(await Factory.ChannelForAsync("border.analyst"));
        await Projected.Eventually(
            () => borderAnalyst.ExplainAsync(new ExplainRequest { LeftRecordId = ownId, RightRecordId = ownId, Justification = TestRecords.Because() }).ResponseAsync,
            _ => true);
        Task<RpcException> Confirm(string left) => Assert.ThrowsAsync<RpcException>(() => borderAnalyst.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Confirm, LeftRecordId = left, RightRecordId = ownId, Reason = "probing", Justification = TestRecords.Because(),
        }).ResponseAsync);

        var onHidden = await Confirm(hiddenId);
        var unknownId = "rec-" + Guid.NewGuid().ToString("N");
        var onUnknown = await Confirm(unknownId);

        Assert.Equal(StatusCode.NotFound, onHidden.StatusCode);
        Assert.Equal((onUnknown.StatusCode, onUnknown.Status.Detail.Replace(unknownId, hiddenId, StringComparison.Ordinal)), (onHidden.StatusCode, onHidden.Status.Detail));
    }

    /// <summary>Asks for matches on a name and date of birth until the projection has caught up as <paramref name="done"/> says.</summary>
    internal static Task<MatchResponse> MatchEventually(
        ResolutionService.ResolutionServiceClient client, string given, string family, string born, string reason, Func<MatchResponse, bool> done) =>
        Projected.Eventually(
            () => client.MatchAsync(new MatchRequest
            {
                Person = new Person { Name = new PersonName { GivenName = given, FamilyName = family }, DateOfBirth = born },
                Justification = TestRecords.Because(reason),
            }).ResponseAsync,
            done);

    private static async Task<List<HitNotification>> ReadHits(ResolutionService.ResolutionServiceClient client)
    {
        var hits = new List<HitNotification>();
        using var call = client.WatchHits(new WatchHitsRequest());
        await foreach (var hit in call.ResponseStream.ReadAllAsync())
        {
            hits.Add(hit);
        }

        return hits;
    }
}
