using Spectre.Console;

namespace IntelShare.Cli;

/// <summary>One invocation of the CLI: the context plus what the commands learn while they run.</summary>
internal sealed class CliRun(CliContext context)
{
    public CliContext Context { get; } = context;

    public IAnsiConsole Console => Context.Console;

    /// <summary>The server the command talks to, once known, so that a connection failure can name it.</summary>
    public string? Server { get; set; }
}
