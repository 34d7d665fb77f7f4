using System.Text;
using AnyAscii;

namespace IntelShare.Normalisation;

/// <summary>
/// Names in one comparable form: transliterated to Latin (Cyrillic, Greek, accented Latin and the rest
/// via AnyAscii), lower case, letters and digits only, one space between tokens. Agencies write the same
/// person as "Олена Коваленко", "Olena Kovalenko" and "KOVALENKO, Olena"; all three become the same tokens.
/// </summary>
public static class NameText
{
    public static string Normalise(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var latin = GreekDigraphs.Replace(text.ToLowerInvariant()).Transliterate();
        var builder = new StringBuilder(latin.Length);
        var pendingSpace = false;
        foreach (var c in latin)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                pendingSpace = false;
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (c is '\'' or '`')
            {
                // O'Brien and D`Angelo are one token, as agencies drop the apostrophe as often as keep it.
                continue;
            }
            else
            {
                pendingSpace = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>Greek "ου" is written "ou" in passports and by every partner; letter by letter it would be "oy".</summary>
    private static class GreekDigraphs
    {
        public static string Replace(string lower) =>
            lower.Contains('υ') || lower.Contains('ύ') ? lower.Replace("ου", "ou").Replace("ού", "ou") : lower;
    }

    public static string[] Tokens(string? text)
    {
        var normalised = Normalise(text);
        return normalised.Length == 0 ? [] : normalised.Split(' ');
    }
}
