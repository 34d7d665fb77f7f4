using System.Collections.Concurrent;

namespace IntelShare.Domain;

/// <summary>
/// Which records make up which entity, both ways, kept by one writer and read by many: a replica of Resolution's
/// membership log. Records are looked up without a lock, since every projected batch and search hit asks.
/// </summary>
public sealed class EntityMembership : IEntityDirectory
{
    private readonly ConcurrentDictionary<string, string> _entityOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _records = new(StringComparer.Ordinal);
    private readonly Lock _recordsLock = new();

    public int Count => _entityOf.Count;

    public string? EntityOf(string recordId) => _entityOf.TryGetValue(recordId, out var entity) ? entity : null;

    public IReadOnlyDictionary<string, string> EntitiesOf(IEnumerable<string> recordIds) => EntityLookup.Of(recordIds, EntityOf);

    public IReadOnlyList<string> RecordsOf(string entityId)
    {
        lock (_recordsLock)
        {
            return _records.TryGetValue(entityId, out var records) ? [.. records] : [];
        }
    }

    /// <summary>Moves <paramref name="recordId"/> to <paramref name="entityId"/>, or out of any entity when it is null or empty.</summary>
    public void Set(string recordId, string? entityId)
    {
        lock (_recordsLock)
        {
            if (_entityOf.TryGetValue(recordId, out var previous) && _records.TryGetValue(previous, out var former))
            {
                former.Remove(recordId);
                if (former.Count == 0)
                {
                    _records.Remove(previous);
                }
            }

            if (string.IsNullOrEmpty(entityId))
            {
                _entityOf.TryRemove(recordId, out _);
                return;
            }

            if (!_records.TryGetValue(entityId, out var members))
            {
                members = new HashSet<string>(StringComparer.Ordinal);
                _records.Add(entityId, members);
            }

            members.Add(recordId);
            _entityOf[recordId] = entityId;
        }
    }
}
