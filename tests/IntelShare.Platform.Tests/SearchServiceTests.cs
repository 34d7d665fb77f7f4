using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>The Search service over gRPC on the real host: projection, need-to-know inside the query, frontline checks.</summary>
public sealed class SearchServiceTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task Each_agency_finds_a_misspelt_transliterated_name_as_the_policy_allows_and_counts_are_right()
    {
        var family = "Zhurav" + Guid.NewGuid().ToString("N")[..6];
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        async Task<string> Contribute(Action<RecordContent> shape)
        {
            var content = TestRecords.Person(TestRecords.UniqueRef("search"), "Olena", family, "1990-07-03");
            shape(content);
            return (await records.ContributeAsync(new ContributeRequest { Content = content })).RecordId;
        }

        var released = await Contribute(c => c.Marking.ReleasableTo.Add("BORDER"));
        var existenceOnly = await Contribute(_ => { });
        var hidden = await Contribute(c => c.Marking.Discoverable = false);

        var police = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));
        var border = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var typo = family[..^1] + "x" + family[^1..];
        var request = new SearchRequest { Query = $"Olena {typo}", Mode = SearchMode.SearchName, Justification = TestRecords.Because("who is she") };

        var own = await Projected.Eventually(() => police.SearchAsync(request).ResponseAsync, r => r.Total == 3);
        Assert.Equal(3, own.Total);
        Assert.All(own.Hits, h => Assert.NotNull(h.Record));

        var partner = await border.SearchAsync(request);
        Assert.Equal(2, partner.Total);
        Assert.DoesNotContain(partner.Hits, h => h.RecordId == hidden);
        var readable = Assert.Single(partner.Hits, h => h.RecordId == released);
        Assert.Equal(family, readable.Record.Content.Person.Name.FamilyName);
        var onlyKnown = Assert.Single(partner.Hits, h => h.RecordId == existenceOnly);
        Assert.Equal(Effect.ExistenceOnly, onlyKnown.Decision.Effect);
        Assert.Null(onlyKnown.Record);
        Assert.Empty(onlyKnown.Title);
        Assert.Empty(onlyKnown.Highlights);
        Assert.Equal("POL-ATU", onlyKnown.HolderAgency);

        // Swapped order, Cyrillic spelling.
        var cyrillic = await police.SearchAsync(new SearchRequest { Query = $"{family} Олена", Mode = SearchMode.SearchName, Justification = TestRecords.Because() });
        Assert.Contains(cyrillic.Hits, h => h.RecordId == released);

        // A withdrawn record disappears from search.
        await records.WithdrawAsync(new WithdrawRequest { RecordId = released, Reason = "entered in error" });
        var afterWithdrawal = await Projected.Eventually(() => police.SearchAsync(request).ResponseAsync, r => r.Total == 2);
        Assert.DoesNotContain(afterWithdrawal.Hits, h => h.RecordId == released);
    }

    [Fact]
    public async Task A_hit_found_through_a_name_or_document_withheld_from_the_reader_names_its_holder_but_not_the_record()
    {
        var family = "Melnyk" + new string([.. Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(4)]);
        var passport = $"UA{Random.Shared.Next(100_000, 999_999)}";
        var victim = TestRecords.Person(TestRecords.UniqueRef("search-victim"), "Oksana", family, "1999-05-14");
        victim.Person.Documents.Add(new IdentityDocument { Kind = "passport", Number = passport, IssuingCountry = "UA" });
        victim.Marking.ReleasableTo.Add("BORDER");
        victim.Marking.Caveats.Add("VICTIM_IDENTITY");
        var records = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var victimId = (await records.ContributeAsync(new ContributeRequest { Content = victim })).RecordId;

        var border = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("border.analyst"));
        var byName = new SearchRequest
        {
            Query = $"Oksana {family}", Mode = SearchMode.SearchName, GroupByEntity = true, Facets = { "nationality", "agency" }, Justification = TestRecords.Because("who is she"),
        };
        var named = await Projected.Eventually(() => border.SearchAsync(byName).ResponseAsync, r => r.Total == 1);
        var byNameAndNationality = byName.Clone();
        byNameAndNationality.Filters = new SearchFilters { Nationalities = { "MD" } };
        var filtered = await border.SearchAsync(byNameAndNationality);
        var checkedPassport = await border.FrontlineCheckAsync(new FrontlineCheckRequest { DocumentNumber = passport, Justification = TestRecords.Because("border crossing") });
        var analyst = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));
        var entitled = await analyst.SearchAsync(byName);

        var hit = Assert.Single(named.Hits);
        Assert.Equal((Effect.ExistenceOnly, "POL-ATU", ""), (hit.Decision.Effect, hit.HolderAgency, hit.RecordId));
        // Nor is the caveat that redacted her named: that would say the name searched for is a victim's.
        Assert.Equal("withheld", hit.Decision.Rule);
        Assert.DoesNotContain("VICTIM", hit.Decision.Explanation, StringComparison.OrdinalIgnoreCase);
        Assert.Null(hit.Record);
        Assert.Empty(hit.EntityId);
        Assert.Empty(named.Groups);
        var frontline = Assert.Single(checkedPassport.Hits);
        Assert.DoesNotContain("VICTIM", frontline.Decision.Explanation, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(("POL-ATU", ""), (frontline.HolderAgency, frontline.RecordId));
        Assert.DoesNotContain(victimId, frontline.Action);
        Assert.Contains("Contact POL-ATU", frontline.Action);
        // Nor does what was searched for meet her nationality, counted or filtered on; who holds her is on the hit already.
        Assert.Empty(named.Facets.Single(f => f.Field == "nationality").Values);
        Assert.Equal(("POL-ATU", 1L), named.Facets.Single(f => f.Field == "agency").Values.Select(v => (v.Value, v.Count)).Single());
        Assert.Equal(0, filtered.Total);
        // Readers entitled to the name get the record as before.
        Assert.Equal(victimId, Assert.Single(entitled.Hits).RecordId);
        Assert.Equal(("MD", 1L), entitled.Facets.Single(f => f.Field == "nationality").Values.Select(v => (v.Value, v.Count)).Single());
        Assert.Equal(1, (await analyst.SearchAsync(byNameAndNationality)).Total);
    }

    [Fact]
    public async Task Hits_grouped_by_entity_show_each_person_once_with_all_their_records_and_only_readable_ones_joined()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        Assert.Equal(300, await police.ContributeAllAsync(TestRecords.Population(300, seed: 11)));

        var family = "Zhuravl" + new string([.. Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(4)]);
        var policeId = (await police.ContributeAsync(new ContributeRequest { Content = TestRecords.PoliceSubject("group", "Olena", family, "1991-03-07") })).RecordId;
        var borderId = (await border.ContributeAsync(new ContributeRequest { Content = TestRecords.BorderSubject("group", "Olena", family, "1991-03-07") })).RecordId;
        var otherId = (await police.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("group"), "Olena", family[..^1] + "y", "1962-11-30") })).RecordId;

        var analyst = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));
        var request = new SearchRequest { Query = $"Olena {family}", Mode = SearchMode.SearchName, GroupByEntity = true, PageSize = 1, Justification = TestRecords.Because("who is she") };
        var first = await Projected.Eventually(
            () => analyst.SearchAsync(request).ResponseAsync,
            r => r.Total == 3 && r.Groups.Count == 1 && r.Groups[0].RecordIds.Count == 2);
        var person = first.Groups[0];
        Assert.NotEmpty(person.EntityId);
        Assert.Equal(new[] { borderId, policeId }.Order(), person.RecordIds.Order());
        Assert.All(first.Hits, h => Assert.Equal(person.EntityId, h.EntityId));

        // The misspelt namesake is the next group; the person's records do not come back on later pages.
        var rest = new List<EntityGroup>();
        for (var token = first.NextPageToken; token.Length > 0;)
        {
            Assert.True(rest.Count < 10, "paging does not end");
            var page = await analyst.SearchAsync(new SearchRequest(request) { PageToken = token });
            rest.AddRange(page.Groups);
            token = page.NextPageToken;
        }

        Assert.DoesNotContain(rest, g => g.RecordIds.Contains(policeId) || g.RecordIds.Contains(borderId));
        Assert.Contains(rest, g => g.RecordIds.Contains(otherId));

        // A page token pages only the query it was given for: with another, it would skip that query's best hits.
        var otherQuery = await Assert.ThrowsAsync<RpcException>(() => analyst.SearchAsync(new SearchRequest(request) { Query = "Olena", PageToken = first.NextPageToken }).ResponseAsync);
        Assert.Equal(["page_token"], otherQuery.ViolatedFields());
        var withFacets = await analyst.SearchAsync(new SearchRequest(request) { PageToken = first.NextPageToken, Facets = { "agency" }, Justification = TestRecords.Because("next page") });
        Assert.Equal(rest[0].RecordIds, withFacets.Groups[0].RecordIds);

        // The labour inspectorate may only know the records exist: no entity ties them together.
        var labour = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("labour.inspector"));
        var unjoined = await labour.SearchAsync(new SearchRequest(request) { PageSize = 10 });
        var known = unjoined.Groups.Where(g => g.RecordIds.Contains(policeId) || g.RecordIds.Contains(borderId)).ToList();
        Assert.Equal(2, known.Count);
        Assert.All(known, g => Assert.Empty(g.EntityId));
        Assert.All(unjoined.Hits, h => Assert.Empty(h.EntityId));
    }

    [Fact]
    public async Task A_frontline_check_on_a_forged_document_hits_with_the_holder_and_what_to_do_and_bad_queries_say_where()
    {
        var number = "RX" + Random.Shared.Next(100000, 999999);
        var border = (await Factory.SystemChannelAsync("BORDER")).RecordsClient();
        var document = new RecordContent
        {
            SourceRef = TestRecords.UniqueRef("doc"),
            Marking = TestRecords.Marking(),
            Document = new Document { IdentityDocument = new IdentityDocument { Kind = "id_card", Number = number, IssuingCountry = "RO" }, Status = "forged" },
        };
        document.Marking.Handling = new Handling { Code = HandlingCode.HandlingC, Conditions = "Do not disclose to the holder; call the border duty officer" };
        var recordId = (await border.ContributeAsync(new ContributeRequest { Content = document })).RecordId;

        var police = new SearchService.SearchServiceClient(await Factory.ChannelForAsync("analyst"));
        var check = await Projected.Eventually(
            () => police.FrontlineCheckAsync(new FrontlineCheckRequest { DocumentNumber = $"rx {number[2..5]}-{number[5..]}", Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck } }).ResponseAsync,
            r => r.Hit);
        Assert.True(check.Hit);
        var hit = Assert.Single(check.Hits);
        Assert.Equal(recordId, hit.RecordId);
        Assert.Equal("BORDER", hit.HolderAgency);
        Assert.Null(hit.Record);
        Assert.Contains("Contact BORDER", hit.Action);

        var noHit = await police.FrontlineCheckAsync(new FrontlineCheckRequest { DocumentNumber = "ZZ000000", Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck } });
        Assert.False(noHit.Hit);

        var syntax = await Assert.ThrowsAsync<RpcException>(() => police.SearchAsync(new SearchRequest { Query = "\"unterminated AND (", Mode = SearchMode.SearchText, Justification = TestRecords.Because() }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, syntax.StatusCode);
        Assert.Contains("column", syntax.Status.Detail + string.Join(" ", syntax.ViolatedFields()), StringComparison.OrdinalIgnoreCase);

        var invalid = await Assert.ThrowsAsync<RpcException>(() => police.SearchAsync(new SearchRequest { PageSize = 1000 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("page_size", invalid.ViolatedFields());
        Assert.Contains("justification", invalid.ViolatedFields());

        // Problems the index finds are named by the fields of the request sent, and said once.
        var engine = await Assert.ThrowsAsync<RpcException>(() => police.SearchAsync(new SearchRequest
        {
            Query = "petrov",
            PageToken = "not-a-token",
            Filters = new SearchFilters
            {
                Recorded = new TimeRange { From = Timestamp.FromDateTime(new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc)), To = Timestamp.FromDateTime(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)) },
            },
            Justification = TestRecords.Because(),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, engine.StatusCode);
        Assert.Equal(["filters.recorded", "page_token"], engine.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.DoesNotContain("cursor:", engine.Status.Detail);
        Assert.DoesNotContain("date_ranges", engine.Status.Detail);
        var badCheck = await Assert.ThrowsAsync<RpcException>(() => police.FrontlineCheckAsync(new FrontlineCheckRequest
        {
            Person = new NameAndBirth { GivenName = "Ana", FamilyName = "Rusu", DateOfBirth = "31/31/1990" },
            Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck },
        }).ResponseAsync);
        Assert.Equal(["person.date_of_birth"], badCheck.ViolatedFields());

        // Every problem at once: the request's own and those the index would find.
        var together = await Assert.ThrowsAsync<RpcException>(() => police.SearchAsync(new SearchRequest { Query = "petrov", PageToken = "not-a-token" }).ResponseAsync);
        var checkTogether = await Assert.ThrowsAsync<RpcException>(() => police.FrontlineCheckAsync(new FrontlineCheckRequest
        {
            Person = new NameAndBirth { GivenName = "Ana", FamilyName = "Rusu", DateOfBirth = "31/31/1990" },
        }).ResponseAsync);
        Assert.Equal(["justification", "page_token"], together.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Equal(["justification", "person.date_of_birth"], checkTogether.ViolatedFields().Order(StringComparer.Ordinal));

        // Country codes are ISO 3166-1 alpha-2 in any letter case: a country's name would silently match nothing.
        var nationality = await Assert.ThrowsAsync<RpcException>(() => police.SearchAsync(new SearchRequest
        {
            Query = "petrov", Filters = new SearchFilters { Nationalities = { "ro", "Romania" }, Agencies = { "BORDER", "NOPE", "labour" } }, Justification = TestRecords.Because(),
        }).ResponseAsync);
        var checkCountry = await Assert.ThrowsAsync<RpcException>(() => police.FrontlineCheckAsync(new FrontlineCheckRequest
        {
            Phone = "0721 000 111", Country = "ROU", Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck },
        }).ResponseAsync);
        var lowerCaseCountry = await police.FrontlineCheckAsync(new FrontlineCheckRequest
        {
            Phone = "0721 000 111", Country = "ro", Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck },
        });
        Assert.Equal(["filters.agencies[1]", "filters.agencies[2]", "filters.nationalities[1]"], nationality.ViolatedFields().Order(StringComparer.Ordinal));
        Assert.Contains("written in capitals, 'LABOUR'", nationality.Status.Detail);
        var lettersForPhone = await Assert.ThrowsAsync<RpcException>(() => police.FrontlineCheckAsync(new FrontlineCheckRequest
        {
            Phone = "abc", Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck },
        }).ResponseAsync);
        var nationalWithoutCountry = await Assert.ThrowsAsync<RpcException>(() => police.FrontlineCheckAsync(new FrontlineCheckRequest
        {
            Phone = "07700 900123", Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck },
        }).ResponseAsync);
        var international = await police.FrontlineCheckAsync(new FrontlineCheckRequest
        {
            Phone = "0044 7700 900123", Justification = new Justification { Reason = "roadside stop", Purpose = Purpose.FrontlineCheck },
        });
        Assert.Equal(["country"], nationalWithoutCountry.ViolatedFields());
        Assert.Contains("national number '07700 900123'", nationalWithoutCountry.Status.Detail);
        Assert.NotNull(international);
        Assert.Equal(["country"], checkCountry.ViolatedFields());
        Assert.Equal(["phone"], lettersForPhone.ViolatedFields());
        Assert.Contains("not a phone number", lettersForPhone.Status.Detail);
        Assert.NotNull(lowerCaseCountry);
    }
}
