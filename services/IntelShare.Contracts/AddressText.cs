namespace IntelShare.Contracts.V1;

/// <summary>An address on one line, as analysts read it in a search hit or on a graph node.</summary>
public sealed partial class Address
{
    public string ToSingleLine() =>
        string.Join(", ", new[] { $"{StreetNumber} {Street}".Trim(), Locality, City, Postcode, Country }.Where(part => part.Length > 0));
}
