using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Comparison;

/// <summary>Identifiers and codes that either agree exactly after normalisation or do not (other id, sex, registration).</summary>
public sealed class ExactComparison(string name, Func<PreparedRecord, string> value) : FieldComparison(name, "exact", "different")
{
    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var (x, y) = (value(a), value(b));
        return x.Length == 0 || y.Length == 0 ? 0 : x == y ? 1 : 2;
    }

    public override string Values(PreparedRecord a, PreparedRecord b) => Pair(value(a), value(b));
}

/// <summary>Fields a record may hold several of (phones, documents, nationalities): any one shared agrees.</summary>
public sealed class SharedValueComparison(string name, Func<PreparedRecord, string[]> values) : FieldComparison(name, "shared", "different")
{
    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var (x, y) = (values(a), values(b));
        if (x.Length == 0 || y.Length == 0)
        {
            return 0;
        }

        foreach (var value in x)
        {
            if (Array.IndexOf(y, value) >= 0)
            {
                return 1;
            }
        }

        return 2;
    }

    public override string Values(PreparedRecord a, PreparedRecord b) => $"{Show(values(a))} ~ {Show(values(b))}";
}
