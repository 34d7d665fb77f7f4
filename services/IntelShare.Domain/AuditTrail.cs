namespace IntelShare.Domain;

/// <summary>One access decision as the audit log records it: who, what, why, the outcome and the rule.</summary>
public sealed record AuditEvent(
    DateTimeOffset At,
    string UserId,
    string UserName,
    string Agency,
    string Action,
    string ResourceKind,
    string ResourceId,
    string HolderAgency,
    string CaseRef,
    string Reason,
    string Purpose,
    string Effect,
    string Rule,
    string Origin,
    string Service,
    IReadOnlyList<string> ResourceCaseRefs);

/// <summary>
/// The append-only access log. <see cref="AppendAsync"/> completes only once every event is durable,
/// so an audited response never leaves a service before its audit entry is safe; if it throws,
/// the audited operation must fail.
/// </summary>
public interface IAuditTrail
{
    Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);
}
