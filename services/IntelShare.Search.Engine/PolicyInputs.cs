using System.Globalization;
using System.Text;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Search.Engine;

/// <summary>
/// What of a principal the need-to-know conditions depend on at one instant, reduced to what changes them:
/// whether they may read at all, oversight, the caveats they hold and those their purpose bars, agency,
/// clearance, cases and active grants. <see cref="PolicyConditions.For(PolicyInputs, NeedToKnowPolicyOptions)"/>
/// reads nothing else, so principals with equal <see cref="Key"/>s get equal conditions, and an index can
/// build them, and what they match, once per key rather than once per query: a frontline check should not
/// pay for restating the policy.
/// </summary>
public sealed class PolicyInputs
{
    private static readonly PolicyInputs Denied = new(false, false, Caveat.None, Caveat.None, "", ClearanceLevel.None, [], []);

    private PolicyInputs(
        bool mayRead,
        bool oversight,
        Caveat entitled,
        Caveat barred,
        string agency,
        ClearanceLevel clearance,
        IReadOnlyList<string> cases,
        IReadOnlyList<GrantedRelease> grants)
    {
        MayRead = mayRead;
        Oversight = oversight;
        Entitled = entitled;
        Barred = barred;
        Agency = agency;
        Clearance = clearance;
        Cases = cases;
        Grants = grants;
        Key = mayRead ? KeyOf() : "deny";
    }

    /// <summary>False when the request names no known purpose, gives no reason, or comes from no reading role.</summary>
    public bool MayRead { get; }

    public bool Oversight { get; }

    public Caveat Entitled { get; }

    /// <summary>The caveats the stated purpose may never see.</summary>
    public Caveat Barred { get; }

    public string Agency { get; }

    public ClearanceLevel Clearance { get; }

    /// <summary>Case memberships, in ordinal order.</summary>
    public IReadOnlyList<string> Cases { get; }

    /// <summary>What the grants active at the instant release, one per record and granting agency, in ordinal order.</summary>
    public IReadOnlyList<GrantedRelease> Grants { get; }

    /// <summary>All of the above written out canonically; values carry their length, so none can imitate a separator.</summary>
    public string Key { get; }

    public static PolicyInputs Of(SearchPrincipal principal, NeedToKnowPolicyOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(options);
        var subject = principal.Subject;
        var purpose = principal.Justification.Purpose;
        if (!Enum.IsDefined(purpose) || string.IsNullOrWhiteSpace(principal.Justification.Reason)
            || !options.ReadingRoles.Any(subject.Roles.Contains))
        {
            return Denied;
        }

        var grants = principal.Context.Grants
            .Where(g => now >= g.ValidFrom && now < g.ValidTo && string.Equals(g.GranteeUserId, subject.UserId, StringComparison.Ordinal))
            .SelectMany(g => g.ResourceIds.Select(id => (Id: id, Agency: g.GrantedByAgency, g.CoveredCaveats)))
            .GroupBy(g => (g.Id, g.Agency))
            .Select(g => new GrantedRelease(g.Key.Id, g.Key.Agency, g.Aggregate(Caveat.None, (all, x) => all | x.CoveredCaveats)))
            .OrderBy(g => g.RecordId, StringComparer.Ordinal)
            .ThenBy(g => g.GrantingAgency, StringComparer.Ordinal)
            .ToArray();
        return new PolicyInputs(
            true,
            subject.Roles.Contains(options.OversightRole),
            CaveatNames.Entitled(subject.CaveatEntitlements, CaveatNames.All),
            options.BarredCaveatsByPurpose.Where(p => p.Key == purpose).Aggregate(Caveat.None, (all, p) => all | p.Value),
            subject.Agency,
            subject.Clearance,
            principal.Context.CaseMemberships.Order(StringComparer.Ordinal).ToArray(),
            grants);
    }

    private string KeyOf()
    {
        var key = new StringBuilder("read|");
        key.Append(Oversight ? "oversight|" : "|")
            .Append(((int)Entitled).ToString(CultureInfo.InvariantCulture)).Append('|')
            .Append(((int)Barred).ToString(CultureInfo.InvariantCulture)).Append('|')
            .Append(((int)Clearance).ToString(CultureInfo.InvariantCulture)).Append('|');
        Value(key, Agency).Append("|cases:");
        foreach (var caseRef in Cases)
        {
            Value(key, caseRef);
        }

        key.Append("|grants:");
        foreach (var grant in Grants)
        {
            Value(Value(key, grant.RecordId), grant.GrantingAgency).Append(((int)grant.Covers).ToString(CultureInfo.InvariantCulture)).Append(';');
        }

        return key.ToString();
    }

    private static StringBuilder Value(StringBuilder key, string value) =>
        key.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
}

/// <summary>A record an active grant releases to its grantee, with the caveats it covers.</summary>
public sealed record GrantedRelease(string RecordId, string GrantingAgency, Caveat Covers);
