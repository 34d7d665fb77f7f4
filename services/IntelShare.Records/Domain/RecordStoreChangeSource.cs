using IntelShare.Contracts.V1;
using IntelShare.Projections;

namespace IntelShare.Records.Domain;

/// <summary>
/// The change log and current markings read straight from the record store, for projections hosted in the same
/// process, with the rate at which changes are being committed so that they can stand back during a bulk intake.
/// </summary>
public sealed class RecordStoreChangeSource(RecordStore store) : IChangeSource, IChangeRate, IRecordMarkings
{
    public double ChangesPerSecond => store.CommitRate.ChangesPerSecond;

    public Task<IReadOnlyList<ChangeEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(store.ReadChanges(afterSequence, limit));

    public Task WaitAsync(long afterSequence, CancellationToken cancellationToken) =>
        store.WaitForChangesAsync(afterSequence, cancellationToken);

    public Task<long> GetHeadAsync(CancellationToken cancellationToken) => Task.FromResult(store.LastSequence);

    public Task<IReadOnlyList<RecordMarking>> ReadMarkingsAsync(IReadOnlyCollection<string> recordIds, CancellationToken cancellationToken) =>
        Task.FromResult(store.CurrentMarkings(recordIds));
}
