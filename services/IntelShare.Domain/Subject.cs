namespace IntelShare.Domain;

/// <summary>The caller as every service sees it, built from the access token.</summary>
public sealed record Subject(
    string UserId,
    string DisplayName,
    string Agency,
    IReadOnlySet<string> Roles,
    ClearanceLevel Clearance,
    IReadOnlySet<string> CaveatEntitlements)
{
    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>
    /// A person or system of its agency, as opposed to a platform service account that only projects the change log:
    /// the account is registered under the agency that operates it, but that agency's cases and audit trail are not
    /// its business.
    /// </summary>
    public bool ActsForAgency => Roles.Overlaps(IntelShare.Domain.Roles.All);

    /// <summary>This subject, if it <see cref="ActsForAgency"/>; otherwise PERMISSION_DENIED naming what it may not do.</summary>
    public Subject AsAgencyMember(string what) => ActsForAgency
        ? this
        : throw new PermissionDeniedException($"A platform service account may not {what}: that is for the people and systems of its agency.");
}

public static class Roles
{
    public const string Contributor = "contributor";
    public const string Analyst = "analyst";
    public const string Supervisor = "supervisor";
    public const string Oversight = "oversight";
    public const string Admin = "admin";

    /// <summary>
    /// A platform service (Search, Graph, Resolution deployed on their own) reading every agency's records from the
    /// Records change log to project them; never a person's role.
    /// </summary>
    public const string Projection = "projection";

    public static readonly IReadOnlyList<string> All = [Contributor, Analyst, Supervisor, Oversight, Admin];
}

/// <summary>Clearance and classification share one ordered scale.</summary>
public enum ClearanceLevel
{
    None = 0,
    Official = 1,
    OfficialSensitive = 2,
    Secret = 3,
    TopSecret = 4,
}

public static class ClearanceLevels
{
    public static ClearanceLevel Parse(string? value) => value?.Trim().ToUpperInvariant().Replace('-', '_') switch
    {
        "OFFICIAL" => ClearanceLevel.Official,
        "OFFICIAL_SENSITIVE" => ClearanceLevel.OfficialSensitive,
        "SECRET" => ClearanceLevel.Secret,
        "TOP_SECRET" => ClearanceLevel.TopSecret,
        _ => ClearanceLevel.None,
    };

    public static string ToClaimValue(this ClearanceLevel level) => level switch
    {
        ClearanceLevel.Official => "OFFICIAL",
        ClearanceLevel.OfficialSensitive => "OFFICIAL_SENSITIVE",
        ClearanceLevel.Secret => "SECRET",
        ClearanceLevel.TopSecret => "TOP_SECRET",
        _ => "NONE",
    };
}
