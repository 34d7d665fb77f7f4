using System.Security.Cryptography;

namespace IntelShare.Audit.Log.Signing;

/// <summary>
/// Signs tree heads with an ECDSA P-256 key kept as a PKCS#8 PEM file, created on first use readable by the
/// owner only. Oversight gets <see cref="PublicKeyPem"/> and needs nothing else to check heads.
/// </summary>
public sealed class TreeHeadSigner : IDisposable
{
    private readonly ECDsa _key;
    private readonly Lock _lock = new();

    private TreeHeadSigner(ECDsa key)
    {
        _key = key;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY").</summary>
    public string PublicKeyPem { get; }

    public static TreeHeadSigner OpenOrCreate(string privateKeyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPath);
        if (!File.Exists(privateKeyPath))
        {
            TryCreateKeyFile(privateKeyPath);
        }

        return new TreeHeadSigner(P256.Import(File.ReadAllText(privateKeyPath), $"key in {privateKeyPath}"));
    }

    public SignedTreeHead Sign(TreeHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        lock (_lock)
        {
            return new SignedTreeHead(head, _key.SignData(head.ToSigningBytes(), P256.Hash, P256.SignatureFormat));
        }
    }

    public TreeHeadVerifier CreateVerifier() => new(PublicKeyPem);

    public void Dispose() => _key.Dispose();

    /// <summary>
    /// Writes a new key beside the target and moves it into place, so a crash never leaves a half-written key
    /// and two processes starting together end up sharing whichever key landed first.
    /// </summary>
    private static void TryCreateKeyFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // Set at creation, so the private key is never readable by others even for a moment.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(temporary, options);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
            }

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
}
