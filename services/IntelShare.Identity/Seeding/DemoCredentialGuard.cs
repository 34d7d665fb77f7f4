using IntelShare.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace IntelShare.Identity.Seeding;

/// <summary>
/// Refuses to run production on the published demo credentials: a data directory seeded in
/// development and then deployed would otherwise let anyone sign in as "admin".
/// </summary>
public sealed class DemoCredentialGuard(
    IdentityDbContext db,
    IOpenIddictApplicationManager applications,
    IPasswordHasher<User> hasher)
{
    /// <summary>
    /// Accounts that still accept a demo credential. Only accounts created by demo seeding are
    /// checked (the check is a deliberately slow hash per account); rotated or disabled ones pass.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindDemoCredentialsAsync(CancellationToken cancellationToken)
    {
        var found = new List<string>();

        var seededUsers = await db.Users.AsNoTracking()
            .Where(u => u.SeededForDemo && !u.Disabled)
            .ToListAsync(cancellationToken);
        found.AddRange(seededUsers
            .Where(u => hasher.VerifyHashedPassword(u, u.PasswordHash, DemoData.Password) != PasswordVerificationResult.Failed)
            .Select(u => $"user '{u.UserName}'"));

        var seededClients = await db.ClientRegistrations.AsNoTracking()
            .Where(c => c.SeededForDemo)
            .Select(c => c.ClientId)
            .ToListAsync(cancellationToken);
        foreach (var clientId in seededClients)
        {
            var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
            if (application is not null && await applications.ValidateClientSecretAsync(application, DemoData.ClientSecret, cancellationToken))
            {
                found.Add($"client '{clientId}'");
            }
        }

        return found;
    }

    public async Task ThrowIfDemoCredentialsPresentAsync(CancellationToken cancellationToken)
    {
        var found = await FindDemoCredentialsAsync(cancellationToken);
        if (found.Count > 0)
        {
            throw new InvalidOperationException(
                "Refusing to start: this identity database still accepts the published demo credentials " +
                $"(\"{DemoData.Password}\" / \"{DemoData.ClientSecret}\") for {string.Join(", ", found)}. " +
                "It was seeded for development. Either start with a fresh data directory (IntelShare:DataDirectory) " +
                $"and create the first administrator through {IdentitySettings.BootstrapAdminSection}, or rotate the " +
                "passwords and client secrets of these accounts (or disable/delete them) before running outside Development. " +
                $"To run a demonstration deliberately, set {IdentitySettings.SeedDemoDataKey}=true.");
        }
    }
}
