using System.Net;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IntelShare.ServiceDefaults;

/// <summary>
/// This service's own access token, from Identity's token endpoint with the client-credentials grant, for what it does
/// on its own account rather than a caller's (a projection reading the Records change log). The token is reused until
/// a minute before it expires.
/// </summary>
public sealed class ServiceCredentials : IDisposable
{
    public const string ClientIdKey = "ServiceClient:ClientId";
    public const string ClientSecretKey = "ServiceClient:ClientSecret";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http;
    private readonly Uri _tokenEndpoint;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public ServiceCredentials(Uri identity, string clientId, string clientSecret, TimeProvider clock)
    {
        _tokenEndpoint = new Uri(identity, "/connect/token");
        _clientId = clientId;
        _clientSecret = clientSecret;
        _clock = clock;
        _http = new HttpClient
        {
            // IntelShare's plain-HTTP ports speak HTTP/2 only (prior knowledge); over TLS ALPN decides.
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = identity.Scheme == Uri.UriSchemeHttp ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>
    /// From Identity:Authority and ServiceClient:ClientId/ClientSecret; in Development the demo directory's platform
    /// services client is the default.
    /// </summary>
    public static ServiceCredentials FromConfiguration(IConfiguration configuration, IHostEnvironment environment, TimeProvider clock)
    {
        var authority = configuration["Identity:Authority"] is { Length: > 0 } configured
            ? new Uri(configured)
            : throw new InvalidOperationException("This service signs in to Identity on its own account: set Identity:Authority to the Identity service's URL.");
        var development = environment.IsDevelopment();
        var clientId = configuration[ClientIdKey] is { Length: > 0 } id ? id : development ? "intelshare-services" : null;
        var secret = configuration[ClientSecretKey] is { Length: > 0 } configuredSecret ? configuredSecret : development ? "demo-secret" : null;
        if (clientId is null || secret is null)
        {
            throw new InvalidOperationException(
                $"This service signs in to Identity on its own account: set {ClientIdKey} and {ClientSecretKey} to a client registered in Identity:ServiceClients.");
        }

        return new ServiceCredentials(authority, clientId, secret, clock);
    }

    /// <summary>Headers that make a call on this service's own account.</summary>
    public async Task<Metadata> HeadersAsync(CancellationToken cancellationToken) =>
        new() { { "authorization", "Bearer " + await TokenAsync(cancellationToken) } };

    public async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && _clock.GetUtcNow() < current.RenewAt)
        {
            return current.Token;
        }

        await _renewing.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } renewed && _clock.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Token;
            }

            var issued = await RequestAsync(cancellationToken);
            _current = issued;
            return issued.Token;
        }
        finally
        {
            _renewing.Release();
        }
    }

    private async Task<(string Token, DateTimeOffset RenewAt)> RequestAsync(CancellationToken cancellationToken)
    {
        var requestedAt = _clock.GetUtcNow();
        using var response = await _http.PostAsync(_tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _clientId,
            ["client_secret"] = _clientSecret,
            ["scope"] = AuthenticationExtensions.Audience,
        }), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        if (!response.IsSuccessStatusCode || !json.RootElement.TryGetProperty("access_token", out var token))
        {
            var reason = json.RootElement.TryGetProperty("error_description", out var description) ? description.GetString() : body;
            throw new InvalidOperationException(
                $"Identity at {_tokenEndpoint} refused a token to the client '{_clientId}' ({(int)response.StatusCode}): {reason} " +
                $"Check {ClientIdKey} and {ClientSecretKey} against Identity:ServiceClients.");
        }

        var lifetime = json.RootElement.TryGetProperty("expires_in", out var expiresIn) ? TimeSpan.FromSeconds(expiresIn.GetInt32()) : TimeSpan.FromMinutes(5);
        return (token.GetString()!, requestedAt + (lifetime > RenewBefore * 2 ? lifetime - RenewBefore : lifetime / 2));
    }

    public void Dispose()
    {
        _http.Dispose();
        _renewing.Dispose();
    }
}

public static class ServiceCredentialsExtensions
{
    /// <summary>This service's own account (<see cref="ServiceCredentials.FromConfiguration"/>), signed in on first use.</summary>
    public static IHostApplicationBuilder AddServiceCredentials(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(services =>
            ServiceCredentials.FromConfiguration(configuration, services.GetRequiredService<IHostEnvironment>(), services.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
