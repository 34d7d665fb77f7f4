using System.Collections.Frozen;
using IntelShare.Domain;

namespace IntelShare.Policy;

/// <summary>What is being read: the policy only echoes it back (in the holder reference of a hit).</summary>
public enum ResourceKind
{
    Unspecified = 0,
    Record,
    Entity,
    Link,
}

/// <summary>The shape of the content, which decides which fields a caveat protects (see <see cref="RedactionTable"/>).</summary>
public enum BodyKind
{
    Unspecified = 0,
    Person,
    Organisation,
    Phone,
    Vehicle,
    Document,
    Account,
    Place,
    Event,
    Report,
    Link,
}

/// <summary>UK 3x5x2 handling code (Europol H0 maps to P, H1–H3 to C).</summary>
public enum HandlingKind
{
    Unspecified = 0,

    /// <summary>Lawful sharing permitted.</summary>
    P,

    /// <summary>Sharing permitted with the conditions stated beside the code.</summary>
    C,
}

/// <summary>
/// A resource's marking as the policy sees it, plus the resource's identity and whether it was
/// withdrawn. Built by each data service from its own stored form.
/// </summary>
public sealed record ResourceMarking
{
    internal static readonly IReadOnlySet<string> NoAgencies = FrozenSet<string>.Empty;

    public required ResourceKind Kind { get; init; }

    public required string ResourceId { get; init; }

    public BodyKind Body { get; init; }

    public required ClearanceLevel Classification { get; init; }

    /// <summary>Agency code of the owner.</summary>
    public required string OriginatorAgency { get; init; }

    /// <summary>Agency codes that may read it, beside the originator.</summary>
    public IReadOnlySet<string> ReleasableTo { get; init; } = NoAgencies;

    public bool ReleaseToAllPartners { get; init; }

    public HandlingKind Handling { get; init; }

    /// <summary>Conditions that travel with the content (handling code C).</summary>
    public string HandlingConditions { get; init; } = "";

    public Caveat Caveats { get; init; }

    /// <summary>Case or operation references the resource belongs to.</summary>
    public IReadOnlyList<string> CaseRefs { get; init; } = [];

    /// <summary>Whether a caller who may not read it may be told that it exists and who holds it.</summary>
    public bool Discoverable { get; init; }

    /// <summary>Retention: from this instant on the resource is due for review.</summary>
    public DateTimeOffset? ReviewDate { get; init; }

    public bool Withdrawn { get; init; }
}
