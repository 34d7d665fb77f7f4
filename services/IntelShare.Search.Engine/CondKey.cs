using System.Globalization;

namespace IntelShare.Search.Engine;

/// <summary>
/// A condition written out canonically, so that equal conditions have equal keys: engines cache what a
/// principal's need-to-know conditions match under this key. Values carry their length, so no value can
/// imitate the punctuation around it.
/// </summary>
public sealed class CondKey : ICondVisitor<string>
{
    private static readonly CondKey Instance = new();

    public static string Of(Cond cond)
    {
        ArgumentNullException.ThrowIfNull(cond);
        return cond.Accept(Instance);
    }

    public string All() => "*";

    public string None() => "0";

    public string Term(string field, string value) => "t(" + Value(field) + Value(value) + ")";

    public string Terms(string field, IReadOnlyList<string> values) =>
        "s(" + Value(field) + string.Concat(values.Order(StringComparer.Ordinal).Select(Value)) + ")";

    public string Range(string field, long? min, long? max) =>
        "r(" + Value(field) + Value(min?.ToString(CultureInfo.InvariantCulture) ?? "") + Value(max?.ToString(CultureInfo.InvariantCulture) ?? "") + ")";

    public string And(IReadOnlyList<string> parts) => "&(" + string.Join(',', parts) + ")";

    public string Or(IReadOnlyList<string> parts) => "|(" + string.Join(',', parts) + ")";

    public string Not(string part) => "!(" + part + ")";

    private static string Value(string value) => value.Length.ToString(CultureInfo.InvariantCulture) + ":" + value;
}
