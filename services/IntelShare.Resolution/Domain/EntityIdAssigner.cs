namespace IntelShare.Resolution.Domain;

/// <summary>What happened to entity ids in a re-run: which ids became which.</summary>
/// <param name="Kind">"merged" (several ids became one) or "split" (one id's records now form several entities).</param>
public sealed record EntityIdChange(string Kind, IReadOnlyList<string> From, IReadOnlyList<string> To);

public sealed record EntityAssignment(IReadOnlyDictionary<string, string> EntityOf, IReadOnlyList<EntityIdChange> Changes);

/// <summary>
/// Keeps entity ids stable across re-runs. Each new cluster takes the id that most of its records had before
/// (ties to the smaller id, which is the older one), as long as no larger share of that old entity went elsewhere;
/// the rest get new ids. So an entity keeps its id unless it is split, a merge keeps the id of its largest part,
/// and every change says which ids became which.
/// </summary>
public static class EntityIdAssigner
{
    public static EntityAssignment Assign(
        IReadOnlyList<IReadOnlyList<string>> clusters,
        IReadOnlyDictionary<string, string> previous,
        Func<string> newId)
    {
        // Every (cluster, old id) overlap, largest first: the biggest share of an old entity keeps its id.
        var overlaps = new List<(int Cluster, string OldId, int Count)>();
        for (var c = 0; c < clusters.Count; c++)
        {
            foreach (var group in clusters[c].Where(previous.ContainsKey).GroupBy(record => previous[record], StringComparer.Ordinal))
            {
                overlaps.Add((c, group.Key, group.Count()));
            }
        }

        overlaps.Sort((x, y) => y.Count != x.Count ? y.Count.CompareTo(x.Count) : string.CompareOrdinal(x.OldId, y.OldId));
        var idOf = new string?[clusters.Count];
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (cluster, oldId, _) in overlaps)
        {
            if (idOf[cluster] is null && claimed.Add(oldId))
            {
                idOf[cluster] = oldId;
            }
        }

        var entityOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var c = 0; c < clusters.Count; c++)
        {
            idOf[c] ??= newId();
            foreach (var record in clusters[c])
            {
                entityOf[record] = idOf[c]!;
            }
        }

        return new EntityAssignment(entityOf, Changes(clusters, idOf!, previous));
    }

    private static List<EntityIdChange> Changes(IReadOnlyList<IReadOnlyList<string>> clusters, string[] idOf, IReadOnlyDictionary<string, string> previous)
    {
        var changes = new List<EntityIdChange>();
        var newIdsOfOld = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        for (var c = 0; c < clusters.Count; c++)
        {
            var oldIds = new SortedSet<string>(clusters[c].Where(previous.ContainsKey).Select(r => previous[r]), StringComparer.Ordinal);
            if (oldIds.Count > 1)
            {
                changes.Add(new EntityIdChange("merged", [.. oldIds], [idOf[c]]));
            }

            foreach (var oldId in oldIds)
            {
                if (!newIdsOfOld.TryGetValue(oldId, out var set))
                {
                    newIdsOfOld[oldId] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(idOf[c]);
            }
        }

        changes.AddRange(newIdsOfOld.Where(kv => kv.Value.Count > 1).Select(kv => new EntityIdChange("split", [kv.Key], [.. kv.Value])));
        return changes;
    }
}
