using IntelShare.Domain;

namespace IntelShare.Identity.Data;

/// <summary>
/// What an OAuth client-credentials client (an agency's system) is on the platform: the agency it
/// acts for and its entitlements. The OpenIddict application holds the secret and the grants; this
/// holds the subject the tokens describe.
/// </summary>
public sealed class ClientRegistration
{
    public required string ClientId { get; set; }

    public required string AgencyCode { get; set; }

    public List<string> Roles { get; set; } = [];

    public ClearanceLevel Clearance { get; set; }

    public List<string> CaveatEntitlements { get; set; } = [];

    /// <summary>Created by demo seeding with the published demo secret (see <see cref="User.SeededForDemo"/>).</summary>
    public bool SeededForDemo { get; set; }
}
