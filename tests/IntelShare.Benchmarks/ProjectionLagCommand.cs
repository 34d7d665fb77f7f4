using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Serialization;
using IntelShare.Contracts.V1;
using Spectre.Console;
using static IntelShare.Benchmarks.CommonOptions;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record ProjectionLagOptions(
    int Rate,
    int Seconds,
    int WarmupSeconds,
    int TickMilliseconds,
    int PollMilliseconds,
    int Runs,
    int Seed,
    string Out,
    string? DataRoot,
    RemoteTarget? Server,
    string User,
    [property: JsonIgnore] string Password,
    string AdminUser);

/// <summary>One projection's lag over one run: what Status reported, sampled while intake ran, and how long it took to drain after.</summary>
public sealed record ProjectionLag(string Projection, int Samples, double P50Seconds, double P99Seconds, double MaxSeconds, long MaxChanges, double DrainSeconds);

/// <summary>One paced intake and the lag it caused: the warm-up on a freshly started host, or the measured run after it.</summary>
public sealed record ProjectionLagPhase(long Sent, double IntakeSeconds, double AchievedRate, IReadOnlyList<ProjectionLag> Projections);

public sealed record ProjectionLagRun(int Run, string Target, ProjectionLagPhase? Warmup, ProjectionLagPhase Measured);

public sealed record ProjectionLagSummary(MachineInfo Machine, ProjectionLagOptions Options, IReadOnlyList<ProjectionLagRun> Runs, IReadOnlyList<Target> Targets);

/// <summary>
/// The "lag" subcommand: a sustained, paced intake (records/s held steady, as an agency's live feed would send them)
/// while every projection's lag behind Records is sampled through ProjectionsService.Status.
/// </summary>
public static class ProjectionLagCommand
{
    /// <summary>The search index must stay within this of Records under the sustained intake.</summary>
    private const double SearchLagGoalSeconds = 2;

    public static Command Create(string[] commandLine)
    {
        var rate = Positive(new Option<int>("--rate") { Description = "Records per second sent, held steady.", DefaultValueFactory = _ => 2_000 });
        var seconds = Positive(new Option<int>("--seconds") { Description = "How long the intake lasts per run.", DefaultValueFactory = _ => 60 });
        var warmup = new Option<int>("--warmup-seconds")
        {
            Description = "A first intake at the same rate, reported apart and not counted in the targets: a host just started compiles its code "
                + "as it first runs (about 10 s of CPU here), which says nothing about a sustained feed. 0 measures the cold host.",
            DefaultValueFactory = _ => 20,
        };
        var tick = Positive(new Option<int>("--tick-ms") { Description = "Interval between ContributeStream calls; each sends what the rate owes since the last.", DefaultValueFactory = _ => 100 });
        var poll = Positive(new Option<int>("--poll-ms") { Description = "Interval between Status samples.", DefaultValueFactory = _ => 100 });
        var runs = CommonOptions.Runs(3);
        var seed = CommonOptions.Seed("the generated records");
        var output = CommonOptions.Out("lag.json");
        var platform = new PlatformOptions();
        var user = new Option<string>("--user") { Description = "Contributor account that sends the records.", DefaultValueFactory = _ => "contributor" };
        var adminUser = new Option<string>("--admin-user") { Description = "Account allowed to read projection status.", DefaultValueFactory = _ => "admin" };
        var command = new Command("lag", "Projection lag behind Records (search, graph, resolution) under a sustained intake rate.")
        {
            rate, seconds, warmup, tick, poll, runs, seed, output, user, adminUser,
        };
        platform.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync(
            new ProjectionLagOptions(
                parse.GetValue(rate), parse.GetValue(seconds), Math.Max(0, parse.GetValue(warmup)), parse.GetValue(tick), parse.GetValue(poll), parse.GetValue(runs), parse.GetValue(seed),
                parse.GetValue(output)!, parse.GetValue(platform.DataRoot), platform.Remote(parse), parse.GetValue(user)!,
                parse.GetValue(platform.Password)!, parse.GetValue(adminUser)!),
            commandLine,
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(ProjectionLagOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        WriteHeader(
            machine,
            "Projection lag under sustained intake",
            ("Intake", $"{options.Rate:N0} person records/s for {options.Seconds} s, a ContributeStream call every {options.TickMilliseconds} ms"),
            ("Warm-up", options.WarmupSeconds > 0 ? $"{options.WarmupSeconds} s at the same rate first, reported apart, then caught up" : "none: the host is measured cold"),
            ("Sampled", $"ProjectionsService.Status every {options.PollMilliseconds} ms; lag is the age of the oldest change a projection has not applied"),
            ("Runs", $"{options.Runs}, each on a fresh host and data directory unless --server is given"));
        var runs = await PlatformOptions.RunEachAsync(
            options.Runs, options.Server, options.DataRoot,
            (run, target) => RunOnceAsync(run, target, options, cancellation),
            WriteRun,
            cancellation);
        if (runs is null)
        {
            return 1;
        }

        var searchP99 = Statistics.Median(runs.Select(r => r.Measured.Projections.FirstOrDefault(p => p.Projection == "search")?.P99Seconds));
        var searchMax = Statistics.Median(runs.Select(r => r.Measured.Projections.FirstOrDefault(p => p.Projection == "search")?.MaxSeconds));
        Target[] targets =
        [
            Target.AtLeast($"intake held at {options.Rate:N0} records/s (median achieved)", options.Rate * 0.98, Statistics.Median(runs.Select(r => r.Measured.AchievedRate))),
            Target.AtMost("search projection lag p99, s (median of runs)", SearchLagGoalSeconds, searchP99),
            Target.AtMost("search projection lag max, s (median of runs)", SearchLagGoalSeconds, searchMax),
        ];
        Conclude(new ProjectionLagSummary(machine, options, runs, targets), targets, options.Out);
        return 0;
    }

    private static async Task<ProjectionLagRun> RunOnceAsync(int run, IBenchmarkTarget target, ProjectionLagOptions options, CancellationToken cancellation)
    {
        var records = new RecordsService.RecordsServiceClient(await target.ConnectAsync(options.User, options.Password));
        var projections = new ProjectionsService.ProjectionsServiceClient(await target.ConnectAsync(options.AdminUser, options.Password));
        var prefix = $"lag-{Guid.NewGuid():N}";
        var warmup = options.WarmupSeconds > 0
            ? await PhaseAsync(records, projections, PersonGenerator.Generate(options.Rate * options.WarmupSeconds, prefix + "-warmup", options.Seed + 1000 + run), options, cancellation)
            : null;
        var measured = await PhaseAsync(records, projections, PersonGenerator.Generate(options.Rate * options.Seconds, prefix, options.Seed + run), options, cancellation);
        return new ProjectionLagRun(run, target.Description, warmup, measured);
    }

    private static async Task<ProjectionLagPhase> PhaseAsync(
        RecordsService.RecordsServiceClient records,
        ProjectionsService.ProjectionsServiceClient projections,
        IReadOnlyList<ContributeRequest> requests,
        ProjectionLagOptions options,
        CancellationToken cancellation)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var clock = new Stopwatch();

        // Nothing may be behind before the clock starts, or the first samples would measure what came before.
        await ProjectionWait.UntilCaughtUpAsync(projections, clock, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(options.PollMilliseconds), cancellation);

        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var samples = new List<ProjectionStatus>();
        var sampler = SampleAsync(projections, options.PollMilliseconds, samples, stopSampling.Token);

        clock.Start();
        var sent = 0;
        while (sent < requests.Count)
        {
            // Each tick sends what the rate owes up to now, so a slow call is made up for rather than lowering the rate.
            var owed = (int)Math.Min(requests.Count, Math.Ceiling(clock.Elapsed.TotalSeconds * options.Rate)) - sent;
            if (owed > 0)
            {
                await SendAsync(records, requests.Skip(sent).Take(owed), cancellation);
                sent += owed;
            }

            var nextTick = TimeSpan.FromMilliseconds(options.TickMilliseconds * (Math.Floor(clock.Elapsed.TotalMilliseconds / options.TickMilliseconds) + 1));
            if (nextTick > clock.Elapsed && sent < requests.Count)
            {
                await Task.Delay(nextTick - clock.Elapsed, cancellation);
            }
        }

        var intakeSeconds = clock.Elapsed.TotalSeconds;
        var drained = await ProjectionWait.UntilCaughtUpAsync(projections, clock, TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(options.PollMilliseconds), cancellation);
        await stopSampling.CancelAsync();
        await sampler;

        var lags = samples.GroupBy(s => s.Name).OrderBy(g => g.Key).Select(g =>
        {
            var seconds = g.Select(s => s.LagSeconds).Order().ToArray();
            return new ProjectionLag(
                g.Key, seconds.Length, Statistics.Percentile(seconds, 0.5), Statistics.Percentile(seconds, 0.99), seconds[^1],
                g.Max(s => s.LagChanges), Math.Max(0, drained.GetValueOrDefault(g.Key) - intakeSeconds));
        }).ToList();
        return new ProjectionLagPhase(sent, intakeSeconds, sent / intakeSeconds, lags);
    }

    private static async Task SendAsync(RecordsService.RecordsServiceClient records, IEnumerable<ContributeRequest> batch, CancellationToken cancellation)
    {
        using var call = records.ContributeStream(cancellationToken: cancellation);
        var count = 0;
        foreach (var request in batch)
        {
            await call.RequestStream.WriteAsync(request, cancellation);
            count++;
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        if (response.Accepted != count)
        {
            throw new BenchmarkException($"Expected {count} records accepted, but {response.Accepted} were ({response.Rejected} rejected, {response.Duplicates} duplicates).");
        }
    }

    private static async Task SampleAsync(ProjectionsService.ProjectionsServiceClient client, int pollMilliseconds, List<ProjectionStatus> samples, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(pollMilliseconds));
        try
        {
            do
            {
                var status = await client.StatusAsync(new ProjectionStatusRequest(), cancellationToken: stop);
                samples.AddRange(status.Projections);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (Exception error) when (stop.IsCancellationRequested && error is OperationCanceledException or Grpc.Core.RpcException)
        {
            // Sampling ends when the run does.
        }
    }

    private static void WriteRun(ProjectionLagRun run)
    {
        if (run.Warmup is { } warmup)
        {
            WritePhase($"Run {run.Run}, warm-up on the fresh host (not in the targets)", warmup);
        }

        WritePhase($"Run {run.Run}", run.Measured);
    }

    private static void WritePhase(string title, ProjectionLagPhase phase)
    {
        AnsiConsole.MarkupLine($"{Markup.Escape(title)}: {Text(phase.Sent)} records in {Number(phase.IntakeSeconds, "0.0")} s ({Number(phase.AchievedRate, "N0")} records/s)");
        var table = Table($"{title}: lag behind Records", "Projection", "Samples", "p50 s", "p99 s", "max s", "max changes behind", "drain after intake s");
        foreach (var lag in phase.Projections)
        {
            table.AddRow(
                Markup.Escape(lag.Projection), Text(lag.Samples), Number(lag.P50Seconds, "0.000"), Number(lag.P99Seconds, "0.000"),
                Number(lag.MaxSeconds, "0.000"), Text(lag.MaxChanges), Number(lag.DrainSeconds, "0.0"));
        }

        AnsiConsole.Write(table);
    }
}
