using System.Globalization;

namespace IntelShare.Audit.Log.Signing;

/// <summary>A tree head with an ECDSA P-256 / SHA-256 signature (DER, RFC 3279) over its signing bytes.</summary>
public sealed record SignedTreeHead(TreeHead Head, byte[] Signature)
{
    private const string Version = "v1";

    /// <summary>
    /// One line of text, how heads are kept in a log's heads file and handed to oversight:
    /// <c>v1 &lt;tree size&gt; &lt;timestamp ms&gt; &lt;root hex&gt; &lt;signature base64&gt;</c>.
    /// </summary>
    public string ToText() => string.Join(' ',
        Version,
        Head.TreeSize.ToString(CultureInfo.InvariantCulture),
        Head.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        Convert.ToHexStringLower(Head.RootHash),
        Convert.ToBase64String(Signature));

    public static bool TryParse(string text, out SignedTreeHead? signed, out string error)
    {
        signed = null;
        var fields = text.Trim().Split(' ');
        if (fields.Length != 5 || fields[0] != Version)
        {
            error = $"expected 5 fields starting with '{Version}', found {fields.Length}";
            return false;
        }

        try
        {
            var head = new TreeHead(
                long.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture)),
                Convert.FromHexString(fields[3]));
            signed = new SignedTreeHead(head, Convert.FromBase64String(fields[4]));
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            error = ex.Message;
            return false;
        }
    }

    public static SignedTreeHead Parse(string text) =>
        TryParse(text, out var signed, out var error) ? signed! : throw new FormatException($"Not a signed tree head: {error}");

    public bool Equals(SignedTreeHead? other) =>
        other is not null && Head.Equals(other.Head) && Signature.AsSpan().SequenceEqual(other.Signature);

    public override int GetHashCode() => Head.GetHashCode();

    public override string ToString() => Head.ToString();
}
