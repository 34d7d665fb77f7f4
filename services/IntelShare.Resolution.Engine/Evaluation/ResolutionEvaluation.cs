using System.Diagnostics;
using IntelShare.Resolution.Engine.Clustering;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Evaluation;

public sealed record EvaluationReport(
    PairwiseMetrics Accuracy,
    long TruePairsBlocked,
    long CandidatePairs,
    int Records,
    int MalformedCsvRows,
    int ReviewPairs,
    int RefusedMerges,
    ResolutionResult Result,
    IReadOnlyDictionary<string, TimeSpan> Timings)
{
    /// <summary>The share of true pairs that blocking made candidates: the ceiling on recall.</summary>
    public double BlockingRecall => Accuracy.TruePairs == 0 ? 1 : TruePairsBlocked / (double)Accuracy.TruePairs;
}

/// <summary>
/// Runs the engine unsupervised over one file (deduplication) or two (linkage between them) and scores its clusters
/// against the files' truth column. The truth is read only for scoring: training never sees it.
/// </summary>
public static class ResolutionEvaluation
{
    public static EvaluationReport Run(IReadOnlyList<RecordTable> tables, ResolutionOptions? options = null, IEnumerable<HumanDecision>? decisions = null)
    {
        if (tables.Count is < 1 or > 2)
        {
            throw new ArgumentException("Give one file to deduplicate or two to link.", nameof(tables));
        }

        var linkage = tables.Count == 2;
        options = (options ?? new ResolutionOptions()) with { Linkage = linkage };
        var records = tables.SelectMany(t => t.Records).ToArray();
        var truth = tables.SelectMany(t => t.Truth).ToArray();
        int[]? origins = linkage ? [.. tables.SelectMany((t, i) => Enumerable.Repeat(i, t.Records.Count))] : null;
        return Run(records, truth, origins, options, decisions, tables.Sum(t => t.MalformedRows));
    }

    public static EvaluationReport Run(
        IReadOnlyList<ResolutionRecord> records, IReadOnlyList<string?> truth, IReadOnlyList<int>? origins, ResolutionOptions options, IEnumerable<HumanDecision>? decisions = null, int malformedRows = 0)
    {
        var clock = Stopwatch.StartNew();
        var engine = ResolutionEngine.Create(records, options, origins);
        var result = engine.ResolveAll(decisions);
        var total = clock.Elapsed;
        var accuracy = PairwiseMetrics.Compute(result.Clustering.ClusterOf, truth, origins);
        var blocked = PairwiseMetrics.TruePairList(truth, origins).LongCount(p => engine.IsCandidatePair(p.A, p.B));
        var timings = new Dictionary<string, TimeSpan>(result.Timings) { ["total"] = total };
        return new EvaluationReport(accuracy, blocked, result.CandidatePairs, records.Count, malformedRows, result.Clustering.Review.Count, result.Clustering.Refused.Count, result, timings);
    }
}
