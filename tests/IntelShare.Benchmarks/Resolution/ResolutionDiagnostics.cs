using System.Globalization;
using IntelShare.Resolution.Engine;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Benchmarks;

/// <summary>
/// What went wrong in a run, for whoever tunes the engine: the trained parameters, how the wrong pairs spread over
/// cluster sizes (chaining shows as a few huge clusters, bad weights as many wrong pairs), and examples of each.
/// </summary>
public static class ResolutionDiagnostics
{
    public static void Write(TextWriter output, ResolutionEngine engine, ResolutionResult result, IReadOnlyList<string?> truth)
    {
        var invariant = CultureInfo.InvariantCulture;
        foreach (var training in result.Training)
        {
            var model = training.Model;
            output.WriteLine(string.Create(invariant, $"{training.Kind}: {training.Records:N0} records, {training.Blocking.CandidatePairs:N0} candidates, EM λ among candidates {training.Estimation.MatchProportion:0.000000} ({training.Estimation.Iterations} iterations, converged {training.Estimation.Converged}, {training.Estimation.DistinctPatterns} patterns), prior over all pairs {model.MatchProportion:E3} = {model.PriorWeight:0.00} bits"));
            foreach (var rule in training.Blocking.Rules)
            {
                output.WriteLine(string.Create(invariant, $"  rule {rule.Rule}: {rule.Pairs:N0} pairs, {rule.Blocks:N0} blocks, {rule.OversizedBlocks} oversized"));
            }

            for (var c = 0; c < model.Comparisons.Count; c++)
            {
                var field = model.Comparisons[c];
                output.WriteLine($"  {field.Name}: " + string.Join("; ", Enumerable.Range(1, field.Levels.Count - 1)
                    .Select(l => string.Create(invariant, $"{field.Levels[l]} m {model.M[c][l]:0.0000} u {model.U[c][l]:0.00000} w {model.LevelWeight(c, l):+0.0;-0.0}"))));
            }
        }

        var clusters = result.Clustering.Clusters().ToArray();
        var bySize = clusters.GroupBy(c => SizeBand(c.Length)).OrderBy(g => g.Key);
        output.WriteLine("Wrong pairs by cluster size:");
        foreach (var band in bySize)
        {
            long predicted = 0, wrong = 0;
            foreach (var cluster in band)
            {
                var pairs = (long)cluster.Length * (cluster.Length - 1) / 2;
                var correct = cluster.GroupBy(i => truth[i]).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
                predicted += pairs;
                wrong += pairs - correct;
            }

            output.WriteLine(string.Create(invariant, $"  size {band.Key}: {band.Count():N0} clusters, {predicted:N0} pairs, {wrong:N0} wrong"));
        }

        foreach (var cluster in clusters.Where(c => c.Select(i => truth[i]).Distinct().Skip(1).Any()).OrderByDescending(c => c.Length).Take(3))
        {
            output.WriteLine(string.Create(invariant, $"Impure cluster of {cluster.Length} records, {cluster.Select(i => truth[i]).Distinct().Count()} people:"));
            foreach (var i in cluster.Take(12))
            {
                output.WriteLine($"  {truth[i]} {Describe(result.Records[i])}");
            }
        }

        var wrongPairs = clusters.Where(c => c.Length is 2 or 3).SelectMany(c => from a in c from b in c where a < b && truth[a] != truth[b] select (a, b)).Take(6);
        foreach (var (a, b) in wrongPairs)
        {
            output.WriteLine($"False link {truth[a]} / {truth[b]}:");
            output.WriteLine($"  {Describe(result.Records[a])}");
            output.WriteLine($"  {Describe(result.Records[b])}");
            output.WriteLine("  " + engine.Explain(a, b).ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
        }

        output.WriteLine(string.Create(invariant, $"Review pairs {result.Clustering.Review.Count:N0}, refused merges {result.Clustering.Refused.Count:N0}"));
    }

    private static string SizeBand(int size) => size switch
    {
        <= 5 => size.ToString(CultureInfo.InvariantCulture),
        <= 20 => "06-20",
        <= 100 => "21-100",
        _ => ">100",
    };

    private static string Describe(PreparedRecord r) =>
        $"{r.Given}|{r.Family}|{r.DateOfBirth}|{r.Sex}|{string.Join(',', r.Phones)}|{string.Join(',', r.Documents)}|{string.Join(',', r.Addresses.Select(a => $"{a.Number} {a.Street} {a.Postcode} {a.Locality}"))}";
}
