using IntelShare.Cli.Output;
using Spectre.Console;

namespace IntelShare.Cli.Demo;

/// <summary>One thing to try and what it should show.</summary>
internal sealed record TourStep(string Command, string Expect);

/// <summary>One demo user's part of the tour.</summary>
internal sealed record TourStop(string User, string Who, IReadOnlyList<TourStep> Steps);

/// <summary>
/// The guided tour printed at the end of the demo: per demo user, the commands to run and what each should show.
/// Built from the cast and the ids the import returned, so that what it names is what was imported. The
/// expectations are the need-to-know rules (services/IntelShare.Policy/RULES.md) applied to the markings in
/// <see cref="NistruStory"/>; change one and the other must follow.
/// </summary>
internal static class DemoTour
{
    public static IReadOnlyList<TourStop> Build(NistruCast cast, IReadOnlyDictionary<CastRecord, string> ids, OperationOutcome operation)
    {
        const string Case = DemoAgencies.CaseRef;
        string Get(CastRecord record, string reason, bool withCase = true, string purpose = "") =>
            $"intelshare get {ids[record]} --reason \"{reason}\"" + (withCase ? $" --case {Case}" : "") + (purpose.Length > 0 ? $" --purpose {purpose}" : "");
        var search = "intelshare search \"kovalenko\" --reason \"who is she\"";
        var resolve = "intelshare resolve match --given Olena --family Kovalenko --reason \"does anyone know her\"";

        return
        [
            new("analyst", "POL-ATU analyst: SECRET, VICTIM_IDENTITY; the operation's agency",
            [
                new(search, "Hits from POL-ATU, BORDER, LABOUR and FIU under four spellings (Kovalenko, Kowalenko, 'Kovalenko Olena', O. KOVALENKO)."),
                new(search + " --by-entity", "The same hits by person: records Resolution has linked to one entity form one group, shown once with all of them; records you may only know exist stay apart."),
                new(Get(cast.KovalenkoPolice, "OP-NISTRU target profile"), $"The whole record: {cast.KovalenkoPolice.Description}, with POL-ATU's handling conditions (code C)."),
                new(Get(cast.FiuReport, "following the money"), $"The whole report: {cast.FiuReport.Description}; FIU released it to POL-ATU with conditions."),
                new(Get(cast.VictimNgo, "safeguarding the witness", withCase: false, purpose: "victim-protection"), $"The whole record: {cast.VictimNgo.Description}; the analyst holds VICTIM_IDENTITY."),
                new(resolve, "One person behind the police, border, labour and FIU records: Kowalenko, swapped name order, day and month of birth swapped."),
                new($"intelshare graph neighbours {ids[cast.KovalenkoPolice]} --depth 2 --reason \"network of the controller\"", "The victim, recruiter, driver, premises, phone and minibus around the controller, and the former victim who now recruits."),
            ]),
            new("border.analyst", "BORDER analyst: SECRET, no caveats; a member of the joint team, and the leak",
            [
                new($"intelshare check --document {cast.ForgedDocumentNumber}", $"Hit: {cast.ForgedDocument.Description}, held by BORDER."),
                new(Get(cast.VictimPolice, "identifying passengers"), $"Redacted: {cast.VictimPolice.Description}; name, date of birth and documents removed (no VICTIM_IDENTITY entitlement)."),
                new(Get(cast.VictimPolice, "removal decision", withCase: false, purpose: "immigration-enforcement"), "Not found: victim data is never released for immigration enforcement, not even as a hit."),
                new(Get(cast.ChildNgo, "curious", withCase: false), $"Not found: {cast.ChildNgo.Description}."),
                new(Get(cast.SourceReport, "curious", withCase: false), $"Not found: {cast.SourceReport.Description}."),
            ]),
            new("labour.inspector", "LABOUR inspector: OFFICIAL_SENSITIVE clearance",
            [
                new(search, "Hits on the car wash director 'Kovalenko Olena' (LABOUR's own), and only the holders of the police and border records."),
                new(Get(cast.KovalenkoPolice, "director of an inspected car wash", withCase: false), "Existence only: held by POL-ATU (a SECRET record, above the inspector's clearance)."),
                new($"intelshare access request {ids[cast.KovalenkoPolice]} --reason \"same person as the car wash director\"", "A request POL-ATU's supervisor can approve or refuse; clearance still applies."),
                new(Get(cast.VictimPolice, "worker welfare", withCase: false), $"Redacted: {cast.VictimPolice.Description}, released to LABOUR without the victim's identity."),
                new(resolve, "The same person across agencies, as far as the inspector may see."),
            ]),
            new("fiu.analyst", "FIU analyst: SECRET, no caveats",
            [
                new(Get(cast.MoneyHandler, "account holder enquiry", withCase: false), $"The whole record: {cast.MoneyHandler.Description}; POL-ATU released it to FIU."),
                new(Get(cast.KovalenkoBorder, "account holder enquiry", withCase: false), "Existence only: held by BORDER, released to POL-ATU only."),
                new($"intelshare graph neighbours {ids[cast.MuleAccount]} --depth 2 --reason \"following the money\"", $"{cast.MuleAccount.Description}: its holder, the payments and the money-transfer customer."),
            ]),
            new("ngo.caseworker", "NGO-SHELTER caseworker: OFFICIAL_SENSITIVE, VICTIM_IDENTITY",
            [
                new(Get(cast.VictimNgo, "support plan", withCase: false, purpose: "victim-protection"), $"The whole record: {cast.VictimNgo.Description}."),
                new(Get(cast.KovalenkoPolice, "risk to service user", withCase: false, purpose: "victim-protection"), "Existence only: held by POL-ATU, not released to the shelter."),
                new(Get(cast.SourceReport, "risk to service user", withCase: false, purpose: "victim-protection"), "Not found: the police do not reveal that the source report exists."),
            ]),
            new("supervisor", "POL-ATU supervisor: SECRET, VICTIM_IDENTITY, SOURCE_SENSITIVE; owns the case",
            [
                new($"intelshare case show {Case}", $"Members {Display.List(operation.Case.Members.Select(m => AccessRenderer.Member(m, operation.MemberNames)))}; compromised at {Display.Time(operation.Case.CompromisedAt)}."),
                new(Get(cast.SourceReport, "source handling review"), $"The whole report with its source grading: {cast.SourceReport.Description}."),
                new("intelshare access requests --incoming", "Requests from partners for POL-ATU records (the labour inspector's, if made), to approve or refuse."),
                new("intelshare audit query --readers", $"Who read POL-ATU's records, including {DemoUsers.CorruptOfficial}'s look-ups without a case."),
            ]),
            new("oversight", "Oversight commission: audits every access",
            [
                new("intelshare audit anomalies", $"LOOKUP_BEFORE_COMPROMISE: {DemoUsers.CorruptOfficial} ({operation.CorruptUserId}) looked up {operation.Lookups} subjects of {Case} without naming it shortly before the raid failed."),
                new($"intelshare audit query --user {DemoUsers.CorruptOfficial}", "Each look-up with its thin reason ('routine check', 'checking', ...) and no case."),
                new($"intelshare audit query --case {Case}", "Everyone who read the operation's records, and why."),
                new("intelshare audit verify --save-head head.json", "A signed tree head and proofs that the log was not altered, checked offline."),
            ]),
        ];
    }

    public static void Show(IAnsiConsole console, IReadOnlyList<TourStop> stops)
    {
        // A rule spans the console; piped output is laid out 1,000 columns wide, so it gets a heading line instead.
        if (console.Profile.Width <= Display.MaxRuleWidth)
        {
            console.Write(new Rule("[bold]Guided tour[/]").LeftJustified());
        }
        else
        {
            console.MarkupLine("[bold]── Guided tour ──[/]");
        }
        console.WriteLine("Sign in as each demo user (password demo-password) and try these; search, check, resolve and graph need the platform's search, resolution and graph services.");
        foreach (var stop in stops)
        {
            console.WriteLine();
            console.MarkupLine($"[bold]{Markup.Escape(stop.User)}[/] [dim]{Markup.Escape(stop.Who)}[/]");
            // Commands are written raw so that long record ids are never wrapped: they are meant to be copied.
            console.WriteRaw($"  intelshare login --user {stop.User}");
            foreach (var step in stop.Steps)
            {
                console.WriteRaw($"  {step.Command}");
                console.MarkupLine($"    [dim]→ {Markup.Escape(step.Expect)}[/]");
            }
        }
    }
}
