using IntelShare.Cli.Session;

namespace IntelShare.Cli.Demo;

/// <summary>Who the demo acts as: an agency system (client credentials) or a demo user (password).</summary>
internal sealed record DemoPrincipal(string Name, bool IsSystem)
{
    public static DemoPrincipal System(string agency) => new(DemoAgencies.SystemClient(agency), IsSystem: true);

    public static DemoPrincipal User(string userName) => new(userName, IsSystem: false);
}

/// <summary>
/// Signs the demo in as several principals at once, each with a session of its own kept under
/// &lt;home&gt;/demo/&lt;principal&gt;, so that the connections are the CLI's ordinary ones (token renewal,
/// bearer credentials, error mapping) and the user's own session is left as it was. The demo's sessions
/// are deleted when it ends: they hold tokens.
/// </summary>
internal sealed class DemoSessions(CliRun run, string? serverOption, string password, string clientSecret) : IDisposable
{
    private readonly List<SessionStore> _stores = [];

    public string Server { get; } = ServerAddress.Resolve(serverOption, run.Context);

    public async Task<PlatformConnection> OpenAsync(DemoPrincipal principal, CancellationToken ct)
    {
        run.Server = Server;
        var home = Path.Combine(run.Context.HomeDirectory, "demo", principal.Name);
        TokenResponse response;
        using (var tokens = new TokenClient(run.Context, Server))
        {
            try
            {
                response = principal.IsSystem
                    ? await tokens.ClientCredentialsAsync(principal.Name, clientSecret, ct)
                    : await tokens.PasswordAsync(principal.Name, password, ct);
            }
            catch (TokenRefusedException e)
            {
                throw new CliException(
                    $"The platform refused the demo credentials of {principal.Name} ({e.Message}). The demo needs a platform started in Development, " +
                    "which seeds the demo agencies, users and systems (README.md), or --password / --client-secret if they were changed.", e);
            }
        }

        var store = new SessionStore(home);
        store.Save(new SessionData
        {
            Server = Server,
            AccessToken = response.AccessToken,
            RefreshToken = response.RefreshToken,
            ExpiresAt = response.ExpiresAt,
            Principal = principal.Name,
            ClientCredentials = principal.IsSystem,
        });
        _stores.Add(store);
        return await PlatformConnection.OpenAsync(new CliRun(WithHome(run.Context, home)), Server, ct);
    }

    private static CliContext WithHome(CliContext context, string home) => new()
    {
        HomeDirectory = home,
        Console = context.Console,
        HttpHandler = context.HttpHandler,
        DefaultServer = context.DefaultServer,
        Input = context.Input,
        RetryDelay = context.RetryDelay,
        ProgressInterval = context.ProgressInterval,
    };

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Delete();
        }
    }
}
