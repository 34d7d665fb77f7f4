using System.Collections.Immutable;
using IntelShare.Domain;

namespace IntelShare.Policy;

/// <summary>
/// The need-to-know decision: may this subject, for this reason, read this resource, and how much of it.
/// Pure and deterministic (the clock is an argument); construct once per service and share across threads.
/// The rules apply in a fixed order, written out for policy officers in RULES.md and numbered alike in the code.
/// </summary>
public sealed class NeedToKnowPolicy
{
    private readonly string[] _readingRoles;
    private readonly string _oversightRole;
    private readonly Caveat[] _barredByPurpose;
    private readonly RedactionTable _redactions;

    public NeedToKnowPolicy(NeedToKnowPolicyOptions? options = null)
    {
        Options = options ?? NeedToKnowPolicyOptions.Default;
        _readingRoles = [.. Options.ReadingRoles];
        _oversightRole = Options.OversightRole;
        _redactions = Options.Redactions;
        _barredByPurpose = new Caveat[Enum.GetValues<ReadPurpose>().Length];
        foreach (var (purpose, caveats) in Options.BarredCaveatsByPurpose)
        {
            if ((uint)purpose >= (uint)_barredByPurpose.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(options), purpose, "Purpose limitation names an unknown purpose.");
            }

            _barredByPurpose[(int)purpose] |= caveats;
        }
    }

    public NeedToKnowPolicyOptions Options { get; }

    public AccessDecision Decide(Subject subject, AccessContext context, ResourceMarking resource, ReadJustification justification, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var reader = Prepare(subject, context, justification, resource.Caveats);
        return Decide(reader, resource, now);
    }

    /// <summary>Decides every resource for one subject and justification, looking the subject up once.</summary>
    public void DecideMany(
        Subject subject,
        AccessContext context,
        ReadOnlySpan<ResourceMarking> resources,
        ReadJustification justification,
        DateTimeOffset now,
        Span<AccessDecision> decisions)
    {
        if (decisions.Length < resources.Length)
        {
            throw new ArgumentException("There must be room for one decision per resource.", nameof(decisions));
        }

        var reader = Prepare(subject, context, justification, CaveatNames.All);
        for (var i = 0; i < resources.Length; i++)
        {
            decisions[i] = Decide(reader, resources[i] ?? throw new ArgumentNullException(nameof(resources)), now);
        }
    }

    public AccessDecision[] DecideMany(
        Subject subject,
        AccessContext context,
        IReadOnlyList<ResourceMarking> resources,
        ReadJustification justification,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var decisions = new AccessDecision[resources.Count];
        var reader = Prepare(subject, context, justification, CaveatNames.All);
        for (var i = 0; i < decisions.Length; i++)
        {
            decisions[i] = Decide(reader, resources[i] ?? throw new ArgumentNullException(nameof(resources)), now);
        }

        return decisions;
    }

    /// <summary>What the policy needs to know about the reader, independent of the resource.</summary>
    private readonly record struct Reader(
        Subject Subject,
        AccessContext Context,
        ReadPurpose Purpose,
        bool Justified,
        bool ReadsContent,
        bool IsOversight,
        Caveat Entitled,
        Caveat Barred);

    private Reader Prepare(Subject subject, AccessContext context, ReadJustification justification, Caveat caveatsOfInterest)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(justification);

        var purpose = justification.Purpose;
        var knownPurpose = (uint)purpose < (uint)_barredByPurpose.Length;
        return new Reader(
            subject,
            context,
            purpose,
            Justified: knownPurpose && !string.IsNullOrWhiteSpace(justification.Reason),
            ReadsContent: HoldsAny(subject, _readingRoles),
            IsOversight: subject.Roles.Contains(_oversightRole),
            Entitled: CaveatNames.Entitled(subject.CaveatEntitlements, caveatsOfInterest),
            Barred: knownPurpose ? _barredByPurpose[(int)purpose] : Caveat.None);
    }

    private AccessDecision Decide(in Reader reader, ResourceMarking resource, DateTimeOffset now)
    {
        // 1. Every read says why.
        if (!reader.Justified)
        {
            return Refuse(reader, resource, PolicyRules.JustificationRequired);
        }

        // 2. Only reading roles read.
        if (!reader.ReadsContent)
        {
            return Refuse(reader, resource, PolicyRules.ReadingRoleRequired);
        }

        // 3. Purpose limitation binds everyone, the originator and oversight included.
        var barred = resource.Caveats & reader.Barred;
        if (barred != Caveat.None)
        {
            return Refuse(reader, resource, PolicyRules.PurposeLimitation, barred);
        }

        // 4–6. On what basis the resource is open to the reader at all.
        AccessBasis basis;
        string? caseRef = null;
        if (resource.Withdrawn)
        {
            if (!reader.IsOversight)
            {
                return Refuse(reader, resource, PolicyRules.Withdrawn);
            }

            basis = AccessBasis.Oversight;
        }
        else if (string.Equals(resource.OriginatorAgency, reader.Subject.Agency, StringComparison.Ordinal))
        {
            return Permit(reader, resource, now, PolicyRules.Originator, AccessBasis.Originator);
        }
        else
        {
            basis = Release(reader, resource, out caseRef);
        }

        var lacking = resource.Caveats & ~reader.Entitled;
        var grant = basis == AccessBasis.None || lacking != Caveat.None ? FindGrant(reader, resource, now) : default;
        if (basis == AccessBasis.None)
        {
            if (grant.Id is null)
            {
                return NotReadable(reader, resource, PolicyRules.NotReleasable);
            }

            basis = AccessBasis.Grant;
        }

        // 7. Clearance is personal vetting: no release, case or grant lifts it.
        if (reader.Subject.Clearance < resource.Classification)
        {
            return NotReadable(reader, resource, PolicyRules.ClearanceBelowClassification);
        }

        // 8. Caveats the reader is not entitled to (and no grant covers) are removed, or the content is withheld whole.
        lacking &= ~grant.Covers;
        if (lacking == Caveat.None)
        {
            return Permit(reader, resource, now, PolicyRules.NeedToKnow, basis, caseRef: caseRef, grantId: grant.Id);
        }

        if (!_redactions.TryGetFields(resource.Body, lacking, out var fields))
        {
            return NotReadable(reader, resource, PolicyRules.CaveatNotRedactable, lacking);
        }

        return Permit(reader, resource, now, PolicyRules.CaveatRedacted, basis, lacking, caseRef, grant.Id, fields);
    }

    private static AccessBasis Release(in Reader reader, ResourceMarking resource, out string? caseRef)
    {
        caseRef = null;
        if (resource.ReleaseToAllPartners)
        {
            return AccessBasis.ReleaseToAllPartners;
        }

        if (resource.ReleasableTo.Contains(reader.Subject.Agency))
        {
            return AccessBasis.ReleasableToAgency;
        }

        var memberships = reader.Context.CaseMemberships;
        if (memberships.Count > 0)
        {
            var cases = resource.CaseRefs;
            for (var i = 0; i < cases.Count; i++)
            {
                if (memberships.Contains(cases[i]))
                {
                    caseRef = cases[i];
                    return AccessBasis.CaseMembership;
                }
            }
        }

        return AccessBasis.None;
    }

    private readonly record struct ActiveGrant(string? Id, Caveat Covers);

    /// <summary>The first grant that applies names the decision; the caveats of all that apply are pooled.</summary>
    private static ActiveGrant FindGrant(in Reader reader, ResourceMarking resource, DateTimeOffset now)
    {
        var grants = reader.Context.Grants;
        string? id = null;
        var covers = Caveat.None;
        for (var i = 0; i < grants.Count; i++)
        {
            var grant = grants[i];
            if (grant.AppliesTo(reader.Subject.UserId, resource, now))
            {
                id ??= grant.GrantId;
                covers |= grant.CoveredCaveats;
            }
        }

        return new ActiveGrant(id, covers);
    }

    private static bool HoldsAny(Subject subject, string[] roles)
    {
        foreach (var role in roles)
        {
            if (subject.Roles.Contains(role))
            {
                return true;
            }
        }

        return false;
    }

    private static DecisionDetails Details(
        in Reader reader,
        ResourceMarking resource,
        Caveat caveats = Caveat.None,
        AccessBasis basis = AccessBasis.None,
        string? caseRef = null,
        string? grantId = null) =>
        new(resource.Kind, resource.ResourceId, resource.Body, resource.OriginatorAgency, reader.Subject.Agency,
            resource.Classification, reader.Subject.Clearance, reader.Purpose, caveats, basis, caseRef, grantId);

    /// <summary>
    /// A permitted reader may know the marking of what it reads, oversight may know everything, and
    /// anyone may know what was wrong with their own request; otherwise a denial tells nothing about the
    /// resource and a hit tells only that it exists and who holds it.
    /// </summary>
    private static bool SafeToShow(in Reader reader, AccessEffect effect, PolicyRule rule) =>
        reader.IsOversight
        || effect >= AccessEffect.PermitRedacted
        || rule.Disclosure == Disclosure.Nothing
        || (effect == AccessEffect.ExistenceOnly && rule.Disclosure == Disclosure.Existence);

    private static AccessDecision Refuse(in Reader reader, ResourceMarking resource, PolicyRule rule, Caveat caveats = Caveat.None) =>
        new(AccessEffect.Deny, rule, Details(reader, resource, caveats), SafeToShow(reader, AccessEffect.Deny, rule));

    private static AccessDecision NotReadable(in Reader reader, ResourceMarking resource, PolicyRule rule, Caveat caveats = Caveat.None)
    {
        if (!resource.Discoverable)
        {
            return Refuse(reader, resource, rule, caveats);
        }

        return new(
            AccessEffect.ExistenceOnly,
            rule,
            Details(reader, resource, caveats),
            SafeToShow(reader, AccessEffect.ExistenceOnly, rule),
            holder: new ResourceHolder(resource.OriginatorAgency, resource.Kind, resource.ResourceId));
    }

    private static AccessDecision Permit(
        in Reader reader,
        ResourceMarking resource,
        DateTimeOffset now,
        PolicyRule rule,
        AccessBasis basis,
        Caveat redactedFor = Caveat.None,
        string? caseRef = null,
        string? grantId = null,
        ImmutableArray<string> redactedFields = default)
    {
        // A case reference names an operation, known only to its members, its owner agency and oversight: a reader the
        // record is released to on another basis gets it without the cases it is not on.
        var withheldCases = basis == AccessBasis.Originator || reader.IsOversight ? 0 : CasesNotKnownTo(reader, resource);
        var effect = redactedFor == Caveat.None && withheldCases == 0 ? AccessEffect.Permit : AccessEffect.PermitRedacted;
        return new(
            effect,
            rule,
            Details(reader, resource, redactedFor, basis, caseRef, grantId),
            SafeToShow(reader, effect, rule),
            redactedFields,
            resource.Handling,
            resource.HandlingConditions,
            reviewDue: resource.ReviewDate is { } review && now >= review,
            withheldCases: withheldCases);
    }

    /// <summary>Bit i set: the resource's case_refs[i] is a case the reader is not on; all bits when one past the 64th is.</summary>
    private static ulong CasesNotKnownTo(in Reader reader, ResourceMarking resource)
    {
        var cases = resource.CaseRefs;
        var unknown = 0UL;
        for (var i = 0; i < cases.Count; i++)
        {
            if (!reader.Context.CaseMemberships.Contains(cases[i]))
            {
                if (i >= 64)
                {
                    return ulong.MaxValue;
                }

                unknown |= 1UL << i;
            }
        }

        return unknown;
    }
}
