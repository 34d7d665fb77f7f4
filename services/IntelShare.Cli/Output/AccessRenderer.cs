using IntelShare.Cli.Import;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Output;

/// <summary>Cases, access requests and grants, for people to read.</summary>
internal static class AccessRenderer
{
    public static void ShowCase(IAnsiConsole console, Case file, UserNames names)
    {
        var grid = Display.NewGrid();
        Display.AddRow(grid, "Case", file.CaseRef);
        Display.AddRow(grid, "Title", file.Title);
        Display.AddRow(grid, "Owner agency", file.OwnerAgency);
        Display.AddRow(grid, "Created", Display.Time(file.CreatedAt));
        Display.AddRow(grid, "Compromised", file.CompromisedAt is null ? "no" : Display.Time(file.CompromisedAt));
        Display.AddRow(grid, "Members", Display.List(file.Members.Select(m => Member(m, names))));
        console.Write(grid);
    }

    public static void ShowCases(IAnsiConsole console, IReadOnlyList<Case> cases, UserNames names)
    {
        if (cases.Count == 0)
        {
            console.WriteLine("No cases: you are not a member of any.");
            return;
        }

        var table = new Table().AddColumns("Case", "Title", "Owner", "Members", "Created", "Compromised");
        foreach (var file in cases)
        {
            table.AddRow(
                Markup.Escape(file.CaseRef),
                Markup.Escape(file.Title),
                Markup.Escape(file.OwnerAgency),
                Markup.Escape(Display.List(file.Members.Select(m => Member(m, names)))),
                Display.Time(file.CreatedAt, Display.ShortTime),
                file.CompromisedAt is null ? "" : $"[red]{Display.Time(file.CompromisedAt, Display.ShortTime)}[/]");
        }

        console.WriteTable(table);
    }

    /// <summary>A person, or a whole partner agency (a joint team).</summary>
    public static string Member(CaseMember member, UserNames names) =>
        member.UserId is { Length: > 0 } user ? names.Show(user) : $"all of {member.Agency}";

    public static void ShowRequests(IAnsiConsole console, IReadOnlyList<AccessRequest> requests, bool incoming, bool pendingOnly, DateTimeOffset now, UserNames names)
    {
        if (requests.Count == 0)
        {
            var which = pendingOnly ? "pending " : "";
            console.WriteLine(incoming ? $"No {which}access requests to your agency." : $"You have no {which}access requests.");
            return;
        }

        // Incoming requests are all held by the caller's agency, the caller's own all made by the caller:
        // the column that would repeat itself gives way to the one that says something.
        var table = new Table()
            .Title(incoming ? "Access requests to your agency" : "Your access requests")
            .AddColumn(Display.IdColumn("Request"))
            .AddColumn("Requested")
            .AddColumn(incoming ? "Requester" : "Holder")
            .AddColumn(Display.IdColumn("Record"))
            .AddColumns("Reason", "Case", "State", "Decision");
        foreach (var request in requests)
        {
            table.AddRow(
                Markup.Escape(request.RequestId),
                Display.Time(request.RequestedAt, Display.ShortTime),
                Markup.Escape(incoming ? $"{names.Show(request.RequesterUserId)}, {request.RequesterAgency}" : request.HolderAgency),
                Markup.Escape(request.RecordId),
                Markup.Escape(request.Reason),
                Markup.Escape(request.CaseRef),
                State(request, now, names),
                Markup.Escape(Decision(request, names)));
        }

        console.WriteTable(table);
    }

    /// <summary>Who decided, why, and for an approval the grant and its expiry.</summary>
    public static string Decision(AccessRequest request, UserNames names)
    {
        if (request.State == AccessRequestState.Pending)
        {
            return "";
        }

        var parts = new List<string> { $"by {names.Show(request.DecidedBy)} {Display.Time(request.DecidedAt, Display.ShortTime)}" };
        if (request.DecisionReason is { Length: > 0 } reason)
        {
            parts.Add(reason);
        }

        if (request.GrantId is { Length: > 0 } grant)
        {
            parts.Add($"{grant} until {Display.Time(request.GrantExpiresAt, Display.ShortTime)}");
        }

        return string.Join("\n", parts);
    }

    public static void ShowGrants(IAnsiConsole console, IReadOnlyList<Grant> grants, bool given, bool includeExpired, DateTimeOffset now, UserNames names)
    {
        if (grants.Count == 0)
        {
            var inForce = includeExpired ? "" : " in force";
            console.WriteLine(given ? $"Your agency has given no grants{inForce}." : $"You hold no grants{inForce}.");
            return;
        }

        var table = new Table()
            .Title(given ? "Grants your agency gave" : "Grants you hold")
            .AddColumn(Display.IdColumn("Grant"))
            .AddColumn("Grantee")
            .AddColumn(Display.IdColumn("Records"))
            .AddColumns("Valid from", "Valid to", "State", "Granted by");
        foreach (var grant in grants)
        {
            table.AddRow(
                Markup.Escape(grant.GrantId),
                Markup.Escape($"{names.Show(grant.GranteeUserId)}, {grant.GranteeAgency}"),
                Markup.Escape(string.Join("\n", grant.RecordIds)),
                Display.Time(grant.ValidFrom, Display.ShortTime),
                Display.Time(grant.ValidTo, Display.ShortTime),
                GrantState(grant, now, names),
                Markup.Escape(grant.GrantedByAgency));
        }

        console.WriteTable(table);
    }

    /// <summary>Active, expired or revoked, judged by this machine's clock: grants lapse by themselves.</summary>
    public static string GrantState(Grant grant, DateTimeOffset now, UserNames names) => PhaseOf(grant, now) switch
    {
        GrantPhase.Revoked => $"[red]revoked[/]{Revocation(grant, names)}",
        GrantPhase.Expired => "[grey]expired[/]",
        GrantPhase.NotYetValid => "[yellow]not yet valid[/]",
        _ => "[green]active[/]",
    };

    private enum GrantPhase
    {
        Active,
        NotYetValid,
        Expired,
        Revoked,
    }

    private static GrantPhase PhaseOf(Grant grant, DateTimeOffset now) => grant switch
    {
        { Revoked: true } => GrantPhase.Revoked,
        _ when grant.ValidTo is not null && grant.ValidTo.ToDateTimeOffset() <= now => GrantPhase.Expired,
        _ when grant.ValidFrom is not null && grant.ValidFrom.ToDateTimeOffset() > now => GrantPhase.NotYetValid,
        _ => GrantPhase.Active,
    };

    /// <summary>" by whom, when: why" of a revocation, as far as it is recorded (grants revoked before it was kept say none).</summary>
    private static string Revocation(Grant grant, UserNames names)
    {
        var by = grant.RevokedBy.Length > 0 ? $" by {names.Show(grant.RevokedBy)}" : "";
        var at = grant.RevokedAt is null ? "" : $" {Display.Time(grant.RevokedAt, Display.ShortTime)}";
        var why = grant.RevokeReason.Length > 0 ? $": {grant.RevokeReason}" : "";
        return Markup.Escape(by + at + why);
    }

    /// <summary>An approval whose grant has ended since says so: the requester no longer has the access it gave.</summary>
    private static string State(AccessRequest request, DateTimeOffset now, UserNames names) =>
        request is { State: AccessRequestState.Approved, Grant: { } grant } && PhaseOf(grant, now) is GrantPhase.Revoked or GrantPhase.Expired
            ? $"{State(request.State)}\ngrant {GrantState(grant, now, names)}"
            : State(request.State);

    private static string State(AccessRequestState state) => state switch
    {
        AccessRequestState.Pending => "[yellow]pending[/]",
        AccessRequestState.Approved => "[green]approved[/]",
        AccessRequestState.Refused => "[red]refused[/]",
        _ => Markup.Escape(EnumValues.Name(state).ToLowerInvariant()),
    };
}
