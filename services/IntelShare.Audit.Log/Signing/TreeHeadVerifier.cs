using System.Security.Cryptography;
using IntelShare.Audit.Log.Merkle;

namespace IntelShare.Audit.Log.Signing;

/// <summary>Checks tree head signatures with nothing but the log's public key PEM.</summary>
public sealed class TreeHeadVerifier : IDisposable
{
    private readonly ECDsa _key;
    private readonly Lock _lock = new();

    public TreeHeadVerifier(string publicKeyPem)
    {
        ArgumentException.ThrowIfNullOrEmpty(publicKeyPem);
        _key = P256.Import(publicKeyPem, "public key");
    }

    public VerificationResult Verify(SignedTreeHead signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        bool valid;
        lock (_lock)
        {
            valid = _key.VerifyData(signed.Head.ToSigningBytes(), signed.Signature, P256.Hash, P256.SignatureFormat);
        }

        return valid
            ? VerificationResult.Valid
            : VerificationResult.Fail(VerificationFailure.BadSignature, $"signature on the tree head of size {signed.Head.TreeSize} does not verify with this key");
    }

    public void Dispose() => _key.Dispose();
}
