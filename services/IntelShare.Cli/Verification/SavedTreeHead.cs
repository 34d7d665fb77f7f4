using System.Text.Json;
using System.Text.Json.Serialization;
using IntelShare.Audit.Log.Signing;
using IntelShare.Cli.Session;

namespace IntelShare.Cli.Verification;

/// <summary>
/// A signed tree head that `audit verify --save-head` kept, so that a later run (--previous-head) can prove
/// the log it then finds still extends it: a log rewritten in between cannot produce that proof. Stored as
/// JSON for people to read; the log's own one-line form from its heads file ("v1 size ms root signature")
/// is read as well, so that a head handed over by the log's operator can serve as the starting point.
/// </summary>
internal sealed record SavedTreeHead
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    [JsonPropertyName("tree_size")]
    public required long TreeSize { get; init; }

    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    [JsonPropertyName("root_hash")]
    public required string RootHash { get; init; }

    [JsonPropertyName("signature")]
    public required string Signature { get; init; }

    [JsonPropertyName("key_id")]
    public string? KeyId { get; init; }

    [JsonPropertyName("server")]
    public string? Server { get; init; }

    [JsonPropertyName("verified_at")]
    public DateTimeOffset? VerifiedAt { get; init; }

    public static SavedTreeHead From(SignedTreeHead signed, string? keyId, string server, DateTimeOffset verifiedAt) => new()
    {
        TreeSize = signed.Head.TreeSize,
        Timestamp = signed.Head.Timestamp,
        RootHash = Convert.ToHexStringLower(signed.Head.RootHash),
        Signature = Convert.ToBase64String(signed.Signature),
        KeyId = keyId,
        Server = server,
        VerifiedAt = verifiedAt,
    };

    /// <summary>The head in the file; a file that is not one is the user's to fix, so it stops the command.</summary>
    public static SignedTreeHead Load(string path)
    {
        var text = File.ReadAllText(InputFiles.Require(path)).Trim();
        try
        {
            if (!text.StartsWith('{'))
            {
                return SignedTreeHead.Parse(text);
            }

            var saved = JsonSerializer.Deserialize<SavedTreeHead>(text, JsonOptions) ?? throw new FormatException("the file holds null");
            return new SignedTreeHead(
                new TreeHead(saved.TreeSize, saved.Timestamp, Convert.FromHexString(saved.RootHash)),
                Convert.FromBase64String(saved.Signature));
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            throw new CliException($"{path} is not a tree head saved by `audit verify --save-head`: {e.Message}", e);
        }
    }

    public void Save(string path) => PrivateFiles.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
}
