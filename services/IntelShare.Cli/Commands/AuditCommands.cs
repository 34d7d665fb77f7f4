using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Cli.Output;
using IntelShare.Cli.Verification;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>audit: what oversight asks of the access log, and proof that the log was not altered.</summary>
internal static class AuditCommands
{
    private const int DefaultLimit = 100;

    // Larger pages gain little over gRPC and keep the server's memory per call bounded.
    private const int MaxPageSize = 500;

    public static Command Create(CliRun run, Option<string> server) =>
        new("audit", "The tamper-evident access log: who read what, anomalies, and offline verification of the log's signed tree heads and proofs.")
        {
            Query(run, server), Anomalies(run, server), Verify(run, server),
        };

    private static Command Query(CliRun run, Option<string> server)
    {
        var resource = new Option<string>("--resource") { Description = "Who accessed this record or entity.", HelpName = "id" };
        var caseRef = new Option<string>("--case") { Description = "Who accessed records under this case or operation.", HelpName = "ref" };
        var user = new Option<string>("--user") { Description = "Everything this user did (user name or id).", HelpName = "user" };
        var agency = new Option<string>("--agency") { Description = "Everything this agency's users did.", HelpName = "agency" };
        var withoutCase = new Option<bool>("--without-case") { Description = "Reads that named no case." };
        var denied = new Option<bool>("--denied") { Description = "Attempts the policy denied." };
        var readers = new Option<bool>("--readers") { Description = "Who read your own agency's records (open to every user; the other questions are for oversight)." };
        var period = new PeriodOptions();
        var limit = new Option<int>("--limit") { Description = "At most this many entries.", HelpName = "n", DefaultValueFactory = _ => DefaultLimit };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });
        var command = new Command("query", "Ask the audit log one question: who accessed a record or case, what a user or agency did, reads without a case, denied attempts, or who read your agency's records.")
        {
            resource, caseRef, user, agency, withoutCase, denied, readers, limit,
        };
        period.AddTo(command);
        command.RequireExactlyOne(resource, caseRef, user, agency, withoutCase, denied, readers);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var (from, to) = period.Read(parseResult);
            var oversight = connection.Oversight;
            (string Title, Func<PeriodRequest, CancellationToken, Task<AuditEntries>> Call) question = parseResult switch
            {
                _ when parseResult.GetValue(resource) is { } id =>
                    ($"Who accessed {id}", (p, c) => oversight.WhoAccessedAsync(new WhoAccessedRequest { ResourceId = id, Period = p }, cancellationToken: c).ResponseAsync),
                _ when parseResult.GetValue(caseRef) is { } reference =>
                    ($"Who accessed case {reference}", (p, c) => oversight.WhoAccessedAsync(new WhoAccessedRequest { CaseRef = reference, Period = p }, cancellationToken: c).ResponseAsync),
                _ when parseResult.GetValue(user) is { } userId =>
                    ($"Activity of {userId}", (p, c) => oversight.ActivityAsync(new ActivityRequest { UserId = userId, Period = p }, cancellationToken: c).ResponseAsync),
                _ when parseResult.GetValue(agency) is { } code =>
                    ($"Activity of {code.ToUpperInvariant()}", (p, c) => oversight.ActivityAsync(new ActivityRequest { Agency = code.ToUpperInvariant(), Period = p }, cancellationToken: c).ResponseAsync),
                _ when parseResult.GetValue(withoutCase) => ("Reads without a case", (p, c) => oversight.ReadsWithoutCaseAsync(p, cancellationToken: c).ResponseAsync),
                _ when parseResult.GetValue(denied) => ("Denied attempts", (p, c) => oversight.DeniedAttemptsAsync(p, cancellationToken: c).ResponseAsync),
                _ => ("Who read your agency's records", (p, c) => oversight.AgencyReadersAsync(p, cancellationToken: c).ResponseAsync),
            };

            var wanted = parseResult.GetValue(limit);
            var entries = new List<AuditEntry>();
            var token = "";
            long total = 0;
            do
            {
                var request = new PeriodRequest
                {
                    From = Timestamp.FromDateTimeOffset(from),
                    To = Timestamp.FromDateTimeOffset(to),
                    Page = new PageRequest { PageSize = Math.Min(wanted - entries.Count, MaxPageSize), PageToken = token },
                };
                var page = await question.Call(request, ct);
                entries.AddRange(page.Entries.Take(wanted - entries.Count));
                total = page.Page?.TotalSize ?? 0;
                // An empty page that still offers a token would otherwise be asked for forever.
                token = page.Entries.Count > 0 ? page.Page?.NextPageToken ?? "" : "";
            }
            while (token.Length > 0 && entries.Count < wanted);

            AuditRenderer.ShowEntries(run.Console, $"{question.Title}, {PeriodOptions.Describe(from, to)}", entries, Math.Max(total, entries.Count), more: token.Length > 0);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Anomalies(CliRun run, Option<string> server)
    {
        var period = new PeriodOptions();
        var command = new Command(
            "anomalies",
            "Report possible misuse (oversight): volume far above a user's own and their peers' baseline, reads outside one's cases, " +
            "existence-only probing of many subjects, look-ups shortly before an operation was compromised.");
        period.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var (from, to) = period.Read(parseResult);
            var report = await connection.Oversight.AnomaliesAsync(
                new PeriodRequest { From = Timestamp.FromDateTimeOffset(from), To = Timestamp.FromDateTimeOffset(to) },
                cancellationToken: ct);
            AuditRenderer.ShowAnomalies(run.Console, report, PeriodOptions.Describe(from, to));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify(CliRun run, Option<string> server)
    {
        var key = new Option<string>("--key")
        {
            Description = "The log's public key (PEM) obtained out of band. Better than the key the server hands out, which whoever forged the log would replace too.",
            HelpName = "public.pem",
        };
        var saveHead = new Option<string>("--save-head")
        {
            Description = "Keep the verified tree head in this file (JSON) for --previous-head next time; written only when every check passes.",
            HelpName = "file",
        };
        var previousHead = new Option<string>("--previous-head")
        {
            Description = "A head saved earlier with --save-head: a consistency proof shows the log still extends it, which a rewritten history cannot.",
            HelpName = "file",
        };
        var entries = new Option<bool>("--entries")
        {
            Description = "Also fetch every entry (oversight), recompute the root and check inclusion proofs for the first, the last and random entries.",
        };
        var command = new Command(
            "verify",
            "Verify the audit log offline: the latest signed tree head against the public key, consistency with an earlier head, and the entries " +
            "against the signed root. Prints a checklist naming any check that failed; exit code 0 only when all pass.")
        {
            key, saveHead, previousHead, entries,
        };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            run.Console.WriteLine($"Verifying the audit log of {connection.Server}:");
            var verifier = new AuditLogVerifier(connection.AuditLog, check => AuditRenderer.ShowCheck(run.Console, check));
            var result = await verifier.RunAsync(
                new VerifyRequest
                {
                    KeyFile = run.PathOf(parseResult.GetValue(key)),
                    PreviousHeadFile = run.PathOf(parseResult.GetValue(previousHead)),
                    Entries = parseResult.GetValue(entries),
                },
                ct);
            AuditRenderer.ShowVerdict(run.Console, result);
            if (run.PathOf(parseResult.GetValue(saveHead)) is { } file)
            {
                if (result is { AllPassed: true, Head: { } head })
                {
                    SavedTreeHead.From(head, result.KeyId, connection.Server, DateTimeOffset.UtcNow).Save(file);
                    run.Console.WriteLine($"Saved the verified head of size {head.Head.TreeSize} to {file}: pass it as --previous-head next time.");
                }
                else
                {
                    run.Console.Warning($"Nothing saved to {file}: a head that failed verification is no starting point for the next one.");
                }
            }

            return result.AllPassed ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}

/// <summary>--from and --to of an audit question; the last 30 days unless given.</summary>
internal sealed class PeriodOptions
{
    private static readonly TimeSpan DefaultSpan = TimeSpan.FromDays(30);

    private readonly Option<DateTimeOffset?> _from = CommonOptions.Time("--from", "Start of the period (default: 30 days before --to); a duration such as 7d means that long ago.", TimeDirection.Back);
    private readonly Option<DateTimeOffset?> _to = CommonOptions.Time("--to", "End of the period (default: now).", TimeDirection.Back);

    public void AddTo(Command command)
    {
        command.Options.Add(_from);
        command.Options.Add(_to);
    }

    public (DateTimeOffset From, DateTimeOffset To) Read(ParseResult parseResult)
    {
        var to = parseResult.GetValue(_to) ?? DateTimeOffset.UtcNow;
        var from = parseResult.GetValue(_from) ?? to - DefaultSpan;
        return from < to ? (from, to) : throw new UsageException($"--from ({Display.Time(from)}) must be before --to ({Display.Time(to)}).");
    }

    public static string Describe(DateTimeOffset from, DateTimeOffset to) => $"{Display.Time(from, Display.ShortTime)} to {Display.Time(to, Display.ShortTime)}";
}
