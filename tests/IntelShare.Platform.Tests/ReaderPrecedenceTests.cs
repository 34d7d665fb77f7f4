using IntelShare.Domain;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Projections;
using Microsoft.Extensions.Logging.Abstractions;

namespace IntelShare.Platform.Tests;

/// <summary>
/// A projection catching up stands back while the process serves calls back to back, yet still moves on under a read
/// load that never pauses; a near-real-time projection close to the head never waits.
/// </summary>
public sealed class ReaderPrecedenceTests
{
    private static readonly ProjectionOptions Options = new()
    {
        BatchSize = 100,
        FirstBatchAfterIdle = 10,
        DeferAboveChangesPerSecond = 0,
        ReaderQuietPeriod = TimeSpan.FromMilliseconds(20),
        ShareWhileReaders = 0.1,
        MaxYieldToReaders = TimeSpan.FromMilliseconds(400),
    };

    [Fact]
    public void Activity_is_busy_during_a_call_and_for_the_quiet_period_after_it()
    {
        var clock = new ManualClock { Now = DateTimeOffset.UnixEpoch };
        var activity = new ForegroundActivity(clock);
        var quiet = TimeSpan.FromMilliseconds(50);

        var before = activity.IsBusy(quiet);
        var call = activity.Begin();
        clock.Now += TimeSpan.FromSeconds(10);
        var during = activity.IsBusy(quiet);
        call.Dispose();
        clock.Now += TimeSpan.FromMilliseconds(49);
        var justAfter = activity.IsBusy(quiet);
        clock.Now += TimeSpan.FromMilliseconds(1);
        var quietAgain = activity.IsBusy(quiet);

        Assert.False(before);
        Assert.True(during);
        Assert.True(justAfter);
        Assert.False(quietAgain);
    }

    [Fact]
    public async Task A_projection_catching_up_applies_small_batches_while_readers_never_pause_and_all_once_they_stop()
    {
        var source = new InMemoryLog();
        source.Append(1_000);
        // 40 ms a batch at a tenth of the time: about 360 ms of waiting for a pause per batch.
        var projection = new CountingProjection { BatchTakes = TimeSpan.FromMilliseconds(40) };
        var activity = new ForegroundActivity();
        using var runner = new ProjectionRunner(projection, source, Options, TimeProvider.System, NullLogger<ProjectionRunner>.Instance, activity);

        var reading = activity.Begin();
        await runner.StartAsync(CancellationToken.None);
        await runner.WaitForAsync(10, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        await Task.Delay(1_000);
        var whileReading = projection.Applied;
        reading.Dispose();
        await runner.WaitForAsync(1_000, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        await runner.StopAsync(CancellationToken.None);

        // A few small batches in the second, never a full one.
        Assert.InRange(whileReading, 10, 60);
        Assert.Equal(1_000, projection.Applied);
    }

    [Fact]
    public void Under_readers_that_never_pause_a_projection_keeps_its_share_of_the_time()
    {
        var options = Options with { ReaderQuietPeriod = TimeSpan.FromMilliseconds(5), MaxYieldToReaders = TimeSpan.FromSeconds(2) };
        var batch = TimeSpan.FromMilliseconds(10);

        var half = options with { ShareWhileReaders = 0.5 };
        var tenth = options with { ShareWhileReaders = 0.1 };

        // Waiting as long as the batch took keeps half of the time; nine times as long, a tenth.
        Assert.Equal(TimeSpan.FromMilliseconds(10), half.YieldLimit(batch));
        Assert.Equal(TimeSpan.FromMilliseconds(90), tenth.YieldLimit(batch));
        // Never less than one quiet period, never more than the cap.
        Assert.Equal(TimeSpan.FromMilliseconds(5), half.YieldLimit(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(2), tenth.YieldLimit(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_near_real_time_projection_close_to_the_head_does_not_wait_for_readers()
    {
        var source = new InMemoryLog();
        source.Append(1_000);
        var projection = new CountingProjection { NearRealTime = true };
        var activity = new ForegroundActivity();
        using var runner = new ProjectionRunner(projection, source, Options, TimeProvider.System, NullLogger<ProjectionRunner>.Instance, activity);

        using var reading = activity.Begin();
        await runner.StartAsync(CancellationToken.None);
        await runner.WaitForAsync(1_000, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(1_000, projection.Applied);
    }

    [Fact]
    public async Task A_near_real_time_projection_far_behind_waits_for_readers_like_any_other()
    {
        var source = new InMemoryLog();
        source.Append(1_000);
        var projection = new CountingProjection { NearRealTime = true, BatchTakes = TimeSpan.FromMilliseconds(40) };
        var activity = new ForegroundActivity();
        var options = Options with { NearRealTimeBacklog = 500 };
        using var runner = new ProjectionRunner(projection, source, options, TimeProvider.System, NullLogger<ProjectionRunner>.Instance, activity);

        using var reading = activity.Begin();
        await runner.StartAsync(CancellationToken.None);
        await runner.WaitForAsync(10, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        await Task.Delay(1_000);
        await runner.StopAsync(CancellationToken.None);

        Assert.InRange(projection.Applied, 10, 60);
    }
}
