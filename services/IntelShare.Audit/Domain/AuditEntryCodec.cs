using System.Collections.Frozen;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Audit.Domain;

/// <summary>
/// The leaf format. A leaf is the protobuf encoding of an <see cref="AuditEntry"/> with <c>index</c> left at 0
/// (so it is not encoded: an entry cannot know its position before it is appended), which lets anyone holding
/// the contracts decode and verify leaves without this code.
/// </summary>
public static class AuditEntryCodec
{
    private static readonly FrozenDictionary<string, Effect> Effects = WireNames<Effect>("");
    private static readonly FrozenDictionary<string, Purpose> Purposes = WireNames<Purpose>("PURPOSE_");

    public static AuditEntry ToEntry(AuditEvent audited)
    {
        ArgumentNullException.ThrowIfNull(audited);
        var entry = new AuditEntry
        {
            At = Timestamp.FromDateTimeOffset(audited.At),
            UserId = audited.UserId ?? "",
            UserName = audited.UserName ?? "",
            Agency = audited.Agency ?? "",
            Action = audited.Action ?? "",
            ResourceKind = audited.ResourceKind ?? "",
            ResourceId = audited.ResourceId ?? "",
            HolderAgency = audited.HolderAgency ?? "",
            Justification = new Justification
            {
                CaseRef = audited.CaseRef ?? "",
                Reason = audited.Reason ?? "",
                Purpose = ParsePurpose(audited.Purpose),
            },
            Effect = ParseEffect(audited.Effect),
            Rule = audited.Rule ?? "",
            Origin = audited.Origin ?? "",
            Service = audited.Service ?? "",
        };
        if (audited.ResourceCaseRefs is { } caseRefs)
        {
            entry.ResourceCaseRefs.AddRange(caseRefs.Where(caseRef => !string.IsNullOrEmpty(caseRef)));
        }

        return entry;
    }

    public static byte[] Encode(AuditEvent audited) => ToEntry(audited).ToByteArray();

    /// <summary>Decodes a leaf and stamps it with the position the log gave it.</summary>
    public static AuditEntry Decode(long index, byte[] leaf)
    {
        var entry = AuditEntry.Parser.ParseFrom(leaf);
        entry.Index = index;
        return entry;
    }

    /// <summary>Accepts the policy's wire names (PERMIT, EXISTENCE_ONLY...) and the proto enum names.</summary>
    public static Effect ParseEffect(string? name) =>
        name is not null && Effects.TryGetValue(name.Trim().ToUpperInvariant(), out var effect) ? effect : Effect.Unspecified;

    /// <summary>Accepts CRIMINAL_INVESTIGATION as well as PURPOSE_CRIMINAL_INVESTIGATION.</summary>
    public static Purpose ParsePurpose(string? name) =>
        name is not null && Purposes.TryGetValue(name.Trim().ToUpperInvariant(), out var purpose) ? purpose : Purpose.Unspecified;

    /// <summary>The names protoc kept in <see cref="OriginalNameAttribute"/>, with and without the enum's prefix.</summary>
    private static FrozenDictionary<string, T> WireNames<T>(string prefix)
        where T : struct, System.Enum
    {
        var names = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (T)field.GetValue(null)!;
            var original = field.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? field.Name;
            names[original] = value;
            if (prefix.Length > 0 && original.StartsWith(prefix, StringComparison.Ordinal))
            {
                names[original[prefix.Length..]] = value;
            }
        }

        return names.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
