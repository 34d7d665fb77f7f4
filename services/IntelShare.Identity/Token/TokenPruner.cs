using OpenIddict.Abstractions;

namespace IntelShare.Identity.Token;

/// <summary>
/// Removes expired and redeemed token and authorization rows. OpenIddict records every token it
/// issues (so tokens can be revoked); without pruning the table grows by one row per token forever.
/// </summary>
public sealed class TokenPruner(IServiceScopeFactory scopes, ILogger<TokenPruner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    // Kept past expiry for a while so that a recent token's row can still be looked at when investigating misuse.
    private static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var threshold = DateTimeOffset.UtcNow - Retention;
                var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, stoppingToken);
                var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, stoppingToken);
                logger.LogInformation("Pruned {Tokens} tokens and {Authorizations} authorizations older than {Threshold}", tokens, authorizations, threshold);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The next round retries; pruning is housekeeping and must not take the token server down.
                logger.LogWarning(error, "Pruning of expired tokens failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
