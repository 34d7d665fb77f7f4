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

    /// <summary>The index of the element a path removes, or -1 for a whole field.</summary>
    public static int ElementIndex(string path) => TryParseElement(path[(path.LastIndexOf('.') + 1)..], out _, out var index) ? index : -1;
}
