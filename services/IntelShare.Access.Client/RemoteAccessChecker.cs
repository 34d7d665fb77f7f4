using IntelShare.Contracts.V1;
using IntelShare.Policy;
using IntelShare.ServiceDefaults;

namespace IntelShare.Access.Client;

/// <summary>
/// The check for a service that does not host Access: the Access service decides and audits over
/// gRPC (CheckBatch), on behalf of the caller whose token is forwarded.
/// </summary>
public sealed class RemoteAccessChecker(AccessService.AccessServiceClient client, Func<string?> callerToken, ServiceCredentials service) : IAccessChecker
{
    public async Task<ReleaseDecision[]> CheckAsync(AccessQuery query, IReadOnlyList<ResourceMarking> resources, CancellationToken cancellationToken)
    {
        var request = new CheckBatchRequest
        {
            Action = query.Action,
            Justification = query.Justification.ToMessage(),
        };
        request.Items.AddRange(resources.Select(ToCheckItem));
        var headers = await PlatformServiceCall.OnBehalfOfAsync(callerToken(), service, cancellationToken);
        var response = await client.CheckBatchAsync(request, headers, cancellationToken: cancellationToken);
        return response.Decisions.Select(ReleaseDecision.From).ToArray();
    }

    private static CheckItem ToCheckItem(ResourceMarking resource)
    {
        var marking = new Marking
        {
            Classification = (Classification)(int)resource.Classification,
            OriginatorAgency = resource.OriginatorAgency,
            ReleaseToAllPartners = resource.ReleaseToAllPartners,
            Handling = new Handling
            {
                Code = resource.Handling switch { HandlingKind.P => HandlingCode.HandlingP, HandlingKind.C => HandlingCode.HandlingC, _ => HandlingCode.Unspecified },
                Conditions = resource.HandlingConditions,
            },
            Discoverable = resource.Discoverable,
            ReviewDate = resource.ReviewDate?.ToTimestamp(),
        };
        marking.ReleasableTo.AddRange(resource.ReleasableTo);
        marking.Caveats.AddRange(CaveatNames.Names(resource.Caveats));
        marking.CaseRefs.AddRange(resource.CaseRefs);
        return new CheckItem
        {
            ResourceKind = resource.Kind.ToString().ToLowerInvariant(),
            ResourceId = resource.ResourceId,
            Marking = marking,
            Withdrawn = resource.Withdrawn,
            RecordType = ToRecordType(resource.Body),
        };
    }

    private static RecordType ToRecordType(BodyKind body) => body switch
    {
        BodyKind.Person => RecordType.Person,
        BodyKind.Organisation => RecordType.Organisation,
        BodyKind.Phone => RecordType.Phone,
        BodyKind.Vehicle => RecordType.Vehicle,
        BodyKind.Document => RecordType.Document,
        BodyKind.Account => RecordType.Account,
        BodyKind.Place => RecordType.Place,
        BodyKind.Event => RecordType.Event,
        BodyKind.Report => RecordType.Report,
        _ => RecordType.Unspecified,
    };
}
