using System.Diagnostics;
using System.Text;
using System.Text.Json;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Testing;

namespace IntelShare.Platform.Tests;

/// <summary>
/// Every benchmark command runs to the end on a tiny workload against the real host and engines, and reports a
/// measured figure for each of its targets. Whether a target is met depends on the machine and is not checked:
/// this catches a benchmark that no longer works with the platform (a call the platform now refuses, a missing
/// figure) before someone needs its numbers.
/// </summary>
public sealed class BenchmarkCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly TemporaryDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<string, string[]> Commands => new()
    {
        { "intake", ["--records", "300", "--batch-size", "100", "--runs", "1", "--gets", "50", "--warmup", "10", "--warmup-records", "0", "--warmup-gets", "0", "--settle-minutes", "1"] },
        { "policy", ["--decisions", "2000", "--runs", "1"] },
        { "check", ["--calls", "50", "--warmup", "10", "--runs", "1"] },
        { "audit", ["--appends", "200", "--warmup", "10", "--runs", "1"] },
        { "proofs", ["--entries", "2000", "--proofs", "100", "--runs", "1"] },
        { "search", ["--records", "2000", "--queries", "20"] },
        { "graph", ["--nodes", "2000", "--edges", "6000", "--queries", "20"] },
        { "graph-grpc", ["--records", "600", "--queries", "10", "--warmup", "2", "--rounds", "1"] },
        { "resolution", ["--records", "2000", "--queries", "20"] },
        { "lag", ["--rate", "200", "--seconds", "2", "--warmup-seconds", "0", "--runs", "1"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_benchmark_command_measures_every_figure_it_has_a_target_for(string command, string[] workload)
    {
        var results = Path.Combine(_scratch.Path, command + ".json");
        string[] arguments = [command, .. workload, "--out", results, .. UsesDataRoot(command) ? ["--data-root", _scratch.Path] : Array.Empty<string>()];

        var (exitCode, output) = await RunBenchmarksAsync(arguments);

        Assert.True(exitCode == 0, $"'{string.Join(' ', arguments)}' exited with {exitCode}:\n{output}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        var targets = summary.RootElement.GetProperty("targets").EnumerateArray().ToList();
        Assert.NotEmpty(targets);
        Assert.All(targets, target => Assert.True(
            target.GetProperty("measured").ValueKind == JsonValueKind.Number,
            $"'{target.GetProperty("figure").GetString()}' was not measured:\n{output}"));
    }

    // The policy and resolution benchmarks are in memory: they have no data directory to place.
    private static bool UsesDataRoot(string command) => command is not ("policy" or "resolution");

    private static async Task<(int ExitCode, string Output)> RunBenchmarksAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [HostProcess.ProjectAssembly("tests", "IntelShare.Benchmarks"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = HostProcess.RepositoryRoot(),
        };
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"The benchmark was still running after {Timeout}:\n{Text()}");
        }

        // The exit is seen before the last redirected lines are read; waiting without a timeout drains them.
        await process.WaitForExitAsync(CancellationToken.None);
        return (process.ExitCode, Text());

        void Append(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}
