using IntelShare.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace IntelShare.Identity;

/// <summary>Configuration keys Identity reads, and their defaults, in one place.</summary>
public static class IdentitySettings
{
    public const string IssuerKey = "Identity:Issuer";
    public const string AccessTokenLifetimeKey = "Identity:AccessTokenLifetime";
    public const string RefreshTokenLifetimeKey = "Identity:RefreshTokenLifetime";
    public const string KeysDirectoryKey = "Identity:KeysDirectory";
    public const string SeedDemoDataKey = "Identity:SeedDemoData";
    public const string BootstrapAdminSection = "Identity:BootstrapAdmin";
    public const string ServiceClientsSection = "Identity:ServiceClients";

    /// <summary>The one scope and audience of IntelShare access tokens.</summary>
    public const string Scope = AuthenticationExtensions.Audience;

    /// <summary>Public client of the terminal CLI: password grant without a secret.</summary>
    public const string CliClientId = "intelshare-cli";

    public static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultRefreshTokenLifetime = TimeSpan.FromHours(12);

    // Same default as JwtBearer in ServiceDefaults so that issued and expected issuers agree.
    public static Uri Issuer(IConfiguration configuration) => new(AuthenticationExtensions.Issuer(configuration), UriKind.Absolute);

    public static TimeSpan AccessTokenLifetime(IConfiguration configuration) =>
        ConfiguredDuration.Read(configuration, AccessTokenLifetimeKey, DefaultAccessTokenLifetime);

    public static TimeSpan RefreshTokenLifetime(IConfiguration configuration) =>
        ConfiguredDuration.Read(configuration, RefreshTokenLifetimeKey, DefaultRefreshTokenLifetime);

    /// <summary>Demo agencies, users and clients exist only in development or when asked for explicitly.</summary>
    public static bool SeedDemoData(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() || configuration.GetValue(SeedDemoDataKey, false);

    public static string DatabasePath(IConfiguration configuration) =>
        Path.Combine(DataDirectory.Resolve(configuration), "identity.db");

    public static string KeysDirectory(IConfiguration configuration) =>
        configuration[KeysDirectoryKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(DataDirectory.Resolve(configuration), "keys");
}
