using System.Text.Json;
using System.Text.Json.Serialization;

namespace IntelShare.Cli.Session;

/// <summary>What `login` leaves behind for the next commands.</summary>
internal sealed record SessionData
{
    [JsonPropertyName("server")]
    public required string Server { get; init; }

    [JsonPropertyName("access_token")]
    public required string AccessToken { get; init; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The user or client that signed in, to tell the user how to sign in again.</summary>
    [JsonPropertyName("principal")]
    public string? Principal { get; init; }

    [JsonPropertyName("client_credentials")]
    public bool ClientCredentials { get; init; }

    public string LoginHint => ClientCredentials
        ? $"intelshare login --client-id {Principal ?? "<id>"} --client-secret <secret>"
        : $"intelshare login --user {Principal ?? "<name>"}";
}

/// <summary>The session file in the CLI's home directory, readable by its owner only.</summary>
internal sealed class SessionStore(string homeDirectory)
{
    public const string NotSignedIn = "Not signed in: run `intelshare login --user <name>`";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string FilePath { get; } = Path.Combine(homeDirectory, "session.json");

    public SessionData? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SessionData>(File.ReadAllText(FilePath), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new CliException($"The session file {FilePath} is unreadable ({e.Message}): run `intelshare login --user <name>` again.", e);
        }
    }

    /// <summary>The session, or null when there is none or it cannot be read (signing in again replaces it).</summary>
    public SessionData? TryLoad()
    {
        try
        {
            return Load();
        }
        catch (CliException)
        {
            return null;
        }
    }

    /// <summary>Signed-in session or a failure telling the user to sign in.</summary>
    public SessionData Require() => Load() ?? throw new CliException(NotSignedIn);

    public void Save(SessionData session)
    {
        PrivateFiles.WriteAllText(FilePath, JsonSerializer.Serialize(session, JsonOptions));
    }

    public bool Delete()
    {
        if (!File.Exists(FilePath))
        {
            return false;
        }

        File.Delete(FilePath);
        return true;
    }
}
