using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using IntelShare.Cli.Output;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Commands;

/// <summary>case: the cases and operations reads are justified by, and their members (joint teams across agencies).</summary>
internal static partial class CaseCommands
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
            var userNames = parseResult.GetValue(users) ?? [];
            var agencyCodes = parseResult.GetValue(agencies) ?? [];
            var memberIds = await UserNames.FindIdsAsync(connection, userNames, ct);

            // A name no one signs in with goes to the server as it is, which refuses it as an unknown user together with
            // every other problem of the request, instead of the command stopping at the first.
            request.Members.AddRange(userNames.Select((name, i) => new CaseMember { UserId = memberIds[i] ?? name }));
            request.Members.AddRange(agencyCodes.Select(a => new CaseMember { Agency = a.ToUpperInvariant() }));
            Case created;
            try
            {
                created = await connection.Access.CreateCaseAsync(request, cancellationToken: ct);
            }
            catch (RpcException refused) when (refused.StatusCode == StatusCode.InvalidArgument && refused.GetRpcStatus()?.GetDetail<BadRequest>() is { } bad)
            {
                throw new CliException("The server refused the request:" + string.Concat(bad.FieldViolations.Select(v =>
                    Environment.NewLine + "  - " + DescribeCaseProblem(v, userNames, memberIds, agencyCodes))));
            }


            run.Console.Success($"Created case {created.CaseRef}.");
            AccessRenderer.ShowCase(run.Console, created, await NamesOfMembersAsync(connection, [created], ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A problem with the case named after the option that gave the member it is about, as the user typed it.</summary>
    private static string DescribeCaseProblem(BadRequest.Types.FieldViolation violation, IReadOnlyList<string> userNames, IReadOnlyList<string?> userIds, IReadOnlyList<string> agencyCodes)
    {
        if (MemberIndex().Match(violation.Field) is not { Success: true } match)
        {
            return $"{(violation.Field == "case_ref" ? "case reference" : "--" + violation.Field)}: {violation.Description}";
        }

        var index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (index < userNames.Count)
        {
            return $"--member-user {userNames[index]}: {(userIds[index] is null ? UserNames.NoSuchUser : violation.Description)}";
        }

        return index - userNames.Count < agencyCodes.Count
            ? $"--member-agency {agencyCodes[index - userNames.Count]}: {violation.Description}"
            : $"{violation.Field}: {violation.Description}";
    }

    [GeneratedRegex(@"^members\[(\d+)\]")]
    private static partial Regex MemberIndex();

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
