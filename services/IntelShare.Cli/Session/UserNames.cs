using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Session;

/// <summary>
/// People as the CLI shows and takes them: by name, while the platform refers to them by their stable user id (a
/// token's sub). Ids the directory does not know (an agency system's client id) are shown as they are.
/// </summary>
internal sealed class UserNames
{
    private const int LookupLimit = 500;

    private readonly IReadOnlyDictionary<string, DirectoryUser> _byId;

    private UserNames(IReadOnlyDictionary<string, DirectoryUser> byId) => _byId = byId;

    public static UserNames None { get; } = new(new Dictionary<string, DirectoryUser>());

    /// <summary>"Display Name (user.name)" for a known id, else the id itself.</summary>
    public string Show(string userId) =>
        _byId.TryGetValue(userId, out var user) ? $"{user.DisplayName} ({user.UserName})" : userId;

    public static async Task<UserNames> OfAsync(PlatformConnection connection, IEnumerable<string> userIds, CancellationToken ct)
    {
        var wanted = userIds.Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, DirectoryUser>(StringComparer.Ordinal);
        foreach (var part in wanted.Chunk(LookupLimit))
        {
            var reply = await connection.Identity.FindUsersAsync(new FindUsersRequest { UserIds = { part } }, cancellationToken: ct);
            foreach (var user in reply.Users)
            {
                found[user.UserId] = user;
            }
        }

        return new UserNames(found);
    }

    /// <summary>
    /// The user ids of people named by user name (or already by id), for what the platform takes ids for; a name the
    /// directory does not know stops the command before anything changes.
    /// </summary>
    public static async Task<IReadOnlyList<string>> IdsOfAsync(PlatformConnection connection, string option, IReadOnlyList<string> names, CancellationToken ct)
    {
        var ids = await FindIdsAsync(connection, names, ct);
        var unknown = names.Where((_, i) => ids[i] is null).ToList();
        return unknown.Count == 0
            ? ids.OfType<string>().ToList()
            : throw new UsageException($"{option} {string.Join(", ", unknown)}: {NoSuchUser}");
    }

    public const string NoSuchUser = "no such user on the platform. Name people by their user name, as they sign in.";

    /// <summary>Each name's user id (a name may already be an id), or null where the directory knows no such user.</summary>
    public static async Task<IReadOnlyList<string?>> FindIdsAsync(PlatformConnection connection, IReadOnlyList<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var reply = await connection.Identity.FindUsersAsync(new FindUsersRequest { UserIds = { names }, UserNames = { names } }, cancellationToken: ct);
        return [.. names.Select(name => (reply.Users.FirstOrDefault(u => u.UserId == name)
            ?? reply.Users.FirstOrDefault(u => string.Equals(u.UserName, name, StringComparison.OrdinalIgnoreCase)))?.UserId)];
    }
}
