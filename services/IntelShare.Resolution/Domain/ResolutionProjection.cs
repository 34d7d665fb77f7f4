using IntelShare.Contracts.V1;
using IntelShare.Projections;

namespace IntelShare.Resolution.Domain;

/// <summary>Resolution fed from the Records change log, one batch per transaction with its checkpoint.</summary>
public sealed class ResolutionProjection(EntityResolver resolver) : IProjection
{
    public string Name => "resolution";

    public Task<long> GetCheckpointAsync(CancellationToken cancellationToken) => Task.FromResult(resolver.Checkpoint);

    /// <summary>
    /// A batch that triggers a retrain computes for seconds; the runner calls this on a background thread of its
    /// own (not the request pool), where the retrain's parallel loops stay too.
    /// </summary>
    public Task ApplyAsync(IReadOnlyList<ChangeEvent> changes, CancellationToken cancellationToken) =>
        resolver.ApplyAsync(changes, cancellationToken);

    public Task ResetAsync(CancellationToken cancellationToken) => resolver.ResetAsync(cancellationToken);
}
