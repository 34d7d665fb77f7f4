namespace IntelShare.Cli.Session;

/// <summary>
/// Hands out the session's access token, renewing it with the refresh token shortly before it
/// expires so that a long import keeps going, and saving the renewed session for the next command.
/// </summary>
internal sealed class AccessTokenProvider(SessionStore store, SessionData session, TokenClient tokens)
{
    // Renew a little early: a token that expires between the check and the server's validation fails the call.
    private static readonly TimeSpan RenewalMargin = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SessionData _session = session;

    public async ValueTask<string> GetAsync(CancellationToken ct)
    {
        if (!NeedsRenewal(_session))
        {
            return _session.AccessToken;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (NeedsRenewal(_session))
            {
                _session = await RenewAsync(_session, ct);
                store.Save(_session);
            }

            return _session.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool NeedsRenewal(SessionData session) => session.ExpiresAt - RenewalMargin <= DateTimeOffset.UtcNow;

    private async Task<SessionData> RenewAsync(SessionData current, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(current.RefreshToken))
        {
            throw new CliException($"Your session has expired: run `{current.LoginHint}` again.");
        }

        try
        {
            var renewed = await tokens.RefreshAsync(current.RefreshToken, ct);
            return current with
            {
                AccessToken = renewed.AccessToken,
                // Servers that rotate refresh tokens send a new one; others keep the old one valid.
                RefreshToken = renewed.RefreshToken ?? current.RefreshToken,
                ExpiresAt = renewed.ExpiresAt,
            };
        }
        catch (TokenRefusedException e)
        {
            throw new CliException($"Your session has expired and could not be renewed ({e.Message}): run `{current.LoginHint}` again.", e);
        }
    }
}
