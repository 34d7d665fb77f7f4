using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Paging the review queue while an analyst decides its pairs. On a platform of its own: a full re-cluster, which follows
/// each retrain as the records double, rebuilds the queue, and with this test's records alone none comes between its
/// pages, as one could with other tests' records.
/// </summary>
public sealed class ReviewQueuePagingTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task A_review_queue_page_starts_after_the_last_pair_shown_though_it_was_decided_since_and_its_token_pages_no_other_query()
    {
        var police = (await Factory.ChannelForAsync("contributor")).RecordsClient();
        Assert.Equal(300, await police.ContributeAllAsync(TestRecords.Population(300, seed: 17)));
        var analystChannel = await Factory.ChannelForAsync("analyst");
        var analyst = new ResolutionService.ResolutionServiceClient(analystChannel);
        async Task<string> Contribute(string given, string family, string born) =>
            (await police.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("queue"), given, family, born) })).RecordId;
        Task Reject(string left, string right, string reason) => analyst.DecideAsync(new DecideRequest
        {
            Kind = DecisionKind.Reject, LeftRecordId = left, RightRecordId = right, Reason = reason, Justification = TestRecords.Because(),
        }).ResponseAsync;

        // Each woman recorded three times: the analyst tells the first two apart, so the third, linking to both, joins
        // one of them and its pair with the other is queued for review.
        (string Given, string Family, string Born)[] people = [("Evdochia", "Cantemirescu", "1962-03-14"), ("Parascovia", "Hasdeuleanu", "1974-08-29"), ("Teodosia", "Rosettineanu", "1986-12-05")];
        var groups = new List<string[]>();
        foreach (var (given, family, born) in people)
        {
            var (first, second) = (await Contribute(given, family, born), await Contribute(given, family, born));
            await ResolutionServiceTests.MatchEventually(analyst, given, family, born, "who is she", m => m.Candidates.SelectMany(c => c.Records).Count(r => r.RecordId == first || r.RecordId == second) == 2);
            await Reject(first, second, "two women of one name and birth date");
            groups.Add([first, second, await Contribute(given, family, born)]);
        }

        bool Ours(ReviewItem item) => groups.Any(g => g.Contains(item.Pair.LeftRecordId) && g.Contains(item.Pair.RightRecordId));
        static string Key(ReviewItem item) => string.Join(' ', new[] { item.Pair.LeftRecordId, item.Pair.RightRecordId }.Order(StringComparer.Ordinal));
        ReviewQueueRequest Page(int size, string token = "", string reason = "test read") =>
            new() { PageSize = size, PageToken = token, Justification = TestRecords.Because(reason) };
        var queue = await Projected.Eventually(() => analyst.ReviewQueueAsync(Page(100)).ResponseAsync, q => q.Items.Count(Ours) == people.Length);
        Assert.Equal(people.Length, queue.Items.Count(Ours));

        // Page 1 ends with the second of these pairs; the analyst decides it, and it leaves the queue before page 2 is
        // asked. An offset would then skip the pair after it, and a cursor naming it alone would start again at the first.
        var secondOurs = queue.Items.Select((item, index) => (item, index)).Where(x => Ours(x.item)).ElementAt(1).index;
        var page1 = await analyst.ReviewQueueAsync(Page(secondOurs + 1, reason: "first page"));
        Assert.Equal(queue.Items.Take(secondOurs + 1).Select(Key), page1.Items.Select(Key));
        await Reject(page1.Items[^1].Pair.LeftRecordId, page1.Items[^1].Pair.RightRecordId, "not her");

        // The rest a pair a page, each token naming the pair before; the justification is no part of the query.
        var rest = new List<string>();
        for (var token = page1.NextPageToken; token.Length > 0;)
        {
            var page = await analyst.ReviewQueueAsync(Page(1, token, "reviewing on"));
            rest.AddRange(page.Items.Select(Key));
            token = page.NextPageToken;
        }

        // The review queue request has no filter: every review queue is one query, and a token of another is another
        // RPC's. Those cursors do not even read as the queue's, so it is also asked with one that does: the queue's own
        // cursor under a search's fingerprint, as a token of another query would be if the two shared a cursor.
        var search = new SearchService.SearchServiceClient(analystChannel);
        var byName = new SearchRequest { Query = $"{people[0].Given} {people[0].Family}", Mode = SearchMode.SearchName, PageSize = 1, Justification = TestRecords.Because() };
        var searchToken = (await Projected.Eventually(() => search.SearchAsync(byName).ResponseAsync, r => r.NextPageToken.Length > 0)).NextPageToken;
        var searchTokenToQueue = await Assert.ThrowsAsync<RpcException>(() => analyst.ReviewQueueAsync(Page(1, searchToken)).ResponseAsync);
        var queueCursor = page1.NextPageToken[page1.NextPageToken.IndexOf('.', StringComparison.Ordinal)..];
        var searchFingerprint = searchToken[..searchToken.IndexOf('.', StringComparison.Ordinal)];
        var queueCursorOfSearch = await Assert.ThrowsAsync<RpcException>(() => analyst.ReviewQueueAsync(Page(1, searchFingerprint + queueCursor)).ResponseAsync);

        var after = queue.Items.Skip(secondOurs + 1).Select(Key).ToList();

        // Page 1 released its own pairs' records, not those of the pairs it only counted.
        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        var shownOnPage1 = page1.Items.SelectMany(i => new[] { i.Pair.LeftRecordId, i.Pair.RightRecordId }).ToHashSet();
        var notShown = after.First(key => groups.Any(g => key.Split(' ').All(g.Contains))).Split(' ')[0];
        Assert.DoesNotContain(notShown, shownOnPage1);
        async Task<bool> ReadOnPage1(string recordId) =>
            (await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = recordId })).Entries.Any(e => e.Justification.Reason == "first page");
        Assert.True(await ReadOnPage1(page1.Items[0].Pair.LeftRecordId));
        Assert.False(await ReadOnPage1(notShown));
        Assert.Equal(people.Length - 2, after.Count(key => groups.Any(g => key.Split(' ').All(g.Contains))));
        Assert.Equal(after, rest.Where(after.Contains));
        Assert.Equal(rest.Distinct(), rest);
        Assert.Empty(rest.Intersect(page1.Items.Select(Key)));
        Assert.All([searchTokenToQueue, queueCursorOfSearch], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.All([searchTokenToQueue, queueCursorOfSearch], e => Assert.Equal(["page_token"], e.ViolatedFields()));
        Assert.Contains("is not a token of this query", queueCursorOfSearch.Status.Detail, StringComparison.Ordinal);
    }
}
