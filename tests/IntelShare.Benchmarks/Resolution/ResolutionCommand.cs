using System.CommandLine;
using System.Diagnostics;
using IntelShare.Resolution.Engine;
using IntelShare.Resolution.Engine.Evaluation;
using Spectre.Console;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record ResolutionOptionsUsed(int Records, int Queries, int Seed, string Febrl, string Out, bool Diagnose = false);

public sealed record ResolutionSummary(
    MachineInfo Machine,
    ResolutionOptionsUsed Options,
    double? FebrlF1,
    double DeduplicationSeconds,
    double PeakRssMiB,
    double Precision,
    double Recall,
    double F1,
    long CandidatePairs,
    double BlockingRecall,
    IReadOnlyDictionary<string, double> StageSeconds,
    double MatchP50Ms,
    double MatchP99Ms,
    double ResolveMedianMs,
    double ResolveP99Ms,
    IReadOnlyList<Target> Targets);

/// <summary>
/// The "resolution" subcommand: unsupervised accuracy on Febrl dataset2, then deduplication of generated people with
/// known truth (time, peak memory, F1), Match latency against the resolved records and incremental resolution of new ones.
/// </summary>
public static class ResolutionCommand
{
    public static Command Create(string[] commandLine)
    {
        var records = CommonOptions.Positive(new Option<int>("--records") { Description = "Generated person records to deduplicate.", DefaultValueFactory = _ => 1_000_000 });
        var queries = CommonOptions.Positive(new Option<int>("--queries") { Description = "Timed Match queries and, separately, incremental resolutions.", DefaultValueFactory = _ => 1_000 });
        var seed = CommonOptions.Seed("the generated people and their errors");
        var febrl = new Option<string>("--febrl") { Description = "Febrl dataset2.csv (default: ../shared/data/febrl/dataset2.csv from the repository root)." };
        var output = CommonOptions.Out("resolution.json");
        var diagnose = new Option<bool>("--diagnose") { Description = "Print the trained parameters, wrong pairs by cluster size and examples of false links." };
        var command = new Command("resolution", "Entity resolution in-process: Febrl F1, deduplication of generated people (time, memory, F1), Match p99 and incremental resolution.")
        {
            records, queries, seed, febrl, output, diagnose,
        };
        command.SetAction(parse => Run(
            new ResolutionOptionsUsed(parse.GetValue(records), parse.GetValue(queries), parse.GetValue(seed), parse.GetValue(febrl) ?? DefaultFebrl(), parse.GetValue(output)!, parse.GetValue(diagnose)),
            commandLine));
        return command;
    }

    private static int Run(ResolutionOptionsUsed options, string[] commandLine)
    {
        var machine = MachineInfo.Collect(commandLine);
        WriteHeader(machine, "IntelShare entity resolution benchmark",
            ("Workload", $"Febrl {Path.GetFileName(options.Febrl)}; {options.Records:N0} generated people records (seed {options.Seed}); {options.Queries:N0} queries and new records"));

        double? febrlF1 = null;
        if (File.Exists(options.Febrl))
        {
            var report = ResolutionEvaluation.Run([RecordTable.Load(options.Febrl, truthColumn: "rec_id", truthPattern: @"^rec-(\d+)-")]);
            febrlF1 = report.Accuracy.F1;
            AnsiConsole.MarkupLine($"Febrl {Markup.Escape(Path.GetFileName(options.Febrl))}: precision {report.Accuracy.Precision:0.0000}, recall {report.Accuracy.Recall:0.0000}, [bold]F1 {report.Accuracy.F1:0.0000}[/]");
        }

        var generator = new SyntheticPeople(options.Seed);
        var set = generator.Generate(options.Records);
        var clock = Stopwatch.StartNew();
        var engine = ResolutionEngine.Create(set.Records);
        var result = engine.ResolveAll();
        var seconds = clock.Elapsed.TotalSeconds;
        var accuracy = PairwiseMetrics.Compute(result.Clustering.ClusterOf, set.Truth);
        var truePairs = PairwiseMetrics.TruePairList(set.Truth).ToArray();
        var blockingRecall = truePairs.Length == 0 ? 1 : truePairs.Count(p => engine.IsCandidatePair(p.A, p.B)) / (double)truePairs.Length;
        if (options.Diagnose)
        {
            ResolutionDiagnostics.Write(Console.Out, engine, result, set.Truth);
        }

        var random = new Random(options.Seed);
        var match = new List<double>(options.Queries);
        for (var q = 0; q < options.Queries + 50; q++)
        {
            var query = generator.VariantOf(set, random.Next(set.Records.Count), $"query-{q}");
            var start = Stopwatch.GetTimestamp();
            engine.Match(query);
            if (q >= 50)
            {
                match.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        var resolve = new List<double>(options.Queries);
        for (var q = 0; q < options.Queries; q++)
        {
            var record = generator.VariantOf(set, random.Next(set.Records.Count), $"new-{q}");
            var start = Stopwatch.GetTimestamp();
            engine.Resolve(record);
            resolve.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        match.Sort();
        resolve.Sort();
        var peak = HostMemory.Read(Environment.ProcessId).PeakRssMiB;
        var stages = result.Timings.ToDictionary(t => t.Key, t => t.Value.TotalSeconds);
        var table = Table("Deduplication of generated people", "Figure", "Value");
        table.AddRow("Records", Text(options.Records));
        table.AddRow("Candidate pairs", Text(result.CandidatePairs));
        table.AddRow("Blocking recall", Number(blockingRecall, "0.0000"));
        table.AddRow("Precision / recall / F1", $"{accuracy.Precision:0.0000} / {accuracy.Recall:0.0000} / {accuracy.F1:0.0000}");
        table.AddRow("Time (train, score, cluster)", $"{seconds:0.0} s");
        foreach (var (stage, value) in stages)
        {
            table.AddRow("  " + Markup.Escape(stage), $"{value:0.00} s");
        }

        table.AddRow("Peak RSS (whole process, incl. generation)", $"{peak:N0} MiB");
        table.AddRow("Match p50 / p99", $"{Statistics.Percentile(match, 0.5):0.000} / {Statistics.Percentile(match, 0.99):0.000} ms");
        table.AddRow("Incremental resolve median / p99", $"{Statistics.Median(resolve):0.000} / {Statistics.Percentile(resolve, 0.99):0.000} ms");
        AnsiConsole.Write(table);

        Target[] targets =
        [
            Target.AtLeast("Febrl dataset2 F1", 0.97, febrlF1, "0.00"),
            Target.AtMost($"Deduplication of {options.Records:N0} records (s)", 180, seconds),
            Target.AtMost("Peak memory (MiB)", 6 * 1024, peak, "N0"),
            Target.AtLeast("Generated people F1", 0.95, accuracy.F1, "0.00"),
            Target.AtMost("Match p99 (ms)", 20, Statistics.Percentile(match, 0.99)),
            Target.AtMost("Incremental resolve median (ms)", 5, Statistics.Median(resolve)),
        ];
        var summary = new ResolutionSummary(machine, options, febrlF1, seconds, peak, accuracy.Precision, accuracy.Recall, accuracy.F1, result.CandidatePairs, blockingRecall, stages,
            Statistics.Percentile(match, 0.5), Statistics.Percentile(match, 0.99), Statistics.Median(resolve), Statistics.Percentile(resolve, 0.99), targets);
        Conclude(summary, targets, options.Out);
        return 0;
    }

    private static string DefaultFebrl()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IntelShare.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", "febrl", "dataset2.csv"));
            }
        }

        return "dataset2.csv";
    }
}
