using System.Diagnostics;

namespace IntelShare.Domain;

/// <summary>
/// Whether this process is serving calls someone is waiting on. Work that can wait (a read model catching up on a
/// bulk import) stands back while it is: on a small machine that work otherwise takes the cores, and with its
/// allocations the collector's pauses, from the reads in flight, however low its thread priority.
/// </summary>
public sealed class ForegroundActivity(TimeProvider clock)
{
    // Also counted for the whole process, whichever service's instance counts a call: the cores are shared by all.
    private static int s_processInFlight;
    private static long s_processLastEnded;

    private int _inFlight;
    private long _lastEndedTicks;

    public ForegroundActivity()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Marks a call in flight until the returned scope is disposed.</summary>
    public Call Begin()
    {
        Interlocked.Increment(ref s_processInFlight);
        Interlocked.Increment(ref _inFlight);
        return new Call(this);
    }

    /// <summary>
    /// True while any call of this process is in flight or one ended less than <paramref name="quietPeriod"/> ago,
    /// by the monotonic clock (<see cref="Stopwatch"/>): cheap enough to ask between two small steps of background work.
    /// </summary>
    public static bool ProcessIsBusy(TimeSpan quietPeriod) =>
        Volatile.Read(ref s_processInFlight) > 0 ||
        Stopwatch.GetElapsedTime(Volatile.Read(ref s_processLastEnded)) < quietPeriod;

    /// <summary>
    /// True while a call is in flight or one ended less than <paramref name="quietPeriod"/> ago: back-to-back calls
    /// leave gaps far shorter than that between them.
    /// </summary>
    public bool IsBusy(TimeSpan quietPeriod) =>
        Volatile.Read(ref _inFlight) > 0 || clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastEndedTicks) < quietPeriod.Ticks;

    private void End()
    {
        // Stamped before the count drops, so that nobody sees no call in flight together with a stale end.
        Interlocked.Exchange(ref _lastEndedTicks, clock.GetUtcNow().UtcTicks);
        Volatile.Write(ref s_processLastEnded, Stopwatch.GetTimestamp());
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Decrement(ref s_processInFlight);
    }

    public readonly struct Call : IDisposable
    {
        private readonly ForegroundActivity? _activity;

        internal Call(ForegroundActivity activity) => _activity = activity;

        public void Dispose() => _activity?.End();
    }
}
