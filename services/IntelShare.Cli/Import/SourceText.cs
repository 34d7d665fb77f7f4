using System.Text;

namespace IntelShare.Cli.Import;

/// <summary>
/// An import file as text. Bytes that are not text in the file's encoding (a Latin-1 "é" read as UTF-8) would be stored
/// as "�" without a word, so decoding is strict and the whole file is checked before anything is sent. The encoding is
/// UTF-8 unless --encoding names another; a byte order mark (UTF-8, UTF-16, UTF-32) decides over both.
/// </summary>
internal static class SourceText
{
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly (byte[] Mark, Encoding Encoding)[] ByteOrderMarks =
    [
        // UTF-32 LE first: its mark begins with UTF-16 LE's.
        ([0xFF, 0xFE, 0x00, 0x00], new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true)),
        ([0x00, 0x00, 0xFE, 0xFF], new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true)),
        ([0xEF, 0xBB, 0xBF], Utf8),
        ([0xFF, 0xFE], new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true)),
        ([0xFE, 0xFF], new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true)),
    ];

    /// <summary>The encoding --encoding names, decoding strictly; UTF-8 when it names none.</summary>
    public static Encoding Named(string? name)
    {
        if (name is null)
        {
            return Utf8;
        }

        // Windows code pages (windows-1252, windows-1250) are not built into .NET; their tables are in the box.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        try
        {
            return Encoding.GetEncoding(name.Trim(), EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--encoding {name}: no such encoding. Give one such as utf-8, windows-1252, iso-8859-1, iso-8859-2 or utf-16.");
        }
    }

    /// <summary>The file's text after its byte order mark, if any.</summary>
    public static StreamReader Open(string file, Encoding encoding)
    {
        var (stream, actual) = OpenStream(file, encoding);
        return new StreamReader(stream, actual, detectEncodingFromByteOrderMarks: false);
    }

    /// <summary>The file's text as UTF-8 bytes, for JSON readers, which take no other encoding.</summary>
    public static Stream OpenUtf8(string file, Encoding encoding)
    {
        var (stream, actual) = OpenStream(file, encoding);
        return actual is UTF8Encoding ? stream : Encoding.CreateTranscodingStream(stream, actual, Encoding.UTF8);
    }

    /// <summary>
    /// Stops the import, before anything is read for sending, at the first line that is not text in the encoding, saying
    /// which line and how to read the file.
    /// </summary>
    public static void RequireDecodable(string file, Encoding encoding)
    {
        try
        {
            using var reader = Open(file, encoding);
            var buffer = new char[1 << 16];
            while (reader.Read(buffer) > 0)
            {
            }

            return;
        }
        catch (DecoderFallbackException)
        {
        }

        // A buffered read does not tell which line the bytes are on; this slow pass runs only on a file that fails.
        var (stream, actual) = OpenStream(file, encoding);
        using (stream)
        {
            var decoder = actual.GetDecoder();
            var chars = new char[8];
            var line = 1L;
            byte[] one = [0];
            while (true)
            {
                var next = stream.ReadByte();
                try
                {
                    one[0] = (byte)Math.Max(next, 0);
                    var count = decoder.GetChars(one, 0, next < 0 ? 0 : 1, chars, 0, flush: next < 0);
                    line += chars.AsSpan(0, count).Count('\n');
                }
                catch (DecoderFallbackException e)
                {
                    var bytes = string.Join(" ", (e.BytesUnknown ?? []).Select(b => $"0x{b:X2}"));
                    throw new UsageException(
                        $"{file} is not {actual.WebName} text: line {line} has bytes ({bytes}) that are not. Nothing was sent. " +
                        "If the file was saved in another encoding (Excel writes windows-1252 on Western European Windows), give it with " +
                        "--encoding (e.g. --encoding windows-1252 or iso-8859-2), or save the file as UTF-8.");
                }

                if (next < 0)
                {
                    throw new UsageException($"{file} is not {actual.WebName} text. Nothing was sent. Give its --encoding, or save the file as UTF-8.");
                }
            }
        }
    }

    private static (Stream Stream, Encoding Encoding) OpenStream(string file, Encoding encoding)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> start = stackalloc byte[4];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        foreach (var (mark, marked) in ByteOrderMarks)
        {
            if (start[..read].StartsWith(mark))
            {
                stream.Position = mark.Length;
                return (stream, marked);
            }
        }

        stream.Position = 0;
        return (stream, encoding);
    }
}
