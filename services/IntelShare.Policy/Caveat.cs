namespace IntelShare.Policy;

/// <summary>
/// Caveats that need an explicit entitlement. A flag set rather than strings so that the hot path
/// compares bits instead of hashing names.
/// </summary>
[Flags]
public enum Caveat
{
    None = 0,
    VictimIdentity = 1,
    SourceSensitive = 2,
    Child = 4,
}

/// <summary>The wire names of caveats (as in markings and in the token's entitlement claims).</summary>
public static class CaveatNames
{
    public const string VictimIdentity = "VICTIM_IDENTITY";
    public const string SourceSensitive = "SOURCE_SENSITIVE";
    public const string Child = "CHILD";

    public const Caveat All = Caveat.VictimIdentity | Caveat.SourceSensitive | Caveat.Child;

    internal static readonly (Caveat Flag, string Name)[] Known =
    [
        (Caveat.VictimIdentity, VictimIdentity),
        (Caveat.SourceSensitive, SourceSensitive),
        (Caveat.Child, Child),
    ];

    public static bool TryParse(string? name, out Caveat caveat)
    {
        foreach (var (flag, known) in Known)
        {
            if (string.Equals(name, known, StringComparison.Ordinal))
            {
                caveat = flag;
                return true;
            }
        }

        caveat = Caveat.None;
        return false;
    }

    /// <summary>
    /// Throws on a name the policy does not know: intake rejects unknown caveats, so one reaching the
    /// policy is a bug, and silently dropping it would release what it protects.
    /// </summary>
    public static Caveat Parse(IEnumerable<string> names)
    {
        var caveats = Caveat.None;
        foreach (var name in names)
        {
            if (!TryParse(name, out var caveat))
            {
                throw new ArgumentException($"'{name}' is not a caveat the need-to-know policy knows.", nameof(names));
            }

            caveats |= caveat;
        }

        return caveats;
    }

    /// <summary>The caveats among <paramref name="wanted"/> that the entitlement names grant.</summary>
    public static Caveat Entitled(IReadOnlySet<string> entitlements, Caveat wanted)
    {
        if (wanted == Caveat.None || entitlements.Count == 0)
        {
            return Caveat.None;
        }

        var entitled = Caveat.None;
        foreach (var (flag, name) in Known)
        {
            if ((wanted & flag) != 0 && entitlements.Contains(name))
            {
                entitled |= flag;
            }
        }

        return entitled;
    }

    /// <summary>The wire names of the caveats in <paramref name="caveats"/>, e.g. to write a marking or entitlement claims back.</summary>
    public static IReadOnlyList<string> Names(Caveat caveats)
    {
        var names = new List<string>(Known.Length);
        foreach (var (flag, name) in Known)
        {
            if ((caveats & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

    public static string Format(Caveat caveats) => caveats == Caveat.None ? "none" : string.Join(", ", Names(caveats));
}
