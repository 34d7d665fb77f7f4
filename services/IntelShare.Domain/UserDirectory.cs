namespace IntelShare.Domain;

/// <summary>A user as the directory knows them; <see cref="UserId"/> is the token's sub.</summary>
public sealed record DirectoryEntry(string UserId, string UserName, string DisplayName, string Agency, bool Disabled);

/// <summary>
/// Users named exactly, by id or user name: Identity's own directory where it runs in the same process, else
/// Identity's FindUsers.
/// </summary>
public interface IUserDirectory
{
    Task<IReadOnlyList<DirectoryEntry>> FindAsync(IReadOnlyCollection<string> userIds, IReadOnlyCollection<string> userNames, CancellationToken cancellationToken);
}
