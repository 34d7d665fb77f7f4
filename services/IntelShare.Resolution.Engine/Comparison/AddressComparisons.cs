using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine.Comparison;

/// <summary>A part of the address, compared across every address of both records: the best agreement counts.</summary>
public abstract class AddressComparison(string name, params string[] levels) : FieldComparison(name, levels)
{
    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var best = 0;
        foreach (var x in a.Addresses)
        {
            foreach (var y in b.Addresses)
            {
                var level = Compare(x, y);
                if (level != 0 && (best == 0 || level < best))
                {
                    best = level;
                }
            }
        }

        return best;
    }

    public override string Values(PreparedRecord a, PreparedRecord b) =>
        $"{Show(a.Addresses.Select(Display).Where(v => v.Length > 0))} ~ {Show(b.Addresses.Select(Display).Where(v => v.Length > 0))}";

    public override IEnumerable<string> Terms(PreparedRecord record) =>
        record.Addresses.Select(Term).Where(t => t.Length > 0).Distinct();

    public override string AgreedTerm(PreparedRecord a, PreparedRecord b)
    {
        foreach (var x in a.Addresses)
        {
            foreach (var y in b.Addresses)
            {
                if (Term(x).Length > 0 && Term(x) == Term(y))
                {
                    return Term(x);
                }
            }
        }

        return "";
    }

    protected abstract int Compare(PreparedAddress a, PreparedAddress b);

    protected abstract string Display(PreparedAddress address);

    protected virtual string Term(PreparedAddress address) => "";
}

public sealed class StreetComparison() : AddressComparison("street", "number and street", "street", "similar street", "different")
{
    protected override int Compare(PreparedAddress a, PreparedAddress b)
    {
        if (a.Street.Length == 0 || b.Street.Length == 0)
        {
            return 0;
        }

        if (a.Street == b.Street)
        {
            return a.Number.Length > 0 && a.Number == b.Number ? 1 : 2;
        }

        return TextSimilarity.JaroWinkler(a.Street, b.Street) >= 0.88 ? 3 : 4;
    }

    protected override string Display(PreparedAddress address) => $"{address.Number} {address.Street}".Trim();
}

public sealed class PostcodeComparison() : AddressComparison("postcode", "exact", "one character off", "different")
{
    public override int TermFrequencyLevel => 1;

    protected override int Compare(PreparedAddress a, PreparedAddress b) =>
        a.Postcode.Length == 0 || b.Postcode.Length == 0 ? 0
        : a.Postcode == b.Postcode ? 1
        : TextSimilarity.OneEditApart(a.Postcode, b.Postcode) ? 2 : 3;

    protected override string Display(PreparedAddress address) => address.Postcode;

    protected override string Term(PreparedAddress address) => address.Postcode;
}

public sealed class LocalityComparison() : AddressComparison("locality", "exact", "similar", "different")
{
    public override int TermFrequencyLevel => 1;

    protected override int Compare(PreparedAddress a, PreparedAddress b) =>
        a.Locality.Length == 0 || b.Locality.Length == 0 ? 0
        : a.Locality == b.Locality ? 1
        : TextSimilarity.JaroWinkler(a.Locality, b.Locality) >= 0.88 ? 2 : 3;

    protected override string Display(PreparedAddress address) => address.Locality;

    protected override string Term(PreparedAddress address) => address.Locality;
}

public sealed class RegionComparison() : AddressComparison("region", "exact", "different")
{
    protected override int Compare(PreparedAddress a, PreparedAddress b) =>
        a.Region.Length == 0 || b.Region.Length == 0 ? 0 : a.Region == b.Region ? 1 : 2;

    protected override string Display(PreparedAddress address) => address.Region;
}

/// <summary>Company names without legal forms; word order varies between registers ("Trans Logistic" / "Logistic Trans").</summary>
public sealed class OrganisationNameComparison() : FieldComparison(
    "organisation name", "exact", "alias match", "close spelling", "same words", "similar spelling", "different")
{
    public override int TermFrequencyLevel => 1;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var (x, y) = (a.OrganisationName, b.OrganisationName);
        if (x.Length == 0 || y.Length == 0)
        {
            return 0;
        }

        if (x == y)
        {
            return 1;
        }

        if (a.OrganisationAliases.Append(x).Any(n => n == y || b.OrganisationAliases.Contains(n)))
        {
            return 2;
        }

        var similarity = TextSimilarity.JaroWinkler(x, y);
        if (similarity >= 0.94)
        {
            return 3;
        }

        if (x.Split(' ').Order().SequenceEqual(y.Split(' ').Order()))
        {
            return 4;
        }

        return similarity >= 0.85 ? 5 : 6;
    }

    public override string Values(PreparedRecord a, PreparedRecord b) => Pair(a.OrganisationName, b.OrganisationName);

    public override IEnumerable<string> Terms(PreparedRecord record) => record.OrganisationName is { Length: > 0 } name ? [name] : [];

    public override string AgreedTerm(PreparedRecord a, PreparedRecord b) => a.OrganisationName;
}
