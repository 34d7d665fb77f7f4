using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IntelShare.Cli.Session;

namespace IntelShare.Cli.Import;

/// <param name="RejectsPath">The rejects file the import appends to (absent from checkpoints of earlier versions).</param>
internal sealed record Checkpoint(string File, string Type, long RowsAcknowledged, ImportTotals Totals, DateTimeOffset UpdatedAt, string? RejectsPath = null);

/// <summary>
/// How far an import of one file got: the rows the server has acknowledged. The key is the
/// file's path, size, modification time and the record type, so that a changed file starts over
/// instead of skipping rows it never sent.
/// </summary>
internal sealed class CheckpointStore
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public CheckpointStore(string homeDirectory, string file, string type)
    {
        var info = new FileInfo(file);
        var identity = $"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}\n{type}";
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32];
        FilePath = Path.Combine(homeDirectory, "imports", key + ".json");
    }

    public string FilePath { get; }

    public Checkpoint? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(FilePath), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new CliException($"The import checkpoint {FilePath} is unreadable ({e.Message}): re-run with --restart to start over.", e);
        }
    }

    public void Save(Checkpoint checkpoint) => PrivateFiles.WriteAllText(FilePath, JsonSerializer.Serialize(checkpoint, JsonOptions));

    public void Delete() => File.Delete(FilePath);
}
