using IntelShare.Domain;
using IntelShare.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IntelShare.Identity.Seeding;

/// <summary>Settings of Identity:BootstrapAdmin: the first administrator of a production directory.</summary>
public sealed class BootstrapAdminOptions
{
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Agency code; the agency is created (named after its code) if the directory lacks it.</summary>
    public string? Agency { get; set; }
}

/// <summary>
/// One entry of Identity:ServiceClients: the credentials with which Search, Graph and Resolution, deployed on their own,
/// read the Records change log (the projection role). The agency is the one operating the platform.
/// </summary>
public sealed class ServiceClientOptions
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? Agency { get; set; }
}

/// <summary>
/// Puts the directory in the state Identity needs. Every step checks before it writes, so it runs
/// at each start without duplicating anything.
/// </summary>
public sealed class IdentitySeeder(
    IdentityDbContext db,
    IOpenIddictApplicationManager applications,
    IPasswordHasher<User> hasher,
    ILogger<IdentitySeeder> logger)
{
    public const int MinimumBootstrapPasswordLength = 12;

    /// <summary>The terminal CLI's public client: it runs on analysts' machines, so it can keep no secret.</summary>
    public async Task EnsureCliClientAsync(CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(IdentitySettings.CliClientId, cancellationToken) is not null)
        {
            return;
        }

        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = IdentitySettings.CliClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "IntelShare command-line client",
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.Password,
                Permissions.GrantTypes.RefreshToken,
                Permissions.Prefixes.Scope + IdentitySettings.Scope,
            },
        }, cancellationToken);
        logger.LogInformation("Registered public client {ClientId}", IdentitySettings.CliClientId);
    }

    public async Task SeedDemoDataAsync(CancellationToken cancellationToken)
    {
        var existingAgencies = await db.Agencies.Select(a => a.Code).ToListAsync(cancellationToken);
        foreach (var agency in DemoData.Agencies.Where(a => !existingAgencies.Contains(a.Code)))
        {
            db.Agencies.Add(new Agency { Code = agency.Code, Name = agency.Name, Country = agency.Country, Kind = agency.Kind });
        }

        await db.SaveChangesAsync(cancellationToken);

        var existingUsers = await db.Users.Select(u => u.UserName).ToListAsync(cancellationToken);
        foreach (var demo in DemoData.Users.Where(u => !existingUsers.Contains(u.UserName, StringComparer.OrdinalIgnoreCase)))
        {
            var user = new User
            {
                UserName = demo.UserName,
                DisplayName = demo.DisplayName,
                AgencyCode = demo.AgencyCode,
                Roles = [.. demo.Roles],
                Clearance = demo.Clearance,
                CaveatEntitlements = [.. demo.CaveatEntitlements],
                SeededForDemo = true,
            };
            user.PasswordHash = hasher.HashPassword(user, DemoData.Password);
            db.Users.Add(user);
        }

        await db.SaveChangesAsync(cancellationToken);

        foreach (var client in DemoData.Clients)
        {
            if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is null)
            {
                var displayName = client.Roles.Contains(Roles.Projection) ? "IntelShare platform services (demo)" : $"{client.AgencyCode} import system (demo)";
                await applications.CreateAsync(SystemClient(client.ClientId, DemoData.ClientSecret, displayName), cancellationToken);
            }

            if (!await db.ClientRegistrations.AnyAsync(c => c.ClientId == client.ClientId, cancellationToken))
            {
                db.ClientRegistrations.Add(new ClientRegistration
                {
                    ClientId = client.ClientId,
                    AgencyCode = client.AgencyCode,
                    Roles = [.. client.Roles],
                    Clearance = client.Clearance,
                    CaveatEntitlements = [.. client.CaveatEntitlements],
                    SeededForDemo = true,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogWarning(
            "Demo directory present: users share the password '{Password}' and agency systems the secret '{Secret}'. Never use this data directory in production.",
            DemoData.Password, DemoData.ClientSecret);
    }

    public const int MinimumServiceSecretLength = 24;

    /// <summary>A system signing in on its own account: client credentials with a secret, for the IntelShare scope only.</summary>
    private static OpenIddictApplicationDescriptor SystemClient(string clientId, string secret, string displayName) => new()
    {
        ClientId = clientId,
        ClientSecret = secret,
        ClientType = ClientTypes.Confidential,
        DisplayName = displayName,
        Permissions =
        {
            Permissions.Endpoints.Token,
            Permissions.GrantTypes.ClientCredentials,
            Permissions.Prefixes.Scope + IdentitySettings.Scope,
        },
    };

    /// <summary>
    /// Registers each configured platform service client, or sets its secret to the configured one, so that rotating
    /// the secret in configuration (a Kubernetes secret) takes effect at the next start.
    /// </summary>
    public async Task EnsureServiceClientsAsync(IReadOnlyList<ServiceClientOptions> clients, CancellationToken cancellationToken)
    {
        const string section = IdentitySettings.ServiceClientsSection;
        for (var i = 0; i < clients.Count; i++)
        {
            var options = clients[i];
            var clientId = options.ClientId?.Trim();
            if (string.IsNullOrEmpty(clientId))
            {
                throw new InvalidOperationException($"{section}:{i}:ClientId must name the client.");
            }

            if (string.IsNullOrEmpty(options.ClientSecret) || options.ClientSecret.Length < MinimumServiceSecretLength || options.ClientSecret == DemoData.ClientSecret)
            {
                throw new InvalidOperationException(
                    $"{section}:{i}:ClientSecret must be a secret of at least {MinimumServiceSecretLength} characters (not the published demo secret) for the client '{clientId}'.");
            }

            var agencyCode = options.Agency?.Trim().ToUpperInvariant();
            if (string.IsNullOrEmpty(agencyCode) || !await db.Agencies.AnyAsync(a => a.Code == agencyCode, cancellationToken))
            {
                throw new InvalidOperationException(
                    $"{section}:{i}:Agency must be the code of an agency in the directory (the one operating the platform) for the client '{clientId}'.");
            }

            var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
            if (application is null)
            {
                await applications.CreateAsync(SystemClient(clientId, options.ClientSecret, "IntelShare platform services"), cancellationToken);
                logger.LogInformation("Registered platform service client {ClientId}", clientId);
            }
            else if (!await applications.ValidateClientSecretAsync(application, options.ClientSecret, cancellationToken))
            {
                var descriptor = new OpenIddictApplicationDescriptor();
                await applications.PopulateAsync(descriptor, application, cancellationToken);
                descriptor.ClientSecret = options.ClientSecret;
                await applications.UpdateAsync(application, descriptor, cancellationToken);
                logger.LogInformation("Rotated the secret of platform service client {ClientId}", clientId);
            }

            var registration = await db.ClientRegistrations.SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
            if (registration is null)
            {
                db.ClientRegistrations.Add(new ClientRegistration
                {
                    ClientId = clientId,
                    AgencyCode = agencyCode,
                    Roles = [Roles.Projection],
                    Clearance = ClearanceLevel.Official,
                    CaveatEntitlements = [],
                });
            }
            else
            {
                registration.AgencyCode = agencyCode;
                registration.Roles = [Roles.Projection];
                registration.SeededForDemo = false;
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Creates the configured administrator if absent; an existing account is left alone so its password can be rotated.</summary>
    public async Task EnsureBootstrapAdminAsync(BootstrapAdminOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.UserName))
        {
            return;
        }

        var userName = options.UserName.Trim();
        if (await db.Users.AnyAsync(u => u.UserName == userName, cancellationToken))
        {
            return;
        }

        const string section = IdentitySettings.BootstrapAdminSection;
        if (string.IsNullOrEmpty(options.Password) || options.Password.Length < MinimumBootstrapPasswordLength)
        {
            throw new InvalidOperationException(
                $"{section}:Password must be set to at least {MinimumBootstrapPasswordLength} characters to create the administrator '{userName}'.");
        }

        if (options.Password == DemoData.Password)
        {
            throw new InvalidOperationException($"{section}:Password must not be the published demo password.");
        }

        if (string.IsNullOrWhiteSpace(options.Agency))
        {
            throw new InvalidOperationException($"{section}:Agency must name the agency code of the administrator '{userName}'.");
        }

        var agencyCode = options.Agency.Trim().ToUpperInvariant();
        if (!await db.Agencies.AnyAsync(a => a.Code == agencyCode, cancellationToken))
        {
            db.Agencies.Add(new Agency { Code = agencyCode, Name = agencyCode, Country = "", Kind = "unknown" });
        }

        var admin = new User
        {
            UserName = userName,
            DisplayName = userName,
            AgencyCode = agencyCode,
            Roles = [Roles.Admin],
            Clearance = ClearanceLevel.Official,
        };
        admin.PasswordHash = hasher.HashPassword(admin, options.Password);
        db.Users.Add(admin);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Created bootstrap administrator {UserName} of agency {Agency}", userName, agencyCode);
    }
}
