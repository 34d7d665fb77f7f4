namespace IntelShare.Projections;

/// <summary>
/// A change source that can tell how fast changes are being committed right now: Records in the same process. The
/// projections beside it hold back while a bulk intake is coming in (<see cref="ProjectionOptions.DeferAboveChangesPerSecond"/>).
/// </summary>
public interface IChangeRate
{
    double ChangesPerSecond { get; }
}

/// <summary>
/// Changes committed over the last half second, as a rate per second, from the log's head observed at each commit: it
/// sees a bulk intake within its first commits and falls to zero as soon as commits stop.
/// </summary>
public sealed class ChangeRateMeter(long head, TimeProvider clock) : IChangeRate
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private readonly Queue<(DateTimeOffset At, long Head)> _commits = new();

    /// <summary>The head before the oldest commit still in the window.</summary>
    private long _before = head;

    private long _latest = head;

    /// <summary>Notes a commit that moved the head to <paramref name="newHead"/>.</summary>
    public void Observe(long newHead)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            _commits.Enqueue((now, newHead));
            _latest = newHead;
            Forget(now);
        }
    }

    public double ChangesPerSecond
    {
        get
        {
            var now = clock.GetUtcNow();
            lock (_lock)
            {
                Forget(now);
                return _commits.Count == 0 ? 0 : (_latest - _before) / Window.TotalSeconds;
            }
        }
    }

    private void Forget(DateTimeOffset now)
    {
        while (_commits.TryPeek(out var oldest) && oldest.At <= now - Window)
        {
            _before = _commits.Dequeue().Head;
        }
    }
}
