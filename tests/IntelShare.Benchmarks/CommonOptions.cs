using System.CommandLine;
using Grpc.Core;
using IntelShare.Testing;
using Spectre.Console;

namespace IntelShare.Benchmarks;

/// <summary>The options every subcommand spells the same way, so that their command lines read alike.</summary>
public static class CommonOptions
{
    public static Option<int> Positive(Option<int> option)
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

    public static Option<T> NotNegative<T>(Option<T> option)
        where T : System.Numerics.INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() < T.Zero)
            {
                result.AddError($"{option.Name} must not be negative.");
            }
        });
        return option;
    }

    public static Option<int> Runs(int runs) =>
        Positive(new Option<int>("--runs") { Description = "Independent runs; the summary is their median.", DefaultValueFactory = _ => runs });

    public static Option<int> Seed(string what) =>
        new("--seed") { Description = $"Seed of {what}, so that every run measures the same work.", DefaultValueFactory = _ => 20_250_101 };

    public static Option<string> Out(string fileName) =>
        new("--out") { Description = "JSON file of the results (BenchmarkDotNet.Artifacts/ is git-ignored).", DefaultValueFactory = _ => Path.Combine("BenchmarkDotNet.Artifacts", fileName) };

    public static Option<string?> DataRoot() =>
        new("--data-root") { Description = "Where each run's temporary data directory is made (default: the system temp directory). It must be a real disk for the fsync to mean anything." };
}

/// <summary>A run's own data directory, so that no run inherits another's files, caches or sizes.</summary>
public static class ScratchDirectory
{
    public static DirectoryInfo Create(string? dataRoot) =>
        dataRoot is null
            ? Directory.CreateTempSubdirectory("intelshare-bench-")
            : Directory.CreateDirectory(Path.Combine(Path.GetFullPath(dataRoot), $"intelshare-bench-{Guid.NewGuid():N}"));
}

/// <summary>
/// The platform a gRPC benchmark talks to: a fresh host per run (the default), or --server, with the
/// options and checks that go with that choice.
/// </summary>
public sealed class PlatformOptions
{
    public Option<string?> DataRoot { get; } = CommonOptions.DataRoot();

    public Option<string?> Server { get; } = new("--server") { Description = "Benchmark an already-running platform at this URL instead of starting a host per run." };

    public Option<string> Password { get; } = new("--password")
    {
        Description = "Password of the accounts used (with --server only: a started host has the demo accounts).",
        DefaultValueFactory = _ => HostProcess.DemoPassword,
    };

    public Option<string> ServicesClient { get; } = new("--services-client")
    {
        Description = "Client id of the platform services (projection role), as which record ids are read back from the change log: people may not read it.",
        DefaultValueFactory = _ => HostProcess.ServicesClientId,
    };

    public Option<string> ServicesSecret { get; } = new("--services-secret")
    {
        Description = "That client's secret (with --server only: a started host has the demo one).",
        DefaultValueFactory = _ => HostProcess.DemoClientSecret,
    };

    public Option<int?> Pid { get; } = new("--pid") { Description = "Process id of the --server host, to report its memory and CPU time." };

    public Option<string?> Identity { get; } = new("--identity")
    {
        Description = "Where to sign in when --server is a service deployed on its own (e.g. Records) rather than the whole platform: the Identity service's URL.",
    };

    public PlatformOptions()
    {
        foreach (var url in new[] { Server, Identity })
        {
            url.Validators.Add(result =>
            {
                if (!Uri.TryCreate(result.GetValueOrDefault<string?>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    result.AddError($"{url.Name} must be an absolute http:// or https:// URL.");
                }
            });
        }
    }

    /// <summary>Adds the options to <paramref name="command"/> with the checks that tie them together.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(DataRoot);
        command.Options.Add(Server);
        command.Options.Add(Password);
        command.Options.Add(ServicesClient);
        command.Options.Add(ServicesSecret);
        command.Options.Add(Pid);
        command.Options.Add(Identity);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Identity) is not null && result.GetResult(Server) is null)
            {
                result.AddError("--identity is for --server: the host started here signs its own tokens.");
            }

            if (result.GetResult(Pid) is not null && result.GetResult(Server) is null)
            {
                result.AddError("--pid is for --server: without it the benchmark starts the host and knows its process.");
            }

            if (result.GetResult(Server) is null && result.GetResult(Password) is not null)
            {
                result.AddError("--password is for --server: the host started here has only the demo accounts.");
            }

            if (result.GetResult(Server) is null && (result.GetResult(ServicesClient) is not null || result.GetResult(ServicesSecret) is not null))
            {
                result.AddError("--services-client and --services-secret are for --server: the host started here has only the demo client.");
            }
        });
    }

    /// <summary>The platform to benchmark, when it is already running: --server, signed in to at --identity or else at --server.</summary>
    public RemoteTarget? Remote(ParseResult parse) => parse.GetValue(Server) is { } url
        ? new RemoteTarget(new Uri(url), parse.GetValue(Identity) is { } identity ? new Uri(identity) : new Uri(url), parse.GetValue(Pid))
        {
            ServicesClient = parse.GetRequiredValue(ServicesClient),
            ServicesSecret = parse.GetRequiredValue(ServicesSecret),
        }
        : null;

    /// <summary>
    /// Runs <paramref name="runOnce"/> on a fresh target per run, reporting each result as it comes. A run that
    /// fails is reported with the host's last output and ends the benchmark: returns null then.
    /// </summary>
    public static async Task<IReadOnlyList<T>?> RunEachAsync<T>(
        int runs,
        RemoteTarget? remote,
        string? dataRoot,
        Func<int, IBenchmarkTarget, Task<T>> runOnce,
        Action<T> reportRun,
        CancellationToken cancellation)
    {
        var results = new List<T>();
        for (var run = 1; run <= runs; run++)
        {
            AnsiConsole.MarkupLine($"[grey]Run {run}/{runs}...[/]");
            await using IBenchmarkTarget target = remote is null ? await LocalHost.StartAsync(dataRoot) : new RemotePlatform(remote);
            try
            {
                var result = await runOnce(run, target);
                results.Add(result);
                reportRun(result);
            }
            catch (Exception error) when (error is RpcException or BenchmarkException && !cancellation.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine($"[red]Run {run} failed:[/] {Markup.Escape(error.Message)}");
                if (target.Output is { Length: > 0 } output)
                {
                    AnsiConsole.WriteLine("Last lines of the host's output:");
                    AnsiConsole.WriteLine(string.Join('\n', output.Split('\n').TakeLast(40)));
                }

                return null;
            }
        }

        return results;
    }
}

/// <param name="Server">Where the calls go.</param>
/// <param name="Identity">Where the accounts sign in: the same URL for the all-in-one host.</param>
/// <param name="ProcessId">The server's process, for its memory and CPU time.</param>
public sealed record RemoteTarget(Uri Server, Uri Identity, int? ProcessId)
{
    public string ServicesClient { get; init; } = HostProcess.ServicesClientId;

    public string ServicesSecret { get; init; } = HostProcess.DemoClientSecret;
}
