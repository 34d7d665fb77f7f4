using System.CommandLine;
using IntelShare.Cli.Import;
using IntelShare.Cli.Output;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>get, history, amend and withdraw: one record at a time.</summary>
internal static class RecordCommands
{
    public static IEnumerable<Command> Create(CliRun run, Option<string> server) =>
        [Get(run, server), History(run, server), Amend(run, server), Withdraw(run, server)];

    private static Argument<string> RecordId() => new("record-id") { Description = "The record's id." };

    private static Command Get(CliRun run, Option<string> server)
    {
        var recordId = RecordId();
        var version = new Option<long>("--version") { Description = "Read this earlier version (default: the current one).", HelpName = "n" };
        var json = new Option<bool>("--json") { Description = "Print the record as protobuf JSON, for scripts." };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("get", "Read a record: its marking, evaluation and fields. The read is justified and audited. Exits 3 when you may only know that the record exists.") { recordId, version, json };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var response = await connection.Records.GetAsync(
                new GetRecordRequest
                {
                    RecordId = parseResult.GetRequiredValue(recordId),
                    Version = parseResult.GetValue(version),
                    Justification = justification.Read(parseResult),
                },
                cancellationToken: ct);
            if (parseResult.GetValue(json))
            {
                RecordRenderer.WriteJson(run.Console, response);
            }
            else
            {
                // Existence only comes without the record: the decision says who holds it.
                if (response.Record is not null)
                {
                    RecordRenderer.ShowRecord(run.Console, response.Record, response.HandlingConditions, await UserNames.OfAsync(connection, [response.Record.RecordedBy], ct));
                }

                RecordRenderer.ShowDecision(run.Console, parseResult.GetRequiredValue(recordId), response.Decision);
            }

            return ExitCodes.ForDecision(response.Decision);
        });
        return command;
    }

    private static Command History(CliRun run, Option<string> server)
    {
        var recordId = RecordId();
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("history", "List every version of a record: when, by whom, and what changed. The read is justified and audited. Exits 3 when you may only know that the record exists.") { recordId };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var id = parseResult.GetRequiredValue(recordId);
            var response = await connection.Records.HistoryAsync(
                new HistoryRequest { RecordId = id, Justification = justification.Read(parseResult) },
                cancellationToken: ct);
            if (response.Versions.Count > 0)
            {
                // An earlier version can have left with less than the current one (a caveat it carried).
                var redacted = response.Decision.Effect == Effect.PermitRedacted || response.VersionDecisions.Any(d => d.Effect == Effect.PermitRedacted);
                RecordRenderer.ShowHistory(run.Console, id, response.Versions, redacted,
                    await UserNames.OfAsync(connection, response.Versions.Select(v => v.RecordedBy), ct));
            }

            RecordRenderer.ShowDecision(run.Console, id, response.Decision);
            return ExitCodes.ForDecision(response.Decision);
        });
        return command;
    }

    private static Command Amend(CliRun run, Option<string> server)
    {
        const string ReadReason = "amend";
        var recordId = RecordId();
        var set = new Option<string[]>("--set")
        {
            Description = "A change, as field path=value (e.g. person.name.family_name=Smith, person.nationalities=GB;RO); an empty value clears an optional field. Repeatable.",
            HelpName = "path=value",
        };
        var classification = CommonOptions.Enum<Classification>("--classification", "A new classification for the record.");
        var reason = new Option<string>("--reason") { Description = "Why the record changes; kept with the new version.", HelpName = "text" };
        var caseRef = new Option<string>("--case") { Description = "The case the record is read under to amend it.", HelpName = "ref" };
        var command = new Command(
            "amend",
            "Change a record your agency contributed: reads the current version, applies the changes and stores them as a new version. " +
            "Fails if someone else amended it in between.")
        {
            recordId, set, classification, reason, caseRef,
        };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var changes = (parseResult.GetValue(set) ?? []).Select(ParseChange).ToList();
            var newClassification = parseResult.GetValue(classification);
            if (changes.Count == 0 && newClassification == Classification.Unspecified)
            {
                throw new UsageException("Nothing to change: give --set path=value or --classification.");
            }

            var id = parseResult.GetRequiredValue(recordId);
            var current = (await connection.Records.GetAsync(
                new GetRecordRequest
                {
                    RecordId = id,
                    Justification = new Justification { Reason = ReadReason, CaseRef = parseResult.GetValue(caseRef) ?? "" },
                },
                cancellationToken: ct)).Record
                // Known to exist, not readable: certainly not the caller's agency's own.
                ?? throw new CliException($"You may not amend {id}: only the agency that contributed a record amends it, and you may not even read this one.");
            var content = current.Content.Clone();
            foreach (var (path, value) in changes)
            {
                Apply(content, path, value);
            }

            if (newClassification != Classification.Unspecified)
            {
                (content.Marking ??= new Marking()).Classification = newClassification;
            }

            var response = await connection.Records.AmendAsync(
                new AmendRequest { RecordId = id, Content = content, ExpectedVersion = current.Version, Reason = parseResult.GetValue(reason) ?? "" },
                cancellationToken: ct);
            if (response.Changed)
            {
                run.Console.Success($"Amended {response.RecordId}: now version {response.Version}.");
            }
            else
            {
                run.Console.WriteLine($"Nothing changed: {response.RecordId} already says that (version {response.Version}).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Withdraw(CliRun run, Option<string> server)
    {
        var recordId = RecordId();
        var reason = new Option<string>("--reason") { Description = "Why the record is withdrawn; kept with the tombstone version.", HelpName = "text", Required = true };
        var command = new Command("withdraw", "Withdraw a record your agency contributed: from then on only oversight reads it (every version is kept for them), and a re-import of its source row is refused.") { recordId, reason };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var response = await connection.Records.WithdrawAsync(
                new WithdrawRequest { RecordId = parseResult.GetRequiredValue(recordId), Reason = parseResult.GetRequiredValue(reason) },
                cancellationToken: ct);
            run.Console.Success($"Withdrew {response.RecordId}: version {response.Version} is its tombstone.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (FieldPath Path, string Value) ParseChange(string change)
    {
        var equals = change.IndexOf('=');
        if (equals <= 0)
        {
            throw new UsageException($"--set {change}: expected path=value, e.g. person.name.family_name=Smith.");
        }

        return (FieldPath.Parse(change[..equals]), change[(equals + 1)..].Trim());
    }

    private static void Apply(RecordContent content, FieldPath path, string value)
    {
        if (path.Body is not null && RecordTypes.BodyOf(content) is { } body && path.Body != body)
        {
            throw new UsageException($"--set {path}: the record is of type {body.Name}, not {path.Body.Name}.");
        }

        try
        {
            if (value.Length == 0)
            {
                path.Clear(content);
            }
            else
            {
                path.Set(content, value);
            }
        }
        catch (FieldValueException e)
        {
            throw new UsageException($"--set {path}: {e.Message}.");
        }
    }
}
