using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Comparison;

/// <summary>
/// One field's graded agreement between two records. Level 0 is always "missing" (either side lacks the
/// field: it weighs nothing); level 1 is the strongest agreement and the last level is disagreement.
/// </summary>
public abstract class FieldComparison
{
    /// <summary>Comparison vectors pack each level into four bits of a ulong.</summary>
    public const int MaxLevels = 16;

    protected FieldComparison(string name, params string[] levels)
    {
        Name = name;
        Levels = ["missing", .. levels];
        if (Levels.Count > MaxLevels)
        {
            throw new ArgumentException($"{name} has more than {MaxLevels} levels.", nameof(levels));
        }
    }

    public string Name { get; }

    public IReadOnlyList<string> Levels { get; }

    public abstract int Compare(PreparedRecord a, PreparedRecord b);

    /// <summary>The values compared, as an analyst reads them: "kovalenko ~ kovalenco".</summary>
    public abstract string Values(PreparedRecord a, PreparedRecord b);

    /// <summary>
    /// The level whose weight is adjusted by how common the agreed value is (agreeing on "smith" says less than
    /// on "sondergeld"); -1 when the field has no such adjustment.
    /// </summary>
    public virtual int TermFrequencyLevel => -1;

    /// <summary>The values a record contributes to the term-frequency table.</summary>
    public virtual IEnumerable<string> Terms(PreparedRecord record) => [];

    /// <summary>The value two records agree on at <see cref="TermFrequencyLevel"/>.</summary>
    public virtual string AgreedTerm(PreparedRecord a, PreparedRecord b) => "";

    protected static string Pair(string a, string b) => $"{Show(a)} ~ {Show(b)}";

    protected static string Show(string value) => value.Length == 0 ? "-" : value;

    protected static string Show(IEnumerable<string> values) => Show(string.Join(" / ", values));
}
