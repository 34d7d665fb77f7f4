using System.Text;

namespace IntelShare.Normalisation;

/// <summary>
/// NYSIIS phonetic keys: names that sound alike when spelt by ear or transliterated by different clerks
/// ("Kovalenko", "Kowalenko", "Kovalenco") share a key. Input is transliterated first, so a Cyrillic or
/// Greek spelling has the key of its Latin form. Multi-token names are keyed as one word.
/// </summary>
public static class Phonetic
{
    public static string Key(string? name)
    {
        var normalised = NameText.Normalise(name);
        if (normalised.Length == 0)
        {
            return "";
        }

        var letters = new StringBuilder(normalised.Length);
        foreach (var c in normalised)
        {
            if (char.IsAsciiLetter(c))
            {
                letters.Append(char.ToUpperInvariant(c));
            }
        }

        return letters.Length == 0 ? "" : Nysiis(letters.ToString());
    }

    private static bool IsVowel(char c) => c is 'A' or 'E' or 'I' or 'O' or 'U';

    private static string Nysiis(string word)
    {
        word = ReplacePrefix(word);
        word = ReplaceSuffix(word);
        var chars = word.ToCharArray();
        var key = new StringBuilder(chars.Length);
        key.Append(chars[0]);
        for (var i = 1; i < chars.Length; i++)
        {
            var c = chars[i];
            var next = i + 1 < chars.Length ? chars[i + 1] : '\0';
            if (c == 'E' && next == 'V')
            {
                chars[i] = 'A';
                chars[i + 1] = 'F';
            }
            else if (IsVowel(c))
            {
                chars[i] = 'A';
            }
            else if (c == 'Q')
            {
                chars[i] = 'G';
            }
            else if (c == 'Z')
            {
                chars[i] = 'S';
            }
            else if (c == 'M')
            {
                chars[i] = 'N';
            }
            else if (c == 'K')
            {
                chars[i] = next == 'N' ? 'N' : 'C';
            }
            else if (c == 'S' && next == 'C' && i + 2 < chars.Length && chars[i + 2] == 'H')
            {
                chars[i] = chars[i + 1] = chars[i + 2] = 'S';
            }
            else if (c == 'P' && next == 'H')
            {
                chars[i] = chars[i + 1] = 'F';
            }
            else if (c == 'H' && (!IsVowel(chars[i - 1]) || (next != '\0' && !IsVowel(next))))
            {
                chars[i] = chars[i - 1];
            }
            else if (c == 'W' && IsVowel(chars[i - 1]))
            {
                chars[i] = chars[i - 1];
            }

            if (chars[i] != key[^1])
            {
                key.Append(chars[i]);
            }
        }

        if (key.Length > 1 && key[^1] == 'S')
        {
            key.Length--;
        }

        if (key.Length > 2 && key[^2] == 'A' && key[^1] == 'Y')
        {
            key.Remove(key.Length - 2, 1);
        }

        if (key.Length > 1 && key[^1] == 'A')
        {
            key.Length--;
        }

        return key.ToString();
    }

    private static string ReplacePrefix(string word)
    {
        foreach (var (from, to) in Prefixes)
        {
            if (word.StartsWith(from, StringComparison.Ordinal))
            {
                return to + word[from.Length..];
            }
        }

        return word;
    }

    private static string ReplaceSuffix(string word)
    {
        foreach (var (from, to) in Suffixes)
        {
            if (word.Length > from.Length && word.EndsWith(from, StringComparison.Ordinal))
            {
                return word[..^from.Length] + to;
            }
        }

        return word;
    }

    private static readonly (string From, string To)[] Prefixes =
        [("MAC", "MCC"), ("KN", "NN"), ("K", "C"), ("PH", "FF"), ("PF", "FF"), ("SCH", "SSS")];

    private static readonly (string From, string To)[] Suffixes =
        [("EE", "Y"), ("IE", "Y"), ("DT", "D"), ("RT", "D"), ("RD", "D"), ("NT", "D"), ("ND", "D")];
}
