using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace IntelShare.ServiceDefaults;

public static class DataDirectory
{
    public const string ConfigurationKey = "IntelShare:DataDirectory";

    // Some callers resolve on every use (Identity's database path, once per request scope): the write check is made
    // once per directory, not a file created and deleted per token request.
    private static readonly ConcurrentDictionary<string, bool> Writable = new(StringComparer.Ordinal);

    /// <summary>
    /// The directory every embedded store writes under (default ./data), created if missing and checked writable, so
    /// that a path that cannot hold the data stops the service at start with what to change, instead of a store failing
    /// on its first write.
    /// </summary>
    public static string Resolve(IConfiguration configuration, params string[] subPath)
    {
        var root = Path.GetFullPath(configuration[ConfigurationKey] is { Length: > 0 } configured ? configured : "data");
        var path = subPath.Length == 0 ? root : Path.Combine([root, .. subPath]);
        try
        {
            Directory.CreateDirectory(path);
            if (!Writable.ContainsKey(path))
            {
                var probe = Path.Combine(path, $".write-check-{Guid.NewGuid():N}");
                using (File.Create(probe, 1, FileOptions.DeleteOnClose))
                {
                }

                Writable[path] = true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The data directory {path} cannot be used: {e.Message} Set IntelShare__DataDirectory (configuration key " +
                $"{ConfigurationKey}) to a directory this process can create and write.",
                e);
        }

        return path;
    }
}
