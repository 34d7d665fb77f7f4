using System.Globalization;
using Spectre.Console;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record RunResult(
    int Run,
    string Platform,
    IntakeResult Intake,
    CpuUsage IntakeCpu,
    HostMemory? MemoryBeforeIntake,
    HostMemory? MemoryAfterIntake,
    LatencyResult? Get,
    LatencyResult? SettledGet = null,
    double? SettledAfterSeconds = null,
    IntakeResult? Warmup = null)
{
    /// <summary>A bare append + fsync on the data disk just after the Gets made while the read models catch up.</summary>
    public LatencyResult? CatchUpDiskFlush { get; init; }

    /// <summary>The same just after the Gets on the settled host.</summary>
    public LatencyResult? SettledDiskFlush { get; init; }

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
    LatencyMedian? Get,
    LatencyMedian? SettledGet);

public sealed record BenchmarkSummary(MachineInfo Machine, IntakeOptions Options, IReadOnlyList<RunResult> Runs, MedianResult Median, IReadOnlyList<Target> Targets)
{
    public const double IntakeTargetRecordsPerSecond = 20_000;
    /// <summary>Records.Get p99 of the platform-foundation issue.</summary>
    public const double GetP99TargetMs = 2;

    /// <summary>Records.Get p99 of the access-control issue, with policy and audit in the path: every Get here has both.</summary>
    public const double AuditedGetP99TargetMs = 3;

    public static BenchmarkSummary Of(MachineInfo machine, IntakeOptions options, IReadOnlyList<RunResult> runs)
    {
        var median = new MedianResult(
            Statistics.Median(runs.Select(r => r.Intake.RecordsPerSecond)),
            Statistics.Median(runs.Select(r => r.MedianCallRecordsPerSecond)),
            Statistics.Median(runs.Select(r => r.IntakeCpu.HostCpuSeconds)),
            Statistics.Median(runs.Select(r => r.IntakeCpu.ClientCpuSeconds)),
            Statistics.Median(runs.Select(r => r.MemoryAfterIntake?.RssMiB)),
            Statistics.Median(runs.Select(r => r.MemoryAfterIntake?.PeakRssMiB)),
            LatencyMedian.Of(runs.Select(r => r.Get)),
            LatencyMedian.Of(runs.Select(r => r.SettledGet)));
        Target[] targets =
        [
            Target.AtLeast("Bulk intake, records/s acknowledged durable (median of end-to-end rates)", IntakeTargetRecordsPerSecond, median.IntakeRecordsPerSecond),
            .. GetTargets("right after the intake, read models catching up", median.Get),
            .. GetTargets("once the read models have applied the intake", median.SettledGet),
        ];
        return new BenchmarkSummary(machine, options, runs, median, targets);
    }

    private static Target[] GetTargets(string when, LatencyMedian? get) =>
    [
        Target.AtMost($"Get p99 latency {when}, ms (median over runs)", GetP99TargetMs, get?.P99Ms),
        Target.AtMost("  the same against the target with policy and audit in the path", AuditedGetP99TargetMs, get?.P99Ms),
    ];
}

/// <summary>The console tables of an intake benchmark.</summary>
public static class IntakeReport
{
    public static void WriteHeader(MachineInfo machine, IntakeOptions options) =>
        Report.WriteHeader(
            machine,
            "IntelShare intake benchmark",
            ("Platform", options.Server is null ? "a fresh host process and data directory per run, on loopback" : options.Server.ToString()),
            ("Workload",
                $"{options.Records:N0} person records per run in ContributeStream calls of {options.BatchSize:N0}, {options.Parallel} at a time, after {options.WarmupRecords:N0} untimed" + (options.Gets > 0 && options.WarmupRecords > 0 && options.WarmupGets > 0 ? $" and {options.WarmupGets:N0} untimed Gets of them" : "") + "; " +
                $"then {options.Gets:N0} sequential Gets after {options.Warmup:N0} warm-up, at once and again when the read models have applied the intake; {options.Runs} run(s)"));

    public static void WriteRunLine(RunResult run) =>
        AnsiConsole.MarkupLine(Markup.Escape(
            (run.Warmup is { } warmup ? $"Run {run.Run}: warm-up {warmup.Accepted:N0} records at {warmup.RecordsPerSecond:N0} records/s; " : $"Run {run.Run}: ") +
            $"{run.Intake.Accepted:N0} records in {run.Intake.Seconds:0.00} s = {run.Intake.RecordsPerSecond:N0} records/s" +
            (run.Get is { } get ? $"; Get p50 {get.P50Ms:0.000} ms, p99 {get.P99Ms:0.000} ms" : "") +
            (run.SettledGet is { } settled ? $"; settled after {run.SettledAfterSeconds:0} s: Get p50 {settled.P50Ms:0.000} ms, p99 {settled.P99Ms:0.000} ms" : "") +
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
            WriteLatencyTable(
                "Get latency (sequential, random records of the run), ms",
                runs.Where(r => r.Get is not null).Select(r => (Text(r.Run), r.Get!)),
                median.Get);
        }

        if (runs.Any(r => r.SettledGet is not null))
        {
            WriteLatencyTable(
                "Get latency once search, graph and resolution have applied the intake (same Gets), ms",
                runs.Where(r => r.SettledGet is not null).Select(r => (Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{r.Run} (settled {r.SettledAfterSeconds:0} s after the intake)")), r.SettledGet!)),
                median.SettledGet);
        }

        var diskFlushes = runs
            .SelectMany(r => new (string Round, LatencyResult? Flush)[]
            {
                ($"{r.Run} (after the Gets while catching up)", r.CatchUpDiskFlush),
                ($"{r.Run} (after the settled Gets)", r.SettledDiskFlush),
            })
            .Where(row => row.Flush is not null)
            .Select(row => (row.Round, row.Flush!))
            .ToList();
        if (diskFlushes.Count > 0)
        {
            WriteLatencyTable($"For comparison: one {FsyncProbe.AppendBytes}-byte append + fsync on the data disk, no host call (every Get waits for one), ms", diskFlushes, null, "CPU µs per call");
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
    }
}
