using Spectre.Console;

namespace IntelShare.Cli;

/// <summary>One invocation of the CLI: the context plus what the commands learn while they run.</summary>
internal sealed class CliRun(CliContext context)
{
    public CliContext Context { get; } = context;

    public IAnsiConsole Console => Context.Console;

    /// <summary>A file named on the command line, relative to the directory the CLI is run from.</summary>
    public string? PathOf(string? file) => file is null ? null : Path.GetFullPath(file, Context.WorkingDirectory);

    /// <summary>The server the command talks to, once known, so that a connection failure can name it.</summary>
    public string? Server { get; set; }

    /// <summary>How to sign in again as the session's user or client, once the session is read, for a server that refuses it.</summary>
    public string? LoginHint { get; set; }
}
