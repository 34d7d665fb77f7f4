using IntelShare.Cli;

return await IntelShareCli.RunAsync(args, new CliContext { Input = Console.IsInputRedirected ? Console.In : null });
