namespace IntelShare.Cli.Import;

/// <summary>
/// Where an import writes its rejected rows. Beside the input by default, where a contributor looks for them; an input
/// in a directory they cannot write to (a shared, read-only data set) puts them in the current directory instead. The
/// choice is made, and checked writable, before anything is sent: an import that found out at its first rejected row
/// would stop after the server had already taken rows.
/// </summary>
internal static class RejectsLocation
{
    /// <summary>
    /// The rejects file for <paramref name="inputFile"/>: <paramref name="requested"/> when given (--rejects, or the
    /// file a resumed import was already writing), otherwise the first writable default. A dry run's default is a
    /// file of its own: it replaces its file, and that of an interrupted import holds the rejections of rows the
    /// server already took, which the resumed import goes on appending to.
    /// </summary>
    public static string Choose(string inputFile, string? requested, string workingDirectory, bool dryRun)
    {
        if (requested is not null)
        {
            var path = Path.GetFullPath(requested, workingDirectory);
            return WhyNotWritable(path) is { } reason
                ? throw new CliException($"Cannot write the rejects file {path}: {reason} Give --rejects a file you can write to.")
                : path;
        }

        var suffix = dryRun ? ".dry-run.rejects.csv" : ".rejects.csv";
        var beside = Path.GetFullPath(inputFile + suffix, workingDirectory);
        if ((ReadOnlyByMode(Path.GetDirectoryName(beside)!) ?? WhyNotWritable(beside)) is not { } besideReason)
        {
            return beside;
        }

        var here = Path.Combine(workingDirectory, Path.GetFileName(inputFile) + suffix);
        return WhyNotWritable(here) is { } hereReason
            ? throw new CliException(
                $"Nowhere to write the rejected rows: not beside the input ({besideReason}) nor in the current directory ({hereReason}). " +
                "Give --rejects a file you can write to.")
            : here;
    }

    /// <summary>
    /// A directory that no one may write to by its permissions (a shared data set, r-x for all) is read-only as its
    /// owner meant it, even to root, whom the kernel lets write anywhere.
    /// </summary>
    private static string? ReadOnlyByMode(string directory)
    {
        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        return !OperatingSystem.IsWindows() && Directory.Exists(directory) && (File.GetUnixFileMode(directory) & anyWrite) == 0
            ? $"{directory} is read-only"
            : null;
    }

    /// <summary>Null when <paramref name="path"/> can be written; otherwise why not. Leaves no file behind that was not there.</summary>
    private static string? WhyNotWritable(string path)
    {
        try
        {
            var existed = File.Exists(path);
            using (new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
            }

            if (!existed)
            {
                File.Delete(path);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
