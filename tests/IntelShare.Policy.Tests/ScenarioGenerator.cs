using IntelShare.Domain;

namespace IntelShare.Policy.Tests;

/// <summary>One random read: who, with what context, asks for what, and why.</summary>
public sealed record Scenario(Subject Subject, AccessContext Context, ResourceMarking Resource, ReadJustification Justification)
{
    public AccessDecision Decide(NeedToKnowPolicy policy) => policy.Decide(Subject, Context, Resource, Justification, Clock.Now);

    public Scenario WithSubject(Func<Subject, Subject> change) => this with { Subject = change(Subject) };

    public Scenario WithResource(Func<ResourceMarking, ResourceMarking> change) => this with { Resource = change(Resource) };

    public Scenario WithGrants(IEnumerable<AccessGrant> grants) => this with { Context = Context with { Grants = grants.ToList() } };

    public override string ToString()
    {
        var s = Subject;
        var r = Resource;
        var grants = string.Join("; ", Context.Grants.Select(g =>
            $"{g.GrantId} to {g.GranteeUserId} on [{string.Join(",", g.ResourceIds)}] by {g.GrantedByAgency} [{g.ValidFrom:u}, {g.ValidTo:u}) covering {CaveatNames.Format(g.CoveredCaveats)}"));
        return $"subject {s.UserId} of {s.Agency} roles [{string.Join(",", s.Roles)}] {s.Clearance} entitled [{string.Join(",", s.CaveatEntitlements)}]"
            + $" cases [{string.Join(",", Context.CaseMemberships)}] grants [{grants}]"
            + $"; {r.Kind}/{r.Body} {r.ResourceId} of {r.OriginatorAgency} {r.Classification} releasable [{string.Join(",", r.ReleasableTo)}] all={r.ReleaseToAllPartners}"
            + $" caveats [{CaveatNames.Format(r.Caveats)}] cases [{string.Join(",", r.CaseRefs)}] discoverable={r.Discoverable} withdrawn={r.Withdrawn}"
            + $"; {Justification.Purpose} reason '{Justification.Reason}'";
    }
}

/// <summary>
/// Random reads over a small world (six agencies, three cases, four resources) so that agencies,
/// cases and grants collide often enough for the rules to interact. Seeded: a failure reproduces.
/// </summary>
public sealed class ScenarioGenerator(int seed)
{
    public static readonly string[] Agencies = ["POL-ATU", "BORDER", "LABOUR", "FIU", "NGO-SHELTER", "OVERSIGHT"];
    public static readonly string[] Cases = ["OP-A", "OP-B", "OP-C"];
    public static readonly string[] ResourceIds = ["rec-1", "rec-2", "rec-3", "rec-4"];

    private static readonly ClearanceLevel[] Levels = Enum.GetValues<ClearanceLevel>();
    private static readonly BodyKind[] Bodies = Enum.GetValues<BodyKind>();
    private static readonly ResourceKind[] Kinds = Enum.GetValues<ResourceKind>();
    private static readonly ReadPurpose[] Purposes = Enum.GetValues<ReadPurpose>();

    private readonly Random _random = new(seed);

    public Scenario Next()
    {
        var subject = NextSubject();
        var resource = NextResource();
        var context = new AccessContext(
            Subset(Cases, 0.3).ToHashSet(StringComparer.Ordinal),
            Enumerable.Range(0, _random.Next(3)).Select(i => NextGrant(i, subject, resource)).ToList());
        var justification = new ReadJustification(
            Chance(0.7) ? Pick(Cases) : null,
            Chance(0.9) ? "a stated reason" : Pick<string?>(["", "  ", null]),
            Pick(Purposes));
        return new Scenario(subject, context, resource, justification);
    }

    public Subject NextSubject()
    {
        var agency = Pick(Agencies);
        return new Subject(
            $"user-{_random.Next(3)}@{agency}",
            "Random Reader",
            agency,
            Subset(Roles.All, 0.4).ToHashSet(StringComparer.Ordinal),
            Pick(Levels),
            CaveatNames.Names(NextCaveats(0.3)).ToHashSet(StringComparer.Ordinal));
    }

    public ResourceMarking NextResource() => new()
    {
        Kind = Pick(Kinds),
        ResourceId = Pick(ResourceIds),
        Body = Pick(Bodies),
        Classification = Pick(Levels),
        OriginatorAgency = Pick(Agencies),
        ReleasableTo = Subset(Agencies, 0.25).ToHashSet(StringComparer.Ordinal),
        ReleaseToAllPartners = Chance(0.2),
        Handling = Chance(0.5) ? HandlingKind.P : HandlingKind.C,
        HandlingConditions = Chance(0.5) ? "" : "No onward dissemination",
        Caveats = NextCaveats(0.3),
        CaseRefs = Subset(Cases, 0.3).ToList(),
        Discoverable = Chance(0.5),
        ReviewDate = Chance(0.5) ? null : Clock.Now.AddDays(_random.Next(-30, 30)),
        Withdrawn = Chance(0.15),
    };

    /// <summary>A grant that often, but not always, fits the subject, the resource, its originator and the clock.</summary>
    public AccessGrant NextGrant(int index, Subject subject, ResourceMarking resource)
    {
        var from = Clock.Now.AddDays(_random.Next(-10, 3));
        return new AccessGrant(
            $"G-{index}",
            Chance(0.7) ? subject.UserId : $"user-{_random.Next(3)}@{Pick(Agencies)}",
            (Chance(0.7) ? [resource.ResourceId, .. Subset(ResourceIds, 0.3)] : Subset(ResourceIds, 0.5)).ToHashSet(StringComparer.Ordinal),
            from,
            from.AddDays(_random.Next(0, 10)),
            Chance(0.7) ? resource.OriginatorAgency : Pick(Agencies),
            NextCaveats(0.3));
    }

    public Caveat NextCaveats(double probability)
    {
        var caveats = Caveat.None;
        foreach (var caveat in (Caveat[])[Caveat.VictimIdentity, Caveat.SourceSensitive, Caveat.Child])
        {
            if (Chance(probability))
            {
                caveats |= caveat;
            }
        }

        return caveats;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public bool Chance(double probability) => _random.NextDouble() < probability;

    private IEnumerable<T> Subset<T>(IEnumerable<T> items, double probability) => items.Where(_ => Chance(probability)).ToList();
}
