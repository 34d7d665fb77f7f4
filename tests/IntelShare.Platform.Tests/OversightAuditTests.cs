using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

/// <summary>Reading the access log is itself recorded in it, and search queries are audited with their text.</summary>
public sealed class OversightAuditTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private PlatformFactory Factory => platform.Factory;

    [Fact]
    public async Task Oversight_queries_and_searches_appear_in_the_log_with_who_asked_what()
    {
        var analystChannel = await Factory.ChannelForAsync("analyst");
        var analyst = await new IdentityService.IdentityServiceClient(analystChannel).WhoAmIAsync(new WhoAmIRequest());
        var marker = "Auditmark" + Guid.NewGuid().ToString("N")[..6];
        await new SearchService.SearchServiceClient(analystChannel).SearchAsync(new SearchRequest { Query = marker, Mode = SearchMode.SearchName, Justification = TestRecords.Because("audited search") });

        var channel = await Factory.ChannelForAsync("oversight");
        var me = await new IdentityService.IdentityServiceClient(channel).WhoAmIAsync(new WhoAmIRequest());
        var oversight = new OversightService.OversightServiceClient(channel);
        await oversight.DeniedAttemptsAsync(new PeriodRequest());

        var mine = await oversight.ActivityAsync(new ActivityRequest { UserId = me.UserId });
        Assert.Contains(mine.Entries, e => e.Action == "oversight.denied_attempts" && e.ResourceKind == "audit-log");

        var theirs = await oversight.ActivityAsync(new ActivityRequest { UserId = analyst.UserId });
        Assert.Contains(theirs.Entries, e => e.Action == "search" && e.ResourceKind == "query" && e.ResourceId.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Activity_of_an_agency_or_user_no_one_knows_is_invalid_not_an_empty_answer()
    {
        var channel = await Factory.ChannelForAsync("oversight");
        var me = await new IdentityService.IdentityServiceClient(channel).WhoAmIAsync(new WhoAmIRequest());
        var oversight = new OversightService.OversightServiceClient(channel);
        var mistyped = "no.such.user-" + Guid.NewGuid().ToString("N")[..8];
        var backwards = new PeriodRequest
        {
            From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
        };

        var agency = await Assert.ThrowsAsync<RpcException>(() => oversight.ActivityAsync(new ActivityRequest { Agency = "BORDRE" }).ResponseAsync);
        var everything = await Assert.ThrowsAsync<RpcException>(() => oversight.ActivityAsync(new ActivityRequest { UserId = mistyped, Agency = "NOPE", Period = backwards }).ResponseAsync);
        // Known to Identity, by user name or by agency code: answered, whatever they did.
        var known = await oversight.ActivityAsync(new ActivityRequest { UserId = "ngo.caseworker", Agency = "NGO-SHELTER" });
        var byId = await oversight.ActivityAsync(new ActivityRequest { UserId = me.UserId });

        Assert.Equal(StatusCode.InvalidArgument, agency.StatusCode);
        Assert.Equal(["agency"], agency.ViolatedFields());
        Assert.Equal(["agency", "period.to", "user_id"], everything.ViolatedFields().Order());
        Assert.All(known.Entries, e => Assert.Equal("ngo.caseworker", e.UserName));
        Assert.NotEmpty(byId.Entries);
        Assert.DoesNotContain(byId.Entries, e => e.ResourceId.Contains(mistyped, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Query_audit_entries_relayed_through_access_always_name_the_caller_and_bad_ones_change_nothing()
    {
        var channel = await Factory.ChannelForAsync("border.analyst");
        var me = await new IdentityService.IdentityServiceClient(channel).WhoAmIAsync(new WhoAmIRequest());
        var access = new AccessService.AccessServiceClient(channel);
        var marker = "relayed-" + Guid.NewGuid().ToString("N")[..8];

        var service = await Factory.PlatformServiceHeadersAsync();
        var context = await access.BeginQueryAsync(new BeginQueryRequest { Justification = TestRecords.Because("relay"), Action = "traverse" });
        var relay = new AuditQueryRequest
        {
            Events =
            {
                new QueryAuditEvent
                {
                    Action = "traverse", ResourceKind = "record", ResourceId = marker, HolderAgency = "POL-ATU",
                    Justification = TestRecords.Because("relay"), Effect = "EXISTENCE_ONLY", Rule = "releasability", Service = "graph",
                },
            },
        };
        // A user cannot write the log directly, what a platform service relays on their behalf it can.
        var forged = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => access.AuditQueryAsync(relay).ResponseAsync);
        var appended = await access.AuditQueryAsync(relay, service);
        var invalid = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => access.AuditQueryAsync(new AuditQueryRequest
        {
            Events = { new QueryAuditEvent { Action = "traverse", ResourceKind = "record", ResourceId = marker + "-bad", Effect = "MAYBE" } },
        }, service).ResponseAsync);
        var unknownCase = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => access.BeginQueryAsync(new BeginQueryRequest
        {
            Justification = new Justification { CaseRef = "NO-SUCH-CASE-" + marker, Reason = "typo" }, Action = "search",
        }).ResponseAsync);

        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        var relayed = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = marker });
        var bad = await oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = marker + "-bad" });

        Assert.NotNull(context.Now);
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, forged.StatusCode);
        Assert.Equal(1, appended.Appended);
        var entry = Assert.Single(relayed.Entries);
        Assert.Equal(me.UserId, entry.UserId);
        Assert.Equal("BORDER", entry.Agency);
        Assert.Equal(Effect.ExistenceOnly, entry.Effect);
        Assert.Equal("graph", entry.Service);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(["events[0].effect", "events[0].service", "events[0].justification"], invalid.ViolatedFields());
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, unknownCase.StatusCode);
        Assert.Empty(bad.Entries);
    }

    [Fact]
    public async Task An_oversight_page_token_pages_only_its_own_query_and_that_query_gives_every_entry_once()
    {
        var analystChannel = await Factory.ChannelForAsync("analyst");
        var analyst = await new IdentityService.IdentityServiceClient(analystChannel).WhoAmIAsync(new WhoAmIRequest());
        var search = new SearchService.SearchServiceClient(analystChannel);
        var marker = "Pagemark" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 5; i++)
        {
            await search.SearchAsync(new SearchRequest { Query = $"{marker}{i}", Mode = SearchMode.SearchName, Justification = TestRecords.Because("paged search") });
        }

        var oversight = new OversightService.OversightServiceClient(await Factory.ChannelForAsync("oversight"));
        ActivityRequest Activity(string token, int size = 2) => new() { UserId = analyst.UserId, Period = new PeriodRequest { Page = new PageRequest { PageSize = size, PageToken = token } } };
        var all = await oversight.ActivityAsync(Activity("", size: 1000));
        var first = await oversight.ActivityAsync(Activity(""));

        // Each a query whose entries before the token's entry this one never returned: the token would skip them.
        var otherUser = await Assert.ThrowsAsync<RpcException>(() => oversight.ActivityAsync(new ActivityRequest(Activity(first.Page.NextPageToken)) { UserId = "oversight" }).ResponseAsync);
        var laterPeriod = Activity(first.Page.NextPageToken);
        laterPeriod.Period.From = all.Entries[1].At;
        var otherPeriod = await Assert.ThrowsAsync<RpcException>(() => oversight.ActivityAsync(laterPeriod).ResponseAsync);
        var otherRpc = await Assert.ThrowsAsync<RpcException>(() => oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = marker, Period = Activity(first.Page.NextPageToken).Period }).ResponseAsync);
        var flat = await Assert.ThrowsAsync<RpcException>(() => oversight.ReadsWithoutCaseAsync(Activity(first.Page.NextPageToken).Period).ResponseAsync);

        // The same query pages on, in whatever page sizes.
        var paged = first.Entries.Select(e => e.Index).ToList();
        var (token, size) = (first.Page.NextPageToken, 3);
        while (token.Length > 0)
        {
            var page = await oversight.ActivityAsync(Activity(token, size));
            paged.AddRange(page.Entries.Select(e => e.Index));
            (token, size) = (page.Page.NextPageToken, 2);
        }

        Assert.True(all.Entries.Count >= 5, $"{all.Entries.Count} entries");
        Assert.Equal(all.Entries.Select(e => e.Index), paged);
        Assert.All([otherUser, otherPeriod, otherRpc, flat], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.All([otherUser, otherPeriod, otherRpc], e => Assert.Equal(["period.page.page_token"], e.ViolatedFields()));
        Assert.Equal(["page.page_token"], flat.ViolatedFields());
        Assert.Contains("is not a token of this query", otherUser.Status.Detail, StringComparison.Ordinal);
    }
}
