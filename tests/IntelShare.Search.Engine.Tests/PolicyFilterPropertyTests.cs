using System.Collections.Frozen;
using IntelShare.Domain;
using IntelShare.Normalisation;
using IntelShare.Policy;
using IntelShare.Search.Engine.Lucene;
using static IntelShare.Search.Engine.Tests.Fixtures;

namespace IntelShare.Search.Engine.Tests;

/// <summary>
/// The index's need-to-know filter against the real policy, for many random markings and principals: what
/// the index matches and counts must be exactly what NeedToKnowPolicy would show.
/// </summary>
public sealed class PolicyFilterPropertyTests : IDisposable
{
    private static readonly string[] Agencies = ["NCA", "GARDA", "PSNI"];
    private static readonly string[] Cases = ["OP-1", "OP-2", "JIT-3"];
    private static readonly string[] AllRoles = [Roles.Contributor, Roles.Analyst, Roles.Supervisor, Roles.Oversight, Roles.Admin];
    private static readonly string[] CaveatWireNames = [CaveatNames.VictimIdentity, CaveatNames.SourceSensitive, CaveatNames.Child];

    private readonly string _path = TempDirectory();

    public void Dispose() => DeleteDirectory(_path);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task The_index_shows_exactly_what_the_policy_releases(int seed)
    {
        var random = new Random(seed);
        var documents = Enumerable.Range(0, 250).Select(i => RandomDocument(random, $"rec-{seed}-{i:D3}")).ToArray();
        using var index = LuceneSearchIndex.Open(Path.Combine(_path, seed.ToString(System.Globalization.CultureInfo.InvariantCulture)), new LuceneSearchIndexOptions { Time = new FixedTime(Now) }).Index;
        await index.UpsertAsync(documents, null);
        await index.RefreshAsync();
        var policy = new NeedToKnowPolicy();

        var seen = new HashSet<AccessEffect>();
        for (var p = 0; p < 100; p++)
        {
            var principal = RandomPrincipal(random, documents);
            var decisions = documents.ToDictionary(
                d => d.RecordId,
                d => policy.Decide(principal.Subject, principal.Context, d.Marking, principal.Justification, Now));

            var visible = decisions.Where(d => d.Value.Effect >= AccessEffect.ExistenceOnly).Select(d => d.Key).Order().ToArray();
            var readable = decisions.Where(d => d.Value.IsPermitted).Select(d => d.Key).Order().ToArray();
            var textReadable = decisions
                .Where(d => d.Value.IsPermitted && !documents.Single(x => x.RecordId == d.Key).Texts.Any(t => d.Value.RedactedFields.Contains(t.FieldPath)))
                .Select(d => d.Key).Order().ToArray();

            var everything = await All(index, new SearchQuery { Filters = [new SearchFilter("agency", Agencies)], PageSize = 100 }, principal);
            Assert.Equal(visible, everything.Ids);
            Assert.Equal(visible.Length, everything.Total);
            seen.UnionWith(decisions.Values.Select(d => d.Effect));
            foreach (var hit in everything.Hits)
            {
                Assert.Equal(decisions[hit.RecordId].Effect, hit.Effect);
                Assert.Equal(hit.Effect == AccessEffect.ExistenceOnly, hit.ExistenceOnly);
                Assert.Equal(hit.ExistenceOnly, hit.DisplayPayload is null);
            }

            var content = await All(index, new SearchQuery { Filters = [new SearchFilter("nationality", ["XX"])], PageSize = 100 }, principal);
            Assert.Equal(readable, content.Ids);
            Assert.Equal(readable.Length, content.Total);

            var text = await All(index, new SearchQuery { Text = "common", PageSize = 100 }, principal);
            Assert.Equal(textReadable, text.Ids);
            Assert.Equal(textReadable.Length, text.Total);

            // Found through a name, identifier or date of birth the caller may not read, a record is neither filtered
            // nor counted by its content, nor matched by its text.
            var namesReadable = decisions
                .Where(d => d.Value.IsPermitted && !NamePaths(documents.Single(x => x.RecordId == d.Key)).Any(d.Value.RedactedFields.Contains))
                .Select(d => d.Key).Order().ToArray();
            var named = await All(index, new SearchQuery { Name = "Anna Smith", Filters = [new SearchFilter("nationality", ["XX"])], PageSize = 100 }, principal);
            Assert.Equal(namesReadable, named.Ids);
            var identified = await All(index, new SearchQuery { Identifier = new IdentifierQuery(IdentifierKind.Phone, SharedPhone), Filters = [new SearchFilter("nationality", ["XX"])], PageSize = 100 }, principal);
            Assert.Equal(namesReadable, identified.Ids);
            var namedText = await All(index, new SearchQuery { Name = "Anna Smith", Text = "common", PageSize = 100 }, principal);
            Assert.Equal(namesReadable.Intersect(textReadable).Order().ToArray(), namedText.Ids);
            var nameFacets = await index.SearchAsync(new SearchQuery { Name = "Anna Smith", Facets = ["nationality", "agency"], PageSize = 1 }, principal);
            Assert.Equal(namesReadable.Length, Count(nameFacets, "nationality", "XX"));
            Assert.Equal(visible.Length, nameFacets.Facets["agency"].Sum(v => v.Count));
            var plainFacets = await index.SearchAsync(new SearchQuery { Filters = [new SearchFilter("agency", Agencies)], Facets = ["nationality"], PageSize = 1 }, principal);
            Assert.Equal(readable.Length, Count(plainFacets, "nationality", "XX"));
        }

        Assert.Equal(Enum.GetValues<AccessEffect>().Order(), seen.Order());
    }

    private const string SharedPhone = "+447700900123";

    private static IEnumerable<string> NamePaths(SearchDocument document) =>
        document.Names.Select(n => n.FieldPath)
            .Concat(document.Identifiers.Select(i => i.FieldPath))
            .Concat(document.DateOfBirth is null ? [] : [SearchDocument.DateOfBirthPath]);

    private static long Count(SearchResult result, string facet, string value) =>
        result.Facets[facet].SingleOrDefault(v => v.Value == value)?.Count ?? 0;

    private static async Task<(string[] Ids, long Total, List<SearchHit> Hits)> All(ISearchIndex index, SearchQuery query, SearchPrincipal principal)
    {
        var hits = new List<SearchHit>();
        long total = 0;
        string? cursor = null;
        do
        {
            var page = await index.SearchAsync(query with { Cursor = cursor }, principal);
            hits.AddRange(page.Hits);
            total = page.TotalHits;
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return ([.. hits.Select(h => h.RecordId).Order()], total, hits);
    }

    private static SearchDocument RandomDocument(Random random, string id)
    {
        var type = Pick(random, Enum.GetValues<RecordType>());
        var marking = new ResourceMarking
        {
            Kind = ResourceKind.Record,
            ResourceId = id,
            Body = SearchDocument.BodyOf(type),
            Classification = (ClearanceLevel)random.Next(1, 5),
            OriginatorAgency = Pick(random, Agencies),
            ReleaseToAllPartners = random.Next(4) == 0,
            ReleasableTo = Agencies.Where(_ => random.Next(3) == 0).ToFrozenSet(),
            Caveats = (Caveat)random.Next(8),
            CaseRefs = Cases.Where(_ => random.Next(3) == 0).ToArray(),
            Discoverable = random.Next(2) == 0,
            Withdrawn = random.Next(6) == 0,
        };
        var textPath = type switch
        {
            RecordType.Report => "report.text",
            RecordType.Event => "event.description",
            _ => IndexFields.TypeName(type) + ".notes",
        };
        return new SearchDocument
        {
            RecordId = id,
            Version = 1,
            Type = type,
            Marking = marking,
            Names = [new SearchName("Anna", "Smith", NameUse.Primary, type == RecordType.Person ? "person.name" : IndexFields.TypeName(type) + ".name")],
            Nationalities = ["XX"],
            // Every record has the phone, found through whichever field of its type holds it; people have a date of birth.
            Identifiers = [new SearchIdentifier(IdentifierKind.Phone, SharedPhone, type == RecordType.Phone ? "phone.number" : IndexFields.TypeName(type) + ".phones")],
            DateOfBirth = type == RecordType.Person && PartialDate.TryParse("1990-03-07", out var born) ? born : null,
            Texts = random.Next(2) == 0 ? [new SearchText(textPath, "common words")] : [new SearchText(IndexFields.TypeName(type) + ".roles", "common role")],
            RecordedAt = Now,
            DisplayPayload = new byte[] { 1 },
        };
    }

    private static SearchPrincipal RandomPrincipal(Random random, SearchDocument[] documents)
    {
        var agency = Pick(random, Agencies);
        var userId = "user-" + random.Next(3);
        var roles = AllRoles.Where(_ => random.Next(3) == 0).ToArray();
        if (roles.Length == 0 || random.Next(5) > 0)
        {
            roles = [.. roles, Pick(random, [Roles.Analyst, Roles.Oversight, Roles.Contributor])];
        }

        var subject = new Subject(
            userId,
            userId,
            agency,
            roles.ToFrozenSet(),
            (ClearanceLevel)random.Next(0, 5),
            CaveatWireNames.Where(_ => random.Next(3) == 0).ToFrozenSet());
        var grants = Enumerable.Range(0, random.Next(4)).Select(g => new AccessGrant(
            $"grant-{g}",
            random.Next(4) == 0 ? "someone-else" : userId,
            documents.Where(_ => random.Next(15) == 0).Select(d => d.RecordId).ToFrozenSet(),
            Now.AddDays(random.Next(5) == 0 ? 1 : -1),
            Now.AddDays(random.Next(5) == 0 ? -0.5 : 1),
            Pick(random, Agencies),
            (Caveat)random.Next(8))).ToArray();
        var context = new AccessContext(Cases.Where(_ => random.Next(3) == 0).ToFrozenSet(), grants);
        var purpose = (ReadPurpose)random.Next(0, 8);
        var reason = random.Next(10) == 0 ? " " : "investigation";
        return new SearchPrincipal(subject, context, new ReadJustification(null, reason, purpose));
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];
}
