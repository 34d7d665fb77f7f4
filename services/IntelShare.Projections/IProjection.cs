using IntelShare.Contracts.V1;

namespace IntelShare.Projections;

/// <summary>
/// A read model built from the Records change log. It must store its checkpoint atomically with the effects of
/// the changes it applies, and applying a change it has already applied must change nothing: a projection
/// killed between two batches resumes from its checkpoint without loss or duplicates.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name shown in `intelshare projections status` and used to rebuild it.</summary>
    string Name { get; }

    /// <summary>
    /// Users expect what was just contributed to show here (search: within a second), so the projection follows a
    /// live feed at normal CPU priority instead of in the background; a backlog it applies in the background all the same.
    /// </summary>
    bool NearRealTime => false;

    Task<long> GetCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Applies changes (in sequence order) and records the last one's sequence as the checkpoint.</summary>
    Task ApplyAsync(IReadOnlyList<ChangeEvent> changes, CancellationToken cancellationToken);

    /// <summary>Drops everything projected and sets the checkpoint to 0, for a rebuild from the start of the log.</summary>
    Task ResetAsync(CancellationToken cancellationToken);
}
