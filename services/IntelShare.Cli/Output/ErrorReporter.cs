using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;
using IntelShare.Cli.Session;
using Spectre.Console;

namespace IntelShare.Cli.Output;

/// <summary>Turns whatever stopped a command into a message the user can act on, and its exit code.</summary>
internal static class ErrorReporter
{
    public static int Report(CliRun run, Exception exception)
    {
        var console = run.Console;
        switch (exception)
        {
            case UsageException usage:
                console.Error(usage.Message);
                return ExitCodes.Usage;
            case CliException or ServerUnreachableException:
                console.Error(exception.Message);
                return ExitCodes.Failure;
            case TokenRefusedException refused:
                console.Error($"Sign-in refused: {refused.Message}");
                return ExitCodes.Failure;
            case RpcException rpc:
                ReportRpc(run, rpc);
                return ExitCodes.Failure;
            case OperationCanceledException:
                console.Error("Cancelled.");
                return ExitCodes.Failure;
            case IOException or UnauthorizedAccessException:
                // A file the command reads or writes; the message names it, and a stack trace would not help.
                console.Error($"{exception.Message} Check the path and its permissions.");
                return ExitCodes.Failure;
            default:
                console.Error($"Unexpected error: {exception}");
                return ExitCodes.Failure;
        }
    }

    private static void ReportRpc(CliRun run, RpcException e)
    {
        var console = run.Console;
        var server = run.Server ?? "the server";
        var detail = e.Status.Detail;

        // Failures raised on our side of a call (renewing the token) travel inside the RpcException.
        if (e.Status.DebugException is CliException or ServerUnreachableException)
        {
            console.Error(e.Status.DebugException.Message);
            return;
        }

        switch (e.StatusCode)
        {
            case StatusCode.Unavailable when IsConnectionFailure(e):
                console.Error(ServerUnreachableException.Describe(server, e.Status.DebugException?.Message ?? detail));
                break;
            case StatusCode.Unauthenticated:
                console.Error($"{server} did not accept your session ({detail}): run `{run.LoginHint ?? "intelshare login --user <name>"}` again.");
                break;
            case StatusCode.PermissionDenied:
                console.Error($"Permission denied: {detail}");
                break;
            case StatusCode.NotFound:
                console.Error($"Not found: {detail}");
                break;
            case StatusCode.FailedPrecondition:
                console.Error($"Refused: {detail}");
                break;
            case StatusCode.InvalidArgument:
                ReportInvalidArgument(console, e);
                break;
            case StatusCode.Cancelled:
                console.Error($"Cancelled ({detail}).");
                break;
            default:
                console.Error($"{server} answered {e.StatusCode}: {detail}");
                break;
        }
    }

    /// <summary>Every field problem the server named, one per line; the summary in the status detail repeats them.</summary>
    private static void ReportInvalidArgument(IAnsiConsole console, RpcException e)
    {
        var violations = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        if (violations is not { Count: > 0 })
        {
            console.Error($"Invalid request: {e.Status.Detail}");
            return;
        }

        console.Error("The server refused the request:");
        foreach (var violation in violations)
        {
            console.MarkupLine($"  [red]-[/] [bold]{Markup.Escape(violation.Field)}[/]: {Markup.Escape(violation.Description)}");
        }
    }

    private static bool IsConnectionFailure(RpcException e) =>
        e.Status.DebugException is HttpRequestException or SocketException or IOException
        || e.Status.DebugException?.InnerException is SocketException;
}
