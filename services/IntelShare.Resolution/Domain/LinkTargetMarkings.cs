using IntelShare.Access.Client;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.Projections;
using Microsoft.Extensions.Logging;

namespace IntelShare.Resolution.Domain;

/// <summary>
/// The markings of the records that released records link to, so that each link is decided on its target's real
/// marking, as Records decides it: the people and organisations Resolution holds from its own copy, every other target
/// (a phone, a vehicle, a report, a withdrawn record) from Records in one request. Decided on Resolution's copy alone,
/// a link to a phone the reader may read would be withheld here and shown by Records.
/// </summary>
public sealed class LinkTargetMarkings(EntityResolver resolver, IRecordMarkings records, ILogger<LinkTargetMarkings> logger)
{
    public const string RecordsUnreachable = "Records could not be asked about the records this answer links to; try again.";

    /// <summary>
    /// The markings of those of <paramref name="targets"/> that exist; a target neither Resolution nor Records holds is
    /// absent, and <see cref="LinkRelease"/> withholds a link to it.
    /// </summary>
    /// <exception cref="UnavailableException">Records could not be asked.</exception>
    public async Task<IReadOnlyDictionary<string, ResourceMarking>> OfAsync(IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        var markings = new Dictionary<string, ResourceMarking>(StringComparer.Ordinal);
        var elsewhere = new List<string>();
        foreach (var target in targets)
        {
            if (resolver.FindRecord(target) is { } held)
            {
                markings[target] = held.ToResourceMarking();
            }
            else
            {
                elsewhere.Add(target);
            }
        }

        if (elsewhere.Count == 0)
        {
            return markings;
        }

        IReadOnlyList<Contracts.V1.RecordMarking> found;
        try
        {
            found = await records.ReadMarkingsAsync(elsewhere, cancellationToken);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            // Withholding the links would leak nothing, but the answer would look complete: an analyst would take a
            // person for having no phone, and the audit log would hold no decision on it. The caller is refused, to
            // retry, as a read of Records itself would be while Records cannot be reached.
            logger.LogWarning(error, "Could not read the markings of {Count} link targets from Records; the request is refused", elsewhere.Count);
            throw new UnavailableException(RecordsUnreachable, error);
        }

        var asked = elsewhere.ToHashSet(StringComparer.Ordinal);
        foreach (var marking in found)
        {
            // Only what was asked: an answer never widens the set decided.
            if (asked.Contains(marking.RecordId))
            {
                markings[marking.RecordId] = marking.ToResourceMarking();
            }
        }

        return markings;
    }
}
