using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Projections;
using Microsoft.Extensions.Logging.Abstractions;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Projections beside Records stand back while a bulk intake comes in, so that it is acknowledged at the rate Records
/// alone can write, and catch up once it is over or once they are too far behind.
/// </summary>
public sealed class IntakeDeferralTests
{
    [Fact]
    public void The_change_rate_counts_the_commits_of_the_last_half_second()
    {
        var clock = new ManualClock { Now = DateTimeOffset.UnixEpoch };
        var meter = new ChangeRateMeter(1_000, clock);

        var idle = meter.ChangesPerSecond;
        clock.Now += TimeSpan.FromMilliseconds(100);
        meter.Observe(4_000);
        clock.Now += TimeSpan.FromMilliseconds(100);
        meter.Observe(7_000);
        var burst = meter.ChangesPerSecond;
        clock.Now += TimeSpan.FromMilliseconds(450);
        meter.Observe(7_200);
        var tailingOff = meter.ChangesPerSecond;
        clock.Now += TimeSpan.FromMilliseconds(600);
        var stopped = meter.ChangesPerSecond;

        Assert.Equal(0, idle);
        Assert.Equal(12_000, burst);
        // The first commit (to 4,000) has left the window: 7,200 - 4,000 in half a second.
        Assert.Equal(6_400, tailingOff);
        Assert.Equal(0, stopped);
    }

    [Fact]
    public async Task A_projection_waits_during_a_burst_until_it_is_too_far_behind_or_the_burst_ends()
    {
        var source = new InMemoryLog { Rate = 50_000 };
        source.Append(300);
        var projection = new CountingProjection();
        var options = new ProjectionOptions { BatchSize = 100, MaxDeferredChanges = 500, DeferPoll = TimeSpan.FromMilliseconds(20) };
        using var runner = new ProjectionRunner(projection, source, options, TimeProvider.System, NullLogger<ProjectionRunner>.Instance);
        await runner.StartAsync(CancellationToken.None);

        await Task.Delay(300);
        var duringBurst = projection.Applied;
        source.Append(300);
        await runner.WaitForAsync(100, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        var tooFarBehind = projection.Applied;
        await Task.Delay(300);
        var backUnderTheLimit = projection.Applied;
        source.Rate = 100;
        await runner.WaitForAsync(600, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(0, duringBurst);
        Assert.InRange(tooFarBehind, 100, 599);
        // Once within MaxDeferredChanges of the head again, it waits for the burst to end.
        Assert.InRange(backUnderTheLimit, 100, 599);
        Assert.Equal(600, projection.Applied);
    }

    [Fact]
    public async Task A_projection_whose_checkpoint_is_beyond_the_log_says_so_instead_of_skipping_what_comes()
    {
        var source = new InMemoryLog();
        source.Append(10);
        var projection = new CountingProjection { StartsAt = 50 };
        using var runner = new ProjectionRunner(projection, source, new ProjectionOptions(), TimeProvider.System, NullLogger<ProjectionRunner>.Instance);
        await runner.StartAsync(CancellationToken.None);

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (runner.Snapshot().State != ProjectionState.ProjectionFaulted && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        var snapshot = runner.Snapshot();
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(ProjectionState.ProjectionFaulted, snapshot.State);
        Assert.Contains("beyond the change log's head (10)", snapshot.Error);
        Assert.Contains("projections rebuild counting", snapshot.Error);
        Assert.Equal(50, projection.Applied);
    }
}
