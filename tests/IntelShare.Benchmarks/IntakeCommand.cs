using System.CommandLine;
using System.Text.Json.Serialization;
using IntelShare.Contracts.V1;
using Spectre.Console;
using static IntelShare.Benchmarks.CommonOptions;

namespace IntelShare.Benchmarks;

public sealed record IntakeOptions(
    int Records,
    int BatchSize,
    int Parallel,
    int Runs,
    int Gets,
    int Warmup,
    int WarmupRecords,
    int WarmupGets,
    int Seed,
    string Out,
    string? DataRoot,
    RemoteTarget? Server,
    string User,
    [property: JsonIgnore] string Password,
    string AdminUser,
    string AnalystUser,
    string CaseRef,
    int SettleMinutes,
    string? LatencyTrace = null);

/// <summary>
/// The "intake" subcommand: bulk intake, then Get latency, then the host's memory, each run on a
/// fresh host and data directory so that no run inherits another's caches or database size.
/// </summary>
public static class IntakeCommand
{
    public static Command Create(string[] commandLine)
    {
        var records = Positive(new Option<int>("--records") { Description = "Person records contributed per run.", DefaultValueFactory = _ => 100_000 });
        var batchSize = Positive(new Option<int>("--batch-size") { Description = "Records per ContributeStream call, as the CLI sends them.", DefaultValueFactory = _ => 10_000 });
        var parallel = Positive(new Option<int>("--parallel") { Description = "ContributeStream calls in flight at once.", DefaultValueFactory = _ => 1 });
        var runs = CommonOptions.Runs(3);
        var gets = NotNegative(new Option<int>("--gets") { Description = "Timed sequential Get calls of random contributed records per run (0 skips them).", DefaultValueFactory = _ => 10_000 });
        var warmup = NotNegative(new Option<int>("--warmup") { Description = "Untimed Get calls before the timed ones.", DefaultValueFactory = _ => 1_000 });
        var warmupRecords = NotNegative(new Option<int>("--warmup-records")
        {
            Description = "Records contributed the same way before the timed intake, then applied by the read models (up to --settle-minutes), so that it measures a running host rather than one compiling its code (the warm-up's own rate is reported too).",
            DefaultValueFactory = _ => 20_000,
        });
        var warmupGets = NotNegative(new Option<int>("--warmup-gets")
        {
            Description = "Untimed Gets of the warm-up records once the read models have applied them, so that the timed Gets meet a host that has served reads before (their code compiled) as the timed intake meets one that has taken records.",
            DefaultValueFactory = _ => 5_000,
        });
        var seed = CommonOptions.Seed("the generated records and of the Get order");
        var output = CommonOptions.Out("intake.json");
        var platform = new PlatformOptions();
        var user = new Option<string>("--user") { Description = "Contributor account that sends the records and reads them back.", DefaultValueFactory = _ => "contributor" };
        var adminUser = new Option<string>("--admin-user") { Description = "Account with the admin role, which follows the read models' progress (projection status).", DefaultValueFactory = _ => "admin" };
        var analystUser = new Option<string>("--analyst-user") { Description = "Account with the analyst or supervisor role, to register --case-ref when it is not yet a known case.", DefaultValueFactory = _ => "analyst" };
        var caseRef = new Option<string>("--case-ref") { Description = "Case the Gets are justified by (reads must name a known case).", DefaultValueFactory = _ => "BENCH" };
        var settle = NotNegative(new Option<int>("--settle-minutes")
        {
            Description = "After the Gets made while the read models catch up on the intake, wait up to this long for every projection to apply it all and time the Gets again on the settled host (0 skips the second round).",
            DefaultValueFactory = _ => 10,
        });

        var latencyTrace = new Option<string?>("--latency-trace")
        {
            Description = "CSV file to write every timed Get to (run, round, call, start in ms after the round's first call, latency in ms): when the slow calls came, alone or together.",
        };

        var command = new Command("intake", "Bulk intake through ContributeStream (records/s acknowledged durable), then Get latency and the host's memory.")
        {
            records, batchSize, parallel, runs, gets, warmup, warmupRecords, warmupGets, seed, output, user, adminUser, analystUser, caseRef, settle, latencyTrace,
        };
        platform.AddTo(command);

        command.SetAction((parse, cancellation) =>
        {
            var options = new IntakeOptions(
                parse.GetValue(records),
                parse.GetValue(batchSize),
                parse.GetValue(parallel),
                parse.GetValue(runs),
                parse.GetValue(gets),
                parse.GetValue(warmup),
                parse.GetValue(warmupRecords),
                parse.GetValue(warmupGets),
                parse.GetValue(seed),
                parse.GetValue(output)!,
                parse.GetValue(platform.DataRoot),
                platform.Remote(parse),
                parse.GetValue(user)!,
                parse.GetValue(platform.Password)!,
                parse.GetValue(adminUser)!,
                parse.GetValue(analystUser)!,
                parse.GetValue(caseRef)!,
                parse.GetValue(settle),
                parse.GetValue(latencyTrace));
            return RunAsync(options, commandLine, cancellation);
        });
        return command;
    }

    private static async Task<int> RunAsync(IntakeOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        IntakeReport.WriteHeader(machine, options);
        var trace = options.LatencyTrace is null ? null : new LatencyTrace(options.LatencyTrace);
        trace?.Start();
        var runs = await PlatformOptions.RunEachAsync(
            options.Runs, options.Server, options.DataRoot,
            (run, target) => RunOnceAsync(run, target, options, trace, cancellation),
            IntakeReport.WriteRunLine,
            cancellation);
        if (runs is null)
        {
            return 1;
        }

        var summary = BenchmarkSummary.Of(machine, options, runs);
        IntakeReport.WriteSummary(summary);
        Report.Conclude(summary, summary.Targets, options.Out);
        return 0;
    }

    private static async Task<RunResult> RunOnceAsync(int run, IBenchmarkTarget target, IntakeOptions options, LatencyTrace? trace, CancellationToken cancellation)
    {
        var contributor = new RecordsService.RecordsServiceClient(await target.ConnectAsync(options.User, options.Password));

        // A prefix of its own per run, so that against a long-running --server no run's records
        // are taken as duplicates of an earlier run's.
        var sourceRefPrefix = $"bench-{Guid.NewGuid():N}";
        var requests = PersonGenerator.Generate(options.Records, sourceRefPrefix, options.Seed);
        IntakeResult? warmup = null;
        if (options.WarmupRecords > 0)
        {
            var warmupPrefix = $"warmup-{Guid.NewGuid():N}";
            var warmupRequests = PersonGenerator.Generate(options.WarmupRecords, warmupPrefix, options.Seed + 1);
            warmup = await IntakeBenchmark.RunAsync(contributor, warmupRequests, options.BatchSize, options.Parallel, cancellation);

            // The read models too: a fresh host compiles their code as they first run (seconds of CPU), which would
            // otherwise land in the timed intake.
            if (options.SettleMinutes > 0)
            {
                var projections = new ProjectionsService.ProjectionsServiceClient(await target.ConnectAsync(options.AdminUser, options.Password));
                await ProjectionWait.UntilCaughtUpAsync(
                    projections, System.Diagnostics.Stopwatch.StartNew(), TimeSpan.FromMinutes(options.SettleMinutes), TimeSpan.FromMilliseconds(500), cancellation);
            }

            // And the reads: the first thousands of Gets on a fresh host run while it compiles their path again, optimised.
            if (options.Gets > 0 && options.WarmupGets > 0)
            {
                var ids = await ListIdsAsync(target, options, warmupPrefix, cancellation);
                await GetLatencyBenchmark.WarmUpAsync(contributor, ids, options.CaseRef, options.WarmupGets, options.Seed + 2, cancellation);
            }
        }

        // Generating 100,000 messages leaves garbage that would otherwise be collected during the timed intake.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var memoryBefore = target.Memory();
        var cpu = CpuMeter.Start(target.ProcessId);
        var intake = await IntakeBenchmark.RunAsync(contributor, requests, options.BatchSize, options.Parallel, cancellation);
        var intakeCpu = cpu.Stop();
        var memoryAfter = target.Memory();

        LatencyResult? latency = null;
        LatencyResult? settledLatency = null;
        double? settledAfterSeconds = null;
        LatencyResult? catchUpDiskFlush = null;
        LatencyResult? settledDiskFlush = null;
        if (options.Gets > 0)
        {
            var adminChannel = await target.ConnectAsync(options.AdminUser, options.Password);
            var ids = await ListIdsAsync(target, options, sourceRefPrefix, cancellation);
            if (ids.Count != intake.Accepted)
            {
                throw new BenchmarkException($"ReadChanges lists {ids.Count} records of this run, but {intake.Accepted} were acknowledged.");
            }

            latency = await GetLatencyBenchmark.RunAsync(contributor, ids, options.CaseRef, options.Warmup, options.Gets, options.Seed, target.ProcessId, cancellation);
            trace?.Append(run, "catch-up", latency);
            catchUpDiskFlush = ProbeDataDisk(options);

            if (options.SettleMinutes > 0)
            {
                // The same Gets once search, graph and resolution have applied the whole intake: what a reader sees
                // on the platform in steady state, apart from a bulk load's aftermath.
                var sinceIntake = System.Diagnostics.Stopwatch.StartNew();
                await ProjectionWait.UntilCaughtUpAsync(
                    new ProjectionsService.ProjectionsServiceClient(adminChannel), sinceIntake, TimeSpan.FromMinutes(options.SettleMinutes), TimeSpan.FromMilliseconds(500), cancellation);
                settledAfterSeconds = sinceIntake.Elapsed.TotalSeconds;
                AnsiConsole.MarkupLine(Markup.Escape($"  {settledAfterSeconds:0} s: every read model has applied the intake; timing the Gets again"));
                settledLatency = await GetLatencyBenchmark.RunAsync(contributor, ids, options.CaseRef, options.Warmup, options.Gets, options.Seed + 1, target.ProcessId, cancellation);
                trace?.Append(run, "settled", settledLatency);
                settledDiskFlush = ProbeDataDisk(options);
            }
        }

        return new RunResult(run, target.Description, intake, intakeCpu, memoryBefore, memoryAfter, latency, settledLatency, settledAfterSeconds, warmup)
        {
            CatchUpDiskFlush = catchUpDiskFlush,
            SettledDiskFlush = settledDiskFlush,
        };
    }

    /// <summary>
    /// Every Get waits for its audit entry's fsync, so the disk's own flush latency, taken right after each round of
    /// Gets and under the same background writes, is the floor under their tail. Only a host this benchmark started
    /// keeps its data under the data root; a --server's disk may be elsewhere.
    /// </summary>
    private static LatencyResult? ProbeDataDisk(IntakeOptions options) =>
        options.Server is null ? FsyncProbe.Measure(options.DataRoot) : null;

    /// <summary>The ids of the records whose source references start with the prefix, with the case their Gets name registered.</summary>
    private static async Task<IReadOnlyList<string>> ListIdsAsync(IBenchmarkTarget target, IntakeOptions options, string sourceRefPrefix, CancellationToken cancellation)
    {
        var services = new RecordsService.RecordsServiceClient(await target.ConnectAsPlatformServicesAsync());
        var ids = await GetLatencyBenchmark.ListRecordIdsAsync(services, sourceRefPrefix, cancellation);
        var analyst = new AccessService.AccessServiceClient(await target.ConnectAsync(options.AnalystUser, options.Password));
        await GetLatencyBenchmark.EnsureCaseAsync(analyst, options.CaseRef, cancellation);
        return ids;
    }
}

/// <summary>The benchmark could not measure what it set out to (e.g. the server rejected records).</summary>
public sealed class BenchmarkException(string message) : Exception(message);
