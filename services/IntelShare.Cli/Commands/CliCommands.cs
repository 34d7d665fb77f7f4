using System.CommandLine;

namespace IntelShare.Cli.Commands;

/// <summary>The command tree, built afresh for each invocation.</summary>
internal static class CliCommands
{
    public static RootCommand Build(CliRun run)
    {
        var server = CommonOptions.Server();
        var root = new RootCommand(
            "IntelShare: share human-trafficking intelligence between partner agencies.\n" +
            "Sign in, bulk-import your agency's records, and read, amend or withdraw them. Every read names a justification and is audited.\n" +
            "Ask other agencies for their records, approve or refuse their requests, and (oversight) query and verify the audit log.");
        root.Options.Add(server);
        Command[] commands =
        [
            .. SessionCommands.Create(run, server),
            ImportCommand.Create(run, server),
            DemoCommand.Create(run, server),
            .. RecordCommands.Create(run, server),
            CaseCommands.Create(run, server),
            AccessCommands.Create(run, server),
            AuditCommands.Create(run, server),
            ProjectionCommands.Create(run, server),
            GraphCommands.Create(run, server),
            ResolveCommands.Create(run, server),
            .. SearchCommands.Create(run, server),
        ];
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
