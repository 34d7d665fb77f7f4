using IntelShare.Domain;
using IntelShare.Policy;
using static IntelShare.Search.Engine.Tests.Fixtures;

namespace IntelShare.Search.Engine.Tests;

/// <summary>What every engine behind <see cref="ISearchIndex"/> must do; one subclass per engine.</summary>
public abstract class SearchIndexContract : IDisposable
{
    private ISearchIndex? _index;

    protected static readonly SearchPrincipal Nca = Principal("NCA");
    protected static readonly SearchPrincipal Garda = Principal("GARDA");

    protected ISearchIndex Index => _index ??= CreateIndex(new FixedTime(Now));

    /// <summary>A new, empty index.</summary>
    protected abstract ISearchIndex CreateIndex(TimeProvider time);

    public virtual void Dispose()
    {
        _index?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected async Task Load(params SearchDocument[] documents)
    {
        await Index.UpsertAsync(documents, null);
        await Index.RefreshAsync();
    }

    protected async Task<string[]> Ids(SearchQuery query, SearchPrincipal? principal = null) =>
        [.. (await Index.SearchAsync(query, principal ?? Nca)).Hits.Select(h => h.RecordId)];

    [ContractFact]
    public async Task Name_with_typos_matches()
    {
        await Load(Person("p1", "Olena", "Kovalenko"), Person("p2", "Ivan", "Petrenko"));

        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Olena Kovalneko" }));
        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Olna Kovalenko" }));
    }

    [ContractFact]
    public async Task Names_are_transliterated_from_Cyrillic_Greek_and_accented_Latin()
    {
        await Load(
            Person("p1", "Olena", "Kovalenko"),
            Person("p2", "Γιώργος", "Παπαδόπουλος"),
            Person("p3", "José", "Muñoz"),
            Person("p4", "Dmytro", "Shevchuk", originalScript: "Дмитро Шевчук"));

        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Олена Коваленко" }));
        Assert.Equal(["p2"], await Ids(new SearchQuery { Name = "Giorgos Papadopoulos" }));
        Assert.Equal(["p3"], await Ids(new SearchQuery { Name = "Jose Munoz" }));
        Assert.Equal(["p4"], await Ids(new SearchQuery { Name = "Дмитро Шевчук" }));
    }

    [ContractFact]
    public async Task Swapped_order_matches_and_written_order_ranks_first()
    {
        await Load(Person("swapped", "Kovalenko", "Olena"), Person("inorder", "Olena", "Kovalenko"));

        Assert.Equal(["inorder", "swapped"], await Ids(new SearchQuery { Name = "Olena Kovalenko" }));
        Assert.Equal(["swapped", "inorder"], await Ids(new SearchQuery { Name = "Kovalenko Olena" }));
    }

    [ContractFact]
    public async Task Aliases_match()
    {
        await Load(Person("p1", "Olena", "Kovalenko", aliases: ["Lena Koval"]), Person("p2", "Ivan", "Petrenko"));

        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Lena Koval" }));
    }

    [ContractFact]
    public async Task Other_romanisations_and_split_names_match()
    {
        await Load(Person("p1", "Yuriy", "Kharchenko"), Person("p2", "Benjamin", "Wyllie"), Person("p3", "Ivan", "Petrenko"));

        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Iurii Harchenko" }));
        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Юрий Харченко" }));
        Assert.Equal(["p2"], await Ids(new SearchQuery { Name = "Benj Amin Wyllie" }));
        Assert.Equal(["p2"], await Ids(new SearchQuery { Name = "Бенджамин Вилли" }));
    }

    [ContractFact]
    public async Task One_name_alone_finds_a_person_only_with_their_full_date_of_birth()
    {
        await Load(Person("dated", "Olena", "Kovalenko", dob: "1990-07-03"), Person("undated", "Olena", "Shevchuk"));

        Assert.Empty(await Ids(new SearchQuery { Name = "Olena Petrenko" }));
        Assert.Empty(await Ids(new SearchQuery { Name = "Olena Petrenko", DateOfBirth = "1990" }));
        Assert.Equal(["dated"], await Ids(new SearchQuery { Name = "Olena Petrenko", DateOfBirth = "1990-07-03" }));
        Assert.Empty(await Ids(new SearchQuery { Name = "Ivan", DateOfBirth = "1990-07-03" }));

        // A frontline hit must be the person checked, not a namesake born the same day.
        var frontline = Principal("NCA", purpose: ReadPurpose.FrontlineCheck);
        Assert.Empty((await Index.CheckAsync(new CheckQuery { Name = "Olena Petrenko", DateOfBirth = "1990-07-03" }, frontline)).Hits);
        Assert.Equal(["dated"], (await Index.CheckAsync(new CheckQuery { Name = "Olena Kovalenko", DateOfBirth = "1990-07-03" }, frontline)).Hits.Select(h => h.RecordId));
    }

    [ContractFact]
    public async Task The_whole_name_ranks_above_part_of_it_with_the_date_of_birth()
    {
        await Load(Person("part", "Olena", "Shevchuk", dob: "1990-07-03"), Person("whole", "Olena", "Kovalenko"), Person("other", "Ivan", "Kovalenko"));

        Assert.Equal(["whole", "part"], await Ids(new SearchQuery { Name = "Olena Kovalenko", DateOfBirth = "1990-07-03" }));
    }

    [ContractFact]
    public async Task Identifiers_are_normalised_before_indexing_and_querying()
    {
        await Load(
            Identified("d1", RecordType.Document, IdentifierKind.Document, "AB 123-456", "document.identity_document"),
            Identified("v1", RecordType.Vehicle, IdentifierKind.Plate, "KA-1234-BC", "vehicle.plate"),
            Identified("ph1", RecordType.Phone, IdentifierKind.Phone, "07700 900123", "phone.number", region: "GB"));

        Assert.Equal(["d1"], await Ids(new SearchQuery { Identifier = new(IdentifierKind.Document, "ab123456") }));
        Assert.Equal(["d1"], await Ids(new SearchQuery { Identifier = new(IdentifierKind.Document, "АВ 123456") }));
        Assert.Equal(["v1"], await Ids(new SearchQuery { Identifier = new(null, "ka1234bc") }));
        Assert.Equal(["ph1"], await Ids(new SearchQuery { Identifier = new(IdentifierKind.Phone, "+44 7700 900123") }));
        Assert.Equal(["ph1"], await Ids(new SearchQuery { Identifier = new(null, "0044 7700 900 123") }));
        Assert.Empty(await Ids(new SearchQuery { Identifier = new(IdentifierKind.Plate, "AB123456") }));
    }

    [ContractFact]
    public async Task Free_text_supports_phrases_and_boolean_operators()
    {
        await Load(
            Report("r1", "Farm", "Workers held in forced labour on a farm near Košice"),
            Report("r2", "Hotel", "Sexual exploitation in a hotel; labour forced by debt"),
            Report("r3", "Car wash", "Labour exploitation at a car wash"));

        Assert.Equal(["r1"], await Ids(new SearchQuery { Text = "\"forced labour\"" }));
        Assert.Equal(["r1"], await Ids(new SearchQuery { Text = "kosice" }));
        Assert.Equal(["r1", "r2"], (await Ids(new SearchQuery { Text = "forced AND labour" })).Order());
        Assert.Equal(["r2", "r3"], (await Ids(new SearchQuery { Text = "hotel OR (car AND wash)" })).Order());
        Assert.Equal(["r3"], await Ids(new SearchQuery { Text = "labour -forced" }));
    }

    [ContractFact]
    public async Task A_text_syntax_error_says_where()
    {
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => Index.SearchAsync(new SearchQuery { Text = "forced AND (labour" }, Nca));

        Assert.Contains(error.Problems, p => p.StartsWith("text:", StringComparison.Ordinal) && p.Contains("column", StringComparison.Ordinal));
    }

    [ContractFact]
    public async Task Every_problem_of_a_query_is_listed()
    {
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => Index.SearchAsync(
            new SearchQuery
            {
                Filters = [new SearchFilter("colour", ["red"])],
                PageSize = 500,
                Cursor = "not-a-cursor",
                Facets = ["shoe size"],
            },
            Nca));

        Assert.Contains(error.Problems, p => p.Contains("colour", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("page_size", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("cursor", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("shoe size", StringComparison.Ordinal));

        var empty = await Assert.ThrowsAsync<SearchQueryException>(() => Index.SearchAsync(new SearchQuery(), Nca));
        Assert.Contains(empty.Problems, p => p.StartsWith("query: empty", StringComparison.Ordinal));
    }

    [ContractFact]
    public async Task Queries_longer_than_any_name_or_question_are_refused_before_they_are_run()
    {
        var text = await Assert.ThrowsAsync<SearchQueryException>(() => Index.SearchAsync(new SearchQuery { Text = string.Join(" OR ", Enumerable.Repeat("labour~", 400)) }, Nca));
        var longName = await Assert.ThrowsAsync<SearchQueryException>(() => Index.SearchAsync(new SearchQuery { Name = new string('a', 301) }, Nca));
        var manyWords = await Assert.ThrowsAsync<SearchQueryException>(() => Index.SearchAsync(new SearchQuery { Name = string.Join(' ', Enumerable.Repeat("ana", 13)) }, Nca));
        var longestName = await Index.SearchAsync(new SearchQuery { Name = string.Join(' ', Enumerable.Repeat("kowalenko", 12)) }, Nca);

        Assert.Contains(text.Problems, p => p.StartsWith("text: is longer than", StringComparison.Ordinal));
        Assert.Contains(longName.Problems, p => p.StartsWith("name: is longer than", StringComparison.Ordinal));
        Assert.Contains(manyWords.Problems, p => p.StartsWith("name: has 13 words", StringComparison.Ordinal));
        Assert.NotNull(longestName);
    }

    [ContractFact]
    public async Task Free_text_may_not_name_other_fields()
    {
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => Index.SearchAsync(new SearchQuery { Text = "orig:NCA AND labour" }, Nca));

        Assert.Contains(error.Problems, p => p.Contains("'orig'", StringComparison.Ordinal));
    }

    [ContractFact]
    public async Task Each_filter_narrows_the_results()
    {
        await Load(
            Person("p1", "Anna", "Smith", Marking("p1", RecordType.Person, "NCA", ClearanceLevel.Official, cases: ["OP-1"]), nationalities: ["UA"], forms: ["sexual"]),
            Person("p2", "Anna", "Smith", Marking("p2", RecordType.Person, "GARDA", ClearanceLevel.OfficialSensitive), nationalities: ["ro"], forms: ["labour"]),
            Report("r1", "Smith", "Anna Smith seen", Marking("r1", RecordType.Report, "NCA"), recordedAt: Now.AddDays(-100), forms: ["labour"]),
            Event("e1", Now.AddDays(-20), Now.AddDays(-18)));

        async Task<string[]> Filtered(params SearchFilter[] filters) => [.. (await Ids(new SearchQuery { Filters = filters })).Order()];

        Assert.Equal(["p1", "p2"], await Filtered(new SearchFilter("type", ["person"])));
        Assert.Equal(["e1", "p1", "r1"], await Filtered(new SearchFilter("agency", ["NCA"])));
        Assert.Equal(["p2"], await Filtered(new SearchFilter("classification", ["OFFICIAL-SENSITIVE"])));
        Assert.Equal(["p1"], await Filtered(new SearchFilter("case", ["OP-1"])));
        Assert.Equal(["p2"], await Filtered(new SearchFilter("nationality", ["RO"])));
        Assert.Equal(["p2", "r1"], await Filtered(new SearchFilter("exploitation", ["labour"])));
        Assert.Equal(["p2"], await Filtered(new SearchFilter("exploitation", ["labour"]), new SearchFilter("type", ["person"])));
        Assert.Equal(["r1"], (await Ids(new SearchQuery { DateRanges = [new DateRangeFilter("recorded", null, Now.AddDays(-50))] })).Order());
        Assert.Equal(["e1"], (await Ids(new SearchQuery { DateRanges = [new DateRangeFilter("event", Now.AddDays(-19), Now.AddDays(-19))] })).Order());
        Assert.Empty(await Ids(new SearchQuery { DateRanges = [new DateRangeFilter("event", Now.AddDays(-10), null)] }));
    }

    [ContractFact]
    public async Task Facets_count_the_whole_matching_set()
    {
        var docs = Enumerable.Range(0, 30).Select(i => Person(
            $"p{i:D2}", "Anna", "Smith", Marking($"p{i:D2}", RecordType.Person, i % 3 == 0 ? "GARDA" : "NCA"), nationalities: [i % 2 == 0 ? "UA" : "RO"], forms: ["labour"]));
        await Load([.. docs, Report("r1", "Smith", "Anna Smith")]);

        var result = await Index.SearchAsync(new SearchQuery { Name = "Anna Smith", Facets = ["type", "agency", "nationality", "exploitation", "classification"], PageSize = 5 }, Nca);

        Assert.Equal(30, result.TotalHits);
        Assert.Equal(5, result.Hits.Count);
        Assert.Equal([new FacetValue("person", 30)], result.Facets["type"]);
        Assert.Equal([new FacetValue("NCA", 20), new FacetValue("GARDA", 10)], result.Facets["agency"]);
        Assert.Equal([new FacetValue("RO", 15), new FacetValue("UA", 15)], result.Facets["nationality"]);
        Assert.Equal([new FacetValue("labour", 30)], result.Facets["exploitation"]);
        Assert.Equal([new FacetValue("OFFICIAL", 30)], result.Facets["classification"]);
    }

    [ContractFact]
    public async Task Highlights_come_only_from_fields_the_caller_may_read()
    {
        await Load(
            Report("open", "Debt bondage", "Debt bondage at a farm", Marking("open", RecordType.Report, "GARDA")),
            Report("sensitive", "Debt bondage", "Debt bondage told by a source", Marking("sensitive", RecordType.Report, "GARDA", caveats: Caveat.SourceSensitive)));

        var withoutEntitlement = await Index.SearchAsync(new SearchQuery { Text = "debt", Highlight = true }, Nca);
        var hit = Assert.Single(withoutEntitlement.Hits);
        Assert.Equal("open", hit.RecordId);
        Assert.Contains(hit.Highlights, h => h.FieldPath == "report.text" && h.Fragments.Any(f => f.Contains("<em>", StringComparison.Ordinal)));

        var redacted = Assert.Single((await Index.SearchAsync(new SearchQuery { Filters = [new SearchFilter("type", ["report"])], Text = "debt OR source", Highlight = true }, Nca)).Hits);
        Assert.Equal("open", redacted.RecordId);

        var entitled = Principal("NCA", entitlements: [CaveatNames.SourceSensitive]);
        var both = await Index.SearchAsync(new SearchQuery { Text = "source", Highlight = true }, entitled);
        var sensitive = Assert.Single(both.Hits);
        Assert.Contains(sensitive.Highlights, h => h.FieldPath == "report.text");

        // Without the entitlement the record is found by a filter, redacted, and carries no text highlight.
        var byFilter = (await Index.SearchAsync(new SearchQuery { Filters = [new SearchFilter("type", ["report"])], Highlight = true }, Nca)).Hits.Single(h => h.RecordId == "sensitive");
        Assert.Equal(AccessEffect.PermitRedacted, byFilter.Effect);
        Assert.Contains("report.text", byFilter.Decision.RedactedFields);
        Assert.DoesNotContain(byFilter.Highlights, h => h.FieldPath == "report.text");
    }

    [ContractFact]
    public async Task Paging_with_cursors_is_complete_and_stable()
    {
        var docs = Enumerable.Range(0, 45).Select(i => Person($"p{i:D2}", i % 4 == 0 ? "Anna" : "Anya", "Smith")).ToArray();
        await Load(docs);
        var query = new SearchQuery { Name = "Anna Smith", PageSize = 10 };

        var seen = new List<string>();
        string? cursor = null;
        var secondPageCursor = (string?)null;
        string[]? secondPage = null;
        do
        {
            var page = await Index.SearchAsync(query with { Cursor = cursor }, Nca);
            Assert.Equal(45, page.TotalHits);
            if (seen.Count == 10)
            {
                secondPageCursor = cursor;
                secondPage = [.. page.Hits.Select(h => h.RecordId)];
            }

            seen.AddRange(page.Hits.Select(h => h.RecordId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(45, seen.Count);
        Assert.Equal(45, seen.Distinct().Count());
        Assert.Equal(docs.Where((_, i) => i % 4 == 0).Select(d => d.RecordId), seen.Take(12));

        // The same cursor after a reopen with unrelated writes gives the same page.
        await Load(Report("r1", "unrelated", "unrelated"));
        var again = await Index.SearchAsync(query with { Cursor = secondPageCursor }, Nca);
        Assert.Equal(secondPage, again.Hits.Select(h => h.RecordId));
    }

    [ContractFact]
    public async Task Hits_group_by_entity_across_pages_with_each_entity_whole_on_one_page()
    {
        await Load(
            Person("p1", "Olena", "Kovalenko"),
            Person("p2", "Olena", "Kovalenko"),
            Person("p3", "Olena", "Kovalenko"),
            Person("p4", "Olna", "Kovalneko"),
            Person("p5", "Olna", "Kovalneko"),
            Person("p6", "Olena", "Kovalenko", Marking("p6", RecordType.Person, "PSNI", allPartners: false, discoverable: true)),
            Person("p7", "Ivan", "Petrenko"));
        var entities = new EntityMembership();
        entities.Set("p1", "E1");
        entities.Set("p4", "E1");
        entities.Set("p7", "E1");
        entities.Set("p3", "E2");
        entities.Set("p5", "E2");
        // NCA may only know p6 exists: showing it in E1 would tell NCA whose record it is.
        entities.Set("p6", "E1");
        var grouped = new EntityGroupedSearch(Index, entities);
        var query = new SearchQuery { Name = "Olena Kovalenko" };

        var whole = await grouped.SearchAsync(query with { PageSize = 10 }, Nca);
        Assert.Null(whole.NextCursor);
        Assert.Equal(6, whole.TotalHits);
        Assert.NotNull(whole.Groups);
        Assert.Equal(4, whole.Groups.Count);
        Assert.Equal(["p1", "p4"], whole.Groups.Single(g => g.EntityId == "E1").Hits.Select(h => h.RecordId));
        Assert.Equal(["p3", "p5"], whole.Groups.Single(g => g.EntityId == "E2").Hits.Select(h => h.RecordId));
        Assert.Equal(["p2", "p6"], whole.Groups.Where(g => g.EntityId is null).Select(g => Assert.Single(g.Hits).RecordId).Order());
        Assert.Equal(whole.Groups.SelectMany(g => g.Hits).Select(h => h.RecordId), whole.Hits.Select(h => h.RecordId));

        // One group a page: the entity's weaker hits (p4, p5) neither make groups of their own nor move to later pages.
        var pages = new List<HitGroup>();
        for (var paged = query with { PageSize = 1 }; paged.Cursor is not null || pages.Count == 0;)
        {
            Assert.True(pages.Count < 10, "paging does not end");
            var page = await grouped.SearchAsync(paged, Nca);
            pages.Add(Assert.Single(page.Groups!));
            paged = paged with { Cursor = page.NextCursor };
        }

        Assert.Equal(whole.Groups.Select(g => string.Join(",", g.Hits.Select(h => h.RecordId))), pages.Select(g => string.Join(",", g.Hits.Select(h => h.RecordId))));

        // Without Resolution every record is its own group, in plain rank order.
        var ungrouped = await new EntityGroupedSearch(Index, null).SearchAsync(query with { PageSize = 10 }, Nca);
        Assert.Equal(await Ids(query with { PageSize = 10 }), ungrouped.Groups!.Select(g => Assert.Single(g.Hits).RecordId));
    }

    [ContractFact]
    public async Task Agencies_see_what_is_released_to_them_and_counts_agree()
    {
        await Load(
            Person("shared", "Anna", "Smith", Marking("shared", RecordType.Person, "PSNI", allPartners: true)),
            Person("to-nca", "Anna", "Smith", Marking("to-nca", RecordType.Person, "PSNI", allPartners: false, releasableTo: ["NCA"], discoverable: false)),
            Person("by-case", "Anna", "Smith", Marking("by-case", RecordType.Person, "PSNI", allPartners: false, cases: ["JIT-7"], discoverable: false)),
            Person("secret", "Anna", "Smith", Marking("secret", RecordType.Person, "PSNI", ClearanceLevel.TopSecret, discoverable: false)));

        var nca = await Index.SearchAsync(new SearchQuery { Name = "Anna Smith", Facets = ["agency"] }, Nca);
        Assert.Equal(["shared", "to-nca"], nca.Hits.Select(h => h.RecordId).Order());
        Assert.Equal(2, nca.TotalHits);
        Assert.Equal([new FacetValue("PSNI", 2)], nca.Facets["agency"]);

        var garda = await Index.SearchAsync(new SearchQuery { Name = "Anna Smith" }, Garda);
        Assert.Equal(["shared"], garda.Hits.Select(h => h.RecordId));
        Assert.Equal(1, garda.TotalHits);

        var member = Principal("GARDA", context: new AccessContext(new HashSet<string> { "JIT-7" }, []));
        Assert.Equal(["by-case", "shared"], (await Ids(new SearchQuery { Name = "Anna Smith" }, member)).Order());

        var cleared = Principal("GARDA", ClearanceLevel.TopSecret);
        Assert.Equal(["secret", "shared"], (await Ids(new SearchQuery { Name = "Anna Smith" }, cleared)).Order());
    }

    [ContractFact]
    public async Task Existence_only_hits_carry_no_content_and_text_does_not_find_them()
    {
        await Load(
            Person("held", "Anna", "Smith", Marking("held", RecordType.Person, "PSNI", allPartners: false, discoverable: true), nationalities: ["UA"]),
            Report("report", "Anna Smith", "Anna Smith moved to Belfast", Marking("report", RecordType.Report, "PSNI", allPartners: false, discoverable: true)));

        var result = await Index.SearchAsync(new SearchQuery { Name = "Anna Smith", Highlight = true, Facets = ["agency", "nationality"] }, Garda);
        var hit = Assert.Single(result.Hits);
        Assert.Equal(AccessEffect.ExistenceOnly, hit.Effect);
        Assert.True(hit.ExistenceOnly);
        Assert.Equal("PSNI", hit.HolderAgency);
        Assert.Equal(RecordType.Person, hit.Type);
        Assert.Null(hit.DisplayPayload);
        Assert.Null(hit.Version);
        Assert.Empty(hit.Highlights);
        Assert.Equal([new FacetValue("PSNI", 1)], result.Facets["agency"]);
        Assert.Empty(result.Facets["nationality"]);

        Assert.Empty(await Ids(new SearchQuery { Text = "Belfast" }, Garda));
        Assert.Empty(await Ids(new SearchQuery { Name = "Anna Smith", Filters = [new SearchFilter("nationality", ["UA"])] }, Garda));
        Assert.Equal(["report"], await Ids(new SearchQuery { Filters = [new SearchFilter("type", ["report"])] }, Garda));
    }

    [ContractFact]
    public async Task A_name_the_caller_may_not_read_finds_only_existence()
    {
        await Load(Person("victim", "Anna", "Smith", Marking("victim", RecordType.Person, "PSNI", caveats: Caveat.VictimIdentity), nationalities: ["UA"]));

        var hit = Assert.Single((await Index.SearchAsync(new SearchQuery { Name = "Anna Smith" }, Garda)).Hits);
        Assert.Equal(AccessEffect.PermitRedacted, hit.Effect);
        Assert.True(hit.ExistenceOnly);
        Assert.Null(hit.DisplayPayload);

        var byFilter = Assert.Single((await Index.SearchAsync(new SearchQuery { Filters = [new SearchFilter("nationality", ["UA"])] }, Garda)).Hits);
        Assert.False(byFilter.ExistenceOnly);
        Assert.NotNull(byFilter.DisplayPayload);
    }

    [ContractFact]
    public async Task A_record_found_through_a_name_the_caller_may_not_read_is_neither_counted_nor_filtered_by_its_content()
    {
        var victim = Person(
            "victim", "Anna", "Smith", Marking("victim", RecordType.Person, "PSNI", caveats: Caveat.VictimIdentity), nationalities: ["UA"],
            identifiers: [new SearchIdentifier(IdentifierKind.Document, "UA123456", "person.documents[0].number")]) with
        {
            // Roles are not withheld under the caveat: readable on their own, they must not be tied to her name.
            Texts = [new SearchText("person.roles", "recruited for harvest work")],
        };
        await Load(victim, Person("other", "Anna", "Smith", Marking("other", RecordType.Person, "PSNI"), nationalities: ["MD"]));
        var facets = new[] { "nationality", "agency" };

        var byName = await Index.SearchAsync(new SearchQuery { Name = "Anna Smith", Facets = facets }, Garda);
        var byIdentifier = await Index.SearchAsync(new SearchQuery { Identifier = new IdentifierQuery(IdentifierKind.Document, "UA123456"), Facets = facets }, Garda);
        var entitled = await Index.SearchAsync(new SearchQuery { Name = "Anna Smith", Facets = facets }, Principal("PSNI"));

        Assert.Equal([("MD", 1L)], byName.Facets["nationality"].Select(v => (v.Value, v.Count)));
        Assert.Equal([("PSNI", 2L)], byName.Facets["agency"].Select(v => (v.Value, v.Count)));
        Assert.Empty(byIdentifier.Facets["nationality"]);
        Assert.True(Assert.Single(byIdentifier.Hits).ExistenceOnly);
        Assert.Empty(await Ids(new SearchQuery { Name = "Anna Smith", Filters = [new SearchFilter("nationality", ["UA"])] }, Garda));
        Assert.Empty(await Ids(new SearchQuery { Identifier = new IdentifierQuery(IdentifierKind.Document, "UA123456"), Filters = [new SearchFilter("nationality", ["UA"])] }, Garda));
        Assert.Empty(await Ids(new SearchQuery { Name = "Anna Smith", Text = "harvest" }, Garda));
        // Without the name, the same text and nationality are hers to read, as before.
        Assert.Equal(["victim"], await Ids(new SearchQuery { Text = "harvest" }, Garda));
        Assert.Equal(["victim"], await Ids(new SearchQuery { Filters = [new SearchFilter("nationality", ["UA"])] }, Garda));
        // A reader entitled to the name counts and filters as before.
        Assert.Equal([("MD", 1L), ("UA", 1L)], entitled.Facets["nationality"].Select(v => (v.Value, v.Count)).Order());
        Assert.Equal(["victim"], await Ids(new SearchQuery { Name = "Anna Smith", Text = "harvest" }, Principal("PSNI")));
    }

    [ContractFact]
    public async Task Withdrawn_and_purpose_limited_records_are_not_even_hits()
    {
        await Load(
            Person("withdrawn", "Anna", "Smith", Marking("withdrawn", RecordType.Person, "NCA", withdrawn: true)),
            Person("victim", "Anna", "Smith", Marking("victim", RecordType.Person, "NCA", caveats: Caveat.VictimIdentity)));

        Assert.Equal(["victim"], await Ids(new SearchQuery { Name = "Anna Smith" }));
        Assert.Equal(["victim", "withdrawn"], (await Ids(new SearchQuery { Name = "Anna Smith" }, Principal("GARDA", roles: [Roles.Oversight], entitlements: [CaveatNames.VictimIdentity]))).Order());
        Assert.Empty(await Ids(new SearchQuery { Name = "Anna Smith" }, Principal("NCA", purpose: ReadPurpose.ImmigrationEnforcement)));
        Assert.Empty(await Ids(new SearchQuery { Name = "Anna Smith" }, Principal("NCA", roles: [Roles.Admin])));
    }

    [ContractFact]
    public async Task The_same_version_twice_or_an_older_one_is_ignored()
    {
        var v2 = Person("p1", "Olena", "Kovalenko", version: 2);
        Assert.Equal(new UpsertResult(1, 0), await Index.UpsertAsync([v2], "c1"));
        Assert.Equal(new UpsertResult(0, 1), await Index.UpsertAsync([v2], "c2"));
        Assert.Equal(new UpsertResult(0, 1), await Index.UpsertAsync([Person("p1", "Ivan", "Petrenko", version: 1)], "c3"));
        await Index.RefreshAsync();

        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Olena Kovalenko" }));
        Assert.Empty(await Ids(new SearchQuery { Name = "Ivan Petrenko" }));
        Assert.Equal("c3", await Index.GetCheckpointAsync());

        Assert.Equal(new UpsertResult(1, 0), await Index.UpsertAsync([Person("p1", "Ivan", "Petrenko", version: 3)], "c4"));
        await Index.RefreshAsync();
        Assert.Equal(new UpsertResult(0, 1), await Index.UpsertAsync([Person("p1", "Olena", "Kovalenko", version: 2)], "c5"));
        await Index.RefreshAsync();
        Assert.Equal(["p1"], await Ids(new SearchQuery { Name = "Ivan Petrenko" }));
        Assert.Equal(1, (await Index.GetStatsAsync()).DocumentCount);
    }

    [ContractFact]
    public async Task Deleted_records_stay_deleted()
    {
        await Load(Person("p1", "Olena", "Kovalenko", version: 1), Person("p2", "Olena", "Kovalenko"));

        Assert.True(await Index.DeleteAsync("p1", 2));
        Assert.Equal(new UpsertResult(0, 1), await Index.UpsertAsync([Person("p1", "Olena", "Kovalenko", version: 1)], null));
        await Index.RefreshAsync();

        Assert.Equal(["p2"], await Ids(new SearchQuery { Name = "Olena Kovalenko" }));
        Assert.Equal(1, (await Index.GetStatsAsync()).DocumentCount);
        Assert.False(await Index.DeleteAsync("missing"));
    }

    [ContractFact]
    public async Task Markings_are_found_for_held_records_only()
    {
        var hidden = Marking("p1", RecordType.Person, originator: "GARDA", allPartners: false, caveats: Caveat.VictimIdentity, discoverable: false);
        await Load(Person("p1", "Olena", "Kovalenko", hidden), Person("p2", "Ivan", "Petrenko"), Person("p3", "Ivan", "Petrenko"));
        await Index.DeleteAsync("p3", 2);
        await Index.RefreshAsync();

        var markings = await Index.MarkingsAsync(["p1", "p2", "p3", "missing"]);

        Assert.Equal(["p1", "p2"], markings.Keys.Order());
        Assert.Equal(("GARDA", false, Caveat.VictimIdentity, false), (markings["p1"].OriginatorAgency, markings["p1"].Discoverable, markings["p1"].Caveats, markings["p1"].ReleaseToAllPartners));
        Assert.Equal("NCA", markings["p2"].OriginatorAgency);
    }

    [ContractFact]
    public async Task A_write_is_searchable_within_a_second()
    {
        await Index.UpsertAsync([Person("p1", "Olena", "Kovalenko")], null);

        var deadline = DateTime.UtcNow.AddSeconds(1);
        string[] ids;
        do
        {
            ids = await Ids(new SearchQuery { Name = "Olena Kovalenko" });
        }
        while (ids.Length == 0 && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(["p1"], ids);
    }

    [ContractFact]
    public async Task Check_finds_identifiers_and_names_with_dates_of_birth()
    {
        await Load(
            Person("p1", "Olena", "Kovalenko", dob: "1990-07-03"),
            Person("p2", "Olena", "Kovalenko", dob: "1985"),
            Person("p3", "Olena", "Kovalenko"),
            Identified("d1", RecordType.Document, IdentifierKind.Document, "AB123456", "document.identity_document"));

        var frontline = Principal("GARDA", purpose: ReadPurpose.FrontlineCheck);
        Assert.Equal(["d1"], (await Index.CheckAsync(new CheckQuery { Identifier = new(null, "ab 123 456") }, frontline)).Hits.Select(h => h.RecordId));
        Assert.Equal(["p1", "p3"], (await Index.CheckAsync(new CheckQuery { Name = "Kovalenko Olena", DateOfBirth = "03/07/1990" }, frontline)).Hits.Select(h => h.RecordId).Order());
        Assert.Equal(["p1", "p3"], (await Index.CheckAsync(new CheckQuery { Name = "Olena Kovalenko", DateOfBirth = "1990" }, frontline)).Hits.Select(h => h.RecordId).Order());
        Assert.False((await Index.CheckAsync(new CheckQuery { Identifier = new(null, "ZZ999") }, frontline)).Hit);
    }

    [ContractFact]
    public async Task Identifier_checks_in_parallel_each_find_exactly_their_own_records_across_segments_updates_and_deletions()
    {
        // Written in several batches, so the records lie in several segments; then some move to a new number and some go.
        for (var batch = 0; batch < 4; batch++)
        {
            await Load([.. Enumerable.Range(batch * 50, 50).Select(i => Identified($"d{i}", RecordType.Document, IdentifierKind.Document, $"ID{i:D4}", "document.identity_document"))]);
        }

        var moved = Enumerable.Range(0, 200).Where(i => i % 7 == 3).ToArray();
        var gone = Enumerable.Range(0, 200).Where(i => i % 11 == 5 && i % 7 != 3).ToArray();
        await Index.UpsertAsync([.. moved.Select(i => Identified($"d{i}", RecordType.Document, IdentifierKind.Document, $"NEW{i:D4}", "document.identity_document") with { Version = 2 })], null);
        foreach (var i in gone)
        {
            Assert.True(await Index.DeleteAsync($"d{i}"));
        }

        await Index.RefreshAsync();
        string? Expected(string number)
        {
            var i = int.Parse(number.AsSpan(number.StartsWith("NEW", StringComparison.Ordinal) ? 3 : 2), System.Globalization.CultureInfo.InvariantCulture);
            var isMoved = moved.Contains(i);
            return gone.Contains(i) || isMoved != number.StartsWith("NEW", StringComparison.Ordinal) ? null : $"d{i}";
        }

        var frontline = Principal("GARDA", purpose: ReadPurpose.FrontlineCheck);
        var numbers = Enumerable.Range(0, 200).SelectMany(i => new[] { $"ID{i:D4}", $"NEW{i:D4}" }).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            var number = numbers[n * 37 % numbers.Length];
            var hits = (await Index.CheckAsync(new CheckQuery { Identifier = new(n % 2 == 0 ? null : IdentifierKind.Document, number) }, frontline)).Hits;
            Assert.Equal(Expected(number) is { } id ? [id] : [], hits.Select(h => h.RecordId));
        });
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(50);
        return true;
    }

    protected static SearchDocument Event(string id, DateTimeOffset from, DateTimeOffset to) => new()
    {
        RecordId = id,
        Version = 1,
        Type = RecordType.Event,
        Marking = Marking(id, RecordType.Event, "NCA"),
        Texts = [new SearchText("event.description", "Anna Smith met a recruiter")],
        RecordedAt = Now.AddDays(-2),
        EventFrom = from,
        EventTo = to,
    };
}
