using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Contracts.V1;

namespace IntelShare.Cli.Import;

/// <summary>
/// A dotted path into <see cref="RecordContent"/> such as <c>person.addresses.city</c>, checked
/// against the contract's descriptors once and then applied to any number of records. Import
/// mappings and <c>amend --set</c> share it, so both accept every field the contracts have.
/// <list type="bullet">
/// <item>A repeated message in the path means its first element (one address, one phone per row),
/// created when absent.</item>
/// <item>A repeated message whose elements have a <c>kind</c> may be followed by a kind instead of a
/// field: <c>person.documents.passport</c> is the document of kind passport, and naming no field
/// after the kind sets the element's value field (its first other string field: the number).</item>
/// <item>A repeated scalar takes a ';'-separated list and replaces what was there.</item>
/// </list>
/// </summary>
internal sealed class FieldPath
{
    private const string KindFieldName = "kind";

    private readonly Step[] _steps;
    private readonly FieldDescriptor _leaf;

    private FieldPath(string text, Step[] steps, FieldDescriptor leaf)
    {
        Text = text;
        _steps = steps;
        _leaf = leaf;
        Body = steps.Length > 0 && steps[0].Field.RealContainingOneof is not null ? steps[0].Field : null;
    }

    public string Text { get; }

    /// <summary>
    /// The field the path sets, however it was written: proto or JSON names, and a kind-selected element's value field
    /// named or not (person.documents.passport is person.documents.passport.number).
    /// </summary>
    public string Key => string.Join(".", _steps.Select(s => s.Kind is null ? s.Field.Name : $"{s.Field.Name}.{s.Kind}").Append(_leaf.Name));

    /// <summary>The record body the path enters (person, vehicle...), or null for source_ref, marking, links...</summary>
    public FieldDescriptor? Body { get; }

    /// <summary>The path ends at a repeated value (phones, aliases), which takes a ';'-separated list.</summary>
    public bool IsList => _leaf.IsRepeated;

    public bool IsMarking => _steps.Length > 0 && _steps[0].Field.FieldNumber == RecordContent.MarkingFieldNumber;

    /// <summary>The path ends at the value field of a kind-selected element (person.documents.passport).</summary>
    private bool EndsAtSelectedValue => _steps.Length > 0 && _steps[^1].Kind is not null && _leaf.ContainingType == _steps[^1].Field.MessageType && IsValueField(_leaf);

    private sealed record Step(FieldDescriptor Field, string? Kind);

    public override string ToString() => Text;

    public static FieldPath Parse(string text)
    {
        var trimmed = text.Trim();
        var steps = new List<Step>();
        var message = RecordContent.Descriptor;
        FieldDescriptor? leaf = null;
        foreach (var segment in trimmed.Split('.'))
        {
            if (leaf is not null)
            {
                throw new UsageException($"Field path '{trimmed}': {leaf.Name} is a value and has no fields.");
            }

            var field = Find(message, segment);
            if (field is null)
            {
                if (steps.Count > 0 && steps[^1] is { Kind: null, Field.IsRepeated: true } last && KindField(message) is not null && IsKindToken(segment))
                {
                    steps[^1] = last with { Kind = segment };
                    continue;
                }

                throw new UsageException(
                    $"Field path '{trimmed}': {message.Name} has no field '{segment}'. Its fields: {string.Join(", ", message.Fields.InDeclarationOrder().Select(f => f.Name))}.");
            }

            if (ProtoFields.IsComposite(field))
            {
                steps.Add(new Step(field, null));
                message = field.MessageType;
            }
            else
            {
                leaf = field;
            }
        }

        if (leaf is null)
        {
            leaf = steps.Count > 0 && steps[^1].Kind is not null ? ValueField(message) : null;
            if (leaf is null)
            {
                throw new UsageException(
                    $"Field path '{trimmed}' names a {message.Name}; name one of its fields: {string.Join(", ", message.Fields.InDeclarationOrder().Select(f => $"{trimmed}.{f.Name}"))}.");
            }
        }

        return new FieldPath(trimmed, steps.ToArray(), leaf);
    }

    /// <summary>Sets the field from text, creating the messages on the way; a value that does not convert changes nothing.</summary>
    public void Set(IMessage root, string value, string? format = null)
    {
        if (_leaf.IsRepeated)
        {
            var items = value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(item => Convert(_leaf, item, format))
                .ToList();
            var list = (IList)_leaf.Accessor.GetValue(Navigate(root, create: true)!);
            list.Clear();
            items.ForEach(item => list.Add(item));
        }
        else
        {
            var converted = Convert(_leaf, value, format);
            _leaf.Accessor.SetValue(Navigate(root, create: true)!, converted);
        }
    }

    /// <summary>Empties the field; a kind-selected element whose value is cleared goes altogether.</summary>
    public void Clear(IMessage root)
    {
        if (EndsAtSelectedValue)
        {
            var parent = Navigate(root, create: false, _steps.Length - 1);
            if (parent is not null && Element(parent, _steps[^1], create: false) is { } element)
            {
                ((IList)_steps[^1].Field.Accessor.GetValue(parent)).Remove(element);
            }

            return;
        }

        if (Navigate(root, create: false) is { } target)
        {
            _leaf.Accessor.Clear(target);
        }
    }

    private IMessage? Navigate(IMessage root, bool create, int? stepCount = null)
    {
        var current = root;
        foreach (var step in _steps.Take(stepCount ?? _steps.Length))
        {
            var next = step.Field.IsRepeated ? Element(current, step, create) : Child(current, step.Field, create);
            if (next is null)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static IMessage? Child(IMessage parent, FieldDescriptor field, bool create)
    {
        if (field.Accessor.GetValue(parent) is IMessage existing)
        {
            return existing;
        }

        if (!create)
        {
            return null;
        }

        var child = ProtoFields.NewMessage(field.MessageType);
        field.Accessor.SetValue(parent, child);
        return child;
    }

    private static IMessage? Element(IMessage parent, Step step, bool create)
    {
        var list = (IList)step.Field.Accessor.GetValue(parent);
        var kindField = step.Kind is null ? null : KindField(step.Field.MessageType);
        var found = list.Cast<IMessage>().FirstOrDefault(element =>
            kindField is null || string.Equals((string)kindField.Accessor.GetValue(element), step.Kind, StringComparison.OrdinalIgnoreCase));
        if (found is not null || !create)
        {
            return found;
        }

        var created = ProtoFields.NewMessage(step.Field.MessageType);
        kindField?.Accessor.SetValue(created, step.Kind);
        list.Add(created);
        return created;
    }

    private static object Convert(FieldDescriptor field, string text, string? format) => field.FieldType switch
    {
        // The contracts keep partial ISO dates (YYYY, YYYY-MM) in string fields named after dates.
        FieldType.String when field.Name.Contains("date", StringComparison.Ordinal) => FieldValues.ParseDate(text, format),
        FieldType.String => FieldValues.InPlatformCase(field, text),
        FieldType.Bool => FieldValues.ParseBool(text),
        FieldType.Double => FieldValues.ParseNumber<double>(text),
        FieldType.Float => FieldValues.ParseNumber<float>(text),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => FieldValues.ParseNumber<int>(text),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => FieldValues.ParseNumber<long>(text),
        FieldType.UInt32 or FieldType.Fixed32 => FieldValues.ParseNumber<uint>(text),
        FieldType.UInt64 or FieldType.Fixed64 => FieldValues.ParseNumber<ulong>(text),
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, EnumValues.Parse(field.EnumType, text)),
        FieldType.Message when ProtoFields.IsTimestamp(field) => FieldValues.ParseTimestamp(text, format),
        _ => throw new FieldValueException($"{field.Name} cannot be set from text"),
    };

    private static FieldDescriptor? Find(MessageDescriptor message, string segment) =>
        message.FindFieldByName(segment)
        ?? message.Fields.InDeclarationOrder().FirstOrDefault(f => string.Equals(f.JsonName, segment, StringComparison.Ordinal));

    private static FieldDescriptor? KindField(MessageDescriptor message) =>
        message.FindFieldByName(KindFieldName) is { FieldType: FieldType.String, IsRepeated: false } kind ? kind : null;

    private static FieldDescriptor? ValueField(MessageDescriptor message) =>
        message.Fields.InDeclarationOrder().FirstOrDefault(IsValueField);

    private static bool IsValueField(FieldDescriptor field) =>
        field is { FieldType: FieldType.String, IsRepeated: false } && field.Name != KindFieldName;

    private static bool IsKindToken(string segment) =>
        segment.Length > 0 && segment.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}

/// <summary>Descriptor facts shared by the paths, the default mappings and the renderers.</summary>
internal static class ProtoFields
{
    public static bool IsTimestamp(FieldDescriptor field) =>
        field.FieldType == FieldType.Message && field.MessageType.FullName == Timestamp.Descriptor.FullName;

    /// <summary>A message the paths walk into; timestamps are values.</summary>
    public static bool IsComposite(FieldDescriptor field) => field.FieldType == FieldType.Message && !IsTimestamp(field);

    public static IMessage NewMessage(MessageDescriptor descriptor) => descriptor.Parser.ParseFrom(ByteString.Empty);

    /// <summary>Text for a field value, as the renderers show it.</summary>
    public static string Format(FieldDescriptor field, object value) => value switch
    {
        Timestamp timestamp => FormatTimestamp(timestamp),
        System.Enum when field.FieldType == FieldType.Enum => EnumValues.Name(field.EnumType, System.Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "yes" : "no",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string FormatTimestamp(Timestamp timestamp)
    {
        var value = timestamp.ToDateTimeOffset();
        return value.TimeOfDay == TimeSpan.Zero
            ? value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    public static bool IsDefault(object? value) => value switch
    {
        null => true,
        string text => text.Length == 0,
        bool flag => !flag,
        System.Enum e => System.Convert.ToInt64(e, CultureInfo.InvariantCulture) == 0,
        double number => number == 0,
        float number => number == 0,
        IConvertible number => System.Convert.ToDecimal(number, CultureInfo.InvariantCulture) == 0,
        _ => false,
    };
}
