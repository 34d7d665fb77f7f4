using System.Collections.Immutable;
using IntelShare.Domain;

namespace IntelShare.Policy;

/// <summary>Ordered from least to most access, so effects compare with &lt; and &gt;.</summary>
public enum AccessEffect
{
    Deny = 0,

    /// <summary>Hit/no-hit: the caller learns who holds the resource and its reference, no content.</summary>
    ExistenceOnly = 1,

    /// <summary>Sanitised: the content without the fields listed in <see cref="AccessDecision.RedactedFields"/>.</summary>
    PermitRedacted = 2,

    Permit = 3,
}

/// <summary>Why a resource was readable at all (before clearance and caveats).</summary>
public enum AccessBasis
{
    None = 0,
    Originator,
    ReleaseToAllPartners,
    ReleasableToAgency,
    CaseMembership,
    Grant,
    Oversight,
}

/// <summary>Who to ask about a resource the caller may know of but not read.</summary>
public readonly record struct ResourceHolder(string Agency, ResourceKind Kind, string ResourceId);

/// <summary>The particulars of one decision, from which its rule builds the sentence on demand.</summary>
/// <param name="Caveats">The caveats at issue: barred by purpose, or lacking an entitlement.</param>
/// <param name="CaseRef">The shared case, when that made the resource readable.</param>
/// <param name="GrantId">The grant that made the resource readable or covered a caveat.</param>
public readonly record struct DecisionDetails(
    ResourceKind Kind,
    string ResourceId,
    BodyKind Body,
    string OriginatorAgency,
    string ReaderAgency,
    ClearanceLevel Classification,
    ClearanceLevel Clearance,
    ReadPurpose Purpose,
    Caveat Caveats,
    AccessBasis Basis,
    string? CaseRef,
    string? GrantId);

/// <summary>
/// The outcome of one need-to-know decision. A struct whose parts are references to shared data, so
/// deciding allocates nothing; <c>default</c> is a deny.
/// </summary>
public readonly struct AccessDecision
{
    private readonly PolicyRule? _rule;
    private readonly ImmutableArray<string> _redactedFields;

    // Bit i: the resource's case_refs[i] is a case the reader is not on. Kept as bits so that deciding allocates nothing;
    // the paths are made when the fields are asked for. All bits: every case (a resource with more than 64).
    private readonly ulong _withheldCases;

    internal AccessDecision(
        AccessEffect effect,
        PolicyRule rule,
        in DecisionDetails details,
        bool safeToShowCaller,
        ImmutableArray<string> redactedFields = default,
        HandlingKind handling = HandlingKind.Unspecified,
        string? handlingConditions = null,
        ResourceHolder? holder = null,
        bool reviewDue = false,
        ulong withheldCases = 0)
    {
        Effect = effect;
        _rule = rule;
        Details = details;
        SafeToShowCaller = safeToShowCaller;
        _redactedFields = redactedFields;
        Handling = handling;
        HandlingConditions = handlingConditions;
        Holder = holder;
        ReviewDue = reviewDue;
        _withheldCases = withheldCases;
    }

    public AccessEffect Effect { get; }

    public PolicyRule Rule => _rule ?? PolicyRules.NotEvaluated;

    public DecisionDetails Details { get; }

    /// <summary>Field paths to remove before the content leaves the service (PermitRedacted only).</summary>
    public ImmutableArray<string> RedactedFields
    {
        get
        {
            var fields = _redactedFields.IsDefault ? [] : _redactedFields;
            if (_withheldCases == 0)
            {
                return fields;
            }

            if (_withheldCases == ulong.MaxValue)
            {
                return fields.Add(RedactionPaths.CaseRefs);
            }

            var paths = ImmutableArray.CreateBuilder<string>(fields.Length + System.Numerics.BitOperations.PopCount(_withheldCases));
            paths.AddRange(fields);
            for (var bits = _withheldCases; bits != 0; bits &= bits - 1)
            {
                paths.Add(RedactionPaths.CaseRef(System.Numerics.BitOperations.TrailingZeroCount(bits)));
            }

            return paths.MoveToImmutable();
        }
    }

    /// <summary>The 3x5x2 handling code, with a permit only.</summary>
    public HandlingKind Handling { get; }

    /// <summary>Conditions that must travel with the content, with a permit only.</summary>
    public string? HandlingConditions { get; }

    /// <summary>Whom to ask and about what, with ExistenceOnly only.</summary>
    public ResourceHolder? Holder { get; }

    /// <summary>The resource is past its review date (retention); with a permit only.</summary>
    public bool ReviewDue { get; }

    /// <summary>Whether the rule and its details may be told to the caller (always true for oversight).</summary>
    public bool SafeToShowCaller { get; }

    public bool IsPermitted => Effect >= AccessEffect.PermitRedacted;

    /// <summary>The rule as the caller may see it.</summary>
    public PolicyRule CallerRule => SafeToShowCaller ? Rule : PolicyRules.Withheld;

    /// <summary>"rule-id: particulars", e.g. "clearance-below-classification: SECRET record, OFFICIAL_SENSITIVE clearance".</summary>
    public string Explain() => $"{Rule.Id}: {Rule.Describe(Details)}";

    /// <summary>What may be told to the caller: the explanation, or the withheld rule's sentence.</summary>
    public string ExplainToCaller() => SafeToShowCaller ? Explain() : $"{PolicyRules.Withheld.Id}: {PolicyRules.Withheld.Describe(Details)}";

    public override string ToString() => $"{Effect} ({Explain()})";
}
