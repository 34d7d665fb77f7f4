using IntelShare.Contracts.V1;

namespace IntelShare.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    /// <summary>
    /// The platform answered, but with the record's existence only: a script reading records must tell that from a
    /// record it got, as a user sees it from the message.
    /// </summary>
    public const int NotReleased = 3;

    public static int ForDecision(Decision? decision) => decision?.Effect == Effect.ExistenceOnly ? NotReleased : Ok;
}

/// <summary>A failure the user can act on; the message is shown as is and the exit code is 1.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Arguments the parser accepted but that make no sense together; exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The platform did not answer at all, as opposed to answering with an error.</summary>
internal sealed class ServerUnreachableException(string server, string detail, Exception? inner = null)
    : Exception(Describe(server, detail), inner)
{
    public string Server { get; } = server;

    public static string Describe(string server, string detail) =>
        $"Cannot reach the IntelShare platform at {server} ({detail}).{Environment.NewLine}" +
        "Start it with `dotnet run --project services/IntelShare.Host`, or point --server / INTELSHARE_SERVER at a running one.";
}
