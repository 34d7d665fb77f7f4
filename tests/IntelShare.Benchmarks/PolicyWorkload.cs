using System.Collections.Frozen;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Access.Client;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Benchmarks;

/// <summary>
/// Need-to-know decisions as the partner agencies make them: readers of every agency, role, clearance and
/// entitlement, with their cases and grants, asking for records of every marking, for every purpose. Every
/// rule of the policy decides some of them, so no measurement rests on one short-circuit. Seeded, so that
/// every run decides the same questions, and generated before anything is timed.
/// <para>
/// The records are generated in their wire form (as a Check call carries them) and turned into the policy's
/// form by the services' own mapping, so the in-process and the gRPC figures decide the same markings.
/// </para>
/// </summary>
public sealed class PolicyWorkload
{
    /// <summary>The demo directory's agencies (so a started host knows them) and partners abroad that only appear in markings.</summary>
    public static readonly string[] Agencies = ["POL-ATU", "BORDER", "LABOUR", "FIU", "NGO-SHELTER", "RO-DIICOT", "NL-KMAR", "EUROPOL"];

    public const string OversightAgency = "OVERSIGHT";

    // Who holds the records: police most, then the border guard and the partners abroad.
    private static readonly int[] OriginatorWeights = [35, 15, 8, 8, 8, 10, 8, 8];

    private static readonly (ClearanceLevel Level, int Weight)[] ClassificationWeights =
        [(ClearanceLevel.Official, 20), (ClearanceLevel.OfficialSensitive, 55), (ClearanceLevel.Secret, 20), (ClearanceLevel.TopSecret, 5)];

    private static readonly (ClearanceLevel Level, int Weight)[] ClearanceWeights =
        [(ClearanceLevel.Official, 10), (ClearanceLevel.OfficialSensitive, 35), (ClearanceLevel.Secret, 45), (ClearanceLevel.TopSecret, 10)];

    private static readonly (Caveat Caveats, int Weight)[] CaveatWeights =
    [
        (Caveat.None, 60), (Caveat.VictimIdentity, 18), (Caveat.SourceSensitive, 8), (Caveat.Child, 4),
        (Caveat.VictimIdentity | Caveat.Child, 6), (Caveat.VictimIdentity | Caveat.SourceSensitive, 4),
    ];

    private static readonly (RecordType Type, int Weight)[] RecordTypeWeights =
    [
        (RecordType.Person, 45), (RecordType.Organisation, 8), (RecordType.Phone, 12), (RecordType.Vehicle, 8), (RecordType.Document, 7),
        (RecordType.Account, 6), (RecordType.Place, 5), (RecordType.Event, 4), (RecordType.Report, 5),
    ];

    // Contributor-only readers and administrators are there so the role rules decide too.
    private static readonly (string[] Roles, int Weight)[] RoleWeights =
    [
        ([Roles.Analyst], 62), ([Roles.Contributor], 10), ([Roles.Supervisor, Roles.Analyst], 10),
        ([Roles.Contributor, Roles.Analyst], 10), ([Roles.Oversight], 4), ([Roles.Admin], 4),
    ];

    // Immigration enforcement is there so purpose limitation decides too; a few reads give no reason.
    private static readonly (Purpose Purpose, int Weight)[] PurposeWeights =
    [
        (Purpose.CriminalInvestigation, 40), (Purpose.IntelligenceAnalysis, 28), (Purpose.VictimProtection, 10),
        (Purpose.FrontlineCheck, 10), (Purpose.ImmigrationEnforcement, 8), (Purpose.Oversight, 4),
    ];

    private static readonly string[] Reasons =
    [
        "Identify the controller of the Leeds car wash workers", "Check the driver stopped at Dover", "Safeguarding referral from the shelter",
        "Link analysis of the recruitment adverts", "Verify the passport reported stolen", "Prepare the joint operation briefing",
    ];

    private static readonly string[] Conditions =
    [
        "Not to be disclosed to the subject; consult the originator before any executive action",
        "For intelligence only: not for evidential use without the originator's consent",
        "Do not share with third countries",
    ];

    private PolicyWorkload(
        DateTimeOffset now,
        Subject[] subjects,
        AccessContext[] contexts,
        CheckItem[] items,
        ResourceMarking[] resources,
        Justification[] justifications,
        int[] subjectOf,
        int[] resourceOf,
        int[] justificationOf)
    {
        Now = now;
        Subjects = subjects;
        Contexts = contexts;
        Items = items;
        Resources = resources;
        WireJustifications = justifications;
        Justifications = Array.ConvertAll(justifications, j => j.ToReadJustification());
        SubjectOf = subjectOf;
        ResourceOf = resourceOf;
        JustificationOf = justificationOf;
    }

    /// <summary>The instant the decisions are made at: grants and review dates lie on both sides of it.</summary>
    public DateTimeOffset Now { get; }

    public Subject[] Subjects { get; }

    /// <summary>Each subject's case memberships and grants, as the Access store would give them.</summary>
    public AccessContext[] Contexts { get; }

    /// <summary>The records as a Check call carries them.</summary>
    public CheckItem[] Items { get; }

    /// <summary>The same records as the policy sees them, index for index.</summary>
    public ResourceMarking[] Resources { get; }

    public Justification[] WireJustifications { get; }

    public ReadJustification[] Justifications { get; }

    /// <summary>The decisions to make, in order: decision i is subject SubjectOf[i] reading ResourceOf[i] for JustificationOf[i].</summary>
    public int[] SubjectOf { get; }

    public int[] ResourceOf { get; }

    public int[] JustificationOf { get; }

    public int Decisions => SubjectOf.Length;

    public static PolicyWorkload Generate(int seed, DateTimeOffset now, int decisions, int subjects = 2_000, int resources = 20_000, int cases = 200)
    {
        var random = new Random(seed);
        var caseRefs = Enumerable.Range(1, cases).Select(c => $"OP-{c:D4}").ToArray();

        var items = new CheckItem[resources];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Item(random, now, caseRefs);
        }

        var markings = Array.ConvertAll(items, item => item.Marking.ToResourceMarking(
            ContractMapping.ToResourceKind(item.ResourceKind), item.ResourceId, ContractMapping.ToBodyKind(item.RecordType), item.Withdrawn));
        var byOriginator = markings.ToLookup(m => m.OriginatorAgency, m => m.ResourceId);

        var people = new Subject[subjects];
        var contexts = new AccessContext[subjects];
        for (var i = 0; i < subjects; i++)
        {
            people[i] = Reader(random, i);
            contexts[i] = Context(random, now, people[i], caseRefs, byOriginator);
        }

        var justifications = new Justification[256];
        for (var i = 0; i < justifications.Length; i++)
        {
            justifications[i] = new Justification
            {
                CaseRef = random.Next(100) < 85 ? Pick(random, caseRefs) : "",
                // 1% give no reason, which the policy refuses first of all.
                Reason = random.Next(100) == 0 ? "" : Pick(random, Reasons),
                Purpose = Weighted(random, PurposeWeights),
            };
        }

        var subjectOf = new int[decisions];
        var resourceOf = new int[decisions];
        var justificationOf = new int[decisions];
        for (var i = 0; i < decisions; i++)
        {
            subjectOf[i] = random.Next(subjects);
            resourceOf[i] = random.Next(resources);
            justificationOf[i] = random.Next(justifications.Length);
        }

        return new PolicyWorkload(now, people, contexts, items, markings, justifications, subjectOf, resourceOf, justificationOf);
    }

    /// <summary>
    /// The audit log's view of the questions: decision i as the Records and Access services record it (see
    /// AuditedAccessChecker), from the reader's connection, timed a millisecond apart.
    /// </summary>
    public AuditEvent[] AuditEvents(NeedToKnowPolicy policy)
    {
        var events = new AuditEvent[Decisions];
        for (var i = 0; i < events.Length; i++)
        {
            var subject = Subjects[SubjectOf[i]];
            var resource = Resources[ResourceOf[i]];
            var justification = Justifications[JustificationOf[i]];
            var decision = policy.Decide(subject, Contexts[SubjectOf[i]], resource, justification, Now);
            var fromRecords = i % 5 != 0;
            events[i] = new AuditEvent(
                Now.AddMilliseconds(i),
                subject.UserId,
                subject.DisplayName,
                subject.Agency,
                fromRecords ? "read" : "check",
                resource.Kind.ToString().ToLowerInvariant(),
                resource.ResourceId,
                resource.OriginatorAgency,
                justification.CaseRef ?? "",
                justification.Reason ?? "",
                justification.Purpose.ToWireName(),
                decision.Effect.ToWireName(),
                decision.Explain(),
                $"ipv4:10.20.{SubjectOf[i] % 250}.{SubjectOf[i] / 250 + 1}:{49152 + i % 16384}",
                fromRecords ? "records" : "access",
                resource.CaseRefs);
        }

        return events;
    }

    private static CheckItem Item(Random random, DateTimeOffset now, string[] caseRefs)
    {
        var originator = Agencies[Weighted(random, OriginatorWeights)];
        var marking = new Marking
        {
            Classification = (Classification)(int)Weighted(random, ClassificationWeights),
            OriginatorAgency = originator,
            ReleaseToAllPartners = random.Next(100) < 25,
            Handling = random.Next(100) < 70
                ? new Handling { Code = HandlingCode.HandlingP }
                : new Handling { Code = HandlingCode.HandlingC, Conditions = Pick(random, Conditions) },
            Discoverable = random.Next(100) < 80,
        };
        if (!marking.ReleaseToAllPartners && random.Next(2) == 0)
        {
            marking.ReleasableTo.AddRange(Agencies.Where(a => a != originator).OrderBy(_ => random.Next()).Take(random.Next(1, 4)));
        }

        marking.Caveats.AddRange(CaveatNames.Names(Weighted(random, CaveatWeights)));
        marking.CaseRefs.AddRange(Enumerable.Range(0, random.Next(100) switch { < 50 => 0, < 85 => 1, _ => 2 }).Select(_ => Pick(random, caseRefs)).Distinct());
        if (random.Next(100) < 30)
        {
            marking.ReviewDate = Timestamp.FromDateTimeOffset(now.AddDays(random.Next(-365, 730)));
        }

        return new CheckItem
        {
            ResourceKind = "record",
            ResourceId = NewId(random),
            Marking = marking,
            RecordType = Weighted(random, RecordTypeWeights),
            Withdrawn = random.Next(100) < 2,
        };
    }

    private static Subject Reader(Random random, int index)
    {
        var roles = Weighted(random, RoleWeights);
        var oversight = roles.Contains(Roles.Oversight);
        var entitlements = new HashSet<string>(StringComparer.Ordinal);
        if (oversight || random.Next(100) < 35)
        {
            entitlements.Add(CaveatNames.VictimIdentity);
        }

        if (oversight || random.Next(100) < 15)
        {
            entitlements.Add(CaveatNames.SourceSensitive);
        }

        if (oversight || random.Next(100) < 10)
        {
            entitlements.Add(CaveatNames.Child);
        }

        return new Subject(
            $"user-{index:D5}",
            $"Benchmark user {index}",
            oversight ? OversightAgency : Agencies[Weighted(random, OriginatorWeights)],
            roles.ToHashSet(StringComparer.Ordinal),
            oversight ? ClearanceLevel.TopSecret : Weighted(random, ClearanceWeights),
            entitlements);
    }

    /// <summary>A few cases each, and for some a grant or two from another agency: active, expired or not yet begun.</summary>
    private static AccessContext Context(Random random, DateTimeOffset now, Subject subject, string[] caseRefs, ILookup<string, string> byOriginator)
    {
        var cases = Enumerable.Range(0, random.Next(100) < 40 ? 0 : random.Next(1, 5)).Select(_ => Pick(random, caseRefs)).ToFrozenSet(StringComparer.Ordinal);
        var grants = new List<AccessGrant>();
        var count = random.Next(100) switch { < 70 => 0, < 90 => 1, < 97 => 2, _ => 3 };
        for (var g = 0; g < count; g++)
        {
            var grantor = Agencies[Weighted(random, OriginatorWeights)];
            var held = byOriginator[grantor].ToArray();
            if (held.Length == 0)
            {
                continue;
            }

            var from = random.Next(100) switch
            {
                < 70 => now.AddDays(-random.Next(1, 30)),   // active
                < 90 => now.AddDays(-random.Next(60, 120)), // expired by now
                _ => now.AddDays(random.Next(1, 10)),       // not yet begun
            };
            grants.Add(new AccessGrant(
                $"grant-{subject.UserId}-{g}",
                subject.UserId,
                Enumerable.Range(0, random.Next(1, 20)).Select(_ => Pick(random, held)).ToFrozenSet(StringComparer.Ordinal),
                from,
                from.AddDays(random.Next(7, 45)),
                grantor,
                random.Next(100) < 20 ? Caveat.VictimIdentity : Caveat.None));
        }

        return new AccessContext(cases, grants);
    }

    private static string NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static int Weighted(Random random, int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static T Weighted<T>(Random random, (T Value, int Weight)[] choices) =>
        choices[Weighted(random, Array.ConvertAll(choices, c => c.Weight))].Value;
}
