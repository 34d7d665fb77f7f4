using IntelShare.Contracts.V1;
using IntelShare.Projections;

namespace IntelShare.Resolution.Domain;

/// <summary>Resolution fed from the Records change log, one batch per transaction with its checkpoint.</summary>
public sealed class ResolutionProjection(EntityResolver resolver) : IProjection
{
    public string Name => "resolution";

    public Task<long> GetCheckpointAsync(CancellationToken cancellationToken) => Task.FromResult(resolver.Checkpoint);

    /// <summary>
    /// On a thread of its own: a batch that triggers a retrain computes for seconds, and on a pool thread it would
    /// hold back the other projections' and the requests' continuations until the pool grew.
    /// </summary>
    public Task ApplyAsync(IReadOnlyList<ChangeEvent> changes, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => resolver.ApplyAsync(changes, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    public Task ResetAsync(CancellationToken cancellationToken) => resolver.ResetAsync(cancellationToken);
}
