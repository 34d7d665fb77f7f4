using IntelShare.Domain;

namespace IntelShare.Policy;

/// <summary>What telling a caller the rule (and its details) would reveal about the resource.</summary>
public enum Disclosure
{
    /// <summary>Only facts about the request itself.</summary>
    Nothing,

    /// <summary>That the resource exists and who holds it.</summary>
    Existence,

    /// <summary>Parts of its marking (classification, caveats, withdrawal).</summary>
    Marking,
}

internal delegate string DetailFormatter(in DecisionDetails details);

/// <summary>
/// One rule of the need-to-know policy. Instances are fixed (see <see cref="PolicyRules"/>) so a decision
/// carries a reference, not a formatted string; the sentence with the case's details is built only
/// when someone asks for it (audit, test output).
/// </summary>
public sealed class PolicyRule
{
    private readonly DetailFormatter _details;

    internal PolicyRule(string id, string description, Disclosure disclosure, DetailFormatter details)
    {
        Id = id;
        Description = description;
        Disclosure = disclosure;
        _details = details;
    }

    /// <summary>Stable identifier, written to the audit log and safe to match on.</summary>
    public string Id { get; }

    /// <summary>The rule in words, without the particulars of one decision.</summary>
    public string Description { get; }

    public Disclosure Disclosure { get; }

    public string Describe(in DecisionDetails details) => _details(details);

    public override string ToString() => Id;
}

/// <summary>The rules of the policy, in the order <see cref="NeedToKnowPolicy"/> applies them (RULES.md).</summary>
public static class PolicyRules
{
    public static PolicyRule NotEvaluated { get; } = new(
        "not-evaluated",
        "No decision was made, so access is denied.",
        Disclosure.Nothing,
        static (in DecisionDetails _) => "no decision was made");

    public static PolicyRule JustificationRequired { get; } = new(
        "justification-required",
        "Every read must say why it is made; a read without a reason (or with an unknown purpose) is refused.",
        Disclosure.Nothing,
        static (in DecisionDetails d) => $"no reason given for a {d.Purpose.ToWireName()} read");

    public static PolicyRule ReadingRoleRequired { get; } = new(
        "reading-role-required",
        "Only users whose role includes reading intelligence may read it.",
        Disclosure.Nothing,
        static (in DecisionDetails d) => $"the reader from {d.ReaderAgency} holds no reading role");

    public static PolicyRule PurposeLimitation { get; } = new(
        "purpose-limitation",
        "Data under these caveats is never released for this purpose, to anyone, not even its originator or as a hit.",
        Disclosure.Marking,
        static (in DecisionDetails d) => $"{d.Purpose.ToWireName()} purpose, {CaveatNames.Format(d.Caveats)} caveat");

    public static PolicyRule Withdrawn { get; } = new(
        "withdrawn",
        "A withdrawn resource is readable by oversight only; everyone else is refused, not even told that it exists.",
        Disclosure.Marking,
        static (in DecisionDetails d) => $"{Name(d.Kind)} withdrawn by {d.OriginatorAgency}, reader from {d.ReaderAgency} is not oversight");

    public static PolicyRule Originator { get; } = new(
        "originator",
        "The agency that contributed the resource reads it in full, whatever its classification and caveats.",
        Disclosure.Nothing,
        static (in DecisionDetails d) => $"{d.ReaderAgency} contributed this {Name(d.Kind)}");

    public static PolicyRule NotReleasable { get; } = new(
        "not-releasable",
        "The resource is not released to the reader's agency, shares no case with the reader and no grant from its originator covers the reader.",
        Disclosure.Existence,
        static (in DecisionDetails d) => $"{Name(d.Kind)} held by {d.OriginatorAgency}, not releasable to {d.ReaderAgency}, no shared case, no active grant");

    public static PolicyRule ClearanceBelowClassification { get; } = new(
        "clearance-below-classification",
        "The reader's clearance is below the resource's classification; no release or grant lifts that.",
        Disclosure.Marking,
        static (in DecisionDetails d) => $"{d.Classification.ToClaimValue()} {Name(d.Kind)}, {d.Clearance.ToClaimValue()} clearance");

    public static PolicyRule CaveatNotRedactable { get; } = new(
        "caveat-not-redactable",
        "The reader lacks a caveat entitlement and the content has no known fields to remove for that caveat, so it is withheld whole.",
        Disclosure.Marking,
        static (in DecisionDetails d) => $"no entitlement for {CaveatNames.Format(d.Caveats)}, no fields to remove from a {d.Body} body");

    public static PolicyRule CaveatRedacted { get; } = new(
        "caveat-redacted",
        "The reader may read the resource but lacks the entitlement for some of its caveats: the fields they protect are removed.",
        Disclosure.Marking,
        static (in DecisionDetails d) => $"{Basis(d)}; no entitlement for {CaveatNames.Format(d.Caveats)}");

    public static PolicyRule NeedToKnow { get; } = new(
        "need-to-know",
        "The resource is released to the reader (all partners, the reader's agency, a shared case, an originator's grant, or oversight of a withdrawn resource), the reader is cleared and entitled to every caveat.",
        Disclosure.Nothing,
        static (in DecisionDetails d) => Basis(d));

    /// <summary>Stands in for a rule that must not be shown to the caller.</summary>
    public static PolicyRule Withheld { get; } = new(
        "withheld",
        "Access was refused; the reason is recorded in the audit log.",
        Disclosure.Nothing,
        static (in DecisionDetails _) => "the reason is recorded in the audit log");

    /// <summary>Every rule a decision can carry, in evaluation order.</summary>
    public static IReadOnlyList<PolicyRule> All { get; } =
    [
        JustificationRequired, ReadingRoleRequired, PurposeLimitation, Withdrawn, Originator,
        NotReleasable, ClearanceBelowClassification, CaveatNotRedactable, CaveatRedacted, NeedToKnow,
    ];

    private static string Name(ResourceKind kind) => kind switch
    {
        ResourceKind.Record => "record",
        ResourceKind.Entity => "entity",
        ResourceKind.Link => "link",
        _ => "resource",
    };

    private static string Basis(in DecisionDetails d) => d.Basis switch
    {
        AccessBasis.ReleaseToAllPartners => "releasable to all partners",
        AccessBasis.ReleasableToAgency => $"releasable to {d.ReaderAgency}",
        AccessBasis.CaseMembership => $"shared case {d.CaseRef}",
        AccessBasis.Grant => $"grant {d.GrantId} from {d.OriginatorAgency}",
        AccessBasis.Oversight => $"oversight reads a withdrawn {Name(d.Kind)}",
        AccessBasis.Originator => $"{d.ReaderAgency} contributed this {Name(d.Kind)}",
        _ => "no basis",
    };
}
