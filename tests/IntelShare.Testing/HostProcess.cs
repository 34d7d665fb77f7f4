using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace IntelShare.Testing;

/// <summary>
/// The all-in-one host, or one service on its own, as a real operating-system process on loopback, for what an
/// in-memory host cannot show: being killed, or services reaching each other over the network.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string DemoPassword = "demo-password";

    /// <summary>The platform services client of the development directory, and the secret its demo clients share.</summary>
    public const string ServicesClientId = "intelshare-services";

    public const string DemoClientSecret = "demo-secret";

    private readonly Process _process;
    private readonly StringWriter _output = new();

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<HostProcess> StartAsync(string dataDirectory, string configuration = "") =>
        StartServiceAsync("IntelShare.Host", dataDirectory, FreeAddress(), new Dictionary<string, string>(), configuration);

    /// <summary>
    /// Starts the service project <paramref name="project"/> (its own Program.cs) listening on <paramref name="address"/>,
    /// with <paramref name="settings"/> as configuration (keys as in appsettings, e.g. "Access:Address").
    /// </summary>
    public static async Task<HostProcess> StartServiceAsync(
        string project, string dataDirectory, Uri address, IReadOnlyDictionary<string, string> settings, string configuration = "")
    {
        var host = Launch(project, dataDirectory, dataDirectory, address, settings, configuration);
        await host.WaitUntilServingAsync();
        return host;
    }

    /// <summary>
    /// Starts the service project <paramref name="project"/> with <paramref name="dataDirectory"/> as its data directory
    /// (which need not be usable) and waits for it to exit on its own, as a service that refuses to start does.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(
        string project, string workingDirectory, string dataDirectory, TimeSpan timeout)
    {
        await using var host = Launch(project, workingDirectory, dataDirectory, FreeAddress(), new Dictionary<string, string>(), "");
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await host._process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{project} was still running after {timeout}:\n{host.Output}");
        }

        // The exit is seen before the last redirected lines are read; waiting without a timeout drains them.
        await host._process.WaitForExitAsync(CancellationToken.None);
        return (host._process.ExitCode, host.Output);
    }

    private static HostProcess Launch(
        string project, string workingDirectory, string dataDirectory, Uri address, IReadOnlyDictionary<string, string> settings, string configuration)
    {
        var assembly = ServiceAssembly(project, configuration);
        // The address as a user gives it (README), so that a host which ignored --urls fails every test that starts one.
        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", address.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        // ASP.NET Core takes the working directory (the data directory) for its content root, where there is no
        // appsettings.json: the host would run without its configured log levels, unlike a deployed host.
        start.Environment["ASPNETCORE_CONTENTROOT"] = Path.GetDirectoryName(assembly);
        start.Environment["IntelShare__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {project}.");
        var host = new HostProcess(process, address);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.WriteLine(line);
        }
    }

    private async Task WaitUntilServingAsync()
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                var response = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The service did not start serving within 90 s:\n{Output}");
    }

    public int ProcessId => _process.Id;

    public GrpcChannel Channel(string accessToken) =>
        GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            HttpHandler = new AuthorizingHandler(accessToken) { InnerHandler = new SocketsHttpHandler() },
        });

    public Task<string> SignInAsync(string userName) => RequestTokenAsync(new Dictionary<string, string>
    {
        ["grant_type"] = "password",
        ["client_id"] = "intelshare-cli",
        ["username"] = userName,
        ["password"] = DemoPassword,
        ["scope"] = "intelshare",
    });

    /// <summary>A token of the demo platform services client, the projection role that reads the change log.</summary>
    public Task<string> SignInAsPlatformServicesAsync() => RequestTokenAsync(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = ServicesClientId,
        ["client_secret"] = DemoClientSecret,
        ["scope"] = "intelshare",
    });

    private async Task<string> RequestTokenAsync(Dictionary<string, string> form)
    {
        using var http = new HttpClient { BaseAddress = Address, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — what a crash or an OOM kill does.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>A loopback address with a port nobody listens on, to hand to a service before it starts.</summary>
    public static Uri FreeAddress() => new($"http://127.0.0.1:{FreePort()}");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ServiceAssembly(string project, string configuration) => ProjectAssembly("services", project, configuration);

    /// <summary>
    /// The build output of the repository's project <paramref name="folder"/>/<paramref name="project"/>, by default in
    /// the same configuration as the caller.
    /// </summary>
    public static string ProjectAssembly(string folder, string project, string configuration = "")
    {
        var callerOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = callerOutput.Name;
        configuration = configuration is { Length: > 0 } ? configuration : callerOutput.Parent!.Name;
        var path = Path.Combine(RepositoryRoot(), folder, project, "bin", configuration, framework, project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first: {path} is missing.");
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IntelShare.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("IntelShare.sln not found above the test output directory.");
    }

    private sealed class AuthorizingHandler(string accessToken) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
