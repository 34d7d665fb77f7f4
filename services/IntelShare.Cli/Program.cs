using IntelShare.Cli;
using IntelShare.Cli.Output;
using Spectre.Console;

ConsoleWidth.Apply(AnsiConsole.Console, Environment.GetEnvironmentVariable("COLUMNS"), Console.IsOutputRedirected);
return await IntelShareCli.RunAsync(args, new CliContext { Input = Console.IsInputRedirected ? Console.In : null });
