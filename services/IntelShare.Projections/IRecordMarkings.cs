using IntelShare.Contracts.V1;

namespace IntelShare.Projections;

/// <summary>
/// Records' current markings, for a read model that must decide on records it does not project (a link's target):
/// deciding on its own partial copy, it would answer "unknown" where Records would release. In the all-in-one host the
/// record store itself; a standalone service asks Records' ReadMarkings, on its own account.
/// </summary>
public interface IRecordMarkings
{
    /// <summary>The most records one ReadMarkings call names; a longer list is asked in several.</summary>
    public const int MaxPerCall = 1_000;

    /// <summary>
    /// The markings of those of <paramref name="recordIds"/> Records holds (withdrawn ones included); a record it does
    /// not hold is left out. Throws when Records cannot be asked: an empty answer would pass for "none known".
    /// </summary>
    Task<IReadOnlyList<RecordMarking>> ReadMarkingsAsync(IReadOnlyCollection<string> recordIds, CancellationToken cancellationToken);
}
