using IntelShare.Domain;
using IntelShare.Identity.Data;
using IntelShare.Identity.Grpc;
using IntelShare.Identity.Security;
using IntelShare.Identity.Seeding;
using IntelShare.Identity.Token;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IntelShare.Identity.Extensions;

public static class Extensions
{
    /// <summary>
    /// Everything Identity needs: directory database, OpenIddict token server, persisted keys (also
    /// offered to co-hosted services as <see cref="IIssuerSigningKeySource"/>), and startup seeding.
    /// Call after <c>AddServiceDefaults</c>.
    /// </summary>
    public static IHostApplicationBuilder AddIdentityServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Paths resolve when first used, so that configuration added after composition (tests) still counts.
        services.AddDbContext<IdentityDbContext>((provider, options) =>
        {
            var path = IdentitySettings.DatabasePath(provider.GetRequiredService<IConfiguration>());
            options.UseSqlite($"Data Source={path}");
            options.UseOpenIddict();
        });

        services.AddSingleton(provider =>
            new PersistedKeyStore(IdentitySettings.KeysDirectory(provider.GetRequiredService<IConfiguration>())));
        services.AddSingleton<IIssuerSigningKeySource>(provider => provider.GetRequiredService<PersistedKeyStore>());

        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserAuthenticator>();
        services.AddScoped<IdentitySeeder>();
        services.AddScoped<DemoCredentialGuard>();
        services.AddHostedService<IdentityStartup>();
        services.AddHostedService<TokenPruner>();
        // Services hosted beside Identity check the agencies and users a request names against its directory directly.
        services.AddSingleton<IdentityDirectory>();
        services.AddSingleton<IUserDirectory>(provider => provider.GetRequiredService<IdentityDirectory>());
        services.AddSingleton<IAgencyDirectory>(provider => new CachedAgencyDirectory(
            provider.GetRequiredService<IdentityDirectory>().AgencyCodesAsync, provider.GetService<TimeProvider>() ?? TimeProvider.System));

        services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>())
            .AddServer(options =>
            {
                options.SetTokenEndpointUris(TokenEndpoint.Path.TrimStart('/'));
                options.AllowPasswordFlow()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                options.RegisterScopes(IdentitySettings.Scope, Scopes.OfflineAccess);

                options.SetIssuer(IdentitySettings.Issuer(configuration));
                options.SetAccessTokenLifetime(IdentitySettings.AccessTokenLifetime(configuration));
                options.SetRefreshTokenLifetime(IdentitySettings.RefreshTokenLifetime(configuration));

                // Services validate access tokens themselves with JwtBearer, which needs a signed, unencrypted JWT.
                options.DisableAccessTokenEncryption();

                options.UseAspNetCore()
                    // TLS terminates at the ingress / reverse proxy in front of every IntelShare port,
                    // and the pods speak plain HTTP/2 behind it, so OpenIddict must not demand HTTPS itself.
                    .DisableTransportSecurityRequirement()
                    .EnableTokenEndpointPassthrough();
            });

        // Keys come from disk when options are first built, not while the host is being composed.
        services.AddOptions<OpenIddictServerOptions>()
            .Configure<PersistedKeyStore>((options, keys) =>
            {
                options.SigningCredentials.Add(new SigningCredentials(keys.SigningKey, SecurityAlgorithms.RsaSha256));
                options.EncryptionCredentials.Add(new EncryptingCredentials(
                    keys.EncryptionKey, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            });

        return builder;
    }

    /// <summary>The token endpoint and the IdentityService gRPC service. Discovery (/.well-known/*) is served by OpenIddict itself.</summary>
    public static WebApplication MapIdentityEndpoints(this WebApplication app)
    {
        app.MapTokenEndpoint();
        app.MapGrpcService<IdentityGrpcService>();
        return app;
    }
}
