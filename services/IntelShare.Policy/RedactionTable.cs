using System.Collections.Immutable;

namespace IntelShare.Policy;

/// <summary>One line of the redaction table: on a body of this kind, each of these caveats protects these fields.</summary>
/// <param name="Fields">Field paths as in intelshare.v1 RecordContent: "person.name", "report.text", "evaluation".</param>
public sealed record RedactionRow(BodyKind Body, Caveat Caveats, ImmutableArray<string> Fields);

/// <summary>
/// Which fields each caveat protects, per body kind. Data rather than code so a policy officer can
/// read, print and change it; the policy looks answers up in a table computed once.
/// A caveat with no row for a body cannot be redacted there, and the policy then withholds the content whole.
/// </summary>
public sealed class RedactionTable
{
    private const int CaveatMasks = 1 << 3;

    private static readonly int BodyKinds = Enum.GetValues<BodyKind>().Length;

    // Indexed by body * CaveatMasks + missing caveats; a default (not empty) array means "cannot redact".
    private readonly ImmutableArray<string>[] _fields;

    public RedactionTable(IEnumerable<RedactionRow> rows)
    {
        Rows = [.. rows];
        _fields = new ImmutableArray<string>[BodyKinds * CaveatMasks];
        for (var body = 0; body < BodyKinds; body++)
        {
            for (var mask = 1; mask < CaveatMasks; mask++)
            {
                _fields[body * CaveatMasks + mask] = Compute((BodyKind)body, (Caveat)mask);
            }
        }
    }

    public static RedactionTable Default { get; } = new(DefaultRows());

    public IReadOnlyList<RedactionRow> Rows { get; }

    /// <summary>The fields to remove when the reader lacks <paramref name="missing"/>; false when they cannot be removed.</summary>
    public bool TryGetFields(BodyKind body, Caveat missing, out ImmutableArray<string> fields)
    {
        var index = (int)body * CaveatMasks + (int)missing;
        if ((uint)body >= (uint)BodyKinds || ((int)missing & ~(CaveatMasks - 1)) != 0 || _fields[index].IsDefault)
        {
            fields = default;
            return false;
        }

        fields = _fields[index];
        return true;
    }

    private ImmutableArray<string> Compute(BodyKind body, Caveat missing)
    {
        var fields = new List<string>();
        foreach (var (caveat, _) in CaveatNames.Known)
        {
            if ((missing & caveat) == 0)
            {
                continue;
            }

            var protectedHere = false;
            foreach (var row in Rows)
            {
                if (row.Body != body || (row.Caveats & caveat) == 0)
                {
                    continue;
                }

                protectedHere = true;
                foreach (var field in row.Fields)
                {
                    if (!fields.Contains(field))
                    {
                        fields.Add(field);
                    }
                }
            }

            if (!protectedHere)
            {
                return default;
            }
        }

        return [.. fields];
    }

    private static IEnumerable<RedactionRow> DefaultRows()
    {
        // CHILD protects what VICTIM_IDENTITY protects: both are about who and where a victim is.
        const Caveat victim = Caveat.VictimIdentity | Caveat.Child;
        yield return new(BodyKind.Person, victim, ["person.name", "person.aliases", "person.date_of_birth", "person.documents", "person.phones", "person.addresses"]);
        yield return new(BodyKind.Organisation, victim, ["organisation.addresses", "organisation.phones"]);
        yield return new(BodyKind.Phone, victim, ["phone.number", "phone.imei"]);
        yield return new(BodyKind.Vehicle, victim, ["vehicle.plate", "vehicle.vin"]);
        yield return new(BodyKind.Document, victim, ["document.identity_document", "document.holder_name"]);
        yield return new(BodyKind.Account, victim, ["account.iban", "account.account_number", "account.holder_name"]);
        yield return new(BodyKind.Place, victim, ["place.name", "place.address", "place.latitude", "place.longitude"]);
        yield return new(BodyKind.Event, victim, ["event.description", "event.location"]);
        yield return new(BodyKind.Report, victim, ["report.title", "report.text"]);
        yield return new(BodyKind.Link, victim, ["link.target_record_id", "link.target_source_ref"]);

        // The grading says how the source relates to what it told, which narrows down who the source is.
        yield return new(BodyKind.Report, Caveat.SourceSensitive, ["report.text", "evaluation"]);
        yield return new(BodyKind.Event, Caveat.SourceSensitive, ["event.description", "evaluation"]);
        foreach (var body in (BodyKind[])[BodyKind.Person, BodyKind.Organisation, BodyKind.Phone, BodyKind.Vehicle, BodyKind.Document, BodyKind.Account, BodyKind.Place])
        {
            yield return new(body, Caveat.SourceSensitive, ["evaluation"]);
        }
    }
}
