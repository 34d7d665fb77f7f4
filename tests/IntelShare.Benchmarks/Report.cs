using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace IntelShare.Benchmarks;

public sealed record RunResult(
    int Run,
    string Platform,
    IntakeResult Intake,
    CpuUsage IntakeCpu,
    HostMemory? MemoryBeforeIntake,
    HostMemory? MemoryAfterIntake,
    LatencyResult? Get)
{
    public double MedianCallRecordsPerSecond => Statistics.Median(Intake.Calls.Select(c => c.RecordsPerSecond));

    public double SlowestCallRecordsPerSecond => Intake.Calls.Min(c => c.RecordsPerSecond);

    public double FastestCallRecordsPerSecond => Intake.Calls.Max(c => c.RecordsPerSecond);
}

/// <summary>The medians across runs, each taken per figure (so they need not come from one run).</summary>
public sealed record MedianResult(
    double IntakeRecordsPerSecond,
    double CallRecordsPerSecond,
    double? HostCpuSecondsPerIntake,
    double ClientCpuSecondsPerIntake,
    double? RssAfterIntakeMiB,
    double? PeakRssAfterIntakeMiB,
    double? GetP50Ms,
    double? GetP90Ms,
    double? GetP99Ms,
    double? GetMaxMs,
    double? HostCpuMicrosecondsPerGet);

public sealed record Target(string Figure, string Goal, double? Measured, bool? Met);

public sealed record BenchmarkSummary(MachineInfo Machine, IntakeOptions Options, IReadOnlyList<RunResult> Runs, MedianResult Median, IReadOnlyList<Target> Targets)
{
    public const double IntakeTargetRecordsPerSecond = 20_000;
    public const double GetP99TargetMs = 2;

    public static BenchmarkSummary Of(MachineInfo machine, IntakeOptions options, IReadOnlyList<RunResult> runs)
    {
        var median = new MedianResult(
            Statistics.Median(runs.Select(r => r.Intake.RecordsPerSecond)),
            Statistics.Median(runs.Select(r => r.MedianCallRecordsPerSecond)),
            Statistics.Median(runs.Select(r => r.IntakeCpu.HostCpuSeconds)),
            Statistics.Median(runs.Select(r => r.IntakeCpu.ClientCpuSeconds)),
            Statistics.Median(runs.Select(r => r.MemoryAfterIntake?.RssMiB)),
            Statistics.Median(runs.Select(r => r.MemoryAfterIntake?.PeakRssMiB)),
            Statistics.Median(runs.Select(r => r.Get?.P50Ms)),
            Statistics.Median(runs.Select(r => r.Get?.P90Ms)),
            Statistics.Median(runs.Select(r => r.Get?.P99Ms)),
            Statistics.Median(runs.Select(r => r.Get?.MaxMs)),
            Statistics.Median(runs.Select(r => r.Get?.HostCpuMicrosecondsPerCall)));
        Target[] targets =
        [
            new("Bulk intake, records/s acknowledged durable (median of end-to-end rates)", $">= {IntakeTargetRecordsPerSecond:N0}",
                median.IntakeRecordsPerSecond, median.IntakeRecordsPerSecond >= IntakeTargetRecordsPerSecond),
            new("Get p99 latency, ms (median over runs)", $"<= {GetP99TargetMs:0.##}", median.GetP99Ms, median.GetP99Ms <= GetP99TargetMs),
        ];
        return new BenchmarkSummary(machine, options, runs, median, targets);
    }
}

/// <summary>The console tables and the JSON file of an intake benchmark.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void WriteHeader(MachineInfo machine, IntakeOptions options)
    {
        // Redirected output (a log, CI) otherwise gets 80 columns and wraps the tables.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("Command", Markup.Escape(machine.CommandLine));
        grid.AddRow("Build", Markup.Escape(machine.Configuration));
        grid.AddRow("Processors", $"{machine.ProcessorCount} (nproc: {Markup.Escape(machine.Nproc)}), {Markup.Escape(machine.Cpu)}");
        grid.AddRow("Memory", Markup.Escape(machine.Memory));
        grid.AddRow("OS", Markup.Escape(machine.Os));
        grid.AddRow(".NET", Markup.Escape(machine.Runtime));
        grid.AddRow("Load average at start", Markup.Escape(machine.LoadAverageAtStart));
        grid.AddRow("Platform", options.Server is null ? "a fresh host process and data directory per run, on loopback" : Markup.Escape(options.Server.ToString()));
        grid.AddRow("Workload", Markup.Escape(
            $"{options.Records:N0} person records per run in ContributeStream calls of {options.BatchSize:N0}, {options.Parallel} at a time; " +
            $"then {options.Gets:N0} sequential Gets after {options.Warmup:N0} warm-up; {options.Runs} run(s)"));
        AnsiConsole.Write(new Panel(grid).Header("IntelShare intake benchmark"));
    }

    public static void WriteRunLine(RunResult run) =>
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Run {run.Run}: {run.Intake.Accepted:N0} records in {run.Intake.Seconds:0.00} s = {run.Intake.RecordsPerSecond:N0} records/s" +
            (run.Get is { } get ? $"; Get p50 {get.P50Ms:0.000} ms, p99 {get.P99Ms:0.000} ms" : "") +
            (run.MemoryAfterIntake is { } memory ? $"; host RSS {memory.RssMiB:N0} MiB" : "")));

    public static void WriteSummary(BenchmarkSummary summary)
    {
        var runs = summary.Runs;
        var median = summary.Median;

        var intake = Table("Bulk intake (ContributeStream; a record counts when its call's response is back)",
            "Run", "Records", "Wall s", "Records/s end-to-end", "Per call records/s: min", "median", "max", "Host CPU s (cores)", "Client CPU s (cores)");
        foreach (var run in runs)
        {
            intake.AddRow(
                Text(run.Run), Text(run.Intake.Accepted), Number(run.Intake.Seconds, "0.00"), Number(run.Intake.RecordsPerSecond, "N0"),
                Number(run.SlowestCallRecordsPerSecond, "N0"), Number(run.MedianCallRecordsPerSecond, "N0"), Number(run.FastestCallRecordsPerSecond, "N0"),
                Cpu(run.IntakeCpu.HostCpuSeconds, run.IntakeCpu.HostCores), Cpu(run.IntakeCpu.ClientCpuSeconds, run.IntakeCpu.ClientCores));
        }

        intake.AddRow("[bold]median[/]", "", "", Bold(Number(median.IntakeRecordsPerSecond, "N0")), "", Bold(Number(median.CallRecordsPerSecond, "N0")), "",
            Number(median.HostCpuSecondsPerIntake, "0.00"), Number(median.ClientCpuSecondsPerIntake, "0.00"));
        AnsiConsole.Write(intake);

        if (runs.Any(r => r.Get is not null))
        {
            var get = Table("Get latency (sequential, random records of the run), ms", "Run", "Calls", "p50", "p90", "p99", "max", "mean", "Host CPU µs per call (all host threads)");
            foreach (var run in runs.Where(r => r.Get is not null))
            {
                var g = run.Get!;
                get.AddRow(Text(run.Run), Text(g.Calls), Number(g.P50Ms, "0.000"), Number(g.P90Ms, "0.000"), Number(g.P99Ms, "0.000"),
                    Number(g.MaxMs, "0.000"), Number(g.MeanMs, "0.000"), Number(g.HostCpuMicrosecondsPerCall, "N0"));
            }

            get.AddRow("[bold]median[/]", "", Number(median.GetP50Ms, "0.000"), Number(median.GetP90Ms, "0.000"), Bold(Number(median.GetP99Ms, "0.000")),
                Number(median.GetMaxMs, "0.000"), "", Number(median.HostCpuMicrosecondsPerGet, "N0"));
            AnsiConsole.Write(get);
        }

        if (runs.Any(r => r.MemoryAfterIntake is not null))
        {
            var memory = Table("Host process memory (/proc/<pid>/status), MiB", "Run", "RSS before intake", "RSS after intake", "Peak RSS (VmHWM) after intake");
            foreach (var run in runs)
            {
                memory.AddRow(Text(run.Run), Number(run.MemoryBeforeIntake?.RssMiB, "N0"), Number(run.MemoryAfterIntake?.RssMiB, "N0"), Number(run.MemoryAfterIntake?.PeakRssMiB, "N0"));
            }

            memory.AddRow("[bold]median[/]", "", Bold(Number(median.RssAfterIntakeMiB, "N0")), Bold(Number(median.PeakRssAfterIntakeMiB, "N0")));
            AnsiConsole.Write(memory);
        }
        else
        {
            AnsiConsole.MarkupLine("[grey]Host memory not measured: give --pid with --server.[/]");
        }

        var targets = Table("Targets", "Figure", "Target", "Measured", "Met");
        foreach (var target in summary.Targets)
        {
            targets.AddRow(Markup.Escape(target.Figure), Markup.Escape(target.Goal), Number(target.Measured, "N2"),
                target.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "not measured" });
        }

        AnsiConsole.Write(targets);
    }

    /// <summary>Writes the JSON file and returns its full path.</summary>
    public static string WriteJson(BenchmarkSummary summary, string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllText(fullPath, JsonSerializer.Serialize(summary, Json));
        return fullPath;
    }

    private static Table Table(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)), Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn(Markup.Escape(columns[0])));
        foreach (var column in columns.Skip(1))
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        return table;
    }

    private static string Text(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Number(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Cpu(double? seconds, double? cores) =>
        seconds is null ? "-" : $"{Number(seconds, "0.00")} ({Number(cores, "0.00")})";

    private static string Bold(string text) => $"[bold]{text}[/]";
}
