using Grpc.Core;
using Grpc.Net.Client;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Session;

/// <summary>An authenticated gRPC channel to the platform the user signed in to.</summary>
internal sealed class PlatformConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly TokenClient _tokens;

    private PlatformConnection(string server, GrpcChannel channel, TokenClient tokens)
    {
        Server = server;
        _channel = channel;
        _tokens = tokens;
        Records = new RecordsService.RecordsServiceClient(channel);
        Identity = new IdentityService.IdentityServiceClient(channel);
        Access = new AccessService.AccessServiceClient(channel);
        AuditLog = new AuditLogService.AuditLogServiceClient(channel);
        Oversight = new OversightService.OversightServiceClient(channel);
        Search = new SearchService.SearchServiceClient(channel);
        Graph = new GraphService.GraphServiceClient(channel);
        Resolution = new ResolutionService.ResolutionServiceClient(channel);
        Projections = new ProjectionsService.ProjectionsServiceClient(channel);
    }

    public string Server { get; }

    public RecordsService.RecordsServiceClient Records { get; }

    public IdentityService.IdentityServiceClient Identity { get; }

    public AccessService.AccessServiceClient Access { get; }

    public AuditLogService.AuditLogServiceClient AuditLog { get; }

    public OversightService.OversightServiceClient Oversight { get; }

    public SearchService.SearchServiceClient Search { get; }

    public GraphService.GraphServiceClient Graph { get; }

    public ResolutionService.ResolutionServiceClient Resolution { get; }

    public ProjectionsService.ProjectionsServiceClient Projections { get; }

    public static async Task<PlatformConnection> OpenAsync(CliRun run, string? serverOption, CancellationToken ct)
    {
        var store = new SessionStore(run.Context.HomeDirectory);
        var session = store.Require();
        var server = ServerAddress.Resolve(serverOption, run.Context, session.Server);
        run.Server = server;
        run.LoginHint = session.LoginHint;
        if (!ServerAddress.Same(server, session.Server))
        {
            throw new CliException(
                $"Not signed in to {server} (the saved session is for {session.Server}): run `intelshare login --user <name> --server {server}`");
        }

        var tokens = new TokenClient(run.Context, server);
        var accessTokens = new AccessTokenProvider(store, session, tokens);
        try
        {
            // Renew before the first call, so that an expired session fails with its own message
            // rather than from inside a gRPC call.
            await accessTokens.GetAsync(ct);
        }
        catch
        {
            tokens.Dispose();
            throw;
        }

        var bearer = CallCredentials.FromInterceptor(async (context, metadata) =>
            metadata.Add("authorization", "Bearer " + await accessTokens.GetAsync(context.CancellationToken)));
        var transport = server.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            ? ChannelCredentials.SecureSsl
            : ChannelCredentials.Insecure;
        var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            HttpHandler = run.Context.HttpHandler,
            Credentials = ChannelCredentials.Create(transport, bearer),
            // The embedded platform listens on plain HTTP/2 (h2c) on loopback.
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        return new PlatformConnection(server, channel, tokens);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _tokens.Dispose();
    }
}
