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

            return TextSimilarity.OneEditApart(Digits(x), Digits(y)) ? 3 : x.Year == y.Year ? 5 : 6;
        }

        var agree = x.Year == y.Year && (!x.HasMonth || !y.HasMonth || x.Month == y.Month) && (!x.HasDay || !y.HasDay || x.Day == y.Day);
        return agree ? 4 : 6;
    }

    public override string Values(PreparedRecord a, PreparedRecord b) => Pair(a.DateOfBirth?.ToString() ?? "", b.DateOfBirth?.ToString() ?? "");

    private static string Digits(PartialDate date) => $"{date.Year:D4}{date.Month:D2}{date.Day:D2}";
}
