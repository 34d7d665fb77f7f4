using System.Collections.Frozen;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.ServiceDefaults;

namespace IntelShare.Access.Client;

/// <summary>
/// Need-to-know for a query in a service that does not host Access: the caller's cases and grants come from Access
/// (BeginQuery, on the caller's forwarded token), every resource is then decided here with the same policy as the
/// query walks, and what the query released is audited at Access (AuditQuery) before the answer leaves.
/// </summary>
public sealed class RemoteAccessSessionFactory(
    AccessService.AccessServiceClient client, NeedToKnowPolicy policy, Func<string?> callerToken, ServiceCredentials service) : IAccessSessionFactory
{
    public async Task<AccessSession> BeginAsync(AccessQuery query, CancellationToken cancellationToken)
    {
        var token = callerToken();
        var context = await client.BeginQueryAsync(
            new BeginQueryRequest { Justification = query.Justification.ToMessage(), Action = query.Action },
            ContractMapping.ForwardedCaller(token),
            cancellationToken: cancellationToken);
        var grants = context.Grants
            .Select(g => new AccessGrant(
                g.GrantId,
                query.Subject.UserId,
                g.ResourceIds.ToFrozenSet(StringComparer.Ordinal),
                g.ValidFrom.ToDateTimeOffset(),
                g.ValidTo.ToDateTimeOffset(),
                g.GrantedByAgency,
                CaveatNames.Parse(g.CoveredCaveats)))
            .ToList();
        var accessContext = new AccessContext(context.CaseMemberships.ToFrozenSet(StringComparer.Ordinal), grants);
        // The session audits on the same caller's token it began with.
        return new AccessSession(query, accessContext, policy, new RemoteAuditTrail(client, () => token, service), context.Now.ToDateTimeOffset());
    }
}

/// <summary>
/// Audit entries of a service that does not host Audit, written by Access (AuditQuery) on behalf of the caller whose
/// token is forwarded; Access takes who they name from that token, and appends them durably before it answers.
/// </summary>
public sealed class RemoteAuditTrail(AccessService.AccessServiceClient client, Func<string?> callerToken, ServiceCredentials service) : IAuditTrail
{
    /// <summary>Entries per call, well inside the default 4 MB message limit.</summary>
    public const int MaxEventsPerCall = 5_000;

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        var headers = await PlatformServiceCall.OnBehalfOfAsync(callerToken(), service, cancellationToken);
        foreach (var chunk in events.Chunk(MaxEventsPerCall))
        {
            var request = new AuditQueryRequest();
            request.Events.AddRange(chunk.Select(ToMessage));
            await client.AuditQueryAsync(request, headers, cancellationToken: cancellationToken);
        }
    }

    private static QueryAuditEvent ToMessage(AuditEvent entry)
    {
        var message = new QueryAuditEvent
        {
            Action = entry.Action,
            ResourceKind = entry.ResourceKind,
            ResourceId = entry.ResourceId,
            HolderAgency = entry.HolderAgency,
            Justification = new Justification
            {
                CaseRef = entry.CaseRef,
                Reason = entry.Reason,
                Purpose = (Purpose)(int)ReadPurposes.FromWireName(entry.Purpose),
            },
            Effect = entry.Effect,
            Rule = entry.Rule,
            Origin = entry.Origin,
            Service = entry.Service,
        };
        message.ResourceCaseRefs.AddRange(entry.ResourceCaseRefs);
        return message;
    }
}
