using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Contracts.V1;

namespace IntelShare.Benchmarks;

/// <summary>An agency's share of the network and the demo account that contributes it (the originator is the caller's agency).</summary>
public sealed record AgencyRecords(string Agency, string User, IReadOnlyList<ContributeRequest> Requests);

/// <summary>A person record every reading account may read in full: where analysts' queries start.</summary>
/// <param name="Region">The group of cells the person's cell shares identifiers with: one investigation's wider network.</param>
public sealed record OpenPerson(string Agency, string SourceRef, int Region);

/// <param name="CaseRefs">The cases the records name, all owned by <see cref="NetworkGenerator.CaseOwnerAgency"/>: they must be open before records are filed under them.</param>
public sealed record GeneratedNetwork(IReadOnlyList<AgencyRecords> Agencies, IReadOnlyList<OpenPerson> OpenPeople, int Cells, IReadOnlyList<string> CaseRefs)
{
    public int Count => Agencies.Sum(a => a.Requests.Count);
}

/// <summary>
/// A trafficking network as five partner agencies record it, shaped for the graph projection
/// (<c>GraphRecordMapper</c>): cells of people who share phones and addresses (inline identifiers become shared
/// nodes across agencies), events, vehicles and accounts linked to the people by source reference (links resolve
/// within the contributing agency), a case per cell on some records, and premises many cells use (car washes,
/// brothels) as the hubs that make the network small-world. A few identifiers are shared with another cell of the
/// same region, as a phone passed on or a room rented twice would be. Markings vary the way agencies mark: released to all
/// partners, to some agencies, to the originator only (discoverable or not), victim identities under caveat and
/// SECRET material, so that a reader of another agency meets every kind of decision while walking. Seeded: the
/// same seed and size give the same records.
/// </summary>
public sealed class NetworkGenerator
{
    public const int PeoplePerCell = 14;
    private const int PhonesPerCell = 4;
    private const int AddressesPerCell = 3;
    private const int VehiclesPerCell = 2;
    private const int AccountsPerCell = 2;
    private const int EventsPerCell = 7;

    /// <summary>People, phone, vehicle, account, place and event records of one cell.</summary>
    public const int RecordsPerCell = PeoplePerCell + PhonesPerCell + VehiclesPerCell + AccountsPerCell + 1 + EventsPerCell;

    /// <summary>Premises shared between cells, one per this many cells.</summary>
    private const int CellsPerHub = 15;

    /// <summary>Cells that pass phones and rooms among themselves.</summary>
    public const int CellsPerRegion = 20;

    /// <summary>The contributing agencies, their share of the cells they lead, and the demo account of each.</summary>
    private static readonly (string Agency, string User, double Share)[] Contributors =
    [
        ("POL-ATU", "contributor", 0.35), ("BORDER", "border.analyst", 0.20), ("LABOUR", "labour.inspector", 0.20),
        ("FIU", "fiu.analyst", 0.15), ("NGO-SHELTER", "ngo.caseworker", 0.10),
    ];

    private static readonly string[] Roles = ["recruiter", "controller", "driver", "associate"];
    private static readonly string[] PersonLinks = ["recruited", "controls", "travelled_with", "employs", "called"];
    private static readonly string[] EventKinds = ["transported", "recruited", "exploited", "paid", "travelled_with", "called"];
    private static readonly string[] HubKinds = ["car wash", "nail bar", "brothel", "farm", "hotel", "factory"];
    private static readonly string[] Streets = ["High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Street", "Park Avenue", "King Street", "Canal Side"];
    private static readonly (string City, string Area)[] Cities = [("London", "E"), ("Birmingham", "B"), ("Manchester", "M"), ("Leeds", "LS"), ("Glasgow", "G"), ("Bristol", "BS")];
    private static readonly string[] Conditions = ["Share with named investigators only.", "Contact the originator before any executive action."];
    private static readonly DateTimeOffset EventsFrom = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random;
    private readonly string _prefix;
    private readonly int _cells;
    private readonly Dictionary<string, List<ContributeRequest>> _byAgency = Contributors.ToDictionary(c => c.Agency, _ => new List<ContributeRequest>());
    private readonly List<OpenPerson> _open = [];
    private readonly IReadOnlyList<ContributeRequest> _people;
    private int _next;

    private NetworkGenerator(int cells, string sourceRefPrefix, int seed)
    {
        _random = new Random(seed);
        _prefix = sourceRefPrefix;
        _cells = cells;
        // Names, dates of birth and documents as the intake benchmark's people have them; the network is added here.
        _people = PersonGenerator.Generate(cells * PeoplePerCell, sourceRefPrefix, seed);
    }

    /// <summary>At least <paramref name="records"/> records (whole cells), with source references starting with <paramref name="sourceRefPrefix"/>.</summary>
    public static GeneratedNetwork Generate(int records, string sourceRefPrefix, int seed)
    {
        var cells = Math.Max(2, (records + RecordsPerCell - 1) / RecordsPerCell);
        var generator = new NetworkGenerator(cells, sourceRefPrefix, seed);
        for (var cell = 0; cell < cells; cell++)
        {
            generator.Cell(cell);
        }

        return new GeneratedNetwork(
            [.. Contributors.Select(c => new AgencyRecords(c.Agency, c.User, generator._byAgency[c.Agency]))],
            generator._open,
            cells,
            [.. generator._cases]);
    }

    /// <summary>The agency whose analyst opens the cells' cases, and whose records name them.</summary>
    public const string CaseOwnerAgency = "POL-ATU";

    private readonly SortedSet<string> _cases = new(StringComparer.Ordinal);

    private void Cell(int cell)
    {
        var lead = LeadAgency();
        var caseRef = $"{_prefix}-OP-{cell:D6}";
        var people = new List<(string Agency, string SourceRef)>();
        for (var i = 0; i < PeoplePerCell; i++)
        {
            var agency = MemberAgency(lead);
            var victim = _random.NextDouble() < 0.2;
            var content = _people[cell * PeoplePerCell + i].Content.Clone();
            content.SourceRef = NewRef(agency, "P");
            content.Marking = victim ? Mark(agency, Kind.VictimCaveat, caseRef) : Mark(agency, PickKind(), caseRef);
            var person = content.Person;
            person.Roles.Clear();
            person.Roles.Add(victim ? "victim" : Roles[_random.Next(Roles.Length)]);
            person.Phones.Clear();
            person.Phones.Add(Phone(Shared(cell), _random.Next(PhonesPerCell)));
            if (_random.NextDouble() < 0.4)
            {
                person.Phones.Add(Phone(Shared(cell), _random.Next(PhonesPerCell)));
            }

            person.Addresses.Clear();
            if (_random.NextDouble() < 0.6)
            {
                person.Addresses.Add(Address(Shared(cell), _random.Next(AddressesPerCell)));
            }

            if (_random.NextDouble() < 0.15)
            {
                person.Addresses.Add(Hub(_random.Next(HubCount)));
            }

            if (people.Where(p => p.Agency == agency).ToArray() is { Length: > 0 } colleagues && _random.NextDouble() < 0.35)
            {
                Link(content, PersonLinks[_random.Next(PersonLinks.Length)], colleagues[_random.Next(colleagues.Length)].SourceRef);
            }

            Add(agency, content);
            people.Add((agency, content.SourceRef));
            if (content.Marking.ReleaseToAllPartners && content.Marking.Caveats.Count == 0 && content.Marking.Classification == Classification.OfficialSensitive)
            {
                _open.Add(new OpenPerson(agency, content.SourceRef, cell / CellsPerRegion));
            }
        }

        for (var k = 0; k < PhonesPerCell; k++)
        {
            var agency = MemberAgency(lead);
            Add(agency, new RecordContent
            {
                SourceRef = NewRef(agency, "T"),
                Marking = Mark(agency, PickKind(), caseRef),
                Phone = new Phone { Number = Phone(cell, k), Country = "GB" },
            });
        }

        var place = MemberAgency(lead);
        Add(place, new RecordContent
        {
            SourceRef = NewRef(place, "L"),
            Marking = Mark(place, PickKind(), caseRef),
            Place = new Place { Kind = "residence", Address = Address(cell, 0) },
        });

        for (var k = 0; k < VehiclesPerCell; k++)
        {
            var (agency, content) = LinkedToPeople(people, caseRef, "V", "uses");
            content.Vehicle = new Vehicle { Plate = string.Create(CultureInfo.InvariantCulture, $"BV{cell:D6}{k}"), Country = "GB", Make = "Ford", Model = "Transit", Colour = "white" };
            Add(agency, content);
        }

        for (var k = 0; k < AccountsPerCell; k++)
        {
            var (agency, content) = LinkedToPeople(people, caseRef, "A", "paid");
            content.Account = new Account { Kind = "bank", Institution = "BANK", AccountNumber = string.Create(CultureInfo.InvariantCulture, $"{cell:D8}{k}") };
            Add(agency, content);
        }

        for (var k = 0; k < EventsPerCell; k++)
        {
            var kind = EventKinds[_random.Next(EventKinds.Length)];
            var (agency, content) = LinkedToPeople(people, caseRef, "E", kind);
            content.Event = new Event
            {
                Kind = kind,
                OccurredFrom = Timestamp.FromDateTimeOffset(EventsFrom.AddHours(_random.Next(3 * 365 * 24))),
                Description = $"{kind} reported",
                Location = _random.NextDouble() < 0.5 ? Address(cell, _random.Next(AddressesPerCell)) : null,
            };
            Add(agency, content);
        }
    }

    private int HubCount => Math.Max(1, _cells / CellsPerHub);

    /// <summary>A record of one of the cell's people's agencies, linked to one to three of that agency's people in the cell.</summary>
    private (string Agency, RecordContent Content) LinkedToPeople(List<(string Agency, string SourceRef)> people, string caseRef, string kind, string relationship)
    {
        var agency = people[_random.Next(people.Count)].Agency;
        var content = new RecordContent { SourceRef = NewRef(agency, kind), Marking = Mark(agency, PickKind(), caseRef) };
        var own = people.Where(p => p.Agency == agency).ToArray();
        foreach (var person in own.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4)))
        {
            Link(content, relationship, person.SourceRef);
        }

        return (agency, content);
    }

    private static void Link(RecordContent content, string relationship, string targetSourceRef) =>
        content.Links.Add(new RecordLink { Relationship = relationship, TargetSourceRef = targetSourceRef });

    private void Add(string agency, RecordContent content) => _byAgency[agency].Add(new ContributeRequest { Content = content });

    private string NewRef(string agency, string kind) => string.Create(CultureInfo.InvariantCulture, $"{_prefix}-{agency}-{kind}{++_next:D7}");

    /// <summary>The cell itself mostly; now and then another cell of its region, as a phone passed on or a room rented twice.</summary>
    private int Shared(int cell)
    {
        if (_random.NextDouble() >= 0.1)
        {
            return cell;
        }

        var first = cell / CellsPerRegion * CellsPerRegion;
        return first + _random.Next(Math.Min(CellsPerRegion, _cells - first));
    }

    private string LeadAgency()
    {
        var draw = _random.NextDouble();
        foreach (var (agency, _, share) in Contributors)
        {
            if ((draw -= share) < 0)
            {
                return agency;
            }
        }

        return Contributors[^1].Agency;
    }

    /// <summary>The lead agency holds most of a cell; the others hold what crossed their path.</summary>
    private string MemberAgency(string lead) => _random.NextDouble() < 0.7 ? lead : Contributors[_random.Next(Contributors.Length)].Agency;

    private static string Phone(int cell, int k) => string.Create(CultureInfo.InvariantCulture, $"+44 7{cell * PhonesPerCell + k:D9}");

    private static Address Address(int cell, int k)
    {
        var (city, area) = Cities[cell % Cities.Length];
        return new Address
        {
            StreetNumber = (cell * AddressesPerCell + k).ToString(CultureInfo.InvariantCulture),
            Street = Streets[(cell + k) % Streets.Length],
            City = city,
            Postcode = string.Create(CultureInfo.InvariantCulture, $"{area}{1 + k} {cell % 10}AB"),
            Country = "GB",
        };
    }

    private static Address Hub(int hub) => new()
    {
        StreetNumber = string.Create(CultureInfo.InvariantCulture, $"Unit {hub}"),
        Street = $"{HubKinds[hub % HubKinds.Length]}, Trading Estate",
        City = Cities[hub % Cities.Length].City,
        Postcode = string.Create(CultureInfo.InvariantCulture, $"{Cities[hub % Cities.Length].Area}9 {hub % 10}ZZ"),
        Country = "GB",
    };

    private enum Kind
    {
        AllPartners,
        SomeAgencies,
        OriginatorOnly,
        Undiscoverable,
        Secret,
        VictimCaveat,
    }

    private Kind PickKind() => _random.NextDouble() switch
    {
        < 0.45 => Kind.AllPartners,
        < 0.70 => Kind.SomeAgencies,
        < 0.82 => Kind.OriginatorOnly,
        < 0.90 => Kind.Undiscoverable,
        _ => Kind.Secret,
    };

    private Marking Mark(string agency, Kind kind, string caseRef)
    {
        var marking = new Marking
        {
            Classification = kind == Kind.Secret ? Classification.Secret : Classification.OfficialSensitive,
            Handling = _random.NextDouble() < 0.1
                ? new Handling { Code = HandlingCode.HandlingC, Conditions = Conditions[_random.Next(Conditions.Length)] }
                : new Handling { Code = HandlingCode.HandlingP },
            ReleaseToAllPartners = kind is Kind.AllPartners or Kind.Secret or Kind.VictimCaveat,
            Discoverable = kind != Kind.Undiscoverable,
        };
        if (kind == Kind.SomeAgencies)
        {
            var others = Contributors.Select(c => c.Agency).Where(a => a != agency).OrderBy(_ => _random.Next()).Take(_random.Next(1, 4));
            marking.ReleasableTo.Add(others.Order(StringComparer.Ordinal));
        }

        if (kind == Kind.VictimCaveat)
        {
            marking.Caveats.Add("VICTIM_IDENTITY");
        }

        // Only the case owner's records name the cell's case: an agency files records only under a case it is on, and
        // membership of the cases would release the records to the filtered reader's agency.
        if (_random.NextDouble() < 0.15 && agency == CaseOwnerAgency)
        {
            marking.CaseRefs.Add(caseRef);
            _cases.Add(caseRef);
        }

        return marking;
    }
}
