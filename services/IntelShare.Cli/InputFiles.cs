namespace IntelShare.Cli;

/// <summary>Files named on the command line for the CLI to read.</summary>
internal static class InputFiles
{
    /// <summary>
    /// The full path of <paramref name="path"/>, which must be a file. A directory is called one: "no such file" would
    /// send the user looking for a path that is there, and reading it would say access was denied.
    /// </summary>
    /// <param name="what">What the file is to the command, as the messages name it.</param>
    public static string Require(string path, string what = "file")
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"{full} is a directory, not a {what}: name the file itself.");
        }

        return File.Exists(full) ? full : throw new UsageException($"No such {what}: {full}");
    }
}
