namespace IntelShare.Cli.Session;

/// <summary>Which platform a command talks to: --server, then the context default (INTELSHARE_SERVER), then the session's.</summary>
internal static class ServerAddress
{
    public static string Resolve(string? serverOption, CliContext context, string? sessionServer = null)
    {
        var server = FirstNonEmpty(serverOption, context.DefaultServer, sessionServer) ?? CliContext.BuiltInServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"'{server}' is not a server address: expected e.g. {CliContext.BuiltInServer}.");
        }

        return Normalise(server);
    }

    public static bool Same(string left, string right) =>
        string.Equals(Normalise(left), Normalise(right), StringComparison.OrdinalIgnoreCase);

    private static string Normalise(string server) => server.Trim().TrimEnd('/');

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
