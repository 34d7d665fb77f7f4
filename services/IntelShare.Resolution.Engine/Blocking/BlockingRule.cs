using IntelShare.Normalisation;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Blocking;

/// <summary>
/// Records sharing any key of a rule are compared. Rules are unioned: a pair one rule misses (a typo in the
/// family name) is caught by another (the same date of birth and initial).
/// </summary>
public sealed record BlockingRule(string Name, Func<PreparedRecord, IEnumerable<string>> Keys);

public static class BlockingRules
{
    public static IReadOnlyList<BlockingRule> Person { get; } =
    [
        new("family name phonetic + birth year", r => Year(r) is { } year ? r.NameKeys.Where(k => k.Family.Length > 0).Select(k => $"{k.Family}|{year}") : []),
        new("given name prefix + postcode", r => r.NameKeys.Length == 0 || r.Given.Length == 0 ? [] : r.Addresses.Where(a => a.Postcode.Length > 0).Select(a => $"{Prefix(r.Given, 3)}|{a.Postcode}")),
        new("family name phonetic + postcode", r => r.Addresses.Where(a => a.Postcode.Length > 0).SelectMany(a => r.NameKeys.Where(k => k.Family.Length > 0).Select(k => $"{k.Family}|{a.Postcode}"))),
        new("date of birth + given initial", r => r.DateOfBirth is { HasDay: true } dob ? Initials(r).Select(i => $"{DayAndMonthEitherWay(dob)}|{i}") : []),
        new("given and family phonetic, either order", r => r.NameKeys.Where(k => k.Given.Length > 0 && k.Family.Length > 0).Select(k => string.CompareOrdinal(k.Given, k.Family) < 0 ? $"{k.Given}|{k.Family}" : $"{k.Family}|{k.Given}")),
        new("phone", r => r.Phones),
        new("document number", r => r.Documents),
        new("other id", r => r.OtherId.Length > 0 ? [r.OtherId] : []),
    ];

    public static IReadOnlyList<BlockingRule> Organisation { get; } =
    [
        new("organisation name", r => r.OrganisationAliases.Append(r.OrganisationName).Where(n => n.Length > 0)),
        new("organisation name first word + country", r => r.OrganisationName.Length > 0 ? [$"{r.OrganisationName.Split(' ')[0]}|{r.Country}"] : []),
        new("organisation name prefix + postcode", r => r.OrganisationName.Length > 0 ? r.Addresses.Where(a => a.Postcode.Length > 0).Select(a => $"{Prefix(r.OrganisationName, 4)}|{a.Postcode}") : []),
        new("registration number", r => r.Registration.Length > 0 ? [r.Registration] : []),
        new("phone", r => r.Phones),
    ];

    public static IReadOnlyList<BlockingRule> For(RecordKind kind) => kind == RecordKind.Person ? Person : Organisation;

    private static int? Year(PreparedRecord record) => record.DateOfBirth?.Year;

    /// <summary>
    /// The date with its day and month in ascending order: a date transposed between day-first and month-first
    /// systems (05/11 read as 11/05) is a level the comparison scores as strong evidence, so it must share the key.
    /// </summary>
    private static string DayAndMonthEitherWay(PartialDate date) => $"{date.Year}|{Math.Min(date.Month, date.Day)}|{Math.Max(date.Month, date.Day)}";

    private static string Prefix(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>Both names' initials, so that a swapped given and family name still share a key.</summary>
    private static IEnumerable<char> Initials(PreparedRecord record) =>
        new[] { record.Given, record.Family }.Where(n => n.Length > 0).Select(n => n[0]).Distinct();
}
