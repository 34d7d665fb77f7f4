namespace IntelShare.Access.Domain;

public sealed record CaseMembership(string? UserId, string? Agency);

public sealed record CaseFile(
    string CaseRef,
    string Title,
    string OwnerAgency,
    IReadOnlyList<CaseMembership> Members,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompromisedAt,
    string CompromiseNote);

public enum RequestState
{
    Pending = 1,
    Approved = 2,
    Refused = 3,
}

public sealed record AccessRequestFile(
    string RequestId,
    string RequesterUserId,
    string RequesterAgency,
    string RecordId,
    string HolderAgency,
    string Reason,
    string CaseRef,
    RequestState State,
    string DecidedBy,
    string DecisionReason,
    DateTimeOffset RequestedAt,
    DateTimeOffset? DecidedAt,
    string GrantId,
    DateTimeOffset? GrantExpiresAt)
{
    /// <summary>The grant an approval gave, as it stands now (it may have been revoked since).</summary>
    public GrantFile? Grant { get; init; }
}

public sealed record GrantFile(
    string GrantId,
    string GranteeUserId,
    string GranteeAgency,
    IReadOnlyList<string> RecordIds,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo,
    string GrantedBy,
    string GrantedByAgency,
    string RequestId,
    GrantRevocation? Revocation)
{
    public bool Revoked => Revocation is not null;
}

/// <summary>Who ended a grant before it expired, when, and why.</summary>
public sealed record GrantRevocation(string By, DateTimeOffset At, string Reason);
