using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// The keys Identity signs access tokens with. Registered by Identity when it runs in the same
/// process, so that co-hosted services validate tokens without a network round trip.
/// </summary>
public interface IIssuerSigningKeySource
{
    IEnumerable<SecurityKey> GetSigningKeys();
}

public static class AuthenticationExtensions
{
    public const string Audience = "intelshare";
    public const string DefaultIssuer = "http://localhost:5080/";

    public const string ClockSkewKey = "Identity:ClockSkew";
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);

    public static string Issuer(IConfiguration configuration) =>
        configuration["Identity:Issuer"] is { Length: > 0 } issuer ? issuer : DefaultIssuer;

    /// <summary>
    /// How far a service's clock may disagree with Identity's: a token is still accepted this long after it expires,
    /// and this long before it becomes valid. Zero honours a token's lifetime to the second, for clocks kept in step.
    /// </summary>
    public static TimeSpan ClockSkew(IConfiguration configuration) =>
        ConfiguredDuration.Read(configuration, ClockSkewKey, DefaultClockSkew, allowZero: true);

    /// <summary>
    /// JWT bearer validation for every endpoint (deny by default through the fallback policy).
    /// A standalone service sets Identity:Authority and fetches Identity's published keys; inside
    /// the all-in-one host the keys come from the co-hosted Identity service.
    /// </summary>
    public static IHostApplicationBuilder AddIntelShareAuthentication(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var authority = configuration["Identity:Authority"];

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<IAuthenticationSchemeProvider, GrpcCallSchemeProvider>();
        void Configure(JwtBearerOptions options)
        {
            options.MapInboundClaims = false;
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new CachingJsonWebTokenHandler(TimeProvider.System) { MapInboundClaims = false });
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer(configuration),
                ValidAudience = Audience,
                NameClaimType = Claims.Name,
                RoleClaimType = Claims.Role,
                ClockSkew = ClockSkew(configuration),
            };
            if (!string.IsNullOrWhiteSpace(authority))
            {
                options.Authority = authority;
                options.RequireHttpsMetadata = false;
                // Identity's gRPC port speaks HTTP/2 with prior knowledge, as every IntelShare port does.
                options.Backchannel = new HttpClient
                {
                    DefaultRequestVersion = HttpVersion.Version20,
                    DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
                };
            }
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                Configure(options);
                options.Events = new JwtBearerEvents { OnChallenge = GrpcChallenge.AnswerAsync };
            })
            // Asked for only by the calls that need it (PlatformServiceCall), never to authenticate a call.
            .AddJwtBearer(PlatformServiceCall.Scheme, options =>
            {
                Configure(options);
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        context.Token = context.Request.Headers[PlatformServiceCall.Header].ToString() is { Length: > 0 } token ? token : null;
                        if (context.Token is null)
                        {
                            context.NoResult();
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        if (string.IsNullOrWhiteSpace(authority))
        {
            foreach (var scheme in new[] { JwtBearerDefaults.AuthenticationScheme, PlatformServiceCall.Scheme })
            {
                builder.Services.AddOptions<JwtBearerOptions>(scheme)
                    .PostConfigure<IServiceProvider>((options, services) =>
                    {
                        var keySource = services.GetService<IIssuerSigningKeySource>()
                            ?? throw new InvalidOperationException(
                                "No token signing keys: set Identity:Authority to the Identity service's URL, or host Identity in this process.");
                        options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keySource.GetSigningKeys();
                    });
            }
        }

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}

/// <summary>Claim types of IntelShare access tokens.</summary>
public static class Claims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Agency = "agency";
    public const string Role = "role";
    public const string Clearance = "clearance";
    public const string Caveat = "caveat";
}
