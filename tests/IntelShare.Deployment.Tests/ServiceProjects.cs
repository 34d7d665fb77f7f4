using System.Text.RegularExpressions;

namespace IntelShare.Deployment.Tests;

/// <summary>A project under services/, read from its .csproj text.</summary>
public sealed record ServiceProject(string Name, string ProjectFile, bool IsDeployable, IReadOnlyList<string> PackageReferences, IReadOnlyList<string> ProjectReferences)
{
    private const string Prefix = "IntelShare.";

    /// <summary>"IntelShare.Records" → "records".</summary>
    public string ShortName =>
        (Name.StartsWith(Prefix, StringComparison.Ordinal) ? Name[Prefix.Length..] : Name).Replace('.', '-').ToLowerInvariant();

    /// <summary>Deployment and Service name: intelshare-records.</summary>
    public string DeploymentName => $"intelshare-{ShortName}";

    /// <summary>Image repository without tag: intelshare/records.</summary>
    public string ImageRepository => $"intelshare/{ShortName}";
}

/// <summary>
/// Discovers the projects under services/*/: a deployable is an ASP.NET Core project
/// (Sdk="Microsoft.NET.Sdk.Web"); everything else is a library or tool.
/// The csproj text is matched with regular expressions so that a project being written
/// concurrently (not yet well-formed XML) is still classified.
/// </summary>
public static partial class ServiceProjects
{
    /// <summary>Services that keep data on local disk whatever packages they use today.</summary>
    private static readonly HashSet<string> KnownStatefulServices = new(StringComparer.OrdinalIgnoreCase)
    {
        "IntelShare.Identity", "IntelShare.Records", "IntelShare.Host",
        "IntelShare.Access", "IntelShare.Audit", "IntelShare.Resolution", "IntelShare.Graph", "IntelShare.Search",
    };

    /// <summary>Packages that mean the project writes an embedded store under the data directory.</summary>
    private static readonly string[] EmbeddedStorePackageMarkers = ["Sqlite", "Lucene"];

    private static readonly Lazy<IReadOnlyList<ServiceProject>> LazyAll = new(Discover);

    public static IReadOnlyList<ServiceProject> All => LazyAll.Value;

    public static IReadOnlyList<ServiceProject> Deployables => All.Where(p => p.IsDeployable).ToList();

    /// <summary>Deployables that keep state on disk: known stateful services, or any referencing (transitively) an embedded store package.</summary>
    public static IReadOnlyList<ServiceProject> StatefulDeployables =>
        Deployables.Where(p => KnownStatefulServices.Contains(p.Name)
            || Closure(p).Any(q => q.PackageReferences.Any(pkg => EmbeddedStorePackageMarkers.Any(m => pkg.Contains(m, StringComparison.OrdinalIgnoreCase)))))
        .ToList();

    /// <summary>Deployables that run the Identity token server in-process: Identity itself, and anything referencing it (the Host).</summary>
    public static IReadOnlyList<ServiceProject> IdentityHosts =>
        Deployables.Where(p => Closure(p).Any(q => q.Name == "IntelShare.Identity")).ToList();

    public static ServiceProject Get(string name) =>
        All.SingleOrDefault(p => p.Name == name) ?? throw new InvalidOperationException($"No project {name} under services/.");

    /// <summary>The project and every project it references, transitively.</summary>
    public static IReadOnlyList<ServiceProject> Closure(ServiceProject project)
    {
        var byName = All.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var seen = new Dictionary<string, ServiceProject>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<ServiceProject>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.TryAdd(current.Name, current))
            {
                continue;
            }

            foreach (var reference in current.ProjectReferences)
            {
                if (byName.TryGetValue(reference, out var referenced))
                {
                    pending.Push(referenced);
                }
            }
        }

        return seen.Values.ToList();
    }

    private static IReadOnlyList<ServiceProject> Discover()
    {
        var services = RepositoryLayout.ServicesDirectory;
        if (!Directory.Exists(services))
        {
            return [];
        }

        return Directory.EnumerateDirectories(services)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.csproj", SearchOption.TopDirectoryOnly))
            .Select(Read)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static ServiceProject Read(string projectFile)
    {
        var text = File.ReadAllText(projectFile);
        return new ServiceProject(
            Path.GetFileNameWithoutExtension(projectFile),
            projectFile,
            WebSdk().IsMatch(text),
            PackageReference().Matches(text).Select(m => m.Groups["name"].Value).ToList(),
            ProjectReference().Matches(text).Select(m => Path.GetFileNameWithoutExtension(m.Groups["path"].Value.Replace('\\', '/'))).ToList());
    }

    // <Project Sdk="Microsoft.NET.Sdk.Web"> (optionally with /version), or <Sdk Name="Microsoft.NET.Sdk.Web" />.
    [GeneratedRegex("""(<Project\b[^>]*\bSdk\s*=\s*"|<Sdk\b[^>]*\bName\s*=\s*")\s*Microsoft\.NET\.Sdk\.Web\s*("|/)""", RegexOptions.IgnoreCase)]
    private static partial Regex WebSdk();

    [GeneratedRegex(@"<PackageReference\b[^>]*\bInclude\s*=\s*""(?<name>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex PackageReference();

    [GeneratedRegex(@"<ProjectReference\b[^>]*\bInclude\s*=\s*""(?<path>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectReference();
}
