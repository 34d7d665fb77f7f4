using IntelShare.Domain;
using IntelShare.Identity.Data;

namespace IntelShare.Identity.Seeding;

/// <summary>
/// The published demo directory: agencies, one user per role plus users of other agencies (so
/// cross-agency sharing can be tried), and one system client per agency. Its credentials are public,
/// which is why <see cref="DemoCredentialGuard"/> refuses to run production on them.
/// </summary>
public static class DemoData
{
    public const string Password = "demo-password";
    public const string ClientSecret = "demo-secret";

    private const string VictimIdentity = "VICTIM_IDENTITY";
    private const string SourceSensitive = "SOURCE_SENSITIVE";
    private const string Child = "CHILD";

    public static IReadOnlyList<Agency> Agencies { get; } =
    [
        new() { Code = "POL-ATU", Name = "Police Anti-Trafficking Unit", Country = "GB", Kind = "police" },
        new() { Code = "BORDER", Name = "Border Guard", Country = "GB", Kind = "border_guard" },
        new() { Code = "LABOUR", Name = "Labour Inspectorate", Country = "GB", Kind = "labour_inspectorate" },
        new() { Code = "FIU", Name = "Financial Intelligence Unit", Country = "GB", Kind = "fiu" },
        new() { Code = "NGO-SHELTER", Name = "Safe Harbour Shelter (NGO)", Country = "GB", Kind = "ngo" },
        new() { Code = "OVERSIGHT", Name = "Intelligence Oversight Commission", Country = "GB", Kind = "oversight" },
    ];

    public static IReadOnlyList<DemoUser> Users { get; } =
    [
        new("contributor", "Demo Contributor", "POL-ATU", [Roles.Contributor], ClearanceLevel.OfficialSensitive, []),
        new("analyst", "Demo Analyst", "POL-ATU", [Roles.Analyst], ClearanceLevel.Secret, [VictimIdentity]),
        new("supervisor", "Demo Supervisor", "POL-ATU", [Roles.Supervisor, Roles.Analyst], ClearanceLevel.Secret, [VictimIdentity, SourceSensitive]),
        new("oversight", "Demo Oversight Officer", "OVERSIGHT", [Roles.Oversight], ClearanceLevel.TopSecret, [VictimIdentity, SourceSensitive, Child]),
        new("admin", "Demo Administrator", "POL-ATU", [Roles.Admin], ClearanceLevel.Official, []),
        new("border.analyst", "Border Guard Analyst", "BORDER", [Roles.Analyst, Roles.Contributor], ClearanceLevel.Secret, []),
        new("labour.inspector", "Labour Inspector", "LABOUR", [Roles.Contributor, Roles.Analyst], ClearanceLevel.OfficialSensitive, []),
        new("fiu.analyst", "FIU Analyst", "FIU", [Roles.Analyst, Roles.Contributor], ClearanceLevel.Secret, []),
        new("ngo.caseworker", "Shelter Caseworker", "NGO-SHELTER", [Roles.Contributor], ClearanceLevel.OfficialSensitive, [VictimIdentity]),
    ];

    /// <summary>
    /// One import system per agency ("pol-atu-system", "border-system", ...) and the platform's own services
    /// (<see cref="ServicesClientId"/>), which the police unit operates in the demo.
    /// </summary>
    public static IReadOnlyList<ClientRegistration> Clients { get; } = Agencies
        .Select(agency => new ClientRegistration
        {
            ClientId = SystemClientId(agency.Code),
            AgencyCode = agency.Code,
            Roles = [Roles.Contributor],
            Clearance = ClearanceLevel.OfficialSensitive,
            CaveatEntitlements = [],
            SeededForDemo = true,
        })
        .Append(new ClientRegistration
        {
            ClientId = ServicesClientId,
            AgencyCode = "POL-ATU",
            Roles = [Roles.Projection],
            Clearance = ClearanceLevel.Official,
            CaveatEntitlements = [],
            SeededForDemo = true,
        })
        .ToArray();

    /// <summary>Search, Graph and Resolution deployed on their own read the Records change log as this client.</summary>
    public const string ServicesClientId = "intelshare-services";

    public static string SystemClientId(string agencyCode) => agencyCode.ToLowerInvariant() + "-system";
}

public sealed record DemoUser(
    string UserName,
    string DisplayName,
    string AgencyCode,
    IReadOnlyList<string> Roles,
    ClearanceLevel Clearance,
    IReadOnlyList<string> CaveatEntitlements);
