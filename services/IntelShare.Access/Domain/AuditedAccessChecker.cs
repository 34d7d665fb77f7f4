using IntelShare.Access.Client;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Access.Domain;

/// <summary>
/// The in-process need-to-know check: the subject's context from the store, the policy's decision,
/// and every decision durably in the audit log before any of them is returned.
/// </summary>
public sealed class AuditedAccessChecker(AccessStore store, NeedToKnowPolicy policy, IAuditTrail audit, TimeProvider clock) : IAccessChecker, IAccessSessionFactory
{
    public async Task<ReleaseDecision[]> CheckAsync(AccessQuery query, IReadOnlyList<ResourceMarking> resources, CancellationToken cancellationToken)
    {
        query = WithKnownCase(query);
        var now = clock.GetUtcNow();
        var decisions = policy.DecideMany(query.Subject, store.ContextFor(query.Subject), resources, query.Justification, now);
        var events = new AuditEvent[decisions.Length];
        for (var i = 0; i < decisions.Length; i++)
        {
            events[i] = AuditEvents.ForDecision(query, resources[i], decisions[i], now);
        }

        await audit.AppendAsync(events, cancellationToken);
        return Array.ConvertAll(decisions, ReleaseDecision.From);
    }

    public Task<AccessSession> BeginAsync(AccessQuery query, CancellationToken cancellationToken)
    {
        query = WithKnownCase(query);
        return Task.FromResult(new AccessSession(query, store.ContextFor(query.Subject), policy, audit, clock.GetUtcNow()));
    }

    /// <summary>
    /// The query with its case named as the case was opened ("op-x" reads as "OP-X"), so that the policy's case rules,
    /// the audit log and oversight's queries see one spelling.
    /// </summary>
    private AccessQuery WithKnownCase(AccessQuery query)
    {
        var caseRef = query.Justification.CaseRef;
        if (string.IsNullOrEmpty(caseRef))
        {
            return query;
        }

        // A case the reader is not on is refused exactly like an unknown one: else any reader could learn which
        // operations exist, and hide reads among a case team's own by naming the case.
        var file = store.FindCaseKnownTo(query.Subject, caseRef)
            ?? throw new ValidationFailedException([new FieldViolation("justification.case_ref", UnknownCase.Message(caseRef))]);
        return file.CaseRef == caseRef ? query : query with { Justification = query.Justification with { CaseRef = file.CaseRef } };
    }
}
