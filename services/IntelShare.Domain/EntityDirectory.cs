namespace IntelShare.Domain;

/// <summary>
/// Which resolved entity a record belongs to, for services that group or join by entity (search hits grouped by
/// person). Provided by Resolution where it runs in the same process; absent otherwise.
/// </summary>
public interface IEntityDirectory
{
    string? EntityOf(string recordId);

    /// <summary>The entities of many records at once (records in none are left out), for callers working in batches.</summary>
    IReadOnlyDictionary<string, string> EntitiesOf(IEnumerable<string> recordIds);

    /// <summary>The records of an entity (none when it is unknown), for callers that show an entity whole.</summary>
    IReadOnlyList<string> RecordsOf(string entityId);
}

/// <summary>A record joined, moved to or left an entity; <see cref="Sequence"/> orders the changes.</summary>
public sealed record MembershipChange(long Sequence, string RecordId);

/// <summary>
/// The durable log of entity membership changes, so that a read model built from entities (the graph's same_as
/// edges) can follow merges, splits and re-runs, and resume after a restart from the last change it applied.
/// </summary>
public interface IEntityMembershipFeed
{
    Task<IReadOnlyList<MembershipChange>> ChangesAfterAsync(long sequence, int limit, CancellationToken cancellationToken);
}

public static class EntityLookup
{
    /// <summary>The entities of those of <paramref name="recordIds"/> that have one, found one by one with <paramref name="entityOf"/>.</summary>
    public static IReadOnlyDictionary<string, string> Of(IEnumerable<string> recordIds, Func<string, string?> entityOf)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var recordId in recordIds)
        {
            if (entityOf(recordId) is { } entity)
            {
                found[recordId] = entity;
            }
        }

        return found;
    }
}
