using Google.Protobuf;
using Google.Protobuf.Reflection;
using IntelShare.Contracts.V1;
using IntelShare.Policy;

namespace IntelShare.Access.Client;

/// <summary>
/// Removes the fields a PERMIT_REDACTED decision names (paths like "person.name", "evaluation")
/// from a copy of the content, on the server, before it is sent.
/// </summary>
public static class Redactor
{
    private const string MarkingPrefix = "marking.";

    /// <summary>
    /// The record as a decision lets it leave a service: whole, without the redacted fields, or (existence only,
    /// deny) not at all.
    /// </summary>
    public static Record? Release(Record record, AccessEffect effect, IReadOnlyCollection<string> redactedFields)
    {
        if (effect < AccessEffect.PermitRedacted)
        {
            return null;
        }

        if (effect != AccessEffect.PermitRedacted || redactedFields.Count == 0)
        {
            return record;
        }

        var redacted = record.Clone();
        redacted.Content = Redact(record.Content, redactedFields);
        // Free text about the change, which may well describe what was redacted.
        redacted.AmendmentReason = "";
        return redacted;
    }

    public static RecordContent Redact(RecordContent content, IReadOnlyCollection<string> fieldPaths)
    {
        var copy = content.Clone();
        // Elements of a list go last first, so that removing one does not move the next one named.
        foreach (var path in fieldPaths.OrderByDescending(RedactionPaths.ElementIndex))
        {
            Clear(copy, path.Split('.'));
        }

        return copy;
    }

    /// <summary>
    /// A marking sent on its own, apart from its record (as the graph sends one with each node and edge), as the
    /// decision lets it leave: without the parts the decision removes from the record's marking, such as the cases the
    /// reader is not on.
    /// </summary>
    public static Marking RedactMarking(Marking marking, IReadOnlyCollection<string> fieldPaths)
    {
        var markingPaths = fieldPaths.Where(path => path.StartsWith(MarkingPrefix, StringComparison.Ordinal)).ToList();
        return markingPaths.Count == 0 ? marking : Redact(new RecordContent { Marking = marking }, markingPaths).Marking;
    }

    private static void Clear(IMessage message, ReadOnlySpan<string> segments)
    {
        var element = RedactionPaths.TryParseElement(segments[0], out var name, out var index);
        var field = message.Descriptor.FindFieldByName(name)
            // A path the content type does not have is a policy table error: fail closed, never send.
            ?? throw new InvalidOperationException($"Redaction path segment '{segments[0]}' is not a field of {message.Descriptor.FullName}.");
        if (segments.Length == 1 && element)
        {
            if (!field.IsRepeated || field.Accessor.GetValue(message) is not System.Collections.IList list || index >= list.Count)
            {
                throw new InvalidOperationException($"Redaction path segment '{segments[0]}' is not an element of a list of {message.Descriptor.FullName}.");
            }

            list.RemoveAt(index);
            return;
        }

        if (segments.Length == 1)
        {
            field.Accessor.Clear(message);
            return;
        }

        if (field.FieldType != FieldType.Message || field.IsRepeated)
        {
            throw new InvalidOperationException($"Redaction path goes through '{segments[0]}', which is not a message.");
        }

        if (field.Accessor.GetValue(message) is IMessage child)
        {
            Clear(child, segments[1..]);
        }
    }
}
