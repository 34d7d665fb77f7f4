using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using IntelShare.ServiceDefaults;
using Microsoft.IdentityModel.Tokens;

namespace IntelShare.Identity.Security;

/// <summary>
/// Token signing and encryption keys kept on disk, so that a restart (or a second replica sharing
/// the directory) keeps honouring tokens already issued. On first use the keys are generated and
/// written; afterwards they are only read. In Kubernetes the directory is a mounted secret holding
/// files generated once this way (<see cref="SigningKeyFileName"/>, <see cref="EncryptionKeyFileName"/>).
/// </summary>
public sealed class PersistedKeyStore : IIssuerSigningKeySource
{
    public const string SigningKeyFileName = "signing-key.json";
    public const string EncryptionKeyFileName = "encryption-key.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Lazy<KeySet> _keys;

    public PersistedKeyStore(string directory)
    {
        Directory = Path.GetFullPath(directory);
        // Lazy so that composing the host never touches the disk; the first token or validation does.
        _keys = new Lazy<KeySet>(LoadOrCreate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Directory { get; }

    /// <summary>RSA 2048 private key that signs access tokens (RS256).</summary>
    public RsaSecurityKey SigningKey => _keys.Value.Signing;

    /// <summary>The public half of <see cref="SigningKey"/>, with the same key id as the tokens' <c>kid</c>.</summary>
    public RsaSecurityKey PublicSigningKey => _keys.Value.PublicSigning;

    /// <summary>256-bit key that encrypts the tokens only Identity reads (refresh tokens).</summary>
    public SymmetricSecurityKey EncryptionKey => _keys.Value.Encryption;

    public IEnumerable<SecurityKey> GetSigningKeys() => [PublicSigningKey];

    private KeySet LoadOrCreate()
    {
        CreatePrivateDirectory(Directory);
        var signing = LoadOrCreate(Path.Combine(Directory, SigningKeyFileName), CreateSigningKeyFile);
        var encryption = LoadOrCreate(Path.Combine(Directory, EncryptionKeyFileName), CreateEncryptionKeyFile);
        return new KeySet(signing, encryption);
    }

    private static T LoadOrCreate<T>(string path, Func<T> create) where T : KeyFile
    {
        if (!File.Exists(path))
        {
            try
            {
                WriteNew(path, create());
            }
            catch (UnauthorizedAccessException error)
            {
                throw new InvalidOperationException(
                    $"Token key file '{path}' does not exist and cannot be created ({error.Message}). " +
                    "Provide the key files in that directory (e.g. from a secret), or point Identity:KeysDirectory at a writable directory.",
                    error);
            }
        }

        return JsonSerializer.Deserialize<T>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidOperationException($"Token key file '{path}' is empty.");
    }

    /// <summary>
    /// Writes to a private temporary file and moves it into place without overwriting, so that a
    /// concurrent starter either wins or reads the winner's complete file, never a half-written one.
    /// </summary>
    private static void WriteNew(string path, KeyFile content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, content, content.GetType(), JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static SigningKeyFile CreateSigningKeyFile()
    {
        using var rsa = RSA.Create(2048);
        return new SigningKeyFile
        {
            KeyId = Thumbprint(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false))),
            Algorithm = SecurityAlgorithms.RsaSha256,
            CreatedAt = DateTimeOffset.UtcNow,
            PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(),
        };
    }

    private static EncryptionKeyFile CreateEncryptionKeyFile()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return new EncryptionKeyFile
        {
            // Random rather than derived: any function of a secret key published in token headers is a needless hint.
            KeyId = Guid.NewGuid().ToString("N"),
            Algorithm = SecurityAlgorithms.Aes256KW,
            CreatedAt = DateTimeOffset.UtcNow,
            Key = Convert.ToBase64String(key),
        };
    }

    // RFC 7638 thumbprint: a key id derived from the key itself, so a key file can be checked against the tokens it signed.
    private static string Thumbprint(SecurityKey key) => Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());

    private abstract class KeyFile
    {
        public required string KeyId { get; init; }

        public required string Algorithm { get; init; }

        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed class SigningKeyFile : KeyFile
    {
        public required string PrivateKeyPem { get; init; }
    }

    private sealed class EncryptionKeyFile : KeyFile
    {
        public required string Key { get; init; }
    }

    private sealed class KeySet
    {
        public KeySet(SigningKeyFile signing, EncryptionKeyFile encryption)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(signing.PrivateKeyPem);
            if (rsa.KeySize < 2048)
            {
                throw new InvalidOperationException($"The token signing key '{signing.KeyId}' is {rsa.KeySize} bits; at least 2048 are required.");
            }

            Signing = new RsaSecurityKey(rsa) { KeyId = signing.KeyId };
            PublicSigning = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = signing.KeyId };

            var key = Convert.FromBase64String(encryption.Key);
            if (key.Length != 32)
            {
                throw new InvalidOperationException($"The token encryption key '{encryption.KeyId}' is {key.Length * 8} bits; 256 are required.");
            }

            Encryption = new SymmetricSecurityKey(key) { KeyId = encryption.KeyId };
        }

        public RsaSecurityKey Signing { get; }

        public RsaSecurityKey PublicSigning { get; }

        public SymmetricSecurityKey Encryption { get; }
    }
}
