using System.CommandLine;
using IntelShare.Benchmarks;

var root = new RootCommand("End-to-end performance figures of the IntelShare platform on this machine, host on loopback.");
root.Subcommands.Add(IntakeCommand.Create(args));
return await root.Parse(args).InvokeAsync();
