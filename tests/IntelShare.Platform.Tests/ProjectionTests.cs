using Grpc.Core;
using Grpc.Net.Client;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Testing;

namespace IntelShare.Platform.Tests;

/// <summary>The read models behind search, graph and resolution: lag, rebuild, and resuming after a kill.</summary>
public sealed class ProjectionTests : IDisposable
{
    private const int Total = 3_000;
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Projections_killed_mid_way_resume_on_restart_without_loss_and_a_rebuild_gives_the_same_index()
    {
        var family = "Projtest" + Guid.NewGuid().ToString("N")[..6];
        await using (var host = await HostProcess.StartAsync(_data.Path))
        {
            var records = host.Channel(await host.SignInAsync("contributor")).RecordsClient();
            using (var call = records.ContributeStream())
            {
                for (var i = 0; i < Total; i++)
                {
                    await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"proj-{i}", given: $"Given{i}", family: family) });
                }

                await call.RequestStream.CompleteAsync();
                Assert.Equal(Total, (await call).Accepted);
            }

            var status = await Status(host.Channel(await host.SignInAsync("analyst")));
            host.Kill();
            Assert.True(status.Any(p => p.AppliedSequence < p.HeadSequence), "Every projection had caught up before the kill: nothing was tested.");
        }

        await using var restarted = await HostProcess.StartAsync(_data.Path);
        var analyst = restarted.Channel(await restarted.SignInAsync("analyst"));
        var caughtUp = await Projected.Eventually(() => Status(analyst), all => all.All(p => p.State == ProjectionState.ProjectionUpToDate && p.AppliedSequence == p.HeadSequence), seconds: 120);
        Assert.All(caughtUp, p => Assert.Equal(p.HeadSequence, p.AppliedSequence));
        Assert.Equal(["graph", "resolution", "search"], caughtUp.Select(p => p.Name).Order());

        var search = new SearchService.SearchServiceClient(analyst);
        var query = new SearchRequest { Query = family, Mode = SearchMode.SearchName, PageSize = 1, Justification = TestRecords.Because("projection check") };
        // Applied is not yet searchable: after a bulk catch-up the index refreshes its searcher within seconds.
        Assert.Equal(Total, (await Projected.Eventually(() => search.SearchAsync(query).ResponseAsync, r => r.Total == Total)).Total);

        var admin = new ProjectionsService.ProjectionsServiceClient(restarted.Channel(await restarted.SignInAsync("admin")));
        RebuildProgress? last = null;
        using (var rebuild = admin.Rebuild(new RebuildProjectionRequest { Name = "search" }))
        {
            await foreach (var progress in rebuild.ResponseStream.ReadAllAsync())
            {
                last = progress;
            }
        }

        Assert.True(last!.Done);
        Assert.Equal(caughtUp.Single(p => p.Name == "search").HeadSequence, last.AppliedSequence);
        Assert.Equal(Total, (await Projected.Eventually(() => search.SearchAsync(query).ResponseAsync, r => r.Total == Total)).Total);

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = new ProjectionsService.ProjectionsServiceClient(analyst).Rebuild(new RebuildProjectionRequest { Name = "search" });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    private static async Task<IReadOnlyList<ProjectionStatus>> Status(GrpcChannel channel) =>
        (await new ProjectionsService.ProjectionsServiceClient(channel).StatusAsync(new ProjectionStatusRequest())).Projections;
}
