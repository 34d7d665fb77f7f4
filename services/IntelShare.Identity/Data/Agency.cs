namespace IntelShare.Identity.Data;

/// <summary>A partner organisation. Its code is what markings and tokens name, so it never changes.</summary>
public sealed class Agency
{
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public required string Country { get; set; }

    /// <summary>police, border_guard, labour_inspectorate, fiu, ngo, oversight, ...</summary>
    public required string Kind { get; set; }
}
