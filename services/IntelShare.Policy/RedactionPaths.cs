using System.Globalization;

namespace IntelShare.Policy;

/// <summary>
/// Field paths of a redaction, relative to the record content: "person.name" removes a field, and a last segment with
/// an index, "marking.case_refs[1]", removes one element of a list.
/// </summary>
public static class RedactionPaths
{
    /// <summary>Every case the record is filed under.</summary>
    public const string CaseRefs = "marking.case_refs";

    public static string CaseRef(int index) => string.Create(CultureInfo.InvariantCulture, $"marking.case_refs[{index}]");

    /// <summary>Splits "name[3]" into the field's name and the element's index; false for a plain field name.</summary>
    public static bool TryParseElement(string segment, out string field, out int index)
    {
        var open = segment.IndexOf('[', StringComparison.Ordinal);
        if (open > 0 && segment.EndsWith(']') && int.TryParse(segment.AsSpan(open + 1, segment.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            field = segment[..open];
            return true;
        }

        field = segment;
        index = -1;
        return false;
    }

    /// <summary>
    /// Whether removing one path removes some of what the other names: they are the same field, or one lies inside the
    /// other ("person.phones[1]" and "person.phones", "person" and "person.name").
    /// </summary>
    public static bool Overlap(string a, string b) => Within(a, b) || Within(b, a);

    private static bool Within(string inner, string outer) =>
        inner.StartsWith(outer, StringComparison.Ordinal) && (inner.Length == outer.Length || inner[outer.Length] is '.' or '[');

    /// <summary>The index of the element a path removes, or -1 for a whole field.</summary>
    public static int ElementIndex(string path) => TryParseElement(path[(path.LastIndexOf('.') + 1)..], out _, out var index) ? index : -1;
}
