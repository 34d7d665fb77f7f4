using System.CommandLine;
using Grpc.Core;
using IntelShare.Cli.Output;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>projections: the search index, graph and resolution read models, how far behind Records they are, and rebuilding them.</summary>
internal static class ProjectionCommands
{
    public static Command Create(CliRun run, Option<string> server) =>
        new("projections", "The read models built from the Records change log (search index, graph, entity resolution): their lag, and rebuilding them.")
        {
            Status(run, server), Rebuild(run, server),
        };

    private static Command Status(CliRun run, Option<string> server)
    {
        var command = new Command("status", "Show each projection's state, the last change it applied and how far behind Records it is.");
        command.SetConnectedAction(run, server, async (_, connection, ct) =>
        {
            var response = await connection.Projections.StatusAsync(new ProjectionStatusRequest(), cancellationToken: ct);
            var table = new Table().AddColumns("projection", "state", "applied", "head", "behind", "lag", "error");
            foreach (var projection in response.Projections)
            {
                table.AddRow(
                    Markup.Escape(projection.Name),
                    StateText(projection.State),
                    projection.AppliedSequence.ToString("N0"),
                    projection.HeadSequence.ToString("N0"),
                    projection.LagChanges.ToString("N0"),
                    $"{projection.LagSeconds:0.0} s",
                    Markup.Escape(projection.Error));
            }

            run.Console.WriteTable(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rebuild(CliRun run, Option<string> server)
    {
        var name = new Argument<string>("name") { Description = "The projection to rebuild, as `projections status` names it (search, graph, resolution)." };
        var command = new Command("rebuild", "Drop a projection and replay the whole Records change log into it (admin). Reads keep working meanwhile on what is rebuilt so far.") { name };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var projection = parseResult.GetRequiredValue(name);
            using var call = connection.Projections.Rebuild(new RebuildProjectionRequest { Name = projection }, cancellationToken: ct);
            RebuildProgress? last = null;
            await run.Console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"Rebuilding {Markup.Escape(projection)}", maxValue: 1);
                await foreach (var update in call.ResponseStream.ReadAllAsync(ct))
                {
                    last = update;
                    task.MaxValue = Math.Max(1, update.TargetSequence);
                    task.Value = update.AppliedSequence;
                }
            });
            run.Console.Success($"Rebuilt {projection} up to change {last?.AppliedSequence ?? 0:N0}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string StateText(ProjectionState state) => state switch
    {
        ProjectionState.ProjectionUpToDate => "[green]up to date[/]",
        ProjectionState.ProjectionCatchingUp => "[yellow]catching up[/]",
        ProjectionState.ProjectionRebuilding => "[yellow]rebuilding[/]",
        ProjectionState.ProjectionFaulted => "[red]faulted[/]",
        _ => "unknown",
    };
}
