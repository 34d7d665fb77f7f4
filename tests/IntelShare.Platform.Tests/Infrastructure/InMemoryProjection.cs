using IntelShare.Contracts.V1;
using IntelShare.Projections;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>A change log in memory whose rate a test sets (see <see cref="IChangeRate"/>).</summary>
internal sealed class InMemoryLog : IChangeSource, IChangeRate
{
    private readonly List<ChangeEvent> _changes = [];
    private readonly Lock _lock = new();

    public double Rate { get; set; }

    public double ChangesPerSecond => Rate;

    public void Append(int count)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _changes.Add(new ChangeEvent { Sequence = _changes.Count + 1, Kind = ChangeKind.RecordCreated, RecordId = $"r{_changes.Count + 1}" });
            }
        }
    }

    public Task<IReadOnlyList<ChangeEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ChangeEvent>>(_changes.Skip((int)afterSequence).Take(limit).ToList());
        }
    }

    public async Task WaitAsync(long afterSequence, CancellationToken cancellationToken)
    {
        while (await GetHeadAsync(cancellationToken) <= afterSequence)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public Task<long> GetHeadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_changes.Count);
        }
    }
}

/// <summary>A projection that only remembers the last change it applied.</summary>
internal sealed class CountingProjection : IProjection
{
    private long _applied;

    public long Applied => Interlocked.Read(ref _applied);

    public string Name => "counting";

    public bool NearRealTime { get; init; }

    public Task<long> GetCheckpointAsync(CancellationToken cancellationToken) => Task.FromResult(Applied);

    /// <summary>The checkpoint it starts from, as if it had applied that much before.</summary>
    public long StartsAt
    {
        init => _applied = value;
    }

    /// <summary>How long each batch takes to apply.</summary>
    public TimeSpan BatchTakes { get; init; }

    public async Task ApplyAsync(IReadOnlyList<ChangeEvent> changes, CancellationToken cancellationToken)
    {
        if (BatchTakes > TimeSpan.Zero)
        {
            await Task.Delay(BatchTakes, cancellationToken);
        }

        Interlocked.Exchange(ref _applied, changes[^1].Sequence);
    }

    public Task ResetAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _applied, 0);
        return Task.CompletedTask;
    }
}
