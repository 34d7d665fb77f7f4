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
}
