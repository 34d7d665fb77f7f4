using System.Collections.Immutable;
using IntelShare.Domain;

namespace IntelShare.Policy.Tests;

/// <summary>
/// The vocabulary of the policy table: readers, items, grants and reasons described in words, so that
/// every row of the table prints as the sentence a policy officer would write. The sentences are
/// generated from the same values the policy is given, so they cannot drift from what is tested.
/// </summary>
public static class Clock
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
}

public enum GrantWindow
{
    ValidNow,
    StartsNow,
    EndedNow,
    Expired,
    NotYetValid,
}

/// <param name="ForAnotherUser">The grant names someone other than the reader.</param>
/// <param name="GrantedBy">The granting agency; null means the item's originator.</param>
public sealed record GrantSpec(
    string Id,
    string ResourceId,
    GrantWindow Window = GrantWindow.ValidNow,
    Caveat Covers = Caveat.None,
    bool ForAnotherUser = false,
    string? GrantedBy = null)
{
    public AccessGrant ToGrant(string readerUserId, string originator)
    {
        var (from, to) = Window switch
        {
            GrantWindow.StartsNow => (Clock.Now, Clock.Now.AddDays(7)),
            GrantWindow.EndedNow => (Clock.Now.AddDays(-7), Clock.Now),
            GrantWindow.Expired => (Clock.Now.AddDays(-30), Clock.Now.AddDays(-1)),
            GrantWindow.NotYetValid => (Clock.Now.AddDays(1), Clock.Now.AddDays(30)),
            _ => (Clock.Now.AddDays(-1), Clock.Now.AddDays(6)),
        };
        return new AccessGrant(
            Id,
            ForAnotherUser ? "someone.else" : readerUserId,
            new HashSet<string>(StringComparer.Ordinal) { ResourceId },
            from,
            to,
            GrantedBy ?? originator,
            Covers);
    }

    public override string ToString()
    {
        var window = Window switch
        {
            GrantWindow.StartsNow => "starting this instant",
            GrantWindow.EndedNow => "ending this instant",
            GrantWindow.Expired => "expired yesterday",
            GrantWindow.NotYetValid => "starting tomorrow",
            _ => "valid now",
        };
        return $"grant {Id} on {ResourceId}"
            + (ForAnotherUser ? " for another user" : "")
            + (GrantedBy is null ? "" : $" given by {GrantedBy}")
            + $", {window}"
            + (Covers == Caveat.None ? "" : $", covering {CaveatNames.Format(Covers)}");
    }
}

public sealed record ReaderSpec(
    string Agency,
    ImmutableArray<string> Roles,
    ClearanceLevel Clearance,
    Caveat Entitlements = Caveat.None,
    ImmutableArray<string> Cases = default,
    ImmutableArray<GrantSpec> Grants = default)
{
    public static ReaderSpec Analyst(string agency) => new(agency, [Domain.Roles.Analyst], ClearanceLevel.Secret);

    public static ReaderSpec WithRoles(string agency, params string[] roles) => new(agency, [.. roles], ClearanceLevel.Secret);

    public string UserId => $"{string.Join('+', Roles)}@{Agency}".ToLowerInvariant();

    public ReaderSpec Cleared(ClearanceLevel clearance) => this with { Clearance = clearance };

    public ReaderSpec EntitledTo(Caveat caveats) => this with { Entitlements = caveats };

    public ReaderSpec MemberOf(params string[] cases) => this with { Cases = [.. cases] };

    public ReaderSpec Holding(GrantSpec grant) => this with { Grants = Grants.IsDefault ? [grant] : Grants.Add(grant) };

    public Subject ToSubject() => new(
        UserId,
        UserId,
        Agency,
        Roles.ToHashSet(StringComparer.Ordinal),
        Clearance,
        CaveatNames.Names(Entitlements).ToHashSet(StringComparer.Ordinal));

    public AccessContext ToContext(string originator) => new(
        (Cases.IsDefault ? [] : Cases).ToHashSet(StringComparer.Ordinal),
        Grants.IsDefault ? [] : Grants.Select(g => g.ToGrant(UserId, originator)).ToList());

    public override string ToString()
    {
        var roles = Roles.Select(r => r == Domain.Roles.Oversight ? "oversight officer" : r);
        var parts = new List<string> { $"{string.Join(" and ", roles)} of {Agency} cleared {Clearance.ToClaimValue()}" };
        if (Entitlements != Caveat.None)
        {
            parts.Add($"entitled to {CaveatNames.Format(Entitlements)}");
        }

        if (!Cases.IsDefaultOrEmpty)
        {
            parts.Add($"member of {string.Join(", ", Cases)}");
        }

        if (!Grants.IsDefaultOrEmpty)
        {
            parts.Add($"holding {string.Join("; ", Grants)}");
        }

        return Sentences.WithArticle(string.Join(", ", parts));
    }
}

public sealed record ItemSpec(
    string Originator,
    ClearanceLevel Classification = ClearanceLevel.Official,
    ResourceKind Kind = ResourceKind.Record,
    BodyKind Body = BodyKind.Person,
    string Id = "rec-1",
    ImmutableArray<string> ReleasableTo = default,
    bool ToAllPartners = false,
    Caveat Caveats = Caveat.None,
    ImmutableArray<string> Cases = default,
    bool IsDiscoverable = false,
    bool IsWithdrawn = false)
{
    public static ItemSpec Of(string originator) => new(originator);

    public ItemSpec Classified(ClearanceLevel classification) => this with { Classification = classification };

    public ItemSpec Shaped(ResourceKind kind, BodyKind body) => this with { Kind = kind, Body = body };

    public ItemSpec Releasable(params string[] agencies) => this with { ReleasableTo = [.. agencies] };

    public ItemSpec ReleasedToAllPartners() => this with { ToAllPartners = true };

    public ItemSpec Caveated(Caveat caveats) => this with { Caveats = caveats };

    public ItemSpec InCases(params string[] cases) => this with { Cases = [.. cases] };

    public ItemSpec Discoverable() => this with { IsDiscoverable = true };

    public ItemSpec Withdrawn() => this with { IsWithdrawn = true };

    public ResourceMarking ToMarking() => new()
    {
        Kind = Kind,
        ResourceId = Id,
        Body = Body,
        Classification = Classification,
        OriginatorAgency = Originator,
        ReleasableTo = (ReleasableTo.IsDefault ? [] : ReleasableTo).ToHashSet(StringComparer.Ordinal),
        ReleaseToAllPartners = ToAllPartners,
        Handling = HandlingKind.C,
        HandlingConditions = $"Do not disseminate beyond {Originator} partners without consent.",
        Caveats = Caveats,
        CaseRefs = Cases.IsDefault ? [] : Cases,
        Discoverable = IsDiscoverable,
        ReviewDate = Clock.Now.AddYears(1),
        Withdrawn = IsWithdrawn,
    };

    public override string ToString()
    {
        var kind = Kind == ResourceKind.Link ? "link" : $"{Body.ToString().ToLowerInvariant()} {Kind.ToString().ToLowerInvariant()}";
        var parts = new List<string> { $"{(IsWithdrawn ? "withdrawn " : "")}{Classification.ToClaimValue()} {kind} {Id} of {Originator}" };
        parts.Add(ToAllPartners ? "releasable to all partners"
            : ReleasableTo.IsDefaultOrEmpty ? "not released to anyone"
            : $"releasable to {string.Join(", ", ReleasableTo)}");
        if (Caveats != Caveat.None)
        {
            parts.Add($"caveats {CaveatNames.Format(Caveats)}");
        }

        if (!Cases.IsDefaultOrEmpty)
        {
            parts.Add($"in {string.Join(", ", Cases)}");
        }

        parts.Add(IsDiscoverable ? "discoverable" : "not discoverable");
        return Sentences.WithArticle(string.Join(", ", parts));
    }
}

public sealed record Why(ReadPurpose Purpose, string Reason)
{
    public static readonly Why Investigation = new(ReadPurpose.CriminalInvestigation, "planning the arrest phase");
    public static readonly Why VictimProtection = new(ReadPurpose.VictimProtection, "safeguarding referral");
    public static readonly Why Immigration = new(ReadPurpose.ImmigrationEnforcement, "removal case review");
    public static readonly Why OversightAudit = new(ReadPurpose.Oversight, "inspection of withdrawals");
    public static readonly Why NoReason = new(ReadPurpose.CriminalInvestigation, "");
    public static readonly Why BlankReason = new(ReadPurpose.IntelligenceAnalysis, "   ");

    public ReadJustification ToJustification() => new("OP-HARVEST", Reason, Purpose);

    public override string ToString() => string.IsNullOrWhiteSpace(Reason)
        ? $"for {Purpose.ToWireName()} giving no reason"
        : $"for {Purpose.ToWireName()} (\"{Reason}\")";
}

public sealed record Expected(AccessEffect Effect, string RuleId, ImmutableArray<string> RedactedFields = default)
{
    public static Expected Permit(string rule) => new(AccessEffect.Permit, rule);

    public static Expected Redacted(params string[] fields) => new(AccessEffect.PermitRedacted, PolicyRules.CaveatRedacted.Id, [.. fields]);

    public static Expected ExistenceOnly(string rule) => new(AccessEffect.ExistenceOnly, rule);

    public static Expected Deny(string rule) => new(AccessEffect.Deny, rule);

    /// <summary>The order in which fields are removed does not matter.</summary>
    public bool Matches(Expected other) =>
        Effect == other.Effect
        && RuleId == other.RuleId
        && Fields(RedactedFields).SetEquals(Fields(other.RedactedFields));

    private static HashSet<string> Fields(ImmutableArray<string> fields) => fields.IsDefault ? [] : [.. fields];

    public override string ToString() => RedactedFields.IsDefaultOrEmpty
        ? $"{Effect} by {RuleId}"
        : $"{Effect} by {RuleId} without {string.Join(", ", RedactedFields)}";
}

internal static class Sentences
{
    public static string WithArticle(string phrase) => ("aeiouAEIOU".Contains(phrase[0]) ? "an " : "a ") + phrase;
}

/// <summary>One row of the policy table; its ToString is the sentence shown in test output.</summary>
public sealed record PolicyCase(ReaderSpec Reader, ItemSpec Item, Why Why, Expected Expected)
{
    public AccessDecision Decide(NeedToKnowPolicy policy) => policy.Decide(
        Reader.ToSubject(),
        Reader.ToContext(Item.Originator),
        Item.ToMarking(),
        Why.ToJustification(),
        Clock.Now);

    public override string ToString() => $"{Reader} reads {Item} {Why} → {Expected}";
}
