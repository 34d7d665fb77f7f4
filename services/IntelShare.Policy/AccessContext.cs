using System.Collections.Frozen;

namespace IntelShare.Policy;

/// <summary>
/// What the Access service knows about the subject beyond the token. Built once per request (or
/// per subject) and reused for every resource the request touches.
/// </summary>
/// <param name="CaseMemberships">Case references the subject's user or agency is a member of.</param>
/// <param name="Grants">The subject's grants; the policy itself checks which apply to a resource and when.</param>
public sealed record AccessContext(IReadOnlySet<string> CaseMemberships, IReadOnlyList<AccessGrant> Grants)
{
    public static AccessContext None { get; } = new(FrozenSet<string>.Empty, []);
}

/// <summary>
/// Access beyond a marking, given by the originator to one user for named resources and a limited time.
/// </summary>
/// <param name="ValidFrom">First instant the grant applies (inclusive).</param>
/// <param name="ValidTo">Instant the grant stops applying (exclusive).</param>
/// <param name="GrantedByAgency">Only a grant from the resource's originator counts.</param>
/// <param name="CoveredCaveats">Caveats the grantee may see on those resources without holding the entitlement.</param>
public sealed record AccessGrant(
    string GrantId,
    string GranteeUserId,
    IReadOnlySet<string> ResourceIds,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo,
    string GrantedByAgency,
    Caveat CoveredCaveats = Caveat.None)
{
    /// <summary>Whether this grant opens <paramref name="resource"/> to <paramref name="userId"/> at <paramref name="now"/>.</summary>
    public bool AppliesTo(string userId, ResourceMarking resource, DateTimeOffset now) =>
        now >= ValidFrom
        && now < ValidTo
        && string.Equals(GranteeUserId, userId, StringComparison.Ordinal)
        && string.Equals(GrantedByAgency, resource.OriginatorAgency, StringComparison.Ordinal)
        && ResourceIds.Contains(resource.ResourceId);
}
