using System.Text;
using AnyAscii;

namespace IntelShare.Normalisation;

/// <summary>
/// Identifiers (documents, plates, accounts, registration numbers, IMEIs) in the form they are stored,
/// indexed and compared: transliterated, upper case, letters and digits only. "AB 123-456", "ab123456"
/// and the Cyrillic look-alike "АВ123456" all become "AB123456".
/// </summary>
public static class Identifiers
{
    public static string Normalise(string? identifier)
    {
        if (string.IsNullOrWhiteSpace(identifier))
        {
            return "";
        }

        var latin = LookAlikes.ToLatin(identifier.ToUpperInvariant()).Transliterate();
        var builder = new StringBuilder(latin.Length);
        foreach (var c in latin)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Document numbers and plates are read off the page by eye: a Cyrillic or Greek capital that looks like a
    /// Latin one is that Latin letter (Cyrillic В is B on a plate, not the V a transliteration would give).
    /// </summary>
    private static class LookAlikes
    {
        private const string Foreign = "АВЕКМНОРСТУХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧ";
        private const string Latin = "ABEKMHOPCTYXIJSABEZHIKMNOPTYX";

        public static string ToLatin(string upper) => string.Create(upper.Length, upper, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var at = Foreign.IndexOf(source[i]);
                span[i] = at < 0 ? source[i] : Latin[at];
            }
        });
    }
}
