using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace IntelShare.Contracts;

/// <summary>
/// What any message must be, whatever it means: timestamps a calendar holds, enum values the contract defines and
/// strings of a bounded length without control characters. Checked on every request, so that no service converts a
/// timestamp that throws, meets a value its switch does not know, or stores a value whose indexing would take minutes.
/// </summary>
public static class MessageShape
{
    /// <summary>Longer than any name, reason or narrative a user writes; a whole message may be 4 MiB.</summary>
    public const int MaxStringLength = 100_000;

    // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of google.protobuf.Timestamp.
    private const long MinSeconds = -62_135_596_800;
    private const long MaxSeconds = 253_402_300_799;

    // C0 controls but tab, line feed and carriage return: no one types them, and XML (GraphML exports) cannot carry them.
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        [.. Enumerable.Range(0, 32).Where(c => c is not ('\t' or '\n' or '\r')).Select(c => (char)c)]);

    // Every record of a bulk intake is walked: the path is kept as a stack of fields and made a string only for a
    // problem, rather than a string per nested message and list item.
    [ThreadStatic]
    private static List<(string Name, int Index)>? _path;

    public static bool IsValid(Timestamp timestamp) =>
        timestamp.Seconds is >= MinSeconds and <= MaxSeconds && timestamp.Nanos is >= 0 and <= 999_999_999;

    /// <summary>Reports each problem with its field path (proto field names, <c>prefix.field[index]</c>).</summary>
    /// <param name="definedFieldsOnly">
    /// Also report fields the contract does not define (sent by a client built from other protos), which a message keeps
    /// as it was sent: for what is stored and read back, since no check and no redaction knows them.
    /// </param>
    public static void Check(IMessage message, string prefix, Action<string, string> report, bool definedFieldsOnly = false)
    {
        var path = _path ??= [];
        path.Clear();
        Walk(message, prefix, path, report, definedFieldsOnly);
    }

    private static void Walk(IMessage message, string prefix, List<(string Name, int Index)> path, Action<string, string> report, bool definedFieldsOnly)
    {
        if (definedFieldsOnly && UndefinedFieldNumbers(message) is { Count: > 0 } undefined)
        {
            var where = PathOf(prefix, path);
            report(where.Length > 0 ? where : "request",
                $"carries field {string.Join(", ", undefined)}, which {message.Descriptor.FullName} does not define (protos/intelshare/v1): the platform can neither check nor protect it");
        }

        if (message is Timestamp timestamp)
        {
            if (!IsValid(timestamp))
            {
                report(PathOf(prefix, path), "is not a valid timestamp (0001-01-01 to 9999-12-31, nanos 0 to 999,999,999)");
            }

            return;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType is not (FieldType.Message or FieldType.Enum or FieldType.String))
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var entry = field.MessageType;
                var index = 0;
                foreach (DictionaryEntry item in (IDictionary)value)
                {
                    path.Add((field.Name, index++));
                    CheckValue(entry.FindFieldByNumber(1), item.Key, prefix, path, report, definedFieldsOnly);
                    CheckValue(entry.FindFieldByNumber(2), item.Value, prefix, path, report, definedFieldsOnly);
                    path.RemoveAt(path.Count - 1);
                }
            }
            else if (field.IsRepeated)
            {
                var items = (IList)value;
                for (var i = 0; i < items.Count; i++)
                {
                    path.Add((field.Name, i));
                    CheckValue(field, items[i], prefix, path, report, definedFieldsOnly);
                    path.RemoveAt(path.Count - 1);
                }
            }
            else if (value is not null)
            {
                path.Add((field.Name, -1));
                CheckValue(field, value, prefix, path, report, definedFieldsOnly);
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    private static void CheckValue(
        FieldDescriptor field, object? value, string prefix, List<(string Name, int Index)> path, Action<string, string> report, bool definedFieldsOnly)
    {
        switch (field.FieldType)
        {
            case FieldType.Message when value is IMessage child:
                Walk(child, prefix, path, report, definedFieldsOnly);
                break;
            case FieldType.Enum when value is not null:
                var number = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
                if (field.EnumType.FindValueByNumber(number) is null)
                {
                    report(PathOf(prefix, path), $"{number} is not a {field.EnumType.Name} value");
                }

                break;
            case FieldType.String when value is string { Length: > MaxStringLength }:
                report(PathOf(prefix, path), $"is longer than {MaxStringLength:N0} characters");
                break;
            case FieldType.String when value is string text && text.AsSpan().ContainsAny(ControlCharacters):
                report(PathOf(prefix, path), "contains a control character (other than tab and line breaks)");
                break;
        }
    }

    // Generated messages keep what they could not parse in a private field, with no public way to ask for it.
    private static readonly ConcurrentDictionary<System.Type, FieldInfo> UnknownFieldsOf = new();

    /// <summary>The numbers of the fields a message kept without knowing them; none (and nothing allocated) for almost every message.</summary>
    private static IReadOnlyList<int> UndefinedFieldNumbers(IMessage message)
    {
        var holder = UnknownFieldsOf.GetOrAdd(message.GetType(), type =>
            type.GetField("_unknownFields", BindingFlags.Instance | BindingFlags.NonPublic)
            // Failing loudly beats letting undefined fields through unseen after a change of code generator.
            ?? throw new InvalidOperationException($"{type} does not keep its unknown fields where generated messages do."));
        if (holder.GetValue(message) is not UnknownFieldSet { } unknown || unknown.CalculateSize() is var size && size == 0)
        {
            return [];
        }

        // The set names its fields only by writing them out.
        var bytes = new byte[size];
        var output = new CodedOutputStream(bytes);
        unknown.WriteTo(output);
        output.Flush();
        var input = new CodedInputStream(bytes);
        var numbers = new List<int>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            numbers.Add(WireFormat.GetTagFieldNumber(tag));
            input.SkipLastField();
        }

        return numbers;
    }

    private static string PathOf(string prefix, List<(string Name, int Index)> path)
    {
        var text = new StringBuilder(prefix);
        foreach (var (name, index) in path)
        {
            if (text.Length > 0)
            {
                text.Append('.');
            }

            text.Append(name);
            if (index >= 0)
            {
                text.Append('[').Append(index).Append(']');
            }
        }

        return text.ToString();
    }
}
