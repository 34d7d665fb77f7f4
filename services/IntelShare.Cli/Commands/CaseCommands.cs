using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Cli.Output;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Commands;

/// <summary>case: the cases and operations reads are justified by, and their members (joint teams across agencies).</summary>
internal static class CaseCommands
{
    public static Command Create(CliRun run, Option<string> server) =>
        new("case", "Cases and operations: who works on them decides who reads records under them. Members are people or whole partner agencies.")
        {
            CreateCase(run, server), List(run, server), Show(run, server),
            ChangeMember(run, server, add: true), ChangeMember(run, server, add: false), Compromise(run, server),
        };

    private static Argument<string> CaseRef() => new("case-ref") { Description = "The case or operation reference, e.g. OP-NIGHTJAR." };

    private static Command CreateCase(CliRun run, Option<string> server)
    {
        var caseRef = CaseRef();
        var title = new Option<string>("--title") { Description = "What the case is about.", HelpName = "text", Required = true };
        var users = CommonOptions.List("--member-user", "A person on the case besides you, by user name; repeatable or comma-separated.", "user,...");
        var agencies = CommonOptions.List("--member-agency", "A partner agency whose users all join the case (a joint team); repeatable or comma-separated.", "agency,...");
        var command = new Command("create", "Open a case owned by your agency, with you as its first member.") { caseRef, title, users, agencies };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new CreateCaseRequest { CaseRef = parseResult.GetRequiredValue(caseRef), Title = parseResult.GetRequiredValue(title) };
            var memberIds = await UserNames.IdsOfAsync(connection, "--member-user", parseResult.GetValue(users) ?? [], ct);
            request.Members.AddRange(memberIds.Select(id => new CaseMember { UserId = id }));
            request.Members.AddRange((parseResult.GetValue(agencies) ?? []).Select(a => new CaseMember { Agency = a.ToUpperInvariant() }));
            var created = await connection.Access.CreateCaseAsync(request, cancellationToken: ct);
            run.Console.Success($"Created case {created.CaseRef}.");
            AccessRenderer.ShowCase(run.Console, created, await NamesOfMembersAsync(connection, [created], ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliRun run, Option<string> server)
    {
        var command = new Command("list", "List the cases you are a member of (oversight: every case).");
        command.SetConnectedAction(run, server, async (_, connection, ct) =>
        {
            var response = await connection.Access.ListCasesAsync(new ListCasesRequest(), cancellationToken: ct);
            AccessRenderer.ShowCases(run.Console, response.Cases, await NamesOfMembersAsync(connection, response.Cases, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliRun run, Option<string> server)
    {
        var caseRef = CaseRef();
        var command = new Command("show", "Show a case: owner, members and whether an operation on it was compromised.") { caseRef };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var file = await connection.Access.GetCaseAsync(new GetCaseRequest { CaseRef = parseResult.GetRequiredValue(caseRef) }, cancellationToken: ct);
            AccessRenderer.ShowCase(run.Console, file, await NamesOfMembersAsync(connection, [file], ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Task<UserNames> NamesOfMembersAsync(PlatformConnection connection, IEnumerable<Case> cases, CancellationToken ct) =>
        UserNames.OfAsync(connection, cases.SelectMany(c => c.Members).Select(m => m.UserId), ct);

    private static Command ChangeMember(CliRun run, Option<string> server, bool add)
    {
        var caseRef = CaseRef();
        var user = new Option<string>("--user") { Description = add ? "The person to add, by user name." : "The person to remove, by user name.", HelpName = "user" };
        var agency = new Option<string>("--agency") { Description = add ? "The partner agency whose users all join." : "The partner agency to remove.", HelpName = "agency" };
        var command = new Command(
            add ? "add-member" : "remove-member",
            add ? "Add a person or a whole partner agency to a case your agency owns." : "Remove a person or an agency from a case your agency owns.")
        {
            caseRef, user, agency,
        };
        command.RequireExactlyOne(user, agency);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var userIds = parseResult.GetValue(user) is { } named ? await UserNames.IdsOfAsync(connection, "--user", [named], ct) : [];
            var member = new CaseMember { UserId = userIds.FirstOrDefault() ?? "", Agency = parseResult.GetValue(agency)?.ToUpperInvariant() ?? "" };
            var request = new CaseMemberRequest { CaseRef = parseResult.GetRequiredValue(caseRef), Member = member };
            var file = add
                ? await connection.Access.AddCaseMemberAsync(request, cancellationToken: ct)
                : await connection.Access.RemoveCaseMemberAsync(request, cancellationToken: ct);
            var names = await NamesOfMembersAsync(connection, [file, new Case { Members = { member } }], ct);
            run.Console.Success($"{(add ? "Added" : "Removed")} {AccessRenderer.Member(member, names)} {(add ? "to" : "from")} case {file.CaseRef}.");
            AccessRenderer.ShowCase(run.Console, file, names);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Compromise(CliRun run, Option<string> server)
    {
        var caseRef = CaseRef();
        var at = CommonOptions.Time("--at", "When the operation took place (default: now); a duration such as 2d means that long ago.", TimeDirection.Back);
        var note = new Option<string>("--note") { Description = "What happened, e.g. the suspects were gone before the raid.", HelpName = "text" };
        var command = new Command(
            "compromise",
            "Record that an operation on a case was compromised (a possible leak). Oversight then looks for who looked up its subjects shortly before.")
        {
            caseRef, at, note,
        };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new RecordCompromiseRequest
            {
                CaseRef = parseResult.GetRequiredValue(caseRef),
                At = parseResult.GetValue(at) is { } when ? Timestamp.FromDateTimeOffset(when) : null,
                Note = parseResult.GetValue(note) ?? "",
            };
            var file = await connection.Access.RecordCompromiseAsync(request, cancellationToken: ct);
            run.Console.Success($"Recorded case {file.CaseRef} as compromised at {Display.Time(file.CompromisedAt)}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
