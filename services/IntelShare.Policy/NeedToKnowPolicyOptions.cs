using IntelShare.Domain;

namespace IntelShare.Policy;

/// <summary>The choices a deployment may make about the policy; the defaults are those RULES.md describes.</summary>
public sealed record NeedToKnowPolicyOptions
{
    public static NeedToKnowPolicyOptions Default { get; } = new();

    /// <summary>Roles whose holders read intelligence content. Admin administers the platform and does not.</summary>
    public IReadOnlyList<string> ReadingRoles { get; init; } = [Roles.Contributor, Roles.Analyst, Roles.Supervisor, Roles.Oversight];

    /// <summary>The role that reads withdrawn resources and may always be told why a decision was made.</summary>
    public string OversightRole { get; init; } = Roles.Oversight;

    /// <summary>Purpose limitation: caveated data never released for a purpose, to anyone.</summary>
    public IReadOnlyDictionary<ReadPurpose, Caveat> BarredCaveatsByPurpose { get; init; } = new Dictionary<ReadPurpose, Caveat>
    {
        [ReadPurpose.ImmigrationEnforcement] = Caveat.VictimIdentity | Caveat.Child,
    };

    public RedactionTable Redactions { get; init; } = RedactionTable.Default;
}
