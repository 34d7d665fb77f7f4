using System.Collections.Concurrent;
using Google.Protobuf;
using IntelShare.Audit.Log.Storage;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Audit.Domain;

/// <summary>
/// Keeps the index following the log. It indexes what the log has made durable, in order and in batches: one
/// code path for normal running, for a restart after a crash between log and index, and for a rebuild, and
/// appenders never wait for SQLite. Queries wait (<see cref="WaitUntilIndexedAsync"/>) until the index has
/// reached the log as it was when they started.
/// <para>
/// Appenders hand over the entries they just made durable (<see cref="Offer"/>) so the follower need not read
/// and decode them again; anything not handed over is read from the log. After an append the follower waits a
/// moment (<see cref="AuditLogOptions.IndexGatherDelay"/>) unless a query is waiting, so that under load it writes few large SQLite
/// transactions instead of many small ones, leaving the cores to the appenders. It runs at background priority; a
/// query that needs the index indexes the rest itself at its caller's priority.
/// </para>
/// </summary>
internal sealed class IndexFollower : IAsyncDisposable
{
    // Small enough that a query taking over from the follower, which may be crawling at background priority, waits
    // for little more than one SQLite transaction.
    private const int BatchSize = 1024;

    // Beyond this many handed-over entries (the follower is failing or far behind) the rest are read from the log.
    private const int MaxOffered = 1 << 16;

    // A query indexes at most this many entries itself: a few seconds' worth of appends, not a rebuild.
    private const int MaxHelped = 1 << 16;

    private readonly MerkleLog _log;
    private readonly AuditIndex _index;
    private readonly TimeSpan _gatherDelay;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _urgent = new(0);
    private readonly ConcurrentDictionary<long, AuditEntry> _offered = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _waitersLock = new();

    // Held while indexing a batch, by the follower or by a query indexing what it needs (HelpCatchUp).
    private readonly Lock _indexing = new();
    private int _helpers;
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly Task _loop;
    private readonly Action _standBack;
    private int _signalled;
    private int _urgentSignalled;

    // Stays 0 until the index has been checked against the log, so no query trusts an index of another log.
    private long _indexed;
    private bool _checkedAgainstLog;

    public IndexFollower(MerkleLog log, AuditIndex index, TimeSpan gatherDelay)
    {
        _log = log;
        _index = index;
        _gatherDelay = gatherDelay;
        // Nobody waits on indexing but oversight queries, which index what they need themselves (HelpCatchUp): at
        // normal priority its SQLite batches took the CPU from the requests whose audit appends it follows.
        _standBack = StandBackUnlessAQueryWaits;
        _loop = BackgroundPriority.Run("audit-index", RunAsync, CancellationToken.None);
        Notify();
    }

    public long IndexedCount => Volatile.Read(ref _indexed);

    /// <summary>
    /// Between two entries, the follower stands back from the calls being served (the Gets whose audit entries it
    /// indexes), unless a query waits for the batch in progress: the query then waits on the follower.
    /// </summary>
    private void StandBackUnlessAQueryWaits()
    {
        if (Volatile.Read(ref _helpers) == 0)
        {
            BackgroundPriority.YieldToCalls();
        }
    }

    /// <summary>Says the log has grown; cheap enough to call after every append.</summary>
    public void Notify()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Entries an appender has just seen become durable, with their leaf indexes, ready to be indexed.</summary>
    public void Offer(long leaf, AuditEntry entry)
    {
        // The distance from the indexed frontier bounds what is held; ConcurrentDictionary.Count would take every lock per append.
        var indexed = IndexedCount;
        if (leaf >= indexed && leaf - indexed < MaxOffered)
        {
            _offered[leaf] = entry;
        }
    }

    /// <summary>Completes once the first <paramref name="count"/> entries are indexed; fails if indexing fails.</summary>
    public Task WaitUntilIndexedAsync(long count, CancellationToken cancellationToken)
    {
        if (IndexedCount >= count)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            if (IndexedCount >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, done));
        }

        // Also a retry after a failure: the follower tries again only when someone needs it to.
        Notify();
        if (Interlocked.Exchange(ref _urgentSignalled, 1) == 0)
        {
            _urgent.Release();
        }

        HelpCatchUp(count, cancellationToken);
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The follower runs at background priority, which under a heavy append load leaves it little CPU; a query
    /// waiting on it indexes what it needs on its own thread, taking over from the follower at its next batch. A
    /// backlog of more than <see cref="MaxHelped"/> entries (a rebuild) is left to the follower, the query waiting
    /// within its deadline as before. A failure is left to the follower, which was woken too and reports it to every
    /// waiter.
    /// </summary>
    private void HelpCatchUp(long count, CancellationToken cancellationToken)
    {
        if (count - IndexedCount > MaxHelped)
        {
            return;
        }

        Interlocked.Increment(ref _helpers);
        try
        {
            CatchUp(count, asFollower: false, cancellationToken);
        }
        catch (Exception)
        {
            // The follower retries the same batch and fails the waiters if it fails again.
        }
        finally
        {
            Interlocked.Decrement(ref _helpers);
            Notify();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // Stopping: a batch that failed because the log closed under it is indexed on the next start.
        }

        FailWaiters(new ObjectDisposedException(nameof(AuditLog)));
        _stop.Dispose();
        _signal.Dispose();
        _urgent.Dispose();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token);
                if (Volatile.Read(ref _urgentSignalled) == 0)
                {
                    await _urgent.WaitAsync(_gatherDelay, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Volatile.Write(ref _signalled, 0);
            Volatile.Write(ref _urgentSignalled, 0);
            while (_urgent.CurrentCount > 0)
            {
                _urgent.Wait(0);
            }

            try
            {
                CatchUp(long.MaxValue, asFollower: true, CancellationToken.None);
            }
            catch (Exception error) when (!_stop.IsCancellationRequested)
            {
                // Appends go on regardless; queries see the error until a retry succeeds.
                FailWaiters(new InvalidOperationException($"The audit index cannot follow the log: {error.Message}", error));
            }
        }
    }

    /// <summary>
    /// Indexes up to <paramref name="count"/> entries, or the whole log if shorter, a batch at a time under
    /// <see cref="_indexing"/>. The follower (<paramref name="asFollower"/>) stops between batches while a query
    /// indexes for itself, which notifies it when done, and goes back to gathering once a batch was not full: under
    /// a steady stream of appends there is always another entry, and indexing them as they came wrote about eight
    /// SQLite pages per entry, whose writes slowed the audit fsyncs that requests wait for.
    /// </summary>
    private void CatchUp(long count, bool asFollower, CancellationToken cancellationToken)
    {
        while (!_stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !(asFollower && Volatile.Read(ref _helpers) > 0))
        {
            int indexed;
            lock (_indexing)
            {
                indexed = IndexBatch(count);
            }

            if (indexed == 0 || (asFollower && indexed < BatchSize))
            {
                return;
            }
        }
    }

    /// <summary>One batch towards <paramref name="count"/> entries; returns how many it indexed.</summary>
    private int IndexBatch(long count)
    {
        if (!_checkedAgainstLog)
        {
            CheckAgainstLog();
            _checkedAgainstLog = true;
            Volatile.Write(ref _indexed, _index.IndexedCount);
            ReleaseWaiters();
        }

        var start = _index.IndexedCount;
        var batch = Math.Min(Math.Min(_log.Count, count) - start, BatchSize);
        if (batch <= 0)
        {
            return 0;
        }

        _index.Add(Collect(start, batch), start + batch, _log.Root(start + batch), _standBack);
        Volatile.Write(ref _indexed, start + batch);
        ReleaseWaiters();
        // Collect took this batch's entries; what is left below it was offered as the batch was being indexed. The
        // dictionary's enumerator takes no locks and copies nothing, unlike its Keys, and batches are now small.
        foreach (var (leaf, _) in _offered)
        {
            if (leaf < start + batch)
            {
                _offered.TryRemove(leaf, out _);
            }
        }

        return (int)batch;
    }

    /// <summary>Entries [start, start + count): those handed over, and runs of the others read from the log.</summary>
    private List<AuditEntry?> Collect(long start, long count)
    {
        var entries = new List<AuditEntry?>((int)count);
        var leaf = start;
        while (leaf < start + count)
        {
            if (_offered.TryRemove(leaf, out var offered))
            {
                entries.Add(offered);
                leaf++;
                continue;
            }

            var missing = leaf + 1;
            while (missing < start + count && !_offered.ContainsKey(missing))
            {
                missing++;
            }

            foreach (var logged in _log.ReadEntries(leaf, missing - leaf))
            {
                entries.Add(TryDecode(logged));
            }

            leaf = missing;
        }

        return entries;
    }

    /// <summary>An index that is ahead of the log, or whose root differs from the log's, indexes another log.</summary>
    private void CheckAgainstLog()
    {
        var indexed = _index.IndexedCount;
        if (indexed == 0)
        {
            return;
        }

        if (indexed > _log.Count || _index.IndexedRoot is not { } root || !root.AsSpan().SequenceEqual(_log.Root(indexed)))
        {
            _index.Reset();
        }
    }

    /// <summary>A leaf that is not an audit entry keeps its place in the index but matches no query.</summary>
    private static AuditEntry? TryDecode(LogEntry leaf)
    {
        try
        {
            return AuditEntryCodec.Decode(leaf.Index, leaf.Data);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private void ReleaseWaiters()
    {
        var indexed = IndexedCount;
        List<TaskCompletionSource> ready = [];
        lock (_waitersLock)
        {
            _waiters.RemoveAll(waiter =>
            {
                if (waiter.Target > indexed)
                {
                    return false;
                }

                ready.Add(waiter.Done);
                return true;
            });
        }

        ready.ForEach(done => done.TrySetResult());
    }

    private void FailWaiters(Exception error)
    {
        List<TaskCompletionSource> failed;
        lock (_waitersLock)
        {
            failed = [.. _waiters.Select(waiter => waiter.Done)];
            _waiters.Clear();
        }

        failed.ForEach(done => done.TrySetException(error));
    }
}
