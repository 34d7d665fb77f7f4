using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using IntelShare.Testing;

namespace IntelShare.Benchmarks;

/// <summary>The platform under test: a host started for one run, or one already running.</summary>
public interface IBenchmarkTarget : IAsyncDisposable
{
    string Description { get; }

    /// <summary>The host's process, when known, for its memory and CPU time.</summary>
    int? ProcessId { get; }

    /// <summary>What the host printed, to explain a failed run; empty when it is not ours.</summary>
    string Output { get; }

    Task<GrpcChannel> ConnectAsync(string userName, string password);

    /// <summary>As the platform services client (projection role), which alone reads the whole change log.</summary>
    Task<GrpcChannel> ConnectAsPlatformServicesAsync();

    /// <summary>
    /// A token of the platform services client, for calls a service makes on a user's behalf with its own
    /// credentials beside the user's (PlatformServiceCall.Header).
    /// </summary>
    Task<string> PlatformServicesTokenAsync();

    HostMemory? Memory() => ProcessId is { } id ? HostMemory.Read(id) : null;
}

/// <summary>A fresh host process on loopback over a fresh data directory, both gone at dispose.</summary>
public sealed class LocalHost : IBenchmarkTarget
{
    private readonly HostProcess _host;
    private readonly DirectoryInfo _data;
    private readonly List<GrpcChannel> _channels = [];

    private LocalHost(HostProcess host, DirectoryInfo data)
    {
        _host = host;
        _data = data;
    }

    public static async Task<LocalHost> StartAsync(string? dataRoot)
    {
        var data = ScratchDirectory.Create(dataRoot);
        try
        {
            return new LocalHost(await HostProcess.StartAsync(data.FullName), data);
        }
        catch
        {
            data.Delete(recursive: true);
            throw;
        }
    }

    public string Description => $"host process {_host.ProcessId} at {_host.Address}, data in {_data.FullName}";

    public int? ProcessId => _host.ProcessId;

    public string Output => _host.Output;

    /// <summary>The started host has only the demo accounts, which share one password.</summary>
    public async Task<GrpcChannel> ConnectAsync(string userName, string password) => Keep(_host.Channel(await _host.SignInAsync(userName)));

    public async Task<GrpcChannel> ConnectAsPlatformServicesAsync() => Keep(_host.Channel(await PlatformServicesTokenAsync()));

    public Task<string> PlatformServicesTokenAsync() => _host.SignInAsPlatformServicesAsync();

    private GrpcChannel Keep(GrpcChannel channel)
    {
        _channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await _host.DisposeAsync();
        _data.Delete(recursive: true);
    }
}

/// <summary>An already-running platform, signed in to with the password grant as the CLI does.</summary>
public sealed class RemotePlatform(RemoteTarget remote) : IBenchmarkTarget
{
    private readonly Uri server = remote.Server;
    private readonly int? processId = remote.ProcessId;

    private readonly List<GrpcChannel> _channels = [];

    public string Description => processId is { } id ? $"server {server} (process {id})" : $"server {server}";

    public int? ProcessId => processId;

    public string Output => "";

    public async Task<GrpcChannel> ConnectAsync(string userName, string password) =>
        Connect(await RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "intelshare-cli",
            ["username"] = userName,
            ["password"] = password,
            ["scope"] = "intelshare",
        }, $"Signing in as '{userName}'"));

    public async Task<GrpcChannel> ConnectAsPlatformServicesAsync() => Connect(await PlatformServicesTokenAsync());

    public Task<string> PlatformServicesTokenAsync() =>
        RequestTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = remote.ServicesClient,
            ["client_secret"] = remote.ServicesSecret,
            ["scope"] = "intelshare",
        }, $"Signing in as the client '{remote.ServicesClient}'");

    private GrpcChannel Connect(string token)
    {
        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        var transport = server.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(transport, bearer),
            // A loopback or in-cluster platform speaks plain HTTP/2; its token still has to travel.
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        _channels.Add(channel);
        return channel;
    }

    private async Task<string> RequestTokenAsync(Dictionary<string, string> form, string what)
    {
        var identity = remote.Identity;
        using var http = new HttpClient
        {
            BaseAddress = identity,
            DefaultRequestVersion = HttpVersion.Version20,
            // Plain-HTTP IntelShare endpoints are HTTP/2 only (prior knowledge); over TLS ALPN decides.
            DefaultVersionPolicy = identity.Scheme == Uri.UriSchemeHttp ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
        };
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchmarkException($"{what} at {identity} failed: {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
