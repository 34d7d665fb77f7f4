using System.CommandLine;
using System.Text.Json.Serialization;
using Grpc.Core;
using Grpc.Health.V1;
using IntelShare.Contracts.V1;
using IntelShare.ServiceDefaults;
using Spectre.Console;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record CheckOptions(
    int Calls,
    int Warmup,
    int Runs,
    int Seed,
    string Out,
    string? DataRoot,
    RemoteTarget? Server,
    string User,
    [property: JsonIgnore] string Password,
    string CaseRef);

public sealed record CheckRun(int Run, string Platform, LatencyResult Latency, LatencyResult HealthRoundTrip, IReadOnlyDictionary<string, long> Effects);

public sealed record CheckSummary(
    MachineInfo Machine,
    CheckOptions Options,
    LatencyResult? DiskFsync,
    IReadOnlyList<CheckRun> Runs,
    LatencyMedian Median,
    IReadOnlyList<Target> Targets)
{
    public const double P99TargetMs = 2;
}

/// <summary>
/// The "check" subcommand: one caller's AccessService.Check latency over gRPC on loopback, for the services
/// that are not in-process with Access, called as they call it: on the user's behalf, with the user's token and
/// the platform services' own beside it (Check takes the caller's word for a marking). Each Check is decided by the policy and durably audited (appended
/// and fsynced) before it is answered, so its latency includes an fsync, measured on its own beside it.
/// </summary>
public static class CheckCommand
{
    public static Command Create(string[] commandLine)
    {
        var calls = CommonOptions.Positive(new Option<int>("--calls") { Description = "Timed sequential Check calls per run.", DefaultValueFactory = _ => 10_000 });
        var warmup = CommonOptions.NotNegative(new Option<int>("--warmup") { Description = "Untimed Check calls before the timed ones: enough (about 15 s) for the JIT to have finished optimising the host's hot code, as in a service that has been running. With 5,000, tiered PGO was still recompiling during the timed calls (p99 about 0.8 ms higher).", DefaultValueFactory = _ => 20_000 });
        var runs = CommonOptions.Runs(3);
        var seed = CommonOptions.Seed("the generated markings and justifications");
        var output = CommonOptions.Out("check.json");
        var user = new Option<string>("--user") { Description = "Account that calls Check; with the analyst or supervisor role, it also registers --case-ref when it is not yet known.", DefaultValueFactory = _ => "analyst" };
        var caseRef = new Option<string>("--case-ref") { Description = "Case the checks are justified by (a justification must name a known case).", DefaultValueFactory = _ => "BENCH" };
        var platform = new PlatformOptions();
        var command = new Command("check", "AccessService.Check latency over gRPC on loopback: p50/p90/p99/max of sequential calls, each durably audited.")
        {
            calls, warmup, runs, seed, output, user, caseRef,
        };
        platform.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync(
            new CheckOptions(
                parse.GetValue(calls),
                parse.GetValue(warmup),
                parse.GetValue(runs),
                parse.GetValue(seed),
                parse.GetValue(output)!,
                parse.GetValue(platform.DataRoot),
                platform.Remote(parse),
                parse.GetValue(user)!,
                parse.GetValue(platform.Password)!,
                parse.GetValue(caseRef)!),
            commandLine,
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(CheckOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        Report.WriteHeader(
            machine,
            "IntelShare access check benchmark",
            ("Platform", options.Server is null ? "a fresh host process and data directory per run, on loopback" : options.Server.ToString()),
            ("Workload",
                $"{options.Calls:N0} sequential Check calls as '{options.User}' after {options.Warmup:N0} warm-up, one record each, of mixed markings " +
                $"(originators, classifications, caveats, releasability, withdrawn) and purposes; {options.Runs} run(s)"));

        // Only meaningful where the host writes: a --server's disk is not this one.
        var fsync = options.Server is null ? FsyncProbe.Measure(options.DataRoot) : null;
        var requests = Requests(options);
        var runs = await PlatformOptions.RunEachAsync(
            options.Runs, options.Server, options.DataRoot,
            (run, target) => RunOnceAsync(run, target, requests, options, cancellation),
            run => AnsiConsole.MarkupLine(Markup.Escape(
                $"Run {run.Run}: Check p50 {run.Latency.P50Ms:0.000} ms, p99 {run.Latency.P99Ms:0.000} ms, max {run.Latency.MaxMs:0.000} ms")),
            cancellation);
        if (runs is null)
        {
            return 1;
        }

        var median = LatencyMedian.Of(runs.Select(r => r.Latency))!;
        Target[] targets = [Target.AtMost("Check p99 latency over gRPC on loopback, ms (median over runs)", CheckSummary.P99TargetMs, median.P99Ms)];
        var summary = new CheckSummary(machine, options, fsync, runs, median, targets);
        WriteLatencyTable("Check latency (sequential, each decision audited with fsync before the answer), ms", runs.Select(r => (Text(r.Run), r.Latency)), median);
        WriteLatencyTable(
            "For comparison: the same number of gRPC health checks on the same channel (no policy, no audit; an anonymous endpoint), ms",
            runs.Select(r => (Text(r.Run), r.HealthRoundTrip)), LatencyMedian.Of(runs.Select(r => r.HealthRoundTrip)));
        WriteEffects(runs);
        if (fsync is not null)
        {
            WriteLatencyTable($"For comparison: one {FsyncProbe.AppendBytes}-byte append + fsync on the data disk, no host, ms", [("probe", fsync)], null, "CPU µs per call");
        }

        Conclude(summary, targets, options.Out);
        return 0;
    }

    /// <summary>Warm-up and timed calls, each its own question; generated once, so every run asks the same.</summary>
    private static CheckRequest[] Requests(CheckOptions options)
    {
        var workload = PolicyWorkload.Generate(options.Seed, DateTimeOffset.UtcNow, options.Warmup + options.Calls, subjects: 1);
        var requests = new CheckRequest[workload.Decisions];
        for (var i = 0; i < requests.Length; i++)
        {
            var justification = workload.WireJustifications[workload.JustificationOf[i]];
            requests[i] = new CheckRequest
            {
                Item = workload.Items[workload.ResourceOf[i]],
                Justification = new Justification
                {
                    // The caller is a real user of the started host, so its one known case; a read without a
                    // reason would be refused before the policy and the audit log are reached.
                    CaseRef = options.CaseRef,
                    Reason = string.IsNullOrWhiteSpace(justification.Reason) ? "benchmark" : justification.Reason,
                    Purpose = justification.Purpose,
                },
                Action = "check",
            };
        }

        return requests;
    }

    private static async Task<CheckRun> RunOnceAsync(int run, IBenchmarkTarget target, CheckRequest[] requests, CheckOptions options, CancellationToken cancellation)
    {
        var channel = await target.ConnectAsync(options.User, options.Password);
        var access = new AccessService.AccessServiceClient(channel);
        await GetLatencyBenchmark.EnsureCaseAsync(access, options.CaseRef, cancellation);
        var onBehalf = new Metadata { { PlatformServiceCall.Header, await target.PlatformServicesTokenAsync() } };

        var effects = new Dictionary<string, long>();
        var next = 0;
        var latency = await LatencyMeter.MeasureAsync(options.Warmup, options.Calls, target.ProcessId, async () =>
        {
            var response = await access.CheckAsync(requests[next++], onBehalf, cancellationToken: cancellation);
            if (response.Decision is not { Effect: not Effect.Unspecified } decision)
            {
                throw new BenchmarkException($"Check answered without a decision: {response}");
            }

            effects[decision.Effect.ToString()] = effects.GetValueOrDefault(decision.Effect.ToString()) + 1;
        });

        // The floor this machine puts under any call: a round trip through the same client, connection and server.
        var health = new Health.HealthClient(channel);
        var probe = new HealthCheckRequest();
        var roundTrip = await LatencyMeter.MeasureAsync(options.Warmup, options.Calls, target.ProcessId, async () =>
            await health.CheckAsync(probe, cancellationToken: cancellation));
        return new CheckRun(run, target.Description, latency, roundTrip, effects);
    }

    private static void WriteEffects(IReadOnlyList<CheckRun> runs)
    {
        var effects = runs[0].Effects;
        var total = effects.Values.Sum();
        AnsiConsole.MarkupLine(Markup.Escape(
            "Decisions of a run (warm-up included): " + string.Join(", ", effects.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {100.0 * e.Value / total:0.0}%"))));
    }
}
