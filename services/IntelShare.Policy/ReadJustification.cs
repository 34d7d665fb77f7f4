namespace IntelShare.Policy;

/// <summary>Why a caller reads. The policy keeps the wire names of Justification.purpose in intelshare.v1.</summary>
public enum ReadPurpose
{
    Unspecified = 0,
    CriminalInvestigation,
    VictimProtection,
    IntelligenceAnalysis,
    FrontlineCheck,
    ImmigrationEnforcement,
    Oversight,
}

/// <param name="CaseRef">The case the read serves; may be empty (oversight reports reads without a case).</param>
/// <param name="Reason">Free text; a read without one is refused.</param>
public sealed record ReadJustification(string? CaseRef, string? Reason, ReadPurpose Purpose);

public static class ReadPurposes
{
    public static string ToWireName(this ReadPurpose purpose) => purpose switch
    {
        ReadPurpose.CriminalInvestigation => "CRIMINAL_INVESTIGATION",
        ReadPurpose.VictimProtection => "VICTIM_PROTECTION",
        ReadPurpose.IntelligenceAnalysis => "INTELLIGENCE_ANALYSIS",
        ReadPurpose.FrontlineCheck => "FRONTLINE_CHECK",
        ReadPurpose.ImmigrationEnforcement => "IMMIGRATION_ENFORCEMENT",
        ReadPurpose.Oversight => "OVERSIGHT",
        _ => "UNSPECIFIED",
    };

    /// <summary>The purpose a wire name stands for; Unspecified for a name it does not know.</summary>
    public static ReadPurpose FromWireName(string? name) =>
        Enum.GetValues<ReadPurpose>().FirstOrDefault(purpose => string.Equals(purpose.ToWireName(), name, StringComparison.Ordinal));
}
