using IntelShare.Domain;
using Microsoft.EntityFrameworkCore;

namespace IntelShare.Identity.Data;

/// <summary>
/// The directory's agencies and users as services read them: through FindUsers and ListAgencies, and directly by the
/// services hosted beside Identity.
/// </summary>
public sealed class IdentityDirectory(IServiceScopeFactory scopes) : IUserDirectory
{
    public const int MaxNamesPerLookup = 500;

    public async Task<IReadOnlyList<DirectoryEntry>> FindAsync(IReadOnlyCollection<string> userIds, IReadOnlyCollection<string> userNames, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0 && userNames.Count == 0)
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.Users.AsNoTracking()
            .Where(u => userIds.Contains(u.Id) || userNames.Contains(u.UserName))
            .OrderBy(u => u.UserName)
            .Select(u => new DirectoryEntry(u.Id, u.UserName, u.DisplayName, u.AgencyCode, u.Disabled))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyCollection<string>> AgencyCodesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.Agencies.AsNoTracking().Select(a => a.Code).ToListAsync(cancellationToken);
    }
}
