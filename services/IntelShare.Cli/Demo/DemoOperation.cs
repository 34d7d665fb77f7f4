using Grpc.Core;
using IntelShare.Cli.Output;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Demo;

/// <summary>The users the story casts: who runs the operation and who leaks it.</summary>
internal static class DemoUsers
{
    public const string Supervisor = "supervisor";
    public const string CorruptOfficial = "border.analyst";
}

/// <summary>What the operation left behind for the tour.</summary>
internal sealed record OperationOutcome(Case Case, UserNames MemberNames, string CorruptUserId, int Lookups);

/// <summary>
/// Operation Nistru as it happens on the platform: the police supervisor opens the joint case with the border
/// guard, works it, a border analyst looks up its subjects with thin reasons, and the raid finds the premises
/// empty, which the supervisor records as a compromise. Every read goes through the audited Records service, so
/// the audit log holds exactly what oversight will later see.
/// </summary>
internal sealed class DemoOperation(CliRun run, DemoSessions sessions)
{
    /// <summary>Reasons a colleague would not question one by one; together, just before the raid, they are the pattern.</summary>
    private static readonly string[] ThinReasons = ["routine check", "checking", "background", "for info"];

    public async Task<OperationOutcome> RunAsync(NistruCast cast, IReadOnlyDictionary<CastRecord, string> ids, CancellationToken ct)
    {
        using var supervisor = await sessions.OpenAsync(DemoPrincipal.User(DemoUsers.Supervisor), ct);
        var operation = await supervisor.Access.GetCaseAsync(new GetCaseRequest { CaseRef = DemoAgencies.CaseRef }, cancellationToken: ct);
        if (operation.CompromisedAt is not null)
        {
            // Played by an earlier run: replaying it would add reads to the audit log and move the raid's time.
            string leakId;
            using (var corrupt = await sessions.OpenAsync(DemoPrincipal.User(DemoUsers.CorruptOfficial), ct))
            {
                leakId = (await corrupt.Identity.WhoAmIAsync(new WhoAmIRequest(), cancellationToken: ct)).UserId;
            }

            var names = await UserNames.OfAsync(supervisor, operation.Members.Select(m => m.UserId).Append(leakId), ct);
            run.Console.WriteLine($"The operation on case {operation.CaseRef} was played by an earlier run (raid compromised at {Display.Time(operation.CompromisedAt)}); nothing replayed.");
            return new OperationOutcome(operation, names, leakId, cast.LeakedSubjects.Count);
        }

        // The case team's own work names the case: the anomaly report must not flag it.
        foreach (var member in new[] { cast.KovalenkoPolice, cast.SourceReport, cast.FiuReport })
        {
            await supervisor.Records.GetAsync(
                new GetRecordRequest { RecordId = ids[member], Justification = Because("planning the search of the Wharf Street premises", DemoAgencies.CaseRef) },
                cancellationToken: ct);
        }

        string corruptUserId;
        using (var corrupt = await sessions.OpenAsync(DemoPrincipal.User(DemoUsers.CorruptOfficial), ct))
        {
            corruptUserId = (await corrupt.Identity.WhoAmIAsync(new WhoAmIRequest(), cancellationToken: ct)).UserId;
            for (var i = 0; i < cast.LeakedSubjects.Count; i++)
            {
                await corrupt.Records.GetAsync(
                    new GetRecordRequest { RecordId = ids[cast.LeakedSubjects[i]], Justification = Because(ThinReasons[i % ThinReasons.Length], caseRef: "") },
                    cancellationToken: ct);
            }
        }

        var compromised = await supervisor.Access.RecordCompromiseAsync(
            new RecordCompromiseRequest
            {
                CaseRef = DemoAgencies.CaseRef,
                Note = "Search of Flat 2, 41 Wharf Street, Luton: premises empty, phones switched off; the suspects appear to have been warned.",
            },
            cancellationToken: ct);
        var memberNames = await UserNames.OfAsync(supervisor, compromised.Members.Select(m => m.UserId), ct);
        run.Console.Success($"Case {compromised.CaseRef} opened with {Display.List(compromised.Members.Select(m => AccessRenderer.Member(m, memberNames)))}; " +
            $"{DemoUsers.CorruptOfficial} looked up {cast.LeakedSubjects.Count} of its subjects without naming it, and the raid was recorded as compromised at {Display.Time(compromised.CompromisedAt)}.");
        return new OperationOutcome(compromised, memberNames, corruptUserId, cast.LeakedSubjects.Count);
    }

    /// <summary>
    /// Opens the case before any record is filed under it (an agency files records only under a case it owns or is on),
    /// or on a second run finds it already open; the joint team is (re)joined either way.
    /// </summary>
    public static async Task OpenCaseAsync(DemoSessions sessions, CancellationToken ct)
    {
        using var supervisor = await sessions.OpenAsync(DemoPrincipal.User(DemoUsers.Supervisor), ct);
        foreach (var (caseRef, title) in DemoAgencies.OtherCases.Select(c => (c, "Another police operation")).Prepend((DemoAgencies.CaseRef, DemoAgencies.CaseTitle)))
        {
            try
            {
                await supervisor.Access.CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = title }, cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                // Already open from an earlier run of the demo.
            }
        }

        foreach (var agency in new[] { DemoAgencies.Police, DemoAgencies.Border })
        {
            await supervisor.Access.AddCaseMemberAsync(
                new CaseMemberRequest { CaseRef = DemoAgencies.CaseRef, Member = new CaseMember { Agency = agency } },
                cancellationToken: ct);
        }
    }

    private static Justification Because(string reason, string caseRef) =>
        new() { Reason = reason, CaseRef = caseRef, Purpose = Purpose.CriminalInvestigation };
}
