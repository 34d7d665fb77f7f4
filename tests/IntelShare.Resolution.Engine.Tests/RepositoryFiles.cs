namespace IntelShare.Resolution.Engine.Tests;

internal static class RepositoryFiles
{
    /// <summary>The directory holding IntelShare.sln, found by walking up from the test binaries.</summary>
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IntelShare.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("IntelShare.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Febrl(string file) => Path.GetFullPath(Path.Combine(Root(), "..", "shared", "data", "febrl", file));
}
