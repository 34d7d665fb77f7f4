using System.Collections.Concurrent;
using IntelShare.Domain;

namespace IntelShare.Platform.Tests;

/// <summary>Projections catch up on low-priority threads, through every await and parallel loop, and leave request threads alone.</summary>
public sealed class BackgroundPriorityTests
{
    [Fact]
    public async Task Background_work_stays_on_low_priority_threads_across_awaits_and_parallel_loops()
    {
        var callerNice = BackgroundPriority.CurrentThreadNice();
        var callerIdle = BackgroundPriority.CurrentThreadIsIdleScheduled();
        var seen = new ConcurrentBag<(string? Thread, int Nice, bool Idle)>();
        void Note() => seen.Add((Thread.CurrentThread.Name, BackgroundPriority.CurrentThreadNice(), BackgroundPriority.CurrentThreadIsIdleScheduled()));

        var work = BackgroundPriority.Run(
            "test-background",
            async () =>
            {
                Note();
                await Task.Delay(20);
                Note();
                await Task.Yield();
                Note();
                Parallel.For(0, 256, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, _ =>
                {
                    Note();
                    Thread.SpinWait(1_000);
                });
            },
            CancellationToken.None);
        Assert.Equal(callerNice, BackgroundPriority.CurrentThreadNice());
        Assert.Equal(callerIdle, BackgroundPriority.CurrentThreadIsIdleScheduled());
        await work;

        Assert.Equal(3 + 256, seen.Count);
        Assert.All(seen, s => Assert.Equal("test-background", s.Thread));
        if (OperatingSystem.IsLinux())
        {
            Assert.All(seen, s => Assert.Equal(Math.Max(BackgroundPriority.Nice, callerNice), s.Nice));
            Assert.All(seen, s => Assert.True(s.Idle, "a background thread is not under SCHED_IDLE"));
        }
    }

    [Fact]
    public async Task Urgent_work_moves_to_normal_priority_threads_and_back()
    {
        // Threads inherit the priority of the thread that starts them: here, the one calling Run.
        var callerNice = BackgroundPriority.CurrentThreadNice();
        var nice = new List<int>();
        await BackgroundPriority.Run(
            "test-urgent",
            async () =>
            {
                nice.Add(BackgroundPriority.CurrentThreadNice());
                await BackgroundPriority.SetUrgentAsync(true);
                nice.Add(BackgroundPriority.CurrentThreadNice());
                await Task.Delay(20);
                nice.Add(BackgroundPriority.CurrentThreadNice());
                await BackgroundPriority.SetUrgentAsync(false);
                nice.Add(BackgroundPriority.CurrentThreadNice());
                await Task.Delay(20);
                nice.Add(BackgroundPriority.CurrentThreadNice());
                for (var i = 0; i < 200; i++)
                {
                    // Each switch lands on the other threads at once, not a step later.
                    await BackgroundPriority.SetUrgentAsync(true);
                    nice.Add(BackgroundPriority.CurrentThreadNice());
                    await BackgroundPriority.SetUrgentAsync(false);
                    nice.Add(BackgroundPriority.CurrentThreadNice());
                }
            },
            CancellationToken.None,
            mayBeUrgent: true);

        var background = Math.Max(BackgroundPriority.Nice, callerNice);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(
                nice.SequenceEqual([background, callerNice, callerNice, background, background, .. Enumerable.Repeat(new[] { callerNice, background }, 200).SelectMany(pair => pair)]),
                $"nice values {string.Join(", ", nice.Take(12))}…; caller {callerNice}, background {background}");
        }

        // Work not started to be urgent stays in the background.
        var secondCallerNice = BackgroundPriority.CurrentThreadNice();
        var stays = -1;
        await BackgroundPriority.Run(
            "test-not-urgent",
            async () =>
            {
                await BackgroundPriority.SetUrgentAsync(true);
                await Task.Delay(20);
                stays = BackgroundPriority.CurrentThreadNice();
            },
            CancellationToken.None);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(Math.Max(BackgroundPriority.Nice, secondCallerNice), stays);
        }
    }

    [Fact]
    public async Task Background_work_that_blocks_does_not_hold_up_other_background_work()
    {
        // Say a re-cluster holds its threads for minutes: the search projection's next batch must still run.
        using var release = new ManualResetEventSlim();
        var blocked = Enumerable.Range(0, 2 * Environment.ProcessorCount + 2)
            .Select(i => BackgroundPriority.Run($"blocked-{i}", () =>
            {
                Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, _ => release.Wait());
                return Task.CompletedTask;
            }, CancellationToken.None))
            .ToArray();
        try
        {
            var other = BackgroundPriority.Run("other", async () => await Task.Yield(), CancellationToken.None);
            var finished = await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.Same(other, finished);
        }
        finally
        {
            release.Set();
        }

        await Task.WhenAll(blocked).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
