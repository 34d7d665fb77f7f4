using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <param name="RejectsPath">The rejects file the import appends to (absent from checkpoints of earlier versions).</param>
/// <param name="Options">
/// The <see cref="CheckpointStore.Fingerprint"/> of the options the rows were sent with (absent from checkpoints of
/// earlier versions, which resume under any).
/// </param>
internal sealed record Checkpoint(
    string File, string Type, long RowsAcknowledged, ImportTotals Totals, DateTimeOffset UpdatedAt, string? RejectsPath = null, string? Options = null);

/// <summary>
/// How far an import of one file got: the rows the server has acknowledged. The key is the file's path, size and
/// modification time, so that a changed file starts over instead of skipping rows it never sent. The options that
/// decide what is sent are kept with it: resuming under others would leave the rows sent before as they were and
/// make the rest differ, so it is refused.
/// </summary>
internal sealed class CheckpointStore
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    // Earlier versions keyed the checkpoint by the record type too; an import they left interrupted still resumes.
    private readonly string _earlierVersionPath;

    private readonly string _file;

    public CheckpointStore(string homeDirectory, string file, string type)
    {
        var info = new FileInfo(file);
        _file = info.FullName;
        var identity = $"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}";
        FilePath = Path.GetFullPath(Path.Combine(homeDirectory, "imports", Hash(identity) + ".json"));
        _earlierVersionPath = Path.GetFullPath(Path.Combine(homeDirectory, "imports", Hash($"{identity}\n{type}") + ".json"));
    }

    public string FilePath { get; }

    /// <summary>
    /// The options that decide what is sent for each row: the format and encoding it is read in, the record type, the
    /// mapping as narrowed to the file's columns (--mapping, --source-ref-column) and the marking. Not the batch size
    /// or the rejects file, which change neither.
    /// </summary>
    public static string Fingerprint(ImportFormat format, Encoding encoding, RecordMapping mapping, Marking marking)
    {
        var options = JsonSerializer.Serialize(new
        {
            Format = format.ToString(),
            Type = mapping.Body.Name,
            Mapping = mapping.Entries.Select(e => new { Path = e.Path.Text, e.Columns, e.Constant, e.Format }),
            Marking = JsonFormatter.Default.Format(marking),
        });

        // UTF-8 adds nothing: it was the only encoding before --encoding, so imports interrupted then still resume.
        return Hash(encoding.CodePage == Encoding.UTF8.CodePage ? options : $"{options}\n{encoding.WebName}");
    }

    /// <summary>
    /// An interrupted import, of any file, that appends its rejected rows to <paramref name="rejectsPath"/> and can still
    /// be resumed: they are rows the server already took, which resuming it will not send again, so nothing else may
    /// replace that file. One whose file has changed or gone since will never resume (it would start over), so it
    /// holds nothing back.
    /// </summary>
    public static Checkpoint? InterruptedImportWriting(string homeDirectory, string rejectsPath) =>
        Stored(homeDirectory)
            .Where(stored => stored.Checkpoint.RejectsPath is { } kept && string.Equals(Path.GetFullPath(kept), rejectsPath, StringComparison.Ordinal))
            .Where(stored => Resumable(homeDirectory, stored))
            .Select(stored => stored.Checkpoint)
            .FirstOrDefault();

    /// <summary>
    /// Removes the checkpoints of interrupted imports of this file made before it changed, which can never resume:
    /// importing the changed file starts over and takes their place. Returns them, for the user to be told.
    /// </summary>
    public IReadOnlyList<Checkpoint> RemoveSuperseded(string homeDirectory)
    {
        var superseded = Stored(homeDirectory)
            .Where(stored => string.Equals(stored.Checkpoint.File, _file, StringComparison.Ordinal) && !IsThisFiles(stored.Path))
            .ToList();
        foreach (var stored in superseded)
        {
            File.Delete(stored.Path);
        }

        return superseded.Select(stored => stored.Checkpoint).ToList();
    }

    private bool IsThisFiles(string checkpointPath) =>
        string.Equals(checkpointPath, FilePath, StringComparison.Ordinal) || string.Equals(checkpointPath, _earlierVersionPath, StringComparison.Ordinal);

    /// <summary>Whether the file a checkpoint was made for is still as it was, so that the import can resume.</summary>
    private static bool Resumable(string homeDirectory, (string Path, Checkpoint Checkpoint) stored) =>
        File.Exists(stored.Checkpoint.File) && new CheckpointStore(homeDirectory, stored.Checkpoint.File, stored.Checkpoint.Type).IsThisFiles(stored.Path);

    private static IEnumerable<(string Path, Checkpoint Checkpoint)> Stored(string homeDirectory)
    {
        var imports = Path.Combine(homeDirectory, "imports");
        if (!Directory.Exists(imports))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(imports, "*.json"))
        {
            Checkpoint? checkpoint = null;
            try
            {
                checkpoint = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(file), JsonOptions);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                // Not this import's to judge: its own run reports it.
            }

            if (checkpoint is not null)
            {
                yield return (Path.GetFullPath(file), checkpoint);
            }
        }
    }

    /// <summary>The checkpoint of an interrupted import of this file, if any; one sent with other options is a usage error.</summary>
    public Checkpoint? Load(string options)
    {
        if (new[] { FilePath, _earlierVersionPath }.FirstOrDefault(File.Exists) is not { } path)
        {
            return null;
        }

        Checkpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new CliException($"The import checkpoint {path} is unreadable ({e.Message}): re-run with --restart to start over.", e);
        }

        return checkpoint?.Options is { } sentWith && sentWith != options
            ? throw new UsageException(
                $"The import options differ from those of the interrupted run of this file, which sent {checkpoint.RowsAcknowledged:N0} rows with its own " +
                "(--type, --format, --encoding, --mapping, --source-ref-column, or the marking: --classification, --releasable-to, --all-partners, --caveat, --case, --handling...). " +
                "Re-run with the same options to resume it, or with --restart to import the whole file with these.")
            : checkpoint;
    }

    public void Save(Checkpoint checkpoint) => PrivateFiles.WriteAllText(FilePath, JsonSerializer.Serialize(checkpoint, JsonOptions));

    public void Delete()
    {
        // File.Delete takes a missing file but throws for a missing directory, which a home that never saved a checkpoint
        // (a first import with --restart, or of a file with no rows) has.
        foreach (var path in new[] { FilePath, _earlierVersionPath }.Where(File.Exists))
        {
            File.Delete(path);
        }
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
