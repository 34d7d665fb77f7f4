namespace IntelShare.Resolution.Engine.Evaluation;

/// <summary>
/// Pairwise accuracy of a clustering against the truth: every two records sharing a true identity are a true pair,
/// every two records in one found cluster a predicted pair. When linking files, only pairs across files count.
/// </summary>
public sealed record PairwiseMetrics(long TruePairs, long PredictedPairs, long CorrectPairs, int TrueClusters, int FoundClusters, int ExactClusters)
{
    public double Precision => PredictedPairs == 0 ? 1 : CorrectPairs / (double)PredictedPairs;

    public double Recall => TruePairs == 0 ? 1 : CorrectPairs / (double)TruePairs;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Records without a truth value are each their own identity.</summary>
    public static PairwiseMetrics Compute(IReadOnlyList<int> clusterOf, IReadOnlyList<string?> truth, IReadOnlyList<int>? origins = null)
    {
        var identity = Identities(truth);
        int Origin(int i) => origins?[i] ?? 0;
        var byTruth = Enumerable.Range(0, clusterOf.Count).GroupBy(i => identity[i]).ToArray();
        var byCluster = Enumerable.Range(0, clusterOf.Count).GroupBy(i => clusterOf[i]).ToArray();
        var cells = Enumerable.Range(0, clusterOf.Count).GroupBy(i => (clusterOf[i], identity[i]));
        var truthSets = byTruth.Select(g => string.Join(',', g.Order())).ToHashSet();
        return new PairwiseMetrics(
            byTruth.Sum(g => Pairs(g, Origin, origins is not null)),
            byCluster.Sum(g => Pairs(g, Origin, origins is not null)),
            cells.Sum(g => Pairs(g, Origin, origins is not null)),
            byTruth.Length,
            byCluster.Length,
            byCluster.Count(g => truthSets.Contains(string.Join(',', g.Order()))));
    }

    /// <summary>Every true pair, for checking which blocking kept.</summary>
    public static IEnumerable<(int A, int B)> TruePairList(IReadOnlyList<string?> truth, IReadOnlyList<int>? origins = null)
    {
        var identity = Identities(truth);
        foreach (var group in Enumerable.Range(0, truth.Count).GroupBy(i => identity[i]).Where(g => g.Skip(1).Any()))
        {
            var members = group.ToArray();
            for (var i = 0; i < members.Length; i++)
            {
                for (var j = i + 1; j < members.Length; j++)
                {
                    if (origins is null || origins[members[i]] != origins[members[j]])
                    {
                        yield return (members[i], members[j]);
                    }
                }
            }
        }
    }

    private static string[] Identities(IReadOnlyList<string?> truth) => [.. truth.Select((t, i) => t is null ? $"\0{i}" : "=" + t)];

    private static long Pairs(IEnumerable<int> members, Func<int, int> origin, bool acrossOrigins)
    {
        var counts = members.GroupBy(origin).Select(g => (long)g.Count()).ToArray();
        var n = counts.Sum();
        return acrossOrigins ? ((n * n) - counts.Sum(c => c * c)) / 2 : n * (n - 1) / 2;
    }
}
