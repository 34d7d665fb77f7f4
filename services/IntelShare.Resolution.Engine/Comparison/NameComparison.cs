using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Comparison;

/// <summary>
/// Given or family name. Names arrive transliterated differently, swapped (family name first, as on many
/// Eastern European and Asian documents), as initials, misspelt by ear, or under an alias.
/// </summary>
public sealed class NameComparison : FieldComparison
{
    private const int Exact = 1;
    private const int Swapped = 2;
    private const int Alias = 3;
    private const int Close = 4;
    private const int PhoneticMatch = 5;
    private const int Similar = 6;
    private const int Initial = 7;
    private const int Different = 8;

    private readonly bool _given;

    public NameComparison(bool given)
        : base(given ? "given name" : "family name", "exact", "swapped given/family", "alias match", "close spelling",
            "phonetic match", "similar spelling", "initial", "different") => _given = given;

    public override int TermFrequencyLevel => Exact;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var (mine, theirs) = (Of(a), Of(b));
        if (mine.Length == 0 || theirs.Length == 0)
        {
            return 0;
        }

        if (mine == theirs)
        {
            return Exact;
        }

        if (a.Given.Length > 0 && a.Family.Length > 0 && a.Given == b.Family && a.Family == b.Given)
        {
            return Swapped;
        }

        if (SharedVariant(a, b))
        {
            return Alias;
        }

        var similarity = TextSimilarity.JaroWinkler(mine, theirs);
        if (similarity >= 0.94)
        {
            return Close;
        }

        if (Key(a) == Key(b) && Key(a).Length > 0)
        {
            return PhoneticMatch;
        }

        if (similarity >= 0.85)
        {
            return Similar;
        }

        return (mine.Length == 1 || theirs.Length == 1) && mine[0] == theirs[0] ? Initial : Different;
    }

    public override string Values(PreparedRecord a, PreparedRecord b) => Pair(Of(a), Of(b));

    public override IEnumerable<string> Terms(PreparedRecord record) => Of(record) is { Length: > 0 } name ? [name] : [];

    public override string AgreedTerm(PreparedRecord a, PreparedRecord b) => Of(a);

    private string Of(PreparedRecord record) => _given ? record.Given : record.Family;

    private string Key(PreparedRecord record) => _given ? record.GivenKey : record.FamilyKey;

    private static bool SharedVariant(PreparedRecord a, PreparedRecord b)
    {
        // The primary names differ (else exact or swapped): any other shared full name is an alias or native-script match.
        foreach (var mine in a.NameVariants)
        {
            if (Array.IndexOf(b.NameVariants, mine) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
