using Spectre.Console;

namespace IntelShare.Cli;

/// <summary>
/// Everything the CLI takes from its surroundings, so that tests can run it in-process against a
/// test server with a recording console and a throwaway home directory.
/// </summary>
public sealed class CliContext
{
    public const string HomeVariable = "INTELSHARE_HOME";
    public const string ServerVariable = "INTELSHARE_SERVER";
    public const string BuiltInServer = "http://localhost:5080";

    /// <summary>Where the session file and import checkpoints live.</summary>
    public string HomeDirectory { get; init; } = DefaultHomeDirectory();

    public IAnsiConsole Console { get; init; } = AnsiConsole.Console;

    /// <summary>The current directory, where an import's rejects go when its input's directory is read-only.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>
    /// When set, carries both the token requests and the gRPC calls (a test server's handler).
    /// The CLI never disposes it.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>
    /// The server used when --server is not given. It wins over the server of the saved session,
    /// as the INTELSHARE_SERVER variable it defaults to should.
    /// </summary>
    public string? DefaultServer { get; init; } = Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server : null;

    /// <summary>Where passwords and secrets are read from when not passed as options; null prompts on the console.</summary>
    public TextReader? Input { get; init; }

    /// <summary>First wait before resending an import batch the server did not take; doubles on each retry.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a non-interactive console gets an import progress line.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    public static string DefaultHomeDirectory() =>
        Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".intelshare");
}
