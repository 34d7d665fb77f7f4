using System.Collections;
using Google.Protobuf;
using IntelShare.Cli.Import;

namespace IntelShare.Cli.Output;

/// <summary>
/// A message as (field path, text) pairs, the same paths that mappings and <c>amend --set</c>
/// use, so what the user reads is what they can write back. Unset fields are left out.
/// </summary>
internal static class MessageFlattener
{
    /// <param name="indexAll">Index every element of a repeated message, not only when there are several, so that paths stay stable across versions.</param>
    public static IEnumerable<KeyValuePair<string, string>> Flatten(IMessage message, string prefix = "", bool indexAll = false)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var path = prefix.Length == 0 ? field.Name : $"{prefix}.{field.Name}";
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                var list = (IList)value;
                if (list.Count == 0)
                {
                    continue;
                }

                if (!ProtoFields.IsComposite(field))
                {
                    yield return new(path, string.Join(", ", list.Cast<object>().Select(item => ProtoFields.Format(field, item))));
                    continue;
                }

                for (var i = 0; i < list.Count; i++)
                {
                    foreach (var pair in Flatten((IMessage)list[i]!, list.Count == 1 && !indexAll ? path : $"{path}[{i}]", indexAll))
                    {
                        yield return pair;
                    }
                }
            }
            else if (ProtoFields.IsComposite(field))
            {
                if (value is IMessage child)
                {
                    foreach (var pair in Flatten(child, path, indexAll))
                    {
                        yield return pair;
                    }
                }
            }
            else if (!ProtoFields.IsDefault(value))
            {
                yield return new(path, ProtoFields.Format(field, value));
            }
        }
    }
}
