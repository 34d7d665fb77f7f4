using IntelShare.Resolution.Engine.Comparison;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Scoring;

public sealed record EstimationOptions
{
    /// <summary>Random pairs whose levels give u; nearly all of them are non-matches.</summary>
    public int RandomPairs { get; init; } = 400_000;

    public int MaxIterations { get; init; } = 200;

    /// <summary>EM stops when no parameter moves by more than this between iterations.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>No level is impossible in either class: a zero would make one field veto every other.</summary>
    public double Floor { get; init; } = 1e-5;

    public int Seed { get; init; } = 1;

    /// <summary>A field whose strongest level random pairs reach less often than this selects an EM session.</summary>
    public double SessionAgreement { get; init; } = 0.01;

    /// <summary>
    /// Strength, in matched pairs, of the prior that matches mostly agree (a Dirichlet prior on m). With little data
    /// EM has almost no matches to learn from and would otherwise make m anything, even say matches disagree on their
    /// names; with thousands of candidates the data outweighs it.
    /// </summary>
    public double PriorMatches { get; init; } = 10;
}

public sealed record EstimationReport(int Iterations, bool Converged, double MatchProportion, int DistinctPatterns, long Pairs);

/// <summary>
/// Unsupervised parameter estimation: u from random pairs, then m and the match proportion by
/// expectation–maximisation over the candidate pairs' comparison vectors (see <see cref="EstimateMBySessions"/>).
/// No labels are used.
/// </summary>
public static class Estimation
{
    public static double[][] EstimateU(IReadOnlyList<FieldComparison> comparisons, IReadOnlyList<PreparedRecord> records, EstimationOptions options, bool acrossOrigins, ParallelOptions? parallelism = null)
    {
        const int Chunks = 16;
        var counts = comparisons.Select(c => new double[c.Levels.Count]).ToArray();
        if (records.Count >= 2)
        {
            // Fixed chunks with their own seeds: the same sample whatever the number of cores.
            var partial = new double[Chunks][][];
            Parallel.For(0, Chunks, parallelism ?? new ParallelOptions { TaskScheduler = TaskScheduler.Current }, chunk =>
            {
                var local = comparisons.Select(c => new double[c.Levels.Count]).ToArray();
                var random = new Random(HashCode.Combine(options.Seed, chunk));
                var wanted = options.RandomPairs / Chunks;
                for (int drawn = 0, attempt = 0; drawn < wanted && attempt < wanted * 4; attempt++)
                {
                    var (a, b) = (records[random.Next(records.Count)], records[random.Next(records.Count)]);
                    if (ReferenceEquals(a, b) || (acrossOrigins && a.Origin == b.Origin))
                    {
                        continue;
                    }

                    drawn++;
                    for (var c = 0; c < comparisons.Count; c++)
                    {
                        local[c][comparisons[c].Compare(a, b)]++;
                    }
                }

                partial[chunk] = local;
            });
            foreach (var local in partial)
            {
                for (var c = 0; c < counts.Length; c++)
                {
                    for (var l = 0; l < counts[c].Length; l++)
                    {
                        counts[c][l] += local[c][l];
                    }
                }
            }
        }

        // Half a count for unseen levels (additive smoothing): agreement never seen among random pairs is rare, not impossible.
        return [.. counts.Select(levels => Normalise(levels, 0.5, options.Floor))];
    }

    /// <summary>Counts of distinct comparison vectors: EM then runs over thousands of patterns, not millions of pairs.</summary>
    public static Dictionary<ulong, long> Patterns(IEnumerable<ulong> patterns)
    {
        var counts = new Dictionary<ulong, long>();
        foreach (var pattern in patterns)
        {
            counts[pattern] = counts.GetValueOrDefault(pattern) + 1;
        }

        return counts;
    }

    /// <summary>
    /// Two-class EM over the candidate pairs. Both classes' level probabilities are estimated: the non-matches among
    /// candidates agree on their blocking keys far more often than random pairs do, and holding them to the random u
    /// would push those agreements into the match class. Only m is kept; weights use the random-pair u.
    /// Returns λ, the match share among the candidates.
    /// </summary>
    public static (double[][] M, EstimationReport Report) EstimateM(
        IReadOnlyList<FieldComparison> comparisons, IReadOnlyDictionary<ulong, long> patterns, double[][] u, double initialProportion, EstimationOptions options)
    {
        var fit = Fit(comparisons, patterns, u, initialProportion, fixedM: null, options);
        return (fit.M, new EstimationReport(fit.Iterations, fit.Converged, fit.Lambda, patterns.Count, (long)fit.Total));
    }

    /// <summary>
    /// EM in sessions, each over the candidates that agree on one rare field, estimating m of every other field;
    /// then λ over all candidates with m held. One EM over every candidate finds the largest split among them, and
    /// as data grows that is "same name" (many different people share one) rather than "same person": m of the date
    /// of birth and address then says matches often disagree on them, and namesakes link. Within one field's
    /// agreement the remaining split is the person; each field's m comes from the sessions that did not select on it.
    /// </summary>
    public static (double[][] M, EstimationReport Report) EstimateMBySessions(
        IReadOnlyList<FieldComparison> comparisons, IReadOnlyDictionary<ulong, long> patterns, double[][] u, double initialProportion, EstimationOptions options)
    {
        var sums = comparisons.Select(c => new double[c.Levels.Count]).ToArray();
        var mass = new double[comparisons.Count];
        var iterations = 0;
        for (var k = 0; k < comparisons.Count; k++)
        {
            // Agreement on a field that random pairs share often (sex) selects no one; it makes no session.
            if (u[k].Length < 3 || u[k][1] >= options.SessionAgreement)
            {
                continue;
            }

            var session = new Dictionary<ulong, long>();
            var without = ~(0xFUL << (4 * k));
            foreach (var (pattern, count) in patterns)
            {
                if (FellegiSunterModel.Level(pattern, k) == 1)
                {
                    session[pattern & without] = session.GetValueOrDefault(pattern & without) + count;
                }
            }

            var fit = Fit(comparisons, session, u, 0.5, fixedM: null, options);
            iterations += fit.Iterations;
            for (var c = 0; c < comparisons.Count; c++)
            {
                if (c == k)
                {
                    continue;
                }

                mass[c] += fit.PresentMatches[c];
                for (var l = 1; l < sums[c].Length; l++)
                {
                    sums[c][l] += fit.PresentMatches[c] * fit.M[c][l];
                }
            }
        }

        // A field no session saw present (one rare field alone, or too little data) keeps the single EM's estimate.
        var fallback = mass.Any(w => w <= 0) ? Fit(comparisons, patterns, u, initialProportion, fixedM: null, options).M : null;
        var m = sums.Select((levels, c) => mass[c] > 0 ? Normalise([0, .. levels.Skip(1)], 0, options.Floor) : fallback![c]).ToArray();
        var final = Fit(comparisons, patterns, u, initialProportion, m, options);
        return (m, new EstimationReport(iterations + final.Iterations, final.Converged, final.Lambda, patterns.Count, (long)final.Total));
    }

    private sealed record EmFit(double[][] M, double Lambda, int Iterations, bool Converged, double Total, double[] PresentMatches);

    /// <summary>The two-class EM; with <paramref name="fixedM"/> only λ and the candidates' non-match levels move.</summary>
    private static EmFit Fit(
        IReadOnlyList<FieldComparison> comparisons, IReadOnlyDictionary<ulong, long> patterns, double[][] u, double initialProportion, double[][]? fixedM, EstimationOptions options)
    {
        var keys = patterns.Keys.ToArray();
        var weights = keys.Select(k => (double)patterns[k]).ToArray();
        var total = weights.Sum();
        var levels = keys.Select(k => comparisons.Select((_, c) => FellegiSunterModel.Level(k, c)).ToArray()).ToArray();

        // Start from, and keep as the prior, "matches mostly agree": the strongest level likeliest, each weaker one half as likely.
        var prior = comparisons.Select(c => Normalise([0, .. Enumerable.Range(1, c.Levels.Count - 1).Select(l => Math.Pow(0.5, l - 1))], 0, options.Floor)).ToArray();
        var m = fixedM ?? prior;
        var uCandidates = u.Select(levels => (double[])levels.Clone()).ToArray();
        var lambda = Math.Clamp(initialProportion, 1e-4, 0.5);
        var present = new double[comparisons.Count];
        if (total == 0)
        {
            return new EmFit(m, lambda, 0, true, 0, present);
        }

        var iteration = 0;
        var converged = false;
        while (iteration < options.MaxIterations && !converged)
        {
            iteration++;
            var expected = comparisons.Select(c => new double[c.Levels.Count]).ToArray();
            var expectedNon = comparisons.Select(c => new double[c.Levels.Count]).ToArray();
            var matches = 0.0;
            var (logM, logU) = (Logs(m), Logs(uCandidates));
            for (var p = 0; p < keys.Length; p++)
            {
                double logMatch = Math.Log(lambda), logNonMatch = Math.Log(1 - lambda);
                for (var c = 0; c < levels[p].Length; c++)
                {
                    logMatch += logM[c][levels[p][c]];
                    logNonMatch += logU[c][levels[p][c]];
                }

                var posterior = 1 / (1 + Math.Exp(logNonMatch - logMatch));
                var share = posterior * weights[p];
                matches += share;
                for (var c = 0; c < levels[p].Length; c++)
                {
                    expected[c][levels[p][c]] += share;
                    expectedNon[c][levels[p][c]] += weights[p] - share;
                }
            }

            var next = fixedM ?? expected.Select((e, c) => Normalise([0, .. e.Skip(1).Select((count, l) => count + (options.PriorMatches * prior[c][l + 1]))], 0, options.Floor)).ToArray();
            var nextLambda = Math.Clamp(matches / total, options.Floor, 1 - options.Floor);
            var change = Math.Abs(nextLambda - lambda);
            for (var c = 0; c < m.Length; c++)
            {
                present[c] = expected[c].Skip(1).Sum();
                for (var l = 1; l < m[c].Length; l++)
                {
                    change = Math.Max(change, Math.Abs(next[c][l] - m[c][l]));
                }
            }

            (m, lambda) = (next, nextLambda);
            uCandidates = [.. expectedNon.Select(e => Normalise([0, .. e.Skip(1)], 0, options.Floor))];
            converged = change < options.Tolerance;
        }

        return new EmFit(m, lambda, iteration, converged, total, present);
    }

    /// <summary>Logs of level probabilities, 0 for missing (probability 1), taken once per iteration rather than per pattern.</summary>
    private static double[][] Logs(double[][] probabilities) => [.. probabilities.Select(levels => levels.Select(p => Math.Log(p)).ToArray())];

    /// <summary>Probabilities over levels 1.. (level 0, missing, keeps probability 1 and weight 0), floored away from 0 and 1.</summary>
    private static double[] Normalise(double[] counts, double smoothing, double floor)
    {
        var result = new double[counts.Length];
        result[0] = 1;
        var present = counts.Skip(1).Sum() + (smoothing * (counts.Length - 1));
        for (var l = 1; l < counts.Length; l++)
        {
            result[l] = present > 0 ? Math.Clamp((counts[l] + smoothing) / present, floor, 1 - floor) : 1.0 / (counts.Length - 1);
        }

        return result;
    }
}
