using System.Collections.Concurrent;
using IntelShare.Resolution.Engine.Comparison;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Scoring;

/// <summary>
/// Fellegi–Sunter parameters for one kind of record: per field and level the probability of that level among
/// true matches (m) and among random pairs (u), and the share of candidate pairs that match. A pair's match weight is
/// the sum over fields of log2(m/u); a missing field weighs 0.
/// </summary>
public sealed class FellegiSunterModel
{
    private readonly double[][] _weights;

    public FellegiSunterModel(IReadOnlyList<FieldComparison> comparisons, double[][] m, double[][] u, double matchProportion, TermFrequencies terms)
    {
        Comparisons = comparisons;
        M = m;
        U = u;
        MatchProportion = matchProportion;
        Terms = terms;
        _weights = [.. m.Select((levels, c) => levels.Select((p, l) => l == 0 ? 0 : Math.Log2(p / u[c][l])).ToArray())];
        PriorWeight = Math.Log2(matchProportion / (1 - matchProportion));
    }

    public IReadOnlyList<FieldComparison> Comparisons { get; }

    public double[][] M { get; }

    public double[][] U { get; }

    /// <summary>λ: the chance that two records drawn at random match (EM's match share among candidates, scaled to all pairs).</summary>
    public double MatchProportion { get; }

    /// <summary>log2 of the prior odds, λ/(1-λ), that turns a match weight into a posterior probability.</summary>
    public double PriorWeight { get; }

    public TermFrequencies Terms { get; }

    public double LevelWeight(int comparison, int level) => _weights[comparison][level];

    /// <summary>The weight of one field's level for this pair, adjusted for how common the agreed value is.</summary>
    public double Weight(int comparison, int level, PreparedRecord a, PreparedRecord b)
    {
        var field = Comparisons[comparison];
        if (level == 0 || level != field.TermFrequencyLevel)
        {
            return _weights[comparison][level];
        }

        // Among random pairs that agree, the chance of agreeing on this value is its frequency: a rare surname
        // agreeing is stronger evidence than "smith" agreeing.
        var frequency = Terms.Frequency(comparison, field.AgreedTerm(a, b));
        return frequency is { } f ? Math.Log2(M[comparison][level] / f) : _weights[comparison][level];
    }

    public (double Weight, ulong Pattern) Score(PreparedRecord a, PreparedRecord b)
    {
        var total = 0.0;
        ulong pattern = 0;
        for (var c = 0; c < Comparisons.Count; c++)
        {
            var level = Comparisons[c].Compare(a, b);
            pattern |= (ulong)level << (4 * c);
            total += Weight(c, level, a, b);
        }

        return (total, pattern);
    }

    public double Posterior(double weight) => Posterior(weight, PriorWeight);

    public static double Posterior(double weight, double priorWeight) => 1 / (1 + Math.Pow(2, -(weight + priorWeight)));

    public double WeightAt(double posterior) => Math.Log2(posterior / (1 - posterior)) - PriorWeight;

    public PairExplanation Explain(PreparedRecord a, PreparedRecord b)
    {
        var fields = new List<FieldScore>(Comparisons.Count);
        var total = 0.0;
        for (var c = 0; c < Comparisons.Count; c++)
        {
            var field = Comparisons[c];
            var level = field.Compare(a, b);
            var weight = Weight(c, level, a, b);
            total += weight;
            fields.Add(new FieldScore(field.Name, level, field.Levels[level], level == 0 ? "" : field.Values(a, b), weight));
        }

        return new PairExplanation(a, b, fields, total, Posterior(total)) { PriorWeight = PriorWeight };
    }

    public static int Level(ulong pattern, int comparison) => (int)((pattern >> (4 * comparison)) & 0xF);
}

/// <summary>How often each value of a term-frequency field occurs among the records, per comparison.</summary>
public sealed class TermFrequencies
{
    // Concurrent so that parallel scoring reads without a lock while the engine adds records.
    private readonly ConcurrentDictionary<string, int>?[] _counts;
    private readonly int[] _totals;

    public TermFrequencies(IReadOnlyList<FieldComparison> comparisons)
    {
        _counts = [.. comparisons.Select(c => c.TermFrequencyLevel > 0 ? new ConcurrentDictionary<string, int>(StringComparer.Ordinal) : null)];
        _totals = new int[comparisons.Count];
        Comparisons = comparisons;
    }

    private IReadOnlyList<FieldComparison> Comparisons { get; }

    public void Add(PreparedRecord record)
    {
        for (var c = 0; c < _counts.Length; c++)
        {
            if (_counts[c] is not { } counts)
            {
                continue;
            }

            foreach (var term in Comparisons[c].Terms(record))
            {
                counts.AddOrUpdate(term, 1, static (_, n) => n + 1);
                Interlocked.Increment(ref _totals[c]);
            }
        }
    }

    /// <summary>The share of values that are <paramref name="term"/>, floored at one occurrence; null for fields without counts.</summary>
    public double? Frequency(int comparison, string term)
    {
        if (_counts[comparison] is not { } counts || _totals[comparison] == 0 || term.Length == 0)
        {
            return null;
        }

        return Math.Max(1, counts.GetValueOrDefault(term)) / (double)Volatile.Read(ref _totals[comparison]);
    }
}
