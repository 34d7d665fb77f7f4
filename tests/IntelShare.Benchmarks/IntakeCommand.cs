using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Serialization;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Testing;
using Spectre.Console;

namespace IntelShare.Benchmarks;

public sealed record IntakeOptions(
    int Records,
    int BatchSize,
    int Parallel,
    int Runs,
    int Gets,
    int Warmup,
    int Seed,
    string Out,
    string? DataRoot,
    Uri? Server,
    string User,
    [property: JsonIgnore] string Password,
    string AdminUser,
    string AnalystUser,
    string CaseRef,
    int? Pid);

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
        var runs = Positive(new Option<int>("--runs") { Description = "Independent runs; the summary is their median.", DefaultValueFactory = _ => 3 });
        var gets = NotNegative(new Option<int>("--gets") { Description = "Timed sequential Get calls of random contributed records per run (0 skips them).", DefaultValueFactory = _ => 10_000 });
        var warmup = NotNegative(new Option<int>("--warmup") { Description = "Untimed Get calls before the timed ones.", DefaultValueFactory = _ => 1_000 });
        var seed = new Option<int>("--seed") { Description = "Seed of the generated records and of the Get order.", DefaultValueFactory = _ => 20_250_101 };
        var output = new Option<string>("--out") { Description = "JSON file of the results (BenchmarkDotNet.Artifacts/ is git-ignored).", DefaultValueFactory = _ => Path.Combine("BenchmarkDotNet.Artifacts", "intake.json") };
        var dataRoot = new Option<string?>("--data-root") { Description = "Where each run's temporary data directory is made (default: the system temp directory). It must be a real disk for the fsync to mean anything." };
        var server = new Option<string?>("--server") { Description = "Benchmark an already-running platform at this URL instead of starting a host per run." };
        var user = new Option<string>("--user") { Description = "Contributor account that sends the records and reads them back.", DefaultValueFactory = _ => "contributor" };
        var password = new Option<string>("--password") { Description = "Password of --user, --admin-user and --analyst-user (with --server only: a started host has the demo accounts).", DefaultValueFactory = _ => HostProcess.DemoPassword };
        var adminUser = new Option<string>("--admin-user") { Description = "Account with the admin or projection role: ContributeStream answers with counts only, so the ids to Get are read back from the whole change log (ReadChanges).", DefaultValueFactory = _ => "admin" };
        var analystUser = new Option<string>("--analyst-user") { Description = "Account with the analyst or supervisor role, to register --case-ref when it is not yet a known case.", DefaultValueFactory = _ => "analyst" };
        var caseRef = new Option<string>("--case-ref") { Description = "Case the Gets are justified by (reads must name a known case).", DefaultValueFactory = _ => "BENCH" };
        var pid = new Option<int?>("--pid") { Description = "Process id of the --server host, to report its memory and CPU time." };

        server.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string?>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                result.AddError("--server must be an absolute http:// or https:// URL.");
            }
        });

        var command = new Command("intake", "Bulk intake through ContributeStream (records/s acknowledged durable), then Get latency and the host's memory.")
        {
            records, batchSize, parallel, runs, gets, warmup, seed, output, dataRoot, server, user, password, adminUser, analystUser, caseRef, pid,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(pid) is not null && result.GetResult(server) is null)
            {
                result.AddError("--pid is for --server: without it the benchmark starts the host and knows its process.");
            }

            if (result.GetResult(server) is null && result.GetResult(password) is not null)
            {
                result.AddError("--password is for --server: the host started here has only the demo accounts.");
            }
        });

        command.SetAction((parse, cancellation) =>
        {
            var serverUrl = parse.GetValue(server);
            var options = new IntakeOptions(
                parse.GetValue(records),
                parse.GetValue(batchSize),
                parse.GetValue(parallel),
                parse.GetValue(runs),
                parse.GetValue(gets),
                parse.GetValue(warmup),
                parse.GetValue(seed),
                parse.GetValue(output)!,
                parse.GetValue(dataRoot),
                serverUrl is null ? null : new Uri(serverUrl),
                parse.GetValue(user)!,
                parse.GetValue(password)!,
                parse.GetValue(adminUser)!,
                parse.GetValue(analystUser)!,
                parse.GetValue(caseRef)!,
                parse.GetValue(pid));
            return RunAsync(options, commandLine, cancellation);
        });
        return command;
    }

    private static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError($"{option.Name} must be at least 1.");
            }
        });
        return option;
    }

    private static Option<int> NotNegative(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError($"{option.Name} must not be negative.");
            }
        });
        return option;
    }

    private static async Task<int> RunAsync(IntakeOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        Report.WriteHeader(machine, options);
        if (machine.Configuration != "Release")
        {
            AnsiConsole.MarkupLine($"[yellow]Warning:[/] this is a {Markup.Escape(machine.Configuration)} build, and so is the host it starts: run with -c Release for figures worth quoting.");
        }

        var runs = new List<RunResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            AnsiConsole.MarkupLine($"[grey]Run {run}/{options.Runs}...[/]");
            await using IBenchmarkTarget target = options.Server is null
                ? await LocalHost.StartAsync(options.DataRoot)
                : new RemotePlatform(options.Server, options.Pid);
            try
            {
                var result = await RunOnceAsync(run, target, options, cancellation);
                runs.Add(result);
                Report.WriteRunLine(result);
            }
            catch (Exception error) when (error is RpcException or BenchmarkException && !cancellation.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine($"[red]Run {run} failed:[/] {Markup.Escape(error.Message)}");
                if (target.Output is { Length: > 0 } output)
                {
                    AnsiConsole.WriteLine("Last lines of the host's output:");
                    AnsiConsole.WriteLine(string.Join('\n', output.Split('\n').TakeLast(40)));
                }

                return 1;
            }
        }

        var summary = BenchmarkSummary.Of(machine, options, runs);
        Report.WriteSummary(summary);
        var path = Report.WriteJson(summary, options.Out);
        AnsiConsole.MarkupLine($"Results written to [bold]{Markup.Escape(path)}[/]");
        return 0;
    }

    private static async Task<RunResult> RunOnceAsync(int run, IBenchmarkTarget target, IntakeOptions options, CancellationToken cancellation)
    {
        var contributor = new RecordsService.RecordsServiceClient(await target.ConnectAsync(options.User, options.Password));

        // A prefix of its own per run, so that against a long-running --server no run's records
        // are taken as duplicates of an earlier run's.
        var sourceRefPrefix = $"bench-{Guid.NewGuid():N}";
        var requests = PersonGenerator.Generate(options.Records, sourceRefPrefix, options.Seed);

        // Generating 100,000 messages leaves garbage that would otherwise be collected during the timed intake.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var memoryBefore = target.Memory();
        var cpu = CpuMeter.Start(target.ProcessId);
        var intake = await IntakeBenchmark.RunAsync(contributor, requests, options.BatchSize, options.Parallel, cancellation);
        var intakeCpu = cpu.Stop();
        var memoryAfter = target.Memory();

        LatencyResult? latency = null;
        if (options.Gets > 0)
        {
            var admin = new RecordsService.RecordsServiceClient(await target.ConnectAsync(options.AdminUser, options.Password));
            var ids = await GetLatencyBenchmark.ListRecordIdsAsync(admin, sourceRefPrefix, cancellation);
            if (ids.Count != intake.Accepted)
            {
                throw new BenchmarkException($"ReadChanges lists {ids.Count} records of this run, but {intake.Accepted} were acknowledged.");
            }

            var analyst = new AccessService.AccessServiceClient(await target.ConnectAsync(options.AnalystUser, options.Password));
            await GetLatencyBenchmark.EnsureCaseAsync(analyst, options.CaseRef, cancellation);
            latency = await GetLatencyBenchmark.RunAsync(contributor, ids, options.CaseRef, options.Warmup, options.Gets, options.Seed, target.ProcessId, cancellation);
        }

        return new RunResult(run, target.Description, intake, intakeCpu, memoryBefore, memoryAfter, latency);
    }
}

/// <summary>The benchmark could not measure what it set out to (e.g. the server rejected records).</summary>
public sealed class BenchmarkException(string message) : Exception(message);
