using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Records.Domain;

/// <summary>
/// Who may read a record. Deny by default: until the need-to-know policy is in place, only the
/// originator agency reads its records.
/// </summary>
public static class RecordAccess
{
    public static bool CanRead(Subject subject, Record record) =>
        record.Content?.Marking?.OriginatorAgency is { Length: > 0 } originator && originator == subject.Agency;

    /// <summary>Every read names why it is made; a read without a reason is refused.</summary>
    public static void ValidateJustification(Justification? justification, Violations violations, string field = "justification")
    {
        if (justification is null)
        {
            violations.Add(field, "is required: every read names a case reference and a reason");
            return;
        }

        violations.Require(!string.IsNullOrWhiteSpace(justification.Reason), $"{field}.reason", "is required: say why you read this");
        violations.Require(Enum.IsDefined(justification.Purpose), $"{field}.purpose", "is not a known purpose");
    }
}
