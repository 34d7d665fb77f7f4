using IntelShare.Cli;
using Spectre.Console;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>The CLI run in-process against the in-memory platform, with a recording console.</summary>
public sealed class CliRunner(PlatformFactory factory, string home)
{
    private readonly StringWriter _output = new();

    public string Output => _output.ToString();

    public Task<int> Run(params string[] args) => Run(CancellationToken.None, args);

    public Task<int> Run(CancellationToken cancellationToken, params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_output),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        var context = new CliContext
        {
            HomeDirectory = home,
            Console = console,
            HttpHandler = factory.Server.CreateHandler(),
            DefaultServer = factory.Server.BaseAddress.ToString(),
            RetryDelay = TimeSpan.FromMilliseconds(10),
        };
        return IntelShareCli.RunAsync(args, context, cancellationToken);
    }
}
