using System.Collections.Frozen;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Access.Client;

/// <summary>Between the wire types of intelshare.v1 and the policy's own plain types.</summary>
public static class ContractMapping
{
    public static ResourceMarking ToResourceMarking(this Marking marking, ResourceKind kind, string resourceId, BodyKind body, bool withdrawn)
    {
        var caveats = CaveatNames.Parse(marking.Caveats);
        return new ResourceMarking
        {
            Kind = kind,
            ResourceId = resourceId,
            Body = body,
            Classification = (ClearanceLevel)(int)marking.Classification,
            OriginatorAgency = marking.OriginatorAgency,
            ReleasableTo = marking.ReleasableTo.Count == 0 ? FrozenSet<string>.Empty : marking.ReleasableTo.ToFrozenSet(StringComparer.Ordinal),
            ReleaseToAllPartners = marking.ReleaseToAllPartners,
            Handling = marking.Handling?.Code switch
            {
                HandlingCode.HandlingP => HandlingKind.P,
                HandlingCode.HandlingC => HandlingKind.C,
                _ => HandlingKind.Unspecified,
            },
            HandlingConditions = marking.Handling?.Conditions ?? "",
            Caveats = caveats,
            CaseRefs = marking.CaseRefs.ToArray(),
            Discoverable = marking.Discoverable,
            ReviewDate = marking.ReviewDate?.ToDateTimeOffset(),
            Withdrawn = withdrawn,
        };
    }

    public static ResourceMarking ToResourceMarking(this Record record) =>
        (record.Content?.Marking ?? new Marking()).ToResourceMarking(ResourceKind.Record, record.RecordId, ToBodyKind(record.Type), record.Withdrawn);

    /// <summary>A record's marking as Records gives it without the record (ReadMarkings), decided as the record would be.</summary>
    public static ResourceMarking ToResourceMarking(this RecordMarking record) =>
        (record.Marking ?? new Marking()).ToResourceMarking(ResourceKind.Record, record.RecordId, ToBodyKind(record.Type), record.Withdrawn);

    public static BodyKind ToBodyKind(RecordType type) => type switch
    {
        RecordType.Person => BodyKind.Person,
        RecordType.Organisation => BodyKind.Organisation,
        RecordType.Phone => BodyKind.Phone,
        RecordType.Vehicle => BodyKind.Vehicle,
        RecordType.Document => BodyKind.Document,
        RecordType.Account => BodyKind.Account,
        RecordType.Place => BodyKind.Place,
        RecordType.Event => BodyKind.Event,
        RecordType.Report => BodyKind.Report,
        _ => BodyKind.Unspecified,
    };

    public static ResourceKind ToResourceKind(string kind) => kind.ToLowerInvariant() switch
    {
        "record" or "" => ResourceKind.Record,
        "entity" => ResourceKind.Entity,
        "link" => ResourceKind.Link,
        _ => ResourceKind.Unspecified,
    };

    public static ReadJustification ToReadJustification(this Justification justification) =>
        new(justification.CaseRef, justification.Reason, (ReadPurpose)(int)justification.Purpose);

    public static Justification ToMessage(this ReadJustification justification) =>
        new() { CaseRef = justification.CaseRef ?? "", Reason = justification.Reason ?? "", Purpose = (Purpose)(int)justification.Purpose };

    /// <summary>Headers that make a call to another service on behalf of the caller whose bearer token is given.</summary>
    public static Metadata ForwardedCaller(string? authorization)
    {
        var headers = new Metadata();
        if (authorization is { Length: > 0 })
        {
            headers.Add("authorization", authorization);
        }

        return headers;
    }

    /// <summary>The decision as the caller may see it: the rule only where safe to show.</summary>
    public static Decision ToMessage(this AccessDecision decision)
    {
        var message = new Decision
        {
            Effect = decision.Effect switch
            {
                AccessEffect.Permit => Effect.Permit,
                AccessEffect.PermitRedacted => Effect.PermitRedacted,
                AccessEffect.ExistenceOnly => Effect.ExistenceOnly,
                _ => Effect.Deny,
            },
            Rule = decision.CallerRule.Id,
            Explanation = decision.ExplainToCaller(),
            HandlingConditions = decision.HandlingConditions ?? "",
            HolderAgency = decision.Holder?.Agency ?? "",
            ResourceRef = decision.Holder?.ResourceId ?? "",
        };
        message.RedactedFields.AddRange(decision.RedactedFields);
        return message;
    }

    /// <summary>
    /// An existence-only answer for a record found through details withheld from the caller (<see cref="FoundThroughWithheld"/>):
    /// who holds it and nothing else, neither its reference nor the redaction that would name its caveat.
    /// </summary>
    public static Decision ToFoundThroughWithheldMessage(string holderAgency) => new()
    {
        Effect = Effect.ExistenceOnly,
        Rule = PolicyRules.Withheld.Id,
        Explanation = FoundThroughWithheld.Explanation,
        HolderAgency = holderAgency,
    };

    public static string ToWireName(this AccessEffect effect) => effect switch
    {
        AccessEffect.Permit => "PERMIT",
        AccessEffect.PermitRedacted => "PERMIT_REDACTED",
        AccessEffect.ExistenceOnly => "EXISTENCE_ONLY",
        _ => "DENY",
    };

    public static Timestamp ToTimestamp(this DateTimeOffset value) => Timestamp.FromDateTimeOffset(value);
}
