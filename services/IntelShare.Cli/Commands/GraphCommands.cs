using System.CommandLine;
using IntelShare.Cli.Output;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>graph: the offender network — who links to whom, through what, who is central, which groups exist.</summary>
internal static class GraphCommands
{
    public static Command Create(CliRun run, Option<string> server) =>
        new("graph", "Query the offender network built from every agency's records: neighbours, paths, central people, groups, and export to GraphML. You only see what you may read; the rest is counted as withheld.")
        {
            Neighbours(run, server), PathCommand(run, server), Central(run, server), Communities(run, server), Export(run, server),
        };

    private static Argument<string[]> Entities() => new("entity") { Description = "Entity, record or identifier node ids (e.g. a record id, phone:+447700900123).", Arity = ArgumentArity.OneOrMore };

    private static Option<int> Depth(int fallback)
    {
        var depth = new Option<int>("--depth") { Description = $"Hops from the starting entities, 1 to 4 (default {fallback}).", DefaultValueFactory = _ => fallback, HelpName = "hops" };
        // 0 would reach the platform as "not given" and be answered at the default depth, not refused.
        depth.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 4)
            {
                result.AddError("--depth must be between 1 and 4.");
            }
        });
        return depth;
    }

    private static Command Neighbours(CliRun run, Option<string> server)
    {
        var entities = Entities();
        var depth = Depth(2);
        var limit = new Option<int>("--limit") { Description = "Most nodes to return (default 500, at most 10,000).", HelpName = "n" };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("neighbours", "Show who and what is linked to an entity, to a depth.") { entities, depth, limit };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new NeighbourhoodRequest { Depth = parseResult.GetValue(depth), Limit = parseResult.GetValue(limit), Justification = justification.Read(parseResult) };
            request.EntityIds.AddRange(parseResult.GetRequiredValue(entities));
            ShowSubgraph(run.Console, await connection.Graph.NeighbourhoodAsync(request, cancellationToken: ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command PathCommand(CliRun run, Option<string> server)
    {
        var from = new Argument<string>("from") { Description = "The entity to start from." };
        var to = new Argument<string>("to") { Description = "The entity to reach." };
        var all = new Option<bool>("--all") { Description = "Every shortest path, not just one." };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("path", "Show how two entities connect: the shortest chain of links you may see.") { from, to, all };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new PathRequest { FromId = parseResult.GetRequiredValue(from), ToId = parseResult.GetRequiredValue(to), Justification = justification.Read(parseResult) };
            var response = parseResult.GetValue(all)
                ? await connection.Graph.AllShortestPathsAsync(request, cancellationToken: ct)
                : await connection.Graph.ShortestPathAsync(request, cancellationToken: ct);
            if (!response.Found)
            {
                run.Console.MarkupLine("[yellow]No connection you may see.[/]");
            }

            var labels = response.Subgraph.Nodes.ToDictionary(n => n.Id, Label);
            foreach (var path in response.Paths)
            {
                run.Console.MarkupLine(string.Join(" [grey]→[/] ", path.NodeIds.Select(id => Markup.Escape(labels.GetValueOrDefault(id, id)))));
            }

            Withheld(run.Console, response.Subgraph);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Central(CliRun run, Option<string> server)
    {
        var entities = new Argument<string[]>("entity") { Description = "Rank the neighbourhood of these entities (none: the whole network you may see).", Arity = ArgumentArity.ZeroOrMore };
        var measure = CommonOptions.Enum<CentralityMeasure>("--measure", "degree, betweenness or pagerank (default pagerank).", "measure");
        var depth = Depth(2);
        var top = new Option<int>("--top") { Description = "How many to list (default 20).", HelpName = "n" };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("central", "List the most central people and things in the network.") { entities, measure, depth, top };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var chosen = parseResult.GetValue(measure);
            var request = new CentralityRequest
            {
                Measure = chosen == CentralityMeasure.Unspecified ? CentralityMeasure.Pagerank : chosen,
                Depth = parseResult.GetValue(depth),
                Top = parseResult.GetValue(top),
                Justification = justification.Read(parseResult),
            };
            request.EntityIds.AddRange(parseResult.GetValue(entities) ?? []);
            var response = await connection.Graph.CentralityAsync(request, cancellationToken: ct);
            var table = new Table().AddColumns("#", "score", "kind", "entity", "id", "holder");
            var rank = 0;
            foreach (var scored in response.Ranking)
            {
                table.AddRow((++rank).ToString(), scored.Score.ToString("0.####"), scored.Node.Kind, Markup.Escape(Label(scored.Node)), Markup.Escape(scored.Node.Id), Markup.Escape(scored.Node.HolderAgency));
            }

            run.Console.WriteTable(table);
            if (response.WithheldNodes > 0)
            {
                run.Console.MarkupLine($"[grey]{response.WithheldNodes} nodes withheld from you.[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Communities(CliRun run, Option<string> server)
    {
        var entities = new Argument<string[]>("entity") { Description = "Find groups around these entities (none: the whole network you may see).", Arity = ArgumentArity.ZeroOrMore };
        var depth = Depth(3);
        var minSize = new Option<int>("--min-size") { Description = "Smallest group to list (default 3).", HelpName = "n" };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("communities", "Find the groups in the network (Louvain) and the people who bridge them.") { entities, depth, minSize };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new CommunitiesRequest { Depth = parseResult.GetValue(depth), MinSize = parseResult.GetValue(minSize), Justification = justification.Read(parseResult) };
            request.EntityIds.AddRange(parseResult.GetValue(entities) ?? []);
            var response = await connection.Graph.CommunitiesAsync(request, cancellationToken: ct);
            run.Console.MarkupLine($"{response.Communities.Count} groups, modularity {response.Modularity:0.###}");
            foreach (var community in response.Communities)
            {
                var bridges = community.BridgeIds.ToHashSet();
                run.Console.MarkupLine($"[bold]Group {community.Id}[/] ({community.Members.Count} members)");
                foreach (var member in community.Members.Take(25))
                {
                    run.Console.MarkupLine($"  {member.Kind,-12} {Markup.Escape(Label(member))}{(bridges.Contains(member.Id) ? " [yellow](bridge)[/]" : "")}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Export(CliRun run, Option<string> server)
    {
        var entities = Entities();
        var depth = Depth(2);
        var output = new Option<FileInfo>("--output", "-o") { Description = "File to write (default: <first entity>.graphml or .json).", HelpName = "file" };
        var json = new Option<bool>("--json") { Description = "Write JSON (nodes and edges with their markings) instead of GraphML." };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("export", "Export an entity's network as GraphML (Gephi, yEd, i2) or JSON, with only what you may see.") { entities, depth, output, json };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var ids = parseResult.GetRequiredValue(entities);
            var neighbourhood = new NeighbourhoodRequest { Depth = parseResult.GetValue(depth), Justification = justification.Read(parseResult) };
            neighbourhood.EntityIds.AddRange(ids);
            var asJson = parseResult.GetValue(json);
            var response = await connection.Graph.ExportAsync(new ExportRequest { Neighbourhood = neighbourhood, Format = asJson ? ExportFormat.Json : ExportFormat.Graphml }, cancellationToken: ct);
            var file = parseResult.GetValue(output)?.FullName
                ?? Path.GetFullPath(string.Concat(ids[0].Split(Path.GetInvalidFileNameChars())) + (asJson ? ".json" : ".graphml"));
            await File.WriteAllTextAsync(file, response.Content, ct);
            run.Console.Success($"Wrote {file}.");
            if (response.WithheldNodes + response.WithheldEdges > 0)
            {
                run.Console.MarkupLine($"[grey]{response.WithheldNodes} nodes and {response.WithheldEdges} links withheld from you.[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void ShowSubgraph(IAnsiConsole console, Subgraph subgraph)
    {
        var labels = subgraph.Nodes.ToDictionary(n => n.Id, Label);
        var nodes = new Table().AddColumns("kind", "entity", "id", "holder");
        foreach (var node in subgraph.Nodes)
        {
            nodes.AddRow(node.Kind, Markup.Escape(Label(node)), Markup.Escape(node.Id), Markup.Escape(node.HolderAgency));
        }

        console.WriteTable(nodes);
        var edges = new Table().AddColumns("from", "link", "to");
        foreach (var edge in subgraph.Edges)
        {
            edges.AddRow(Markup.Escape(labels.GetValueOrDefault(edge.From, edge.From)), edge.Kind, Markup.Escape(labels.GetValueOrDefault(edge.To, edge.To)));
        }

        console.WriteTable(edges);
        Withheld(console, subgraph);
    }

    private static void Withheld(IAnsiConsole console, Subgraph? subgraph)
    {
        if (subgraph is null)
        {
            return;
        }

        if (subgraph.WithheldNodes + subgraph.WithheldEdges > 0)
        {
            console.MarkupLine($"[grey]{subgraph.WithheldNodes} nodes and {subgraph.WithheldEdges} links withheld from you.[/]");
        }

        if (subgraph.Truncated)
        {
            console.MarkupLine("[yellow]The query hit its budget: this is part of the network. Narrow it (fewer hops, filters).[/]");
        }
    }

    private static string Label(GraphNode node) =>
        node.Placeholder ? $"(exists: ask {node.HolderAgency}, ref {node.Id})" : node.Label.Length > 0 ? node.Label : node.Id;
}
