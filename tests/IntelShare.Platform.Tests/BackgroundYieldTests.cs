using System.Diagnostics;
using IntelShare.Domain;

namespace IntelShare.Platform.Tests;

/// <summary>Whether a call is being served is known process-wide: these tests run while no other test makes calls.</summary>
[CollectionDefinition(nameof(ProcessWideCallsCollection), DisableParallelization = true)]
public sealed class ProcessWideCallsCollection;

/// <summary>Background work stands back from the calls being served, in short slices, and only then and there.</summary>
[Collection(nameof(ProcessWideCallsCollection))]
public sealed class BackgroundYieldTests
{
    private static readonly TimeSpan Work = TimeSpan.FromMilliseconds(60);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(0.1);

    [Fact]
    public async Task Background_work_sleeps_after_each_short_slice_while_a_call_is_served()
    {
        var activity = new ForegroundActivity();
        using (activity.Begin())
        {
            var sleeps = await OnBackgroundThread(StepsCountingSleeps);
            var slices = Work / BackgroundPriority.SliceWhileCalls;
            Assert.InRange(sleeps, slices / 2, slices * 2);
        }
    }

    [Fact]
    public async Task Background_work_runs_straight_through_when_no_call_is_served()
    {
        Assert.InRange(await OnBackgroundThread(StepsCountingSleeps), 0, 5);
    }

    [Fact]
    public async Task Work_on_normal_threads_never_sleeps_for_calls()
    {
        var activity = new ForegroundActivity();
        using (activity.Begin())
        {
            var sleeps = await Task.Factory.StartNew(StepsCountingSleeps, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Assert.InRange(sleeps, 0, 5);
        }
    }

    private static async Task<double> OnBackgroundThread(Func<double> work)
    {
        var result = 0.0;
        await BackgroundPriority.Run("test-yield", () =>
        {
            result = work();
            return Task.CompletedTask;
        }, CancellationToken.None);
        return result;
    }

    /// <summary>
    /// Spins through <see cref="Work"/> in steps of <see cref="Step"/>, offering to yield after each, and returns how
    /// often the thread slept meanwhile: on Linux the thread's voluntary context switches (a spinning thread makes none
    /// of its own), elsewhere the time it spent off the CPU in whole <see cref="BackgroundPriority.SleepWhileCalls"/>.
    /// </summary>
    private static double StepsCountingSleeps()
    {
        var switchesBefore = VoluntaryContextSwitches();
        var started = Stopwatch.GetTimestamp();
        var spun = TimeSpan.Zero;
        while (spun < Work)
        {
            var stepStarted = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(stepStarted) < Step)
            {
                Thread.SpinWait(20);
            }

            spun += Stopwatch.GetElapsedTime(stepStarted);
            BackgroundPriority.YieldToCalls();
        }

        return switchesBefore is { } before
            ? VoluntaryContextSwitches()!.Value - before
            : Math.Floor((Stopwatch.GetElapsedTime(started) - spun) / BackgroundPriority.SleepWhileCalls);
    }

    private static long? VoluntaryContextSwitches()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var line = File.ReadLines("/proc/thread-self/status").Single(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal));
        return long.Parse(line["voluntary_ctxt_switches:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
