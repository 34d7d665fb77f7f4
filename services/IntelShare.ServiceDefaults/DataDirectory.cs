using Microsoft.Extensions.Configuration;

namespace IntelShare.ServiceDefaults;

public static class DataDirectory
{
    public const string ConfigurationKey = "IntelShare:DataDirectory";

    /// <summary>The directory every embedded store writes under (default ./data), created if missing.</summary>
    public static string Resolve(IConfiguration configuration, params string[] subPath)
    {
        var root = Path.GetFullPath(configuration[ConfigurationKey] is { Length: > 0 } configured ? configured : "data");
        var path = subPath.Length == 0 ? root : Path.Combine([root, .. subPath]);
        Directory.CreateDirectory(path);
        return path;
    }
}
