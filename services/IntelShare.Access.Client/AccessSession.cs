using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Access.Client;

/// <summary>
/// Need-to-know for a query that walks many resources (a search, a graph traversal, a match): the subject's
/// context is looked up once and every resource is decided locally as the query meets it, so that withheld
/// items shape the walk itself. What the query releases is then written to the audit log, with the query, before
/// the response leaves the service.
/// </summary>
public sealed class AccessSession
{
    private readonly NeedToKnowPolicy _policy;
    private readonly AccessContext _context;
    private readonly IAuditTrail _audit;
    // Keyed by kind and id as they are: a key string made per ask (the kind's name and the id joined) cost a graph walk,
    // which asks about every record it meets, an allocation and an enum formatting per record.
    private readonly Dictionary<(ResourceKind Kind, string Id), AccessDecision> _decided = [];
    private readonly Lock _lock = new();

    public AccessSession(AccessQuery query, AccessContext context, NeedToKnowPolicy policy, IAuditTrail audit, DateTimeOffset now)
    {
        Query = query;
        _context = context;
        _policy = policy;
        _audit = audit;
        Now = now;
    }

    public AccessQuery Query { get; }

    public DateTimeOffset Now { get; }

    public AccessContext Context => _context;

    /// <summary>The policy's decision for <paramref name="resource"/>, remembered for the rest of the query.</summary>
    public AccessDecision Decide(ResourceMarking resource)
    {
        lock (_lock)
        {
            var key = (resource.Kind, resource.ResourceId);
            if (!_decided.TryGetValue(key, out var decision))
            {
                decision = _policy.Decide(Query.Subject, _context, resource, Query.Justification, Now);
                _decided[key] = decision;
            }

            return decision;
        }
    }

    /// <summary>
    /// Audits the query (<paramref name="queryText"/>, with how many items it withheld) and one entry per released
    /// resource, durably; when the log cannot be written this throws and the query must fail.
    /// </summary>
    public Task AuditAsync(string queryText, IReadOnlyList<(ResourceMarking Resource, AccessDecision Decision)> released, int withheld, CancellationToken cancellationToken) =>
        AuditAsync(queryText, released, [], withheld, cancellationToken);

    /// <summary>
    /// As <see cref="AuditAsync(string, IReadOnlyList{ValueTuple{ResourceMarking, AccessDecision}}, int, CancellationToken)"/>,
    /// with one entry, under <see cref="LinkRelease.Action"/>, per record that released content links to and whose
    /// decision showed or withheld the link.
    /// </summary>
    public Task AuditAsync(
        string queryText,
        IReadOnlyList<(ResourceMarking Resource, AccessDecision Decision)> released,
        IReadOnlyList<(ResourceMarking Resource, AccessDecision Decision)> linkTargets,
        int withheld,
        CancellationToken cancellationToken)
    {
        var events = new List<AuditEvent>(released.Count + 1)
        {
            new(
                Now,
                Query.Subject.UserId,
                Query.Subject.DisplayName,
                Query.Subject.Agency,
                Query.Action,
                "query",
                queryText.Length > 500 ? queryText[..500] : queryText,
                "",
                Query.Justification.CaseRef ?? "",
                Query.Justification.Reason ?? "",
                Query.Justification.Purpose.ToWireName(),
                released.Count > 0 ? "results" : "no-results",
                $"{released.Count} released, {withheld} withheld",
                Query.Origin,
                Query.Service,
                []),
        };
        events.AddRange(released.Select(item => AuditEvents.ForDecision(Query, item.Resource, item.Decision, Now)));
        var linking = Query with { Action = LinkRelease.Action };
        events.AddRange(linkTargets.Select(item => AuditEvents.ForDecision(linking, item.Resource, item.Decision, Now)));
        return _audit.AppendAsync(events, cancellationToken);
    }
}

/// <summary>Starts an <see cref="AccessSession"/>; provided where the Access service runs in the same process.</summary>
public interface IAccessSessionFactory
{
    Task<AccessSession> BeginAsync(AccessQuery query, CancellationToken cancellationToken);
}

public static class AuditEvents
{
    public static AuditEvent ForDecision(AccessQuery query, ResourceMarking resource, AccessDecision decision, DateTimeOffset now) => new(
        now,
        query.Subject.UserId,
        query.Subject.DisplayName,
        query.Subject.Agency,
        query.Action,
        resource.Kind.ToString().ToLowerInvariant(),
        resource.ResourceId,
        resource.OriginatorAgency,
        query.Justification.CaseRef ?? "",
        query.Justification.Reason ?? "",
        query.Justification.Purpose.ToWireName(),
        decision.Effect.ToWireName(),
        decision.Explain(),
        query.Origin,
        query.Service,
        resource.CaseRefs);
}
