using System.Diagnostics;
using IntelShare.Resolution.Engine.Evaluation;
using IntelShare.Resolution.Engine.Model;
using Xunit.Abstractions;

namespace IntelShare.Resolution.Engine.Tests;

/// <summary>Quality on people the engine has never seen: Bogus names in several scripts, with partners' errors.</summary>
public sealed class SyntheticAccuracyTests(ITestOutputHelper output)
{
    [Fact]
    public void Generated_people_are_resolved_accurately()
    {
        var set = new SyntheticPeople(2024).Generate(20_000);
        var report = ResolutionEvaluation.Run(set.Records, set.Truth, null, new ResolutionOptions());
        output.WriteLine($"precision {report.Accuracy.Precision:0.0000} recall {report.Accuracy.Recall:0.0000} F1 {report.Accuracy.F1:0.0000} blocking recall {report.BlockingRecall:0.0000} candidates {report.CandidatePairs}");
        Assert.True(report.Accuracy.F1 >= 0.9, $"F1 {report.Accuracy.F1:0.000}");
        Assert.True(report.Accuracy.Precision >= 0.95, $"precision {report.Accuracy.Precision:0.000}");
    }

    [Fact]
    public void A_new_record_joins_its_person_and_a_query_finds_them()
    {
        var generator = new SyntheticPeople(99);
        var set = generator.Generate(5_000);
        var engine = ResolutionEngine.Create(set.Records);
        var resolved = engine.ResolveAll();
        var target = Enumerable.Range(0, set.Records.Count).First(i => set.Records[i].DateOfBirth is not null && set.Records[i].Phones.Count > 0);
        var query = set.Records[target] with { RecordId = "query", GivenName = set.Records[target].GivenName + "a" };

        var found = engine.Match(query);
        Assert.Equal(set.Truth[target], set.Truth[found[0].Record.Index]);
        Assert.Equal(MatchDecision.Link, found[0].Decision);
        Assert.Contains("given name:", found[0].Explanation.ToString());

        var clock = Stopwatch.StartNew();
        var result = engine.Resolve(query);
        output.WriteLine($"resolve: {clock.Elapsed.TotalMilliseconds:0.00} ms; {found.Count} candidates; best {found[0].Explanation}");
        Assert.Equal(resolved.Clustering.ClusterOf[target], result.Cluster);
        Assert.Equal(result.Cluster, engine.ClusterOf(result.RecordIndex));
    }
}
