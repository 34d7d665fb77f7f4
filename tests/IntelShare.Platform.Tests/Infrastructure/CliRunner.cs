using IntelShare.Cli;
using Spectre.Console;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>
/// The CLI run in-process against the in-memory platform, with a recording console; <paramref name="workingDirectory"/>
/// stands for the directory it is run from (the process's own by default), <paramref name="width"/> for the terminal's;
/// <paramref name="transport"/>, when given, replaces the in-memory connection to the platform's address (a real socket
/// handler finds no server there: the platform as seen once it has stopped). <paramref name="input"/>, when given, is
/// what the user types at prompts.
/// </summary>
public sealed class CliRunner(PlatformFactory factory, string home, string? workingDirectory = null, int width = 1_000, HttpMessageHandler? transport = null, string? input = null)
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
        // By default wide enough that no message the tests look for is wrapped across lines (paths are long).
        console.Profile.Width = width;
        var context = new CliContext
        {
            HomeDirectory = home,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            Console = console,
            HttpHandler = transport ?? factory.Server.CreateHandler(),
            DefaultServer = factory.Server.BaseAddress.ToString(),
            RetryDelay = TimeSpan.FromMilliseconds(10),
            Input = input is null ? null : new StringReader(input),
        };
        return IntelShareCli.RunAsync(args, context, cancellationToken);
    }
}
