namespace IntelShare.Graph.Domain;

/// <summary>
/// One writer at a time into the graph store: the Records projection and the entity membership follower both write,
/// and each batch carries the Records checkpoint, which only the projection may move.
/// </summary>
public sealed class GraphWriteGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Exit(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    private sealed class Exit(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
