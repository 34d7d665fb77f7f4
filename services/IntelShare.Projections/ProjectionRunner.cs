using IntelShare.Contracts.V1;
using IntelShare.Domain;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.Projections;

/// <summary>A point-in-time view of one projection's progress.</summary>
public sealed record ProjectionSnapshot(
    string Name,
    ProjectionState State,
    long AppliedSequence,
    long HeadSequence,
    TimeSpan Lag,
    string Error,
    DateTimeOffset? LastAppliedAt)
{
    public long LagChanges => Math.Max(0, HeadSequence - AppliedSequence);
}

/// <summary>
/// Keeps one projection up to date with the change log: reads a batch after the projection's checkpoint, applies
/// it, and waits for more. A failing batch is retried with back-off (the projection is reported FAULTED with the
/// error meanwhile) rather than skipped, since a skipped change would silently be missing from the read model.
/// </summary>
public sealed class ProjectionRunner : BackgroundService
{
    private readonly IProjection _projection;
    private readonly IChangeSource _source;
    private readonly ProjectionOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ForegroundActivity? _foreground;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _statusLock = new();
    private long _applied = -1;
    private long _head;
    private DateTimeOffset? _oldestPendingAt;
    private DateTimeOffset? _lastAppliedAt;
    private ProjectionState _state = ProjectionState.ProjectionCatchingUp;
    private string _error = "";
    private TaskCompletionSource _progressed = NewSignal();
    private bool _deferring;
    private TimeSpan _lastBatchTook;

    /// <param name="foreground">The calls this process serves, which catching up stands back from; null never does.</param>
    public ProjectionRunner(
        IProjection projection, IChangeSource source, ProjectionOptions options, TimeProvider clock, ILogger<ProjectionRunner> logger, ForegroundActivity? foreground = null)
    {
        _foreground = foreground;
        _projection = projection;
        _source = source;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    public string Name => _projection.Name;

    /// <summary>The projection's progress against the log's current head (not the head its last batch saw).</summary>
    public async Task<ProjectionSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var head = await _source.GetHeadAsync(cancellationToken);
        lock (_statusLock)
        {
            _head = Math.Max(_head, head);
        }

        return Snapshot();
    }

    public ProjectionSnapshot Snapshot()
    {
        lock (_statusLock)
        {
            var lag = _oldestPendingAt is { } pendingSince && _head > _applied ? _clock.GetUtcNow() - pendingSince : TimeSpan.Zero;
            var state = _state == ProjectionState.ProjectionCatchingUp && _applied >= _head && _applied >= 0 ? ProjectionState.ProjectionUpToDate : _state;
            return new ProjectionSnapshot(Name, state, Math.Max(0, _applied), _head, lag < TimeSpan.Zero ? TimeSpan.Zero : lag, _error, _lastAppliedAt);
        }
    }

    /// <summary>Completes once the projection has applied every change up to <paramref name="sequence"/>.</summary>
    public async Task WaitForAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_statusLock)
            {
                if (_applied >= sequence)
                {
                    return;
                }

                signal = _progressed.Task;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Drops the projection and replays the whole log into it, reporting (applied, target) as it goes. Normal
    /// catching-up pauses meanwhile, so that the two never interleave batches.
    /// </summary>
    public Task RebuildAsync(IProgress<(long Applied, long Target)> progress, CancellationToken cancellationToken) =>
        BackgroundPriority.Run($"rebuild-{Name}", () => ReplayAllAsync(progress, cancellationToken), cancellationToken);

    /// <summary>
    /// Catching up runs at background priority: it must not slow down the intake it follows nor the reads users
    /// wait for, and it gets the whole machine whenever they leave it idle.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundPriority.Run($"projection-{Name}", () => FollowAsync(stoppingToken), stoppingToken, mayBeUrgent: _projection.NearRealTime);

    private async Task ReplayAllAsync(IProgress<(long Applied, long Target)> progress, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            SetState(ProjectionState.ProjectionRebuilding, "");
            _logger.LogInformation("Rebuilding projection {Projection} from the start of the change log", Name);
            await _projection.ResetAsync(cancellationToken);
            lock (_statusLock)
            {
                _applied = 0;
            }

            var target = await _source.GetHeadAsync(cancellationToken);
            progress.Report((0, target));
            while (true)
            {
                var applied = await ApplyNextBatchAsync(cancellationToken);
                progress.Report((_applied, Math.Max(target, _applied)));
                if (applied == 0 && _applied >= target)
                {
                    break;
                }
            }

            _logger.LogInformation("Projection {Projection} rebuilt up to change {Sequence}", Name, _applied);
        }
        finally
        {
            SetState(ProjectionState.ProjectionCatchingUp, "");
            _gate.Release();
        }
    }

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var afterIdle = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DeferToIntakeAsync(stoppingToken))
                {
                    continue;
                }

                // Woken by the first commits of what may be a bulk import: a small batch first, so that the rate is
                // looked at again before the projection commits to a long one. Readers about: small batches too, so
                // that one who comes back waits for a short one at most.
                var small = afterIdle | await YieldToReadersAsync(stoppingToken);
                int applied;
                await _gate.WaitAsync(stoppingToken);
                try
                {
                    var started = _clock.GetUtcNow();
                    applied = await ApplyNextBatchAsync(stoppingToken, small ? Math.Min(_options.FirstBatchAfterIdle, _options.BatchSize) : _options.BatchSize);
                    _lastBatchTook = _clock.GetUtcNow() - started;
                    afterIdle = false;
                }
                finally
                {
                    _gate.Release();
                }

                if (failures > 0)
                {
                    _logger.LogInformation("Projection {Projection} recovered at change {Sequence}", Name, _applied);
                    SetState(ProjectionState.ProjectionCatchingUp, "");
                    failures = 0;
                }

                if (applied == 0)
                {
                    await _source.WaitAsync(_applied, stoppingToken);
                    afterIdle = true;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8))));
                _logger.LogError(error, "Projection {Projection} failed after change {Sequence}; retrying in {Delay}", Name, _applied, delay);
                SetState(ProjectionState.ProjectionFaulted, error.Message);
                try
                {
                    await Task.Delay(delay, _clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// While changes come in faster than a live feed (a bulk import into Records in this process), waits a moment
    /// instead of applying: the intake gets the machine, and its records are acknowledged at the rate Records alone
    /// can write; the projection catches up once the burst is over, or as soon as it is MaxDeferredChanges behind.
    /// </summary>
    private async Task<bool> DeferToIntakeAsync(CancellationToken cancellationToken)
    {
        var changesPerSecond = _source is IChangeRate rate && _options.DeferAboveChangesPerSecond > 0 ? rate.ChangesPerSecond : 0;
        var defer = changesPerSecond > _options.DeferAboveChangesPerSecond;
        long behind = 0;
        if (defer)
        {
            var head = await _source.GetHeadAsync(cancellationToken);
            lock (_statusLock)
            {
                _head = Math.Max(_head, head);
                behind = head - Math.Max(0, _applied);
            }

            defer = behind < _options.MaxDeferredChanges;
        }

        if (defer != _deferring)
        {
            _deferring = defer;
            if (defer)
            {
                _logger.LogInformation("Projection {Projection} waits for the bulk intake to end ({Rate:N0} changes/s, {Behind:N0} behind)", Name, changesPerSecond, behind);
            }
            else
            {
                _logger.LogInformation("Projection {Projection} catches up after the bulk intake from change {Sequence}", Name, _applied);
            }
        }

        if (defer)
        {
            await Task.Delay(_options.DeferPoll, _clock, cancellationToken);
        }

        return defer;
    }

    /// <summary>
    /// While this process serves calls back to back, a projection that is catching up (not a near-real-time one close
    /// to the head, whose changes a user expects to see at once) waits for a pause in them. It waits no longer than
    /// keeps it at <see cref="ProjectionOptions.ShareWhileReaders"/> of the time, given how long its last batch took,
    /// nor than <see cref="ProjectionOptions.MaxYieldToReaders"/>: under a read load that never pauses it still moves
    /// on, and a cheap one quickly. Returns whether readers were about.
    /// </summary>
    private async Task<bool> YieldToReadersAsync(CancellationToken cancellationToken)
    {
        var quiet = _options.ReaderQuietPeriod;
        if (_foreground is null || quiet <= TimeSpan.Zero || !_foreground.IsBusy(quiet) || NearHeadInRealTime())
        {
            return false;
        }

        var limit = _options.YieldLimit(_lastBatchTook);
        var since = _clock.GetUtcNow();
        while (_foreground.IsBusy(quiet) && _clock.GetUtcNow() - since < limit)
        {
            await Task.Delay(quiet, _clock, cancellationToken);
        }

        return true;
    }

    private bool NearHeadInRealTime()
    {
        lock (_statusLock)
        {
            return _projection.NearRealTime && _head - Math.Max(0, _applied) < _options.NearRealTimeBacklog;
        }
    }

    private async Task<int> ApplyNextBatchAsync(CancellationToken cancellationToken, int? limit = null)
    {
        if (_applied < 0)
        {
            var checkpoint = await _projection.GetCheckpointAsync(cancellationToken);
            lock (_statusLock)
            {
                _applied = checkpoint;
            }
        }

        var head = await _source.GetHeadAsync(cancellationToken);
        if (_applied > head)
        {
            // Records' data was replaced (restored from a backup, or started afresh) under a read model that kept its
            // checkpoint: following from there would leave out every change up to it, silently.
            throw new InvalidOperationException(
                $"The projection's checkpoint ({_applied}) is beyond the change log's head ({head}): Records' data was replaced since. Rebuild it from the start: `intelshare projections rebuild {Name}`.");
        }

        var changes = await _source.ReadAsync(_applied, limit ?? _options.BatchSize, cancellationToken);
        lock (_statusLock)
        {
            _head = Math.Max(head, changes.Count > 0 ? changes[^1].Sequence : 0);
            _oldestPendingAt = changes.Count > 0 ? changes[0].CommittedAt?.ToDateTimeOffset() : null;
        }

        if (changes.Count == 0)
        {
            return 0;
        }

        await BackgroundPriority.SetUrgentAsync(_projection.NearRealTime && head - changes[0].Sequence < _options.NearRealTimeBacklog);
        await _projection.ApplyAsync(changes, cancellationToken);
        TaskCompletionSource progressed;
        lock (_statusLock)
        {
            _applied = changes[^1].Sequence;
            _lastAppliedAt = _clock.GetUtcNow();
            // The next unapplied change was committed no earlier than the last applied one: lag never reads low.
            _oldestPendingAt = changes[^1].CommittedAt?.ToDateTimeOffset();
            progressed = Interlocked.Exchange(ref _progressed, NewSignal());
        }

        progressed.TrySetResult();
        return changes.Count;
    }

    private void SetState(ProjectionState state, string error)
    {
        lock (_statusLock)
        {
            _state = state;
            _error = error;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed record ProjectionOptions
{
    /// <summary>Changes applied per batch: large enough to amortise a commit, small enough to keep lag low.</summary>
    public int BatchSize { get; init; } = 2_000;

    /// <summary>
    /// Above this many changes per second (a bulk import; a live feed is far below) the projection waits for the burst
    /// to end, where its change source can tell the rate (<see cref="IChangeRate"/>); 0 never waits.
    /// </summary>
    public double DeferAboveChangesPerSecond { get; init; } = 5_000;

    /// <summary>How far behind a projection may fall waiting for a burst to end before it applies regardless.</summary>
    public long MaxDeferredChanges { get; init; } = 1_000_000;

    /// <summary>Changes applied in the first batch after the log was idle, before the rate is looked at again.</summary>
    public int FirstBatchAfterIdle { get; init; } = 200;

    /// <summary>
    /// How far behind a near-real-time projection may be and still run at normal priority: further behind (after a
    /// bulk import or a restart) catching up is bulk work, which must not slow the reads users wait for.
    /// </summary>
    public long NearRealTimeBacklog { get; init; } = 10_000;

    /// <summary>
    /// A projection catching up waits while calls are served with gaps shorter than this between them (see
    /// <see cref="ForegroundActivity"/>), and applies small batches while readers are about; zero never waits.
    /// </summary>
    public TimeSpan ReaderQuietPeriod { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The least share of the time a projection catching up keeps while readers never pause: before each batch it waits
    /// for a pause at most (1 − share) / share times as long as its last batch took. A twentieth was still enough, on
    /// two cores, to double the p99 of the reads it stood back from (the batches, their collections and their disk
    /// flushes); a hundredth (the least allowed) left it close to that of a host with nothing to catch up.
    /// </summary>
    public double ShareWhileReaders { get; init; } = 0.01;

    /// <summary>The longest a projection waits for readers to pause before it applies a small batch regardless.</summary>
    public TimeSpan MaxYieldToReaders { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a projection whose last batch took <paramref name="lastBatchTook"/> waits at most for readers to pause:
    /// enough to keep it at <see cref="ShareWhileReaders"/> of the time, at least one quiet period, at most
    /// <see cref="MaxYieldToReaders"/>.
    /// </summary>
    public TimeSpan YieldLimit(TimeSpan lastBatchTook)
    {
        var share = Math.Clamp(ShareWhileReaders, 0.01, 1);
        return TimeSpan.FromTicks(Math.Min(MaxYieldToReaders.Ticks, Math.Max(ReaderQuietPeriod.Ticks, (long)(lastBatchTook.Ticks * (1 - share) / share))));
    }

    /// <summary>How often a waiting projection looks at the rate again.</summary>
    public TimeSpan DeferPoll { get; init; } = TimeSpan.FromMilliseconds(200);
}
