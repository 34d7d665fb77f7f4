using System.CommandLine;
using IntelShare.Benchmarks;

var root = new RootCommand("Performance figures of the IntelShare platform on this machine: end to end with the host on loopback, and in-process for the policy and the audit log.");
root.Subcommands.Add(IntakeCommand.Create(args));
root.Subcommands.Add(PolicyCommand.Create(args));
root.Subcommands.Add(CheckCommand.Create(args));
root.Subcommands.Add(AuditCommand.Create(args));
root.Subcommands.Add(ProofsCommand.Create(args));
root.Subcommands.Add(SearchCommand.Create(args));
root.Subcommands.Add(GraphCommand.Create(args));
root.Subcommands.Add(GraphGrpcCommand.Create(args));
root.Subcommands.Add(ResolutionCommand.Create(args));
root.Subcommands.Add(ProjectionLagCommand.Create(args));
return await root.Parse(args).InvokeAsync();
