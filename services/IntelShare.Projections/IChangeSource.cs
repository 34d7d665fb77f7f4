using IntelShare.Contracts.V1;

namespace IntelShare.Projections;

/// <summary>
/// The Records change log as projections read it: in order, from a sequence number, with a way to wait for more.
/// In the all-in-one host it is the record store itself; a standalone service reads Records' ReadChanges stream.
/// </summary>
public interface IChangeSource
{
    /// <summary>Changes with sequence greater than <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ChangeEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Completes when a change after <paramref name="afterSequence"/> has been committed (or at once if one has).</summary>
    Task WaitAsync(long afterSequence, CancellationToken cancellationToken);

    /// <summary>The last committed sequence.</summary>
    Task<long> GetHeadAsync(CancellationToken cancellationToken);
}
