using System.Collections.Frozen;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Search.Engine;

/// <summary>
/// The marking as stored beside each indexed record, so that every hit is decided by the real policy on the
/// marking it was indexed with. A compact binary form: it is read for every hit on a page.
/// </summary>
public static class MarkingCodec
{
    private const byte Format = 1;

    public static byte[] Encode(ResourceMarking marking)
    {
        using var stream = new MemoryStream(128);
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Format);
            writer.Write((byte)marking.Kind);
            writer.Write(marking.ResourceId);
            writer.Write((byte)marking.Body);
            writer.Write((byte)marking.Classification);
            writer.Write(marking.OriginatorAgency);
            WriteStrings(writer, [.. marking.ReleasableTo]);
            writer.Write(marking.ReleaseToAllPartners);
            writer.Write((byte)marking.Handling);
            writer.Write(marking.HandlingConditions);
            writer.Write((byte)marking.Caveats);
            WriteStrings(writer, marking.CaseRefs);
            writer.Write(marking.Discoverable);
            writer.Write(marking.ReviewDate is { } review ? review.UtcTicks : 0L);
            writer.Write(marking.Withdrawn);
        }

        return stream.ToArray();
    }

    public static ResourceMarking Decode(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream);
        if (reader.ReadByte() != Format)
        {
            throw new InvalidDataException("Stored marking in an unknown format: rebuild the index.");
        }

        return new ResourceMarking
        {
            Kind = (ResourceKind)reader.ReadByte(),
            ResourceId = reader.ReadString(),
            Body = (BodyKind)reader.ReadByte(),
            Classification = (ClearanceLevel)reader.ReadByte(),
            OriginatorAgency = reader.ReadString(),
            ReleasableTo = ReadStrings(reader).ToFrozenSet(StringComparer.Ordinal),
            ReleaseToAllPartners = reader.ReadBoolean(),
            Handling = (HandlingKind)reader.ReadByte(),
            HandlingConditions = reader.ReadString(),
            Caveats = (Caveat)reader.ReadByte(),
            CaseRefs = ReadStrings(reader),
            Discoverable = reader.ReadBoolean(),
            ReviewDate = reader.ReadInt64() is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null,
            Withdrawn = reader.ReadBoolean(),
        };
    }

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> values)
    {
        writer.Write(values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static string[] ReadStrings(BinaryReader reader)
    {
        var values = new string[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadString();
        }

        return values;
    }
}

/// <summary>What an engine read back for one matching record, before the policy is asked about it.</summary>
public sealed record StoredHit(
    string RecordId,
    long Version,
    RecordType Type,
    ResourceMarking Marking,
    Caveat NameCaveats,
    ReadOnlyMemory<byte> Payload,
    float Score);

/// <summary>Turns stored hits into what the caller may see, deciding each with the real policy.</summary>
public sealed class HitFactory(NeedToKnowPolicy policy)
{
    /// <param name="highlight">Called for readable hits only, with the field paths the caller may not read.</param>
    /// <returns>Null when the policy denies the hit (the index filter should have excluded it).</returns>
    public SearchHit? Create(
        StoredHit stored,
        SearchPrincipal principal,
        QueryPlan plan,
        DateTimeOffset now,
        Func<IReadOnlySet<string>, IReadOnlyList<SearchHighlight>>? highlight)
    {
        var decision = policy.Decide(principal.Subject, principal.Context, stored.Marking, principal.Justification, now);
        if (decision.Effect == AccessEffect.Deny)
        {
            return null;
        }

        // Found through a name, identifier or date of birth the caller may not read: showing the rest of the
        // record would tie that value to it, so the caller learns only that it exists and who holds it.
        var foundThroughRedacted = decision.Effect == AccessEffect.PermitRedacted
            && plan.MatchesNamesOrIdentifiers
            && (decision.Details.Caveats & stored.NameCaveats) != Caveat.None;
        if (decision.Effect == AccessEffect.ExistenceOnly || foundThroughRedacted)
        {
            return new SearchHit
            {
                RecordId = stored.RecordId,
                Type = stored.Type,
                HolderAgency = stored.Marking.OriginatorAgency,
                Decision = decision,
                Score = stored.Score,
                ExistenceOnly = true,
            };
        }

        var redacted = decision.RedactedFields.ToHashSet(StringComparer.Ordinal);
        return new SearchHit
        {
            RecordId = stored.RecordId,
            Type = stored.Type,
            HolderAgency = stored.Marking.OriginatorAgency,
            Decision = decision,
            Score = stored.Score,
            Version = stored.Version,
            DisplayPayload = stored.Payload,
            Highlights = plan.Highlight && highlight is not null ? highlight(redacted) : [],
        };
    }
}
