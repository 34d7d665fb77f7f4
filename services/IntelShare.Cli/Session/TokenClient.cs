using System.Net;
using System.Text.Json;

namespace IntelShare.Cli.Session;

internal sealed record TokenResponse(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>The token endpoint said no (bad password, unknown client, expired refresh token).</summary>
internal sealed class TokenRefusedException(string error, string? description)
    : Exception(string.IsNullOrEmpty(description) ? error : $"{description} ({error})")
{
    public string Error { get; } = error;
}

/// <summary>OpenID Connect token requests against the platform's /connect/token.</summary>
internal sealed class TokenClient : IDisposable
{
    public const string CliClientId = "intelshare-cli";
    private const string UserScope = "intelshare offline_access";
    private const string SystemScope = "intelshare";

    private readonly HttpClient _http;
    private readonly string _server;

    public TokenClient(CliContext context, string server)
    {
        _server = server;
        _http = context.HttpHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        _http.BaseAddress = new Uri(server.TrimEnd('/') + "/");
        // The platform speaks HTTP/2 with prior knowledge only, the token endpoint included.
        _http.DefaultRequestVersion = HttpVersion.Version20;
        _http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        _http.Timeout = TimeSpan.FromSeconds(30);
    }

    public Task<TokenResponse> PasswordAsync(string user, string password, CancellationToken ct) =>
        RequestAsync(
            [
                new("grant_type", "password"),
                new("client_id", CliClientId),
                new("username", user),
                new("password", password),
                new("scope", UserScope),
            ],
            ct);

    public Task<TokenResponse> ClientCredentialsAsync(string clientId, string clientSecret, CancellationToken ct) =>
        RequestAsync(
            [
                new("grant_type", "client_credentials"),
                new("client_id", clientId),
                new("client_secret", clientSecret),
                new("scope", SystemScope),
            ],
            ct);

    public Task<TokenResponse> RefreshAsync(string refreshToken, CancellationToken ct) =>
        RequestAsync(
            [
                new("grant_type", "refresh_token"),
                new("client_id", CliClientId),
                new("refresh_token", refreshToken),
            ],
            ct);

    private async Task<TokenResponse> RequestAsync(KeyValuePair<string, string>[] form, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync("connect/token", new FormUrlEncodedContent(form), ct);
        }
        catch (HttpRequestException e)
        {
            throw new ServerUnreachableException(_server, e.Message, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ServerUnreachableException(_server, $"no answer within {_http.Timeout.TotalSeconds:0} s", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
                throw new CliException($"The token endpoint {_server}/connect/token answered HTTP {(int)response.StatusCode} without a token response: is {_server} an IntelShare platform?");
            }

            if (response.IsSuccessStatusCode && GetString(json, "access_token") is { } accessToken)
            {
                var lifetime = json.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt64(out var seconds)
                    ? TimeSpan.FromSeconds(seconds)
                    : TimeSpan.FromHours(1);
                return new TokenResponse(accessToken, GetString(json, "refresh_token"), DateTimeOffset.UtcNow + lifetime);
            }

            throw new TokenRefusedException(
                GetString(json, "error") ?? $"HTTP {(int)response.StatusCode}",
                GetString(json, "error_description"));
        }
    }

    private static string? GetString(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public void Dispose() => _http.Dispose();
}
