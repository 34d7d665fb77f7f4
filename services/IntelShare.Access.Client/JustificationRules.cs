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
        violations.Require(Enum.IsDefined(justification.Purpose), $"{field}.purpose", "is not a known purpose");
    }
}
