using IntelShare.Resolution.Engine.Evaluation;
using Xunit.Abstractions;

namespace IntelShare.Resolution.Engine.Tests;

/// <summary>
/// Unsupervised accuracy on the Febrl benchmark files. Nothing in the engine was chosen by looking at these files'
/// truth; the truth is read here only to score the result.
/// </summary>
public sealed class FebrlAccuracyTests(ITestOutputHelper output)
{
    [Fact]
    public void Dataset1_is_deduplicated_with_f1_of_at_least_095()
    {
        var report = Evaluate("dataset1.csv");
        Assert.True(report.Accuracy.F1 >= 0.95, $"F1 {report.Accuracy.F1:0.000}");
    }

    private EvaluationReport Evaluate(string file)
    {
        var table = RecordTable.Load(RepositoryFiles.Febrl(file), truthColumn: "rec_id", truthPattern: @"^rec-(\d+)-");
        var report = ResolutionEvaluation.Run([table]);
        output.WriteLine($"{file}: precision {report.Accuracy.Precision:0.0000} recall {report.Accuracy.Recall:0.0000} F1 {report.Accuracy.F1:0.0000}; " +
            $"blocking recall {report.BlockingRecall:0.0000}; {report.CandidatePairs} candidate pairs; λ {report.Result.Training[0].Estimation.MatchProportion:0.0000} " +
            $"after {report.Result.Training[0].Estimation.Iterations} iterations; review {report.ReviewPairs}, refused {report.RefusedMerges}");
        foreach (var (stage, time) in report.Timings)
        {
            output.WriteLine($"  {stage}: {time.TotalMilliseconds:0} ms");
        }

        var model = report.Result.Training[0].Model;
        for (var c = 0; c < model.Comparisons.Count; c++)
        {
            output.WriteLine($"  {model.Comparisons[c].Name}: " + string.Join(", ", model.Comparisons[c].Levels.Select((l, i) => $"{l} m={model.M[c][i]:0.000} u={model.U[c][i]:0.00000}").Skip(1)));
        }

        return report;
    }

    [Fact]
    public void Dataset2_is_deduplicated_with_f1_of_at_least_097()
    {
        var report = Evaluate("dataset2.csv");
        Assert.True(report.Accuracy.F1 >= 0.97, $"F1 {report.Accuracy.F1:0.000}");
    }
}
