using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Net.Client;
using IntelShare.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>
/// The all-in-one host in memory, on real SQLite files in a data directory of its own.
/// Tokens come from the real Identity service's token endpoint.
/// </summary>
public sealed class PlatformFactory(
    string dataDirectory, string environment = "Development", IReadOnlyDictionary<string, string>? settings = null, ILoggerProvider? logs = null)
    : WebApplicationFactory<IntelShare.Host.AllInOneHost>
{
    public const string DemoPassword = "demo-password";

    public string DataDirectory { get; } = dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("IntelShare:DataDirectory", DataDirectory);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }
    }

    public async Task<string> SignInAsync(string userName, string password = DemoPassword)
    {
        var response = await RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "intelshare-cli",
            ["username"] = userName,
            ["password"] = password,
            ["scope"] = "intelshare offline_access",
        });
        return response.RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<JsonDocument> RequestTokenAsync(IDictionary<string, string> form, bool ensureSuccess = true)
    {
        using var http = CreateClient();
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (ensureSuccess && !response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Token request failed: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body);
    }

    /// <summary>A gRPC channel whose every call carries the given bearer token (or none).</summary>
    public GrpcChannel Channel(string? accessToken) =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = new BearerHandler(accessToken) { InnerHandler = Server.CreateHandler() },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });

    public async Task<GrpcChannel> ChannelForAsync(string userName) => Channel(await SignInAsync(userName));

    /// <summary>
    /// The header a platform service adds, with its own token, to a call it makes on a user's behalf (Access's Check and
    /// AuditQuery), as the demo directory's platform services client.
    /// </summary>
    public async Task<Grpc.Core.Metadata> PlatformServiceHeadersAsync() =>
        new() { { ServiceDefaults.PlatformServiceCall.Header, await ClientTokenAsync(HostProcess.ServicesClientId) } };

    /// <summary>A channel as the demo platform services client, the projection role that reads the change log.</summary>
    public async Task<GrpcChannel> PlatformServicesChannelAsync() => Channel(await ClientTokenAsync(HostProcess.ServicesClientId));

    /// <summary>A channel for an agency's import system (client credentials), to contribute as that agency.</summary>
    public async Task<GrpcChannel> SystemChannelAsync(string agencyCode) => Channel(await ClientTokenAsync(agencyCode.ToLowerInvariant() + "-system"));

    private async Task<string> ClientTokenAsync(string clientId)
    {
        using var response = await RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = HostProcess.DemoClientSecret,
            ["scope"] = "intelshare",
        });
        return response.RootElement.GetProperty("access_token").GetString()!;
    }

    private sealed class BearerHandler(string? accessToken) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (accessToken is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>A fresh data directory per test class, removed afterwards.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "intelshare-tests", Guid.NewGuid().ToString("N"));

    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing host is left for the OS temp cleaner.
        }
    }
}

/// <summary>One platform shared by the tests of a class; tests keep apart by their own source references.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new();

    public PlatformFactory Factory { get; private set; } = null!;

    /// <summary>The platform's warnings, errors and logged exceptions.</summary>
    public CapturedLogs Logs { get; } = new();

    public Task InitializeAsync()
    {
        Factory = new PlatformFactory(_directory.Path, logs: Logs);
        _ = Factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        _directory.Dispose();
    }
}
