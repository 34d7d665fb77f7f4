using System.CommandLine;
using Grpc.Core;
using IntelShare.Cli.Output;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>resolve: which records are the same person or organisation, why, and the analyst's say over it.</summary>
internal static class ResolveCommands
{
    public static Command Create(CliRun run, Option<string> server) =>
        new("resolve", "Entity resolution: find whether anyone holds a person or organisation, see why records were linked, review and decide borderline pairs, and measure the engine on your own files.")
        {
            Match(run, server), Entity(run, server), Explain(run, server), Queue(run, server), Decide(run, server), Rerun(run, server), Hits(run, server),
            ResolveEvalCommand.Create(),
        };

    private static Command Match(CliRun run, Option<string> server)
    {
        var given = new Option<string>("--given") { Description = "Given name (any script).", HelpName = "name" };
        var family = new Option<string>("--family") { Description = "Family name (any script).", HelpName = "name" };
        var born = new Option<string>("--dob") { Description = "Date of birth: YYYY, YYYY-MM or YYYY-MM-DD.", HelpName = "date" };
        var phone = new Option<string>("--phone") { Description = "A phone number.", HelpName = "number" };
        var document = new Option<string>("--document") { Description = "A passport or identity document number.", HelpName = "number" };
        var organisation = new Option<string>("--organisation") { Description = "Look for an organisation by name instead of a person.", HelpName = "name" };
        var registration = new Option<string>("--registration") { Description = "An organisation's registration number.", HelpName = "number" };
        var top = new Option<int>("--top") { Description = "Most candidates (default 10, at most 50).", HelpName = "n" };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("match", "Does anyone know this person or organisation? Candidate entities with scores, reasons and who holds them.")
        {
            given, family, born, phone, document, organisation, registration, top,
        };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new MatchRequest { MaxCandidates = parseResult.GetValue(top), Justification = justification.Read(parseResult) };
            if (parseResult.GetValue(organisation) is { } name || parseResult.GetValue(registration) is not null)
            {
                request.Organisation = new Organisation { Name = parseResult.GetValue(organisation) ?? "", RegistrationNumber = parseResult.GetValue(registration) ?? "" };
            }
            else
            {
                request.Person = new Person
                {
                    Name = new PersonName { GivenName = parseResult.GetValue(given) ?? "", FamilyName = parseResult.GetValue(family) ?? "" },
                    DateOfBirth = parseResult.GetValue(born) ?? "",
                };
                if (parseResult.GetValue(phone) is { } number)
                {
                    request.Person.Phones.Add(number);
                }

                if (parseResult.GetValue(document) is { } documentNumber)
                {
                    request.Person.Documents.Add(new IdentityDocument { Number = documentNumber });
                }
            }

            var response = await connection.Resolution.MatchAsync(request, cancellationToken: ct);
            if (response.Candidates.Count == 0)
            {
                run.Console.MarkupLine("[yellow]No one you may learn of matches.[/]");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("entity", "probability", "held by", "you may see", "records");
            foreach (var candidate in response.Candidates)
            {
                table.AddRow(
                    Markup.Escape(candidate.EntityId),
                    candidate.Probability.ToString("0.000"),
                    Markup.Escape(string.Join(", ", candidate.HolderAgencies)),
                    candidate.Decision.Effect == Effect.ExistenceOnly ? "[yellow]that it exists: ask the holder[/]" : "[green]records[/]",
                    Markup.Escape(string.Join("\n", candidate.Records.Select(Describe))));
            }

            run.Console.WriteTable(table);
            if (response.Candidates.FirstOrDefault(c => c.Explanation is not null) is { } best)
            {
                run.Console.MarkupLine($"[bold]Why {Markup.Escape(best.EntityId)}:[/]");
                ShowExplanation(run.Console, best.Explanation);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Entity(CliRun run, Option<string> server)
    {
        var id = new Argument<string>("entity-id") { Description = "The entity, e.g. ent-00000042." };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("entity", "Show an entity: the records behind it (as you may see them) and why they belong together.") { id };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var entity = await connection.Resolution.GetEntityAsync(new GetEntityRequest { EntityId = parseResult.GetRequiredValue(id), Justification = justification.Read(parseResult) }, cancellationToken: ct);
            run.Console.MarkupLine($"[bold]{Markup.Escape(entity.EntityId)}[/] version {entity.Version}, held by {Markup.Escape(string.Join(", ", entity.HolderAgencies))}");
            foreach (var record in entity.Records)
            {
                run.Console.MarkupLine("  " + Markup.Escape(Describe(record)));
            }

            foreach (var link in entity.Links)
            {
                ShowExplanation(run.Console, link);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Explain(CliRun run, Option<string> server)
    {
        var left = new Argument<string>("left") { Description = "A record id." };
        var right = new Argument<string>("right") { Description = "Another record id." };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("explain", "Explain, field by field, why two records are (or are not) the same entity.") { left, right };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            ShowExplanation(run.Console, await connection.Resolution.ExplainAsync(
                new ExplainRequest { LeftRecordId = parseResult.GetRequiredValue(left), RightRecordId = parseResult.GetRequiredValue(right), Justification = justification.Read(parseResult) },
                cancellationToken: ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Queue(CliRun run, Option<string> server)
    {
        var justification = new JustificationOptions(reasonRequired: false);
        var command = new Command("queue", "List the pairs the model could not decide, for you to confirm or reject.");
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var response = await connection.Resolution.ReviewQueueAsync(new ReviewQueueRequest { Justification = justification.Read(parseResult, "reviewing the match queue") }, cancellationToken: ct);
            run.Console.MarkupLine(response.Total == 1 ? "1 pair to review" : $"{response.Total} pairs to review");
            foreach (var item in response.Items)
            {
                ShowExplanation(run.Console, item.Pair);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Decide(CliRun run, Option<string> server)
    {
        var kind = CommonOptions.Enum<DecisionKind>("--kind", "confirm or reject a pair; merge entities; split records out of an entity.", "kind");
        kind.Required = true;
        var left = new Option<string>("--left") { Description = "confirm/reject: one record.", HelpName = "record" };
        var right = new Option<string>("--right") { Description = "confirm/reject: the other record.", HelpName = "record" };
        var entities = CommonOptions.List("--entity", "merge/split: entity@version as you saw it (e.g. ent-00000042@3); repeatable.", "entity@version");
        var records = CommonOptions.List("--record", "split: the records that leave the entity; repeatable.", "record");
        var why = new Option<string>("--why") { Description = "Why you decide so (kept with the decision and audited).", HelpName = "text", Required = true };
        var justification = new JustificationOptions(reasonRequired: false);
        var command = new Command("decide", "Confirm, reject, merge or split: your decision overrides the model and survives re-runs.") { kind, left, right, entities, records, why };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new DecideRequest
            {
                Kind = parseResult.GetValue(kind),
                LeftRecordId = parseResult.GetValue(left) ?? "",
                RightRecordId = parseResult.GetValue(right) ?? "",
                Reason = parseResult.GetRequiredValue(why),
                Justification = justification.Read(parseResult, "resolution decision"),
            };
            foreach (var entity in parseResult.GetValue(entities) ?? [])
            {
                var at = entity.LastIndexOf('@');
                if (at <= 0 || !long.TryParse(entity[(at + 1)..], out var version))
                {
                    throw new CliException($"--entity {entity}: write entity@version, e.g. ent-00000042@3 (`intelshare resolve entity` shows the version).");
                }

                request.Entities.Add(new EntityVersion { EntityId = entity[..at], Version = version });
            }

            request.RecordIds.AddRange(parseResult.GetValue(records) ?? []);
            var response = await connection.Resolution.DecideAsync(request, cancellationToken: ct);
            run.Console.Success($"Decision {response.DecisionId} recorded.");
            foreach (var change in response.Changes)
            {
                run.Console.MarkupLine($"  {change.Kind}: {Markup.Escape(string.Join(", ", change.FromEntityIds))} → {Markup.Escape(string.Join(", ", change.ToEntityIds))}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rerun(CliRun run, Option<string> server)
    {
        var command = new Command("rerun", "Retrain the model on every record and re-resolve them all (admin). Analysts' decisions are kept; entity ids stay unless an entity is split.");
        command.SetConnectedAction(run, server, async (_, connection, ct) =>
        {
            using var call = connection.Resolution.Rerun(new RerunRequest(), cancellationToken: ct);
            RerunProgress? last = null;
            await run.Console.Status().StartAsync("Re-running resolution...", async status =>
            {
                await foreach (var progress in call.ResponseStream.ReadAllAsync(ct))
                {
                    last = progress;
                    status.Status($"{progress.Stage}: {progress.Done:N0} of {progress.Total:N0} records");
                }
            });
            if (last is not null)
            {
                run.Console.Success($"{last.Entities:N0} entities, {last.AutoLinks:N0} automatic links, {last.ReviewPairs:N0} pairs for review.");
                foreach (var change in last.Changes.Take(50))
                {
                    run.Console.MarkupLine($"  {change.Kind}: {Markup.Escape(string.Join(", ", change.FromEntityIds))} → {Markup.Escape(string.Join(", ", change.ToEntityIds))}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Hits(CliRun run, Option<string> server)
    {
        var follow = new Option<bool>("--follow") { Description = "Keep watching for new hits." };
        var after = new Option<long>("--after") { Description = "Only hits after this id.", HelpName = "id" };
        var command = new Command("hits", "Hits on your agency's records: another agency holds the same person or organisation.") { follow, after };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            using var call = connection.Resolution.WatchHits(new WatchHitsRequest { Follow = parseResult.GetValue(follow), AfterId = parseResult.GetValue(after) }, cancellationToken: ct);
            await foreach (var hit in call.ResponseStream.ReadAllAsync(ct))
            {
                run.Console.MarkupLine(
                    $"#{hit.Id} {Markup.Escape(hit.EntityId)}: {Markup.Escape(hit.NotifiedAgency)} record {Markup.Escape(hit.RecordId)} ↔ {Markup.Escape(Describe(hit.Counterpart))} (p={hit.Probability:0.00})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(EntityRecord record)
    {
        var person = record.Record?.Content?.Person;
        var organisation = record.Record?.Content?.Organisation;
        var what = person is not null
            ? $"{person.Name?.GivenName} {person.Name?.FamilyName} {person.DateOfBirth}".Trim()
            : organisation?.Name ?? "(exists: ask the holder)";
        return $"{record.HolderAgency} {record.RecordId}: {what}";
    }

    private static void ShowExplanation(IAnsiConsole console, PairExplanation explanation)
    {
        console.MarkupLine($"[bold]{Markup.Escape(explanation.LeftRecordId)} vs {Markup.Escape(explanation.RightRecordId)}[/]: weight {explanation.TotalWeight:0.0}, probability {explanation.Probability:0.000} — {Markup.Escape(explanation.Outcome)}");
        var table = new Table().AddColumns("field", "comparison", "values", "weight");
        foreach (var field in explanation.Fields)
        {
            table.AddRow(Markup.Escape(field.Field), Markup.Escape(field.Level), Markup.Escape(field.Left), field.Weight.ToString("+0.0;-0.0;0"));
        }

        console.WriteTable(table);
    }
}
