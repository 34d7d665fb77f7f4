using IntelShare.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace IntelShare.Identity.Seeding;

/// <summary>
/// Creates and seeds the identity database before the server accepts requests. A hosted service
/// rather than code in Program.cs, so it runs the same way when Identity is co-hosted.
/// </summary>
public sealed class IdentityStartup(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<IdentityStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;

        var db = services.GetRequiredService<IdentityDbContext>();
        await db.Database.EnsureCreatedAsync(cancellationToken);

        var seeder = services.GetRequiredService<IdentitySeeder>();
        await seeder.EnsureCliClientAsync(cancellationToken);

        var demo = IdentitySettings.SeedDemoData(configuration, environment);
        if (demo)
        {
            await seeder.SeedDemoDataAsync(cancellationToken);
        }

        var bootstrap = configuration.GetSection(IdentitySettings.BootstrapAdminSection).Get<BootstrapAdminOptions>() ?? new BootstrapAdminOptions();
        await seeder.EnsureBootstrapAdminAsync(bootstrap, cancellationToken);
        await seeder.EnsureServiceClientsAsync(
            configuration.GetSection(IdentitySettings.ServiceClientsSection).Get<List<ServiceClientOptions>>() ?? [], cancellationToken);

        if (!demo)
        {
            await services.GetRequiredService<DemoCredentialGuard>().ThrowIfDemoCredentialsPresentAsync(cancellationToken);
        }

        logger.LogInformation("Identity database ready at {Path}", db.Database.GetDbConnection().DataSource);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
