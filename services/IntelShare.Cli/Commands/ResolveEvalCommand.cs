using System.CommandLine;
using System.Globalization;
using IntelShare.Resolution.Engine;
using IntelShare.Resolution.Engine.Clustering;
using IntelShare.Resolution.Engine.Evaluation;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>resolve eval: the matching engine's accuracy on a CSV with known truth, offline (no server, no sign-in).</summary>
internal static class ResolveEvalCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("file")
        {
            Description = "One CSV to deduplicate, or two to link to each other. A header row is required.",
            Arity = new ArgumentArity(1, 2),
        };
        var map = new Option<string[]>("--map")
        {
            Description = "column=field, repeatable, e.g. --map surname=family_name. Fields: " + string.Join(", ", RecordTable.Fields) + ". " +
                "Without it, field names and common synonyms are recognised (Febrl: rec_id, given_name, surname, street_number, address_1, " +
                "address_2, suburb, postcode, state, date_of_birth, soc_sec_id).",
            HelpName = "column=field",
            AllowMultipleArgumentsPerToken = false,
        };
        var truth = new Option<string>("--truth") { Description = "The column holding each row's true identity (default: rec_id when the file has it).", HelpName = "column" };
        var truthPattern = new Option<string>("--truth-pattern")
        {
            Description = "A regular expression whose first group is the identity within the truth column " +
                "(default when the truth column is rec_id: ^rec-(\\d+)-, so that Febrl's rec-223-org and rec-223-dup-0 are identity 223).",
            HelpName = "regex",
        };
        var upper = new Option<double>("--upper") { Description = "Posterior probability at or above which pairs link automatically.", DefaultValueFactory = _ => 0.95, HelpName = "p" };
        var lower = new Option<double>("--lower") { Description = "Posterior probability at or above which pairs go to review.", DefaultValueFactory = _ => 0.5, HelpName = "p" };
        var maxBlock = new Option<int>("--max-block-size") { Description = "Blocks larger than this are skipped and reported.", DefaultValueFactory = _ => 300, HelpName = "records" };
        var region = new Option<string>("--region") { Description = "Country (ISO alpha-2) for phone numbers written without a country code.", HelpName = "code" };
        var command = new Command(
            "eval",
            "Run the entity-resolution engine unsupervised over a CSV (or link two CSVs) and report pairwise precision, recall and F1 " +
            "against a truth column, blocking recall, candidate pairs, data quality and timings per stage.")
        {
            files, map, truth, truthPattern, upper, lower, maxBlock, region,
        };

        command.SetAction(parse =>
        {
            var paths = parse.GetRequiredValue(files).Select(path => InputFiles.Require(path)).ToArray();

            var mapping = Mapping(parse.GetValue(map) ?? []);
            var truthColumn = parse.GetValue(truth) ?? (HasColumn(paths[0], "rec_id") ? "rec_id" : null);
            var pattern = parse.GetValue(truthPattern) ?? (truthColumn == "rec_id" ? @"^rec-(\d+)-" : null);
            if (parse.GetValue(lower) is var low && parse.GetValue(upper) is var high && !(0 < low && low <= high && high < 1))
            {
                throw new UsageException("Thresholds must satisfy 0 < --lower <= --upper < 1.");
            }

            var tables = paths.Select(p => RecordTable.Load(p, mapping, truthColumn, pattern)).ToArray();
            var options = new ResolutionOptions
            {
                DefaultRegion = parse.GetValue(region),
                MaxBlockSize = parse.GetValue(maxBlock),
                Clustering = new ClusteringOptions { UpperPosterior = high, LowerPosterior = low },
            };
            Print(AnsiConsole.Console, ResolutionEvaluation.Run(tables, options), tables, truthColumn is not null);
            return 0;
        });
        return command;
    }

    private static Dictionary<string, string> Mapping(string[] pairs)
    {
        var mapping = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            var at = pair.IndexOf('=');
            if (at <= 0 || at == pair.Length - 1)
            {
                throw new UsageException($"--map {pair}: expected column=field.");
            }

            var field = pair[(at + 1)..].Trim();
            if (!RecordTable.Fields.Contains(field))
            {
                throw new UsageException($"--map {pair}: unknown field '{field}'; known fields: {string.Join(", ", RecordTable.Fields)}.");
            }

            mapping[pair[..at].Trim()] = field;
        }

        return mapping;
    }

    private static bool HasColumn(string path, string column) =>
        File.ReadLines(path).FirstOrDefault()?.Split(',').Any(h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase)) == true;

    private static void Print(IAnsiConsole console, EvaluationReport report, RecordTable[] tables, bool scored)
    {
        var summary = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Resolution evaluation") }.AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned());
        summary.AddRow("Input", Markup.Escape(string.Join(" + ", tables.Select(t => $"{Path.GetFileName(t.Path)} ({t.Records.Count:N0} rows)"))));
        summary.AddRow("Mode", tables.Length == 2 ? "linkage between files" : "deduplication");
        if (scored)
        {
            summary.AddRow("Precision (pairwise)", F(report.Accuracy.Precision));
            summary.AddRow("Recall (pairwise)", F(report.Accuracy.Recall));
            summary.AddRow("[bold]F1 (pairwise)[/]", $"[bold]{F(report.Accuracy.F1)}[/]");
            summary.AddRow("True pairs / predicted / correct", $"{report.Accuracy.TruePairs:N0} / {report.Accuracy.PredictedPairs:N0} / {report.Accuracy.CorrectPairs:N0}");
            summary.AddRow("Clusters found / true / exactly right", $"{report.Accuracy.FoundClusters:N0} / {report.Accuracy.TrueClusters:N0} / {report.Accuracy.ExactClusters:N0}");
            summary.AddRow("Blocking recall (true pairs kept)", F(report.BlockingRecall));
        }
        else
        {
            summary.AddRow("Clusters found", report.Result.Clustering.ClusterCount.ToString("N0", CultureInfo.InvariantCulture));
        }

        summary.AddRow("Candidate pairs", report.CandidatePairs.ToString("N0", CultureInfo.InvariantCulture));
        summary.AddRow("Pairs for review / merges refused", $"{report.ReviewPairs:N0} / {report.RefusedMerges:N0}");
        summary.AddRow("Records with malformed fields / malformed CSV rows", $"{report.Result.DataQuality.RecordsWithMalformedFields:N0} / {report.MalformedCsvRows:N0}");
        foreach (var training in report.Result.Training)
        {
            summary.AddRow($"EM ({training.Kind})", $"{training.Estimation.Iterations} iterations, {(training.Estimation.Converged ? "converged" : "not converged")}, match share among candidates {F(training.Estimation.MatchProportion)}");
            foreach (var block in training.Blocking.Oversized.Take(5))
            {
                summary.AddRow("Oversized block skipped", Markup.Escape($"{block.Rule} = {block.Key} ({block.Records:N0} records)"));
            }
        }

        console.Write(summary);

        var fields = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Fields present") }.AddColumn("Field").AddColumn(new TableColumn("Present").RightAligned()).AddColumn(new TableColumn("Missing").RightAligned()).AddColumn(new TableColumn("Malformed").RightAligned());
        foreach (var field in report.Result.DataQuality.Fields)
        {
            fields.AddRow(Markup.Escape(field.Field), $"{field.Present:N0}", $"{field.Missing:N0}", $"{field.Malformed:N0}");
        }

        var rules = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Blocking rules") }.AddColumn("Rule").AddColumn(new TableColumn("Pairs").RightAligned()).AddColumn(new TableColumn("Oversized blocks").RightAligned());
        foreach (var rule in report.Result.Training.SelectMany(t => t.Blocking.Rules))
        {
            rules.AddRow(Markup.Escape(rule.Rule), $"{rule.Pairs:N0}", $"{rule.OversizedBlocks:N0}");
        }

        var timings = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Timings") }.AddColumn("Stage").AddColumn(new TableColumn("ms").RightAligned());
        foreach (var (stage, time) in report.Timings)
        {
            timings.AddRow(Markup.Escape(stage), time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(new Columns(fields, rules, timings) { Expand = false });
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
