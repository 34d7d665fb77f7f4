using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace IntelShare.Resolution.Domain;

/// <summary>
/// Where a page of the review queue ended: the last pair's key in <see cref="ReviewPair.QueueOrder"/>, its posterior and
/// both record ids. The key rather than the pair's place or id alone: pairs decided since leave the queue, an offset
/// would then skip as many the analyst never saw, and the next page must still start where a pair that has left stood.
/// </summary>
public static class ReviewQueueCursor
{
    private const byte Format = 1;
    private const int HeaderLength = 1 + sizeof(double) + sizeof(int);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(ReviewPair last)
    {
        ArgumentNullException.ThrowIfNull(last);
        // The first id's length marks where the second begins: ids may hold any character.
        var (a, b) = (Encoding.UTF8.GetBytes(last.RecordA), Encoding.UTF8.GetBytes(last.RecordB));
        var bytes = new byte[HeaderLength + a.Length + b.Length];
        bytes[0] = Format;
        BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(1), last.Posterior);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1 + sizeof(double)), a.Length);
        a.CopyTo(bytes, HeaderLength);
        b.CopyTo(bytes, HeaderLength + a.Length);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string text, [MaybeNullWhen(false)] out ReviewPair last)
    {
        last = null;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var length) || length < HeaderLength || bytes[0] != Format)
        {
            return false;
        }

        var posterior = BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(1));
        var aLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1 + sizeof(double)));
        if (!double.IsFinite(posterior) || aLength < 0 || aLength > length - HeaderLength)
        {
            return false;
        }

        try
        {
            last = new ReviewPair(
                StrictUtf8.GetString(bytes, HeaderLength, aLength),
                StrictUtf8.GetString(bytes, HeaderLength + aLength, length - HeaderLength - aLength),
                posterior);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
