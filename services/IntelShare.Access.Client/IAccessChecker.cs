using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Access.Client;

/// <summary>Who asks, why, and through which service: what every audited decision records beside the resource.</summary>
public sealed record AccessQuery(Subject Subject, ReadJustification Justification, string Action, string Origin, string Service);

/// <summary>
/// What a data service needs of a decision to release content: the effect, the fields to remove, the
/// conditions that travel with the data, and the decision as the caller may see it.
/// </summary>
public sealed record ReleaseDecision(AccessEffect Effect, IReadOnlyList<string> RedactedFields, string HandlingConditions, Decision Message)
{
    public bool IsPermitted => Effect >= AccessEffect.PermitRedacted;

    public static ReleaseDecision From(AccessDecision decision) =>
        new(decision.Effect, decision.RedactedFields, decision.HandlingConditions ?? "", decision.ToMessage());

    public static ReleaseDecision From(Decision message) => new(
        message.Effect switch
        {
            Contracts.V1.Effect.Permit => AccessEffect.Permit,
            Contracts.V1.Effect.PermitRedacted => AccessEffect.PermitRedacted,
            Contracts.V1.Effect.ExistenceOnly => AccessEffect.ExistenceOnly,
            _ => AccessEffect.Deny,
        },
        message.RedactedFields.ToArray(),
        message.HandlingConditions,
        message);
}

/// <summary>
/// The need-to-know check every data service makes before content leaves it. Implementations
/// decide with the policy and write every decision to the audit log before returning: when the
/// log cannot be written the check throws and the read must fail.
/// </summary>
public interface IAccessChecker
{
    Task<ReleaseDecision[]> CheckAsync(AccessQuery query, IReadOnlyList<ResourceMarking> resources, CancellationToken cancellationToken);
}
