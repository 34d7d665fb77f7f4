using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Cli.Output;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>
/// access: asking an originator agency for a record beyond its marking, and the supervisors' side:
/// approving with an expiry, refusing with a reason, and the grants that result.
/// </summary>
internal static class AccessCommands
{
    public static Command Create(CliRun run, Option<string> server) =>
        new("access", "Access requests and grants: ask the agency that holds a record for it; its supervisors approve for a limited time or refuse.")
        {
            Request(run, server), Requests(run, server), Approve(run, server), Refuse(run, server), Grants(run, server), Revoke(run, server),
        };

    private static Argument<string> RequestId() => new("request-id") { Description = "The request's id, as `access requests` lists it." };

    private static Command Request(CliRun run, Option<string> server)
    {
        var recordId = new Argument<string>("record-id") { Description = "The record you may only know exists (see `intelshare get`)." };
        var reason = new Option<string>("--reason") { Description = "Why you need the record; the holder's supervisor reads it.", HelpName = "text", Required = true };
        var caseRef = new Option<string>("--case") { Description = "The case or operation the record would serve.", HelpName = "ref" };
        var command = new Command("request", "Ask the agency that holds a record for access to it.") { recordId, reason, caseRef };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = await connection.Access.RequestAccessAsync(
                new RequestAccessRequest
                {
                    RecordId = parseResult.GetRequiredValue(recordId),
                    Reason = parseResult.GetRequiredValue(reason),
                    CaseRef = parseResult.GetValue(caseRef) ?? "",
                },
                cancellationToken: ct);
            run.Console.Success($"Requested {request.RecordId} from {request.HolderAgency}: request {request.RequestId}.");
            run.Console.WriteLine($"A supervisor of {request.HolderAgency} decides; follow it with `intelshare access requests`.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Requests(CliRun run, Option<string> server)
    {
        var incoming = new Option<bool>("--incoming") { Description = "Requests waiting for your agency to decide (supervisors), instead of your own." };
        var pending = new Option<bool>("--pending") { Description = "Only requests not decided yet." };
        var command = new Command("requests", "List your access requests and their decisions, or with --incoming those made to your agency.") { incoming, pending };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new ListAccessRequestsRequest { Incoming = parseResult.GetValue(incoming), PendingOnly = parseResult.GetValue(pending) };
            var response = await connection.Access.ListAccessRequestsAsync(request, cancellationToken: ct);
            AccessRenderer.ShowRequests(run.Console, response.Requests, request.Incoming, request.PendingOnly, DateTimeOffset.UtcNow,
                await UserNames.OfAsync(connection, response.Requests.SelectMany(r => new[] { r.RequesterUserId, r.DecidedBy, r.Grant?.RevokedBy ?? "" }), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Approve(CliRun run, Option<string> server)
    {
        var requestId = RequestId();
        var expires = CommonOptions.Time("--expires", "When the grant lapses: a date/time, or a duration from now such as 7d or 12h. A grant always expires.", TimeDirection.Ahead);
        expires.Required = true;
        var reason = new Option<string>("--reason") { Description = "A note for the requester and the audit trail.", HelpName = "text" };
        var command = new Command("approve", "Approve a request to your agency: the requester may read the record until the grant expires.") { requestId, expires, reason };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = await connection.Access.ApproveAccessRequestAsync(
                new ApproveAccessRequestRequest
                {
                    RequestId = parseResult.GetRequiredValue(requestId),
                    ExpiresAt = Timestamp.FromDateTimeOffset(parseResult.GetValue(expires)!.Value),
                    Reason = parseResult.GetValue(reason) ?? "",
                },
                cancellationToken: ct);
            var requester = (await UserNames.OfAsync(connection, [request.RequesterUserId], ct)).Show(request.RequesterUserId);
            run.Console.Success(
                $"Approved {request.RequestId}: grant {request.GrantId} lets {requester}, {request.RequesterAgency}, " +
                $"read {request.RecordId} until {Display.Time(request.GrantExpiresAt)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Refuse(CliRun run, Option<string> server)
    {
        var requestId = RequestId();
        var reason = new Option<string>("--reason") { Description = "Why: the requester is told.", HelpName = "text", Required = true };
        var command = new Command("refuse", "Refuse a request to your agency, with a reason the requester is told.") { requestId, reason };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = await connection.Access.RefuseAccessRequestAsync(
                new RefuseAccessRequestRequest { RequestId = parseResult.GetRequiredValue(requestId), Reason = parseResult.GetRequiredValue(reason) },
                cancellationToken: ct);
            var requester = (await UserNames.OfAsync(connection, [request.RequesterUserId], ct)).Show(request.RequesterUserId);
            run.Console.Success($"Refused {request.RequestId} from {requester}, {request.RequesterAgency}, for {request.RecordId}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Grants(CliRun run, Option<string> server)
    {
        var given = new Option<bool>("--given") { Description = "Grants your agency gave, instead of the grants you hold." };
        var all = new Option<bool>("--all") { Description = "Include expired and revoked grants." };
        var command = new Command("grants", "List the grants you hold, or with --given those your agency gave.") { given, all };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var request = new ListGrantsRequest { Given = parseResult.GetValue(given), IncludeExpired = parseResult.GetValue(all) };
            var response = await connection.Access.ListGrantsAsync(request, cancellationToken: ct);
            AccessRenderer.ShowGrants(run.Console, response.Grants, request.Given, request.IncludeExpired, DateTimeOffset.UtcNow,
                await UserNames.OfAsync(connection, response.Grants.SelectMany(g => new[] { g.GranteeUserId, g.RevokedBy }), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Revoke(CliRun run, Option<string> server)
    {
        var grantId = new Argument<string>("grant-id") { Description = "The grant's id, as `access grants --given` lists it." };
        var reason = new Option<string>("--reason") { Description = "Why the grant ends early: the grantee is told.", HelpName = "text", Required = true };
        var command = new Command("revoke", "End a grant your agency gave before it expires.") { grantId, reason };
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var grant = await connection.Access.RevokeGrantAsync(
                new RevokeGrantRequest { GrantId = parseResult.GetRequiredValue(grantId), Reason = parseResult.GetValue(reason) ?? "" },
                cancellationToken: ct);
            var grantee = (await UserNames.OfAsync(connection, [grant.GranteeUserId], ct)).Show(grant.GranteeUserId);
            run.Console.Success($"Revoked {grant.GrantId}: {grantee}, {grant.GranteeAgency}, no longer reads {Display.List(grant.RecordIds)} under it.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
