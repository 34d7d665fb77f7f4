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

    public CheckpointStore(string homeDirectory, string file, string type)
    {
        var info = new FileInfo(file);
        var identity = $"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}";
        FilePath = Path.Combine(homeDirectory, "imports", Hash(identity) + ".json");
        _earlierVersionPath = Path.Combine(homeDirectory, "imports", Hash($"{identity}\n{type}") + ".json");
    }

    public string FilePath { get; }

    /// <summary>
    /// The options that decide what is sent for each row: the format it is read in, the record type, the mapping as
    /// narrowed to the file's columns (--mapping, --source-ref-column) and the marking. Not the batch size or the
    /// rejects file, which change neither.
    /// </summary>
    public static string Fingerprint(ImportFormat format, RecordMapping mapping, Marking marking) =>
        Hash(JsonSerializer.Serialize(new
        {
            Format = format.ToString(),
            Type = mapping.Body.Name,
            Mapping = mapping.Entries.Select(e => new { Path = e.Path.Text, e.Columns, e.Constant, e.Format }),
            Marking = JsonFormatter.Default.Format(marking),
        }));

    /// <summary>
    /// An interrupted import, of any file, that appends its rejected rows to <paramref name="rejectsPath"/>: they are
    /// rows the server already took, which resuming it will not send again, so nothing else may replace that file.
    /// </summary>
    public static Checkpoint? InterruptedImportWriting(string homeDirectory, string rejectsPath)
    {
        var imports = Path.Combine(homeDirectory, "imports");
        if (!Directory.Exists(imports))
        {
            return null;
        }

        foreach (var file in Directory.EnumerateFiles(imports, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(file), JsonOptions) is { RejectsPath: { } kept } checkpoint &&
                    string.Equals(Path.GetFullPath(kept), rejectsPath, StringComparison.Ordinal))
                {
                    return checkpoint;
                }
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                // Not this import's to judge: its own run reports it.
            }
        }

        return null;
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
                "(--type, --format, --mapping, --source-ref-column, or the marking: --classification, --releasable-to, --all-partners, --caveat, --case, --handling...). " +
                "Re-run with the same options to resume it, or with --restart to import the whole file with these.")
            : checkpoint;
    }

    public void Save(Checkpoint checkpoint) => PrivateFiles.WriteAllText(FilePath, JsonSerializer.Serialize(checkpoint, JsonOptions));

    public void Delete()
    {
        File.Delete(FilePath);
        File.Delete(_earlierVersionPath);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
