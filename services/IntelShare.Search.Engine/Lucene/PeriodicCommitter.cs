using IntelShare.Domain;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// Commits the index every interval, on a thread of its own at background priority. A commit flushes the in-memory
/// segment and fsyncs its files, which nobody waits for; on a timer it ran on the thread pool, at the priority of the
/// requests being served, and during a bulk load took a sixth of the pool's CPU from them.
/// </summary>
internal sealed class PeriodicCommitter : IDisposable
{
    private readonly Action _commit;
    private readonly TimeSpan _interval;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private bool _stopped;

    public PeriodicCommitter(Action commit, TimeSpan interval)
    {
        _commit = commit;
        _interval = interval;
        _thread = new Thread(Run) { IsBackground = true, Name = "search-index-commit" };
        _thread.Start();
    }

    /// <summary>Stops committing; a commit under way is finished first.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }

        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        BackgroundPriority.LowerCurrentThread();
        while (true)
        {
            lock (_gate)
            {
                if (!_stopped)
                {
                    Monitor.Wait(_gate, _interval);
                }

                if (_stopped)
                {
                    return;
                }
            }

            _commit();
        }
    }
}
