using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace IntelShare.Contracts;

/// <summary>
/// What any message must be, whatever it means: timestamps a calendar holds, enum values the contract defines and
/// strings of a bounded length. Checked on every request, so that no service converts a timestamp that throws, meets
/// a value its switch does not know, or stores a value whose indexing would take minutes.
/// </summary>
public static class MessageShape
{
    /// <summary>Longer than any name, reason or narrative a user writes; a whole message may be 4 MiB.</summary>
    public const int MaxStringLength = 100_000;

    // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of google.protobuf.Timestamp.
    private const long MinSeconds = -62_135_596_800;
    private const long MaxSeconds = 253_402_300_799;

    public static bool IsValid(Timestamp timestamp) =>
        timestamp.Seconds is >= MinSeconds and <= MaxSeconds && timestamp.Nanos is >= 0 and <= 999_999_999;

    /// <summary>Reports each problem with its field path (proto field names, <c>prefix.field[index]</c>).</summary>
    public static void Check(IMessage message, string prefix, Action<string, string> report)
    {
        if (message is Timestamp timestamp)
        {
            if (!IsValid(timestamp))
            {
                report(prefix, "is not a valid timestamp (0001-01-01 to 9999-12-31, nanos 0 to 999,999,999)");
            }

            return;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    var path = $"{Join(prefix, field.Name)}[{entry.Key}]";
                    CheckValue(field.MessageType.FindFieldByNumber(1), entry.Key, path, report);
                    CheckValue(field.MessageType.FindFieldByNumber(2), entry.Value, path, report);
                }
            }
            else if (field.IsRepeated)
            {
                var items = (IList)value;
                for (var i = 0; i < items.Count; i++)
                {
                    CheckValue(field, items[i], $"{Join(prefix, field.Name)}[{i}]", report);
                }
            }
            else if (value is not null)
            {
                CheckValue(field, value, prefix, field.Name, report);
            }
        }
    }

    private static void CheckValue(FieldDescriptor field, object? value, string path, Action<string, string> report) =>
        CheckValue(field, value, path, null, report);

    // The path of a singular field is joined only when there is something to report or a message to enter.
    private static void CheckValue(FieldDescriptor field, object? value, string path, string? name, Action<string, string> report)
    {
        switch (field.FieldType)
        {
            case FieldType.Message when value is IMessage child:
                Check(child, name is null ? path : Join(path, name), report);
                break;
            case FieldType.Enum when value is not null:
                var number = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
                if (field.EnumType.FindValueByNumber(number) is null)
                {
                    report(name is null ? path : Join(path, name), $"{number} is not a {field.EnumType.Name} value");
                }

                break;
            case FieldType.String when value is string { Length: > MaxStringLength }:
                report(name is null ? path : Join(path, name), $"is longer than {MaxStringLength:N0} characters");
                break;
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
}
