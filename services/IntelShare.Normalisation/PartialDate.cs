using System.Globalization;

namespace IntelShare.Normalisation;

/// <summary>
/// A date known to the year, the month or the day, as dates of birth are recorded ("1990", "1990-07",
/// "1990-07-03", "19900703"). Month and day are 0 when unknown.
/// </summary>
public readonly record struct PartialDate(int Year, int Month, int Day)
{
    public bool HasMonth => Month != 0;

    public bool HasDay => Day != 0;

    public static bool TryParse(string? text, out PartialDate date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        var parts = text.Split(['-', '/', '.', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 2 or 3 && parts[0].Length == 4)
        {
            return TryCreate(parts[0], parts[1], parts.Length == 3 ? parts[2] : null, out date);
        }

        if (parts.Length == 3 && parts[2].Length == 4)
        {
            // Day-first, as most partner agencies write it (03/07/1990).
            return TryCreate(parts[2], parts[1], parts[0], out date);
        }

        return digits.Length switch
        {
            8 => TryCreate(digits[..4], digits[4..6], digits[6..], out date),
            6 => TryCreate(digits[..4], digits[4..6], null, out date),
            4 => TryCreate(digits, null, null, out date),
            _ => false,
        };
    }

    public override string ToString() =>
        HasDay ? $"{Year:D4}-{Month:D2}-{Day:D2}" : HasMonth ? $"{Year:D4}-{Month:D2}" : $"{Year:D4}";

    private static bool TryCreate(string year, string? month, string? day, out PartialDate date)
    {
        date = default;
        if (!int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y is < 1000 or > 9999)
        {
            return false;
        }

        var m = 0;
        if (month is not null && (!int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out m) || m is < 0 or > 12))
        {
            return false;
        }

        var d = 0;
        if (day is not null && (!int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out d) || d is < 0 or > 31 || (d > 0 && m == 0)))
        {
            return false;
        }

        if (d > 0 && d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        date = new PartialDate(y, m, d);
        return true;
    }
}
