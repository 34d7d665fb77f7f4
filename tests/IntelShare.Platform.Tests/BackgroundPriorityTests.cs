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
        var seen = new ConcurrentBag<(string? Thread, int Nice)>();
        void Note() => seen.Add((Thread.CurrentThread.Name, BackgroundPriority.CurrentThreadNice()));

        var work = BackgroundPriority.Run(
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
        await work;

        Assert.Equal(3 + 256, seen.Count);
        Assert.All(seen, s => Assert.Equal("intelshare-background", s.Thread));
        if (OperatingSystem.IsLinux())
        {
            Assert.All(seen, s => Assert.Equal(Math.Max(BackgroundPriority.Nice, callerNice), s.Nice));
        }
    }
}
