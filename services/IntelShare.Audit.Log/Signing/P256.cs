using System.Security.Cryptography;

namespace IntelShare.Audit.Log.Signing;

/// <summary>The one signature scheme tree heads use, in one place so signer and verifier cannot drift apart.</summary>
internal static class P256
{
    private const string CurveOid = "1.2.840.10045.3.1.7";

    public static readonly HashAlgorithmName Hash = HashAlgorithmName.SHA256;

    public const DSASignatureFormat SignatureFormat = DSASignatureFormat.Rfc3279DerSequence;

    public static ECDsa Import(string pem, string what)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != CurveOid)
            {
                throw new CryptographicException($"The {what} is not on curve P-256.");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
