namespace IntelShare.Deployment.Tests;

/// <summary>Where the repository's folders are, found from the test assembly's location.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>
    /// The repository root: the nearest folder above the test binaries holding IntelShare.sln
    /// (or IntelShare.slnx), or, before the solution exists, holding Directory.Build.props next to services/.
    /// </summary>
    public static string Root => LazyRoot.Value;

    public static string K8sDirectory => Path.Combine(Root, "k8s");

    public static string ServicesDirectory => Path.Combine(Root, "services");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var hasSolution = File.Exists(Path.Combine(directory.FullName, "IntelShare.sln"))
                || File.Exists(Path.Combine(directory.FullName, "IntelShare.slnx"));
            var hasBuildProps = File.Exists(Path.Combine(directory.FullName, "Directory.Build.props"))
                && Directory.Exists(Path.Combine(directory.FullName, "services"));
            if (hasSolution || hasBuildProps)
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} contains IntelShare.sln or Directory.Build.props with services/.");
    }
}
