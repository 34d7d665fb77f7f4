namespace IntelShare.Resolution.Engine.Clustering;

/// <summary>A candidate pair's score: record indices (A &lt; B), match weight in bits and posterior probability.</summary>
public readonly record struct ScoredPair(int A, int B, double Weight, double Posterior);

/// <summary>A human decision on two records, which outranks the model: must-link or cannot-link.</summary>
public sealed record HumanDecision(string RecordA, string RecordB, bool SameEntity);

public sealed record ClusteringOptions
{
    /// <summary>Pairs at or above this posterior link without review.</summary>
    public double UpperPosterior { get; init; } = 0.95;

    /// <summary>Pairs at or above this posterior (and below the upper one) go to an analyst; below, they stay apart.</summary>
    public double LowerPosterior { get; init; } = 0.5;

    /// <summary>Cross pairs the chaining guard scores before deciding; beyond it, a sample in index order.</summary>
    public int MaxGuardPairs { get; init; } = 400;
}

public enum RefusalReason
{
    /// <summary>An analyst said some record of one cluster is not the same entity as one of the other.</summary>
    CannotLink,

    /// <summary>The two clusters, taken pair by pair, look like different entities overall.</summary>
    Chaining,
}

public sealed record RefusedMerge(ScoredPair Link, RefusalReason Reason, double CrossWeight, int CrossPairs);

public sealed record ClusteringResult(int[] ClusterOf, int ClusterCount, IReadOnlyList<ScoredPair> Review, IReadOnlyList<RefusedMerge> Refused, IReadOnlyList<string> Conflicts)
{
    public IEnumerable<int[]> Clusters() => ClusterOf.Select((c, i) => (c, i)).GroupBy(x => x.c).Select(g => g.Select(x => x.i).ToArray());
}

/// <summary>
/// Connected components over the automatic links, strongest link first, with human decisions first of all.
/// Chaining guard: two clusters (not both single records) merge only if the sum of the match weights of all
/// their cross pairs is positive. One record that looks like two different people (a shared phone, a
/// typo'd name) then links to one of them, while the two people's own records, which disagree with each
/// other, keep them apart; the refused link goes to review.
/// </summary>
public sealed class Clusterer(Func<int, int, double> weight, ClusteringOptions options)
{
    public ClusteringResult Cluster(int count, IReadOnlyList<ScoredPair> scored, IEnumerable<(int A, int B)> mustLink, IEnumerable<(int A, int B)> cannotLink)
    {
        var sets = new DisjointSets(count);
        var cannot = new Dictionary<int, List<int>>();
        foreach (var (a, b) in cannotLink)
        {
            Add(cannot, a, b);
            Add(cannot, b, a);
        }

        var conflicts = new List<string>();
        foreach (var (a, b) in mustLink)
        {
            if (sets.Find(a) != sets.Find(b))
            {
                if (Forbidden(sets, cannot, a, b))
                {
                    conflicts.Add($"must-link {a}-{b} joins records an analyst also said are different; the must-link was applied");
                }

                sets.Union(a, b);
            }
        }

        var refused = new List<RefusedMerge>();
        var review = new List<ScoredPair>();
        foreach (var pair in scored.Where(p => p.Posterior >= options.UpperPosterior).OrderByDescending(p => p.Weight).ThenBy(p => p.A).ThenBy(p => p.B))
        {
            if (sets.Find(pair.A) == sets.Find(pair.B))
            {
                continue;
            }

            if (Forbidden(sets, cannot, pair.A, pair.B))
            {
                refused.Add(new RefusedMerge(pair, RefusalReason.CannotLink, double.NaN, 0));
                continue;
            }

            var (crossWeight, crossPairs) = CrossWeight(sets, pair.A, pair.B);
            if (crossPairs > 1 && crossWeight <= 0)
            {
                refused.Add(new RefusedMerge(pair, RefusalReason.Chaining, crossWeight, crossPairs));
                review.Add(pair);
                continue;
            }

            sets.Union(pair.A, pair.B);
        }

        review.AddRange(scored.Where(p => p.Posterior >= options.LowerPosterior && p.Posterior < options.UpperPosterior && sets.Find(p.A) != sets.Find(p.B)));
        var (clusterOf, clusters) = sets.Labels();
        return new ClusteringResult(clusterOf, clusters, review, refused, conflicts);
    }

    private static void Add(Dictionary<int, List<int>> map, int key, int value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private static bool Forbidden(DisjointSets sets, Dictionary<int, List<int>> cannot, int a, int b)
    {
        var (rootA, rootB) = (sets.Find(a), sets.Find(b));
        foreach (var member in sets.Members(rootA))
        {
            if (cannot.TryGetValue(member, out var others) && others.Any(o => sets.Find(o) == rootB))
            {
                return true;
            }
        }

        return false;
    }

    private (double Weight, int Pairs) CrossWeight(DisjointSets sets, int a, int b)
    {
        var total = 0.0;
        var pairs = 0;
        foreach (var x in sets.Members(sets.Find(a)))
        {
            foreach (var y in sets.Members(sets.Find(b)))
            {
                if (pairs++ >= options.MaxGuardPairs)
                {
                    return (total, pairs - 1);
                }

                total += weight(x, y);
            }
        }

        return (total, pairs);
    }
}

/// <summary>Union–find that also keeps each set's members, for the guard's cross pairs.</summary>
internal sealed class DisjointSets
{
    private readonly int[] _parent;
    private readonly List<int>?[] _members;

    public DisjointSets(int count)
    {
        _parent = [.. Enumerable.Range(0, count)];
        _members = new List<int>?[count];
    }

    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }

        return x;
    }

    public IReadOnlyList<int> Members(int root) => (IReadOnlyList<int>?)_members[root] ?? [root];

    public void Union(int a, int b)
    {
        var (x, y) = (Find(a), Find(b));
        if (x == y)
        {
            return;
        }

        var (big, small) = Members(x).Count >= Members(y).Count ? (x, y) : (y, x);
        var list = _members[big] ??= [big];
        list.AddRange(Members(small));
        _members[small] = null;
        _parent[small] = big;
    }

    public (int[] Labels, int Count) Labels()
    {
        var labels = new int[_parent.Length];
        var byRoot = new Dictionary<int, int>();
        for (var i = 0; i < labels.Length; i++)
        {
            var root = Find(i);
            if (!byRoot.TryGetValue(root, out var label))
            {
                byRoot[root] = label = byRoot.Count;
            }

            labels[i] = label;
        }

        return (labels, byRoot.Count);
    }
}
