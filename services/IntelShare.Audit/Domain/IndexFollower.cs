using Google.Protobuf;
using IntelShare.Audit.Log.Storage;
using IntelShare.Contracts.V1;

namespace IntelShare.Audit.Domain;

/// <summary>
/// Keeps the index following the log. It reads what the log has made durable, in order, and indexes it in
/// batches: so there is one code path for normal running, for a restart after a crash between log and index,
/// and for a rebuild, and appenders never wait for SQLite. Queries wait (<see cref="WaitUntilIndexedAsync"/>)
/// until the index has reached the log as it was when they started.
/// </summary>
internal sealed class IndexFollower : IAsyncDisposable
{
    private const int BatchSize = 8192;

    private readonly MerkleLog _log;
    private readonly AuditIndex _index;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _waitersLock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly Task _loop;
    private int _signalled;

    // Stays 0 until the index has been checked against the log, so no query trusts an index of another log.
    private long _indexed;
    private bool _checkedAgainstLog;

    public IndexFollower(MerkleLog log, AuditIndex index)
    {
        _log = log;
        _index = index;
        _loop = Task.Run(RunAsync);
        Notify();
    }

    public long IndexedCount => Volatile.Read(ref _indexed);

    /// <summary>Says the log has grown; cheap enough to call after every append.</summary>
    public void Notify()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.Release();
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
        return done.Task.WaitAsync(cancellationToken);
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
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Volatile.Write(ref _signalled, 0);
            try
            {
                CatchUp();
            }
            catch (Exception error) when (!_stop.IsCancellationRequested)
            {
                // Appends go on regardless; queries see the error until a retry succeeds.
                FailWaiters(new InvalidOperationException($"The audit index cannot follow the log: {error.Message}", error));
            }
        }
    }

    private void CatchUp()
    {
        if (!_checkedAgainstLog)
        {
            CheckAgainstLog();
            _checkedAgainstLog = true;
            Volatile.Write(ref _indexed, _index.IndexedCount);
            ReleaseWaiters();
        }

        while (!_stop.IsCancellationRequested)
        {
            var start = _index.IndexedCount;
            var count = Math.Min(_log.Count - start, BatchSize);
            if (count <= 0)
            {
                return;
            }

            var entries = new List<AuditEntry?>((int)count);
            foreach (var leaf in _log.ReadEntries(start, count))
            {
                entries.Add(TryDecode(leaf));
            }

            _index.Add(entries, start + count, _log.Root(start + count));
            Volatile.Write(ref _indexed, start + count);
            ReleaseWaiters();
        }
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
