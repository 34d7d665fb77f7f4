using Lucene.Net.Search;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// Reopens the searcher after writes: within the normal staleness while writes trickle in, and less often
/// during a bulk load, where each reopen would flush a tiny segment, stall the writer and feed the merger.
/// A caller waiting for its writes is served at once either way.
/// </summary>
internal sealed class Reopener : IDisposable
{
    private readonly SearcherManager _searchers;
    private readonly TimeProvider _time;
    private readonly TimeSpan _staleness;
    private readonly TimeSpan _bulkStaleness;
    private readonly long _bulkDocuments;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private long _written;
    private long _searchable;
    private long _awaited;
    private long _documentsSinceReopen;
    private long _lastReopen;
    private bool _stopped;

    public Reopener(SearcherManager searchers, TimeSpan staleness, TimeSpan bulkStaleness, long bulkDocuments)
    {
        _searchers = searchers;
        _time = TimeProvider.System;
        _staleness = staleness;
        _bulkStaleness = bulkStaleness > staleness ? bulkStaleness : staleness;
        _bulkDocuments = bulkDocuments;
        _lastReopen = _time.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "search-index-reopen" };
        _thread.Start();
    }

    /// <summary>Records writes already handed to the writer; returns the generation that makes them searchable.</summary>
    public long Written(int documents)
    {
        lock (_gate)
        {
            _written++;
            _documentsSinceReopen += documents;
            Monitor.PulseAll(_gate);
            return _written;
        }
    }

    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _written;
            }
        }
    }

    public void WaitFor(long generation)
    {
        lock (_gate)
        {
            if (generation > _awaited)
            {
                _awaited = generation;
                Monitor.PulseAll(_gate);
            }

            while (_searchable < generation && !_stopped)
            {
                Monitor.Wait(_gate);
            }

            ObjectDisposedException.ThrowIf(_stopped && _searchable < generation, this);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
    }

    /// <summary>Why reopening stopped, if the directory failed under the index.</summary>
    public Exception? Failure { get; private set; }

    private void Run()
    {
        while (NextDue() is { } target)
        {
            try
            {
                _searchers.MaybeRefreshBlocking();
            }
            catch (ObjectDisposedException)
            {
                // Closing raced the reopen.
                return;
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
            {
                // The index's directory failed under it (deleted, unreadable): a background thread must not take the
                // process down with it. Searches keep the last good view; the failure is kept for health reporting.
                Failure = failure;
                return;
            }

            lock (_gate)
            {
                _searchable = target;
                _lastReopen = _time.GetTimestamp();
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Waits until a reopen is due and returns the generation it will make searchable; null when stopped.</summary>
    private long? NextDue()
    {
        lock (_gate)
        {
            while (!_stopped)
            {
                if (_written > _searchable)
                {
                    var staleness = _documentsSinceReopen >= _bulkDocuments ? _bulkStaleness : _staleness;
                    var wait = staleness - _time.GetElapsedTime(_lastReopen);
                    if (_awaited > _searchable || wait <= TimeSpan.Zero)
                    {
                        _documentsSinceReopen = 0;
                        return _written;
                    }

                    Monitor.Wait(_gate, wait);
                }
                else
                {
                    Monitor.Wait(_gate);
                }
            }

            return null;
        }
    }
}
