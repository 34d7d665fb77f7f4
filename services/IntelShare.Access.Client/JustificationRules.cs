using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Access.Client;

public static class JustificationRules
{
    /// <summary>Every read names why it is made; a read without a reason is refused before any decision.</summary>
    public static void Validate(Justification? justification, Violations violations, string field = "justification")
    {
        if (justification is null)
        {
            violations.Add(field, "is required: every read names a reason, a purpose, and optionally the case it serves");
            return;
        }

        violations.Require(!string.IsNullOrWhiteSpace(justification.Reason), $"{field}.reason", "is required: say why you read this");
        // A purpose out of range is named by MessageShape, which every request passes (RequestShapeInterceptor, or the
        // service itself for an IShapeCheckedByService request): named here too, it was reported twice.
    }

    /// <summary>
    /// As <see cref="Validate"/>, and the case named must be one the caller knows of, as Access will require: checked
    /// here, it is named with the request's other problems rather than only once they are put right.
    /// </summary>
    public static async Task ValidateAsync(
        Justification? justification, Violations violations, ICaseDirectory cases, Subject subject, CancellationToken cancellationToken, string field = "justification")
    {
        Validate(justification, violations, field);
        if (justification is { CaseRef.Length: > 0 } && await cases.FindKnownAsync(subject, justification.CaseRef, cancellationToken) is null)
        {
            violations.Add($"{field}.case_ref", UnknownCase.Message(justification.CaseRef));
        }
    }
}
