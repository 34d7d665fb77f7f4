using PhoneNumbers;

namespace IntelShare.Normalisation;

/// <summary>
/// Phone numbers in E.164 (+447700900123). A number written nationally ("07700 900123") is read in the
/// region of the record (its country, else the configured default), so "+44 7700 900123" and
/// "07700900123" from a UK record are the same key.
/// </summary>
public static class PhoneNumberText
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// Whether <paramref name="number"/> is written nationally (no + or 00 country code) with no
    /// <paramref name="region"/> to read it in: its digits alone would match no number stored in E.164.
    /// </summary>
    public static bool NeedsRegion(string? number, string? region) =>
        string.IsNullOrWhiteSpace(region) && Normalise(number) is { Length: > 0 } digits && digits[0] != '+';

    /// <summary>The E.164 form, or the digits with any leading + when the number cannot be parsed.</summary>
    public static string Normalise(string? number, string? region = null)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            return "";
        }

        var trimmed = number.Trim();
        if (trimmed.StartsWith("00", StringComparison.Ordinal))
        {
            trimmed = "+" + trimmed[2..];
        }

        var regionCode = string.IsNullOrWhiteSpace(region) ? "ZZ" : region.Trim().ToUpperInvariant();
        try
        {
            var parsed = Util.Parse(trimmed, regionCode);
            if (Util.IsPossibleNumber(parsed))
            {
                return Util.Format(parsed, PhoneNumberFormat.E164);
            }
        }
        catch (NumberParseException)
        {
            // Falls through to the digits: an unparseable number is still an exact key for itself.
        }

        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        return trimmed.StartsWith('+') ? "+" + digits : digits;
    }
}
