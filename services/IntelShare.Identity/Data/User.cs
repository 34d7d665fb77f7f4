using IntelShare.Domain;

namespace IntelShare.Identity.Data;

/// <summary>A person who signs in with a user name and password (password grant).</summary>
public sealed class User
{
    /// <summary>Stable identifier, the token's <c>sub</c>: user names may be corrected, audit trails must not break.</summary>
    public string Id { get; set; } = Guid.NewGuid().ToString("N");

    public required string UserName { get; set; }

    public required string DisplayName { get; set; }

    public required string AgencyCode { get; set; }

    public List<string> Roles { get; set; } = [];

    public ClearanceLevel Clearance { get; set; }

    public List<string> CaveatEntitlements { get; set; } = [];

    /// <summary>Hash in the ASP.NET Core Identity format (<see cref="Microsoft.AspNetCore.Identity.PasswordHasher{TUser}"/>).</summary>
    public string PasswordHash { get; set; } = "";

    public bool Disabled { get; set; }

    /// <summary>
    /// Set when the account was created by demo seeding, so that the production guard only has to
    /// run the (deliberately slow) password check on these accounts and not on every user.
    /// </summary>
    public bool SeededForDemo { get; set; }
}
