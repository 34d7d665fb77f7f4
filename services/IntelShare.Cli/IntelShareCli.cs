using System.CommandLine;
using IntelShare.Cli.Commands;
using IntelShare.Cli.Output;

namespace IntelShare.Cli;

/// <summary>The `intelshare` command line, callable in-process (tests) as well as from Program.</summary>
public static class IntelShareCli
{
    /// <summary>Runs one command line. Exit codes: 0 success, 1 failure, 2 usage error.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);

        var run = new CliRun(context);
        var parseResult = CliCommands.Build(run).Parse(args);

        // Help and parse errors are preformatted text: written raw so that Spectre does not re-wrap them.
        var writer = context.Console.Profile.Out.Writer;
        var configuration = new InvocationConfiguration
        {
            Output = writer,
            Error = writer,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            var exitCode = await parseResult.InvokeAsync(configuration, ct);
            return parseResult.Errors.Count > 0 ? ExitCodes.Usage : exitCode;
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(run, e);
        }
    }
}
