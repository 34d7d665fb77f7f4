using IntelShare.Normalisation;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Comparison;

/// <summary>
/// Dates of birth: transposed day and month (03/07 read as 07/03 between day-first and month-first systems),
/// a digit mistyped, or only the year known to one partner.
/// </summary>
public sealed class DateOfBirthComparison() : FieldComparison(
    "date of birth", "exact", "day/month transposed", "one digit off", "partial date agrees", "same year", "different")
{
    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        if (a.DateOfBirth is not { } x || b.DateOfBirth is not { } y)
        {
            return 0;
        }

        if (x.HasDay && y.HasDay)
        {
            if (x == y)
            {
                return 1;
            }

            if (x.Year == y.Year && x.Month == y.Day && x.Day == y.Month)
            {
                return 2;
            }

            Span<char> digitsX = stackalloc char[DigitCount];
            Span<char> digitsY = stackalloc char[DigitCount];
            return TextSimilarity.OneEditApart(Digits(x, digitsX), Digits(y, digitsY)) ? 3 : x.Year == y.Year ? 5 : 6;
        }

        var agree = x.Year == y.Year && (!x.HasMonth || !y.HasMonth || x.Month == y.Month) && (!x.HasDay || !y.HasDay || x.Day == y.Day);
        return agree ? 4 : 6;
    }

    public override string Values(PreparedRecord a, PreparedRecord b) => Pair(a.DateOfBirth?.ToString() ?? "", b.DateOfBirth?.ToString() ?? "");

    private const int DigitCount = 8;

    /// <summary>yyyyMMdd into <paramref name="buffer"/>: this runs for millions of candidate pairs, so it allocates nothing.</summary>
    private static ReadOnlySpan<char> Digits(PartialDate date, Span<char> buffer)
    {
        var value = (((long)date.Year * 100) + date.Month) * 100 + date.Day;
        for (var i = DigitCount - 1; i >= 0; i--)
        {
            buffer[i] = (char)('0' + (value % 10));
            value /= 10;
        }

        return buffer;
    }
}
