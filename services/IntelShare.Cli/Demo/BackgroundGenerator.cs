using System.Globalization;
using System.Text;
using Bogus;
using IntelShare.Contracts.V1;
using static IntelShare.Cli.Demo.DemoAgencies;
using static IntelShare.Cli.Demo.DemoRecords;
using Gender = Bogus.DataSets.Name.Gender;

namespace IntelShare.Cli.Demo;

/// <summary>
/// The ordinary work of each agency around the named cast: suspects, travellers, workers, accounts, places and
/// reports with every kind of marking, so that searches, matching and the policy have something to sort through.
/// Seeded: the same seed and scale give the same records, byte for byte, which is what makes the demo idempotent.
/// </summary>
internal sealed class BackgroundGenerator(int seed)
{
    public const int RecordsAtScaleOne = 2_000;

    /// <summary>Each agency's share of the background, roughly what each holds in practice.</summary>
    private static readonly (string Agency, double Share)[] Shares =
        [(Police, 0.30), (Border, 0.25), (Labour, 0.20), (Fiu, 0.15), (Ngo, 0.10)];

    private static readonly string[] Forms = ["sexual", "labour", "domestic_servitude", "begging", "criminality"];

    public static int CountFor(double scale) => (int)Math.Round(RecordsAtScaleOne * scale, MidpointRounding.AwayFromZero);

    public IReadOnlyDictionary<string, List<RecordContent>> Generate(int count)
    {
        var result = new Dictionary<string, List<RecordContent>>();
        for (var i = 0; i < Shares.Length; i++)
        {
            var (agency, share) = Shares[i];
            var agencyCount = i == Shares.Length - 1 ? count - result.Values.Sum(list => list.Count) : (int)(count * share);
            // One random stream per agency, so one agency's records do not shift when another's kinds change.
            result[agency] = new AgencyBackground(agency, seed, new Randomizer(seed * 31 + i)).Generate(agencyCount);
        }

        return result;
    }

    /// <summary>One agency's background records, each kind drawn with the agency's own weights.</summary>
    private sealed class AgencyBackground(string agency, int seed, Randomizer random)
    {
        private readonly Faker _romanian = new("ro") { Random = random };
        private readonly Faker _russian = new("ru") { Random = random };
        private readonly Faker _ukrainian = new("uk") { Random = random };
        private readonly Faker _english = new("en_GB") { Random = random };
        private readonly Dictionary<string, List<string>> _earlier = [];
        private int _next;

        public List<RecordContent> Generate(int count)
        {
            var records = new List<RecordContent>(count);
            for (var i = 0; i < count; i++)
            {
                var content = NextKind() switch
                {
                    "person" => Person(),
                    "phone" => Phone(),
                    "vehicle" => Vehicle(),
                    "document" => Document(),
                    "account" => Account(),
                    "organisation" => Organisation(),
                    "place" => Place(),
                    "event" => Event(),
                    _ => Report(),
                };
                records.Add(content);
            }

            return records;
        }

        private string NextKind() => agency switch
        {
            Police => random.WeightedRandom(["person", "phone", "vehicle", "place", "event", "report"], [0.40f, 0.15f, 0.10f, 0.10f, 0.15f, 0.10f]),
            Border => random.WeightedRandom(["person", "vehicle", "document", "event"], [0.45f, 0.15f, 0.20f, 0.20f]),
            Labour => random.WeightedRandom(["person", "organisation", "place", "report"], [0.50f, 0.20f, 0.15f, 0.15f]),
            Fiu => random.WeightedRandom(["account", "person", "event", "report"], [0.40f, 0.25f, 0.20f, 0.15f]),
            _ => random.WeightedRandom(["person", "report"], [0.80f, 0.20f]),
        };

        private string NewRef(string kind)
        {
            var sourceRef = string.Create(CultureInfo.InvariantCulture, $"BG{seed}-{agency}-{++_next:D6}");
            if (!_earlier.TryGetValue(kind, out var list))
            {
                _earlier[kind] = list = [];
            }

            list.Add(sourceRef);
            return sourceRef;
        }

        /// <summary>An earlier record of this agency of the given kind, for links; null when there is none yet.</summary>
        private string? Earlier(string kind) =>
            _earlier.TryGetValue(kind, out var list) && list.Count > 0 && random.Bool(0.6f) ? random.ListItem(list) : null;

        private Marking Marking(bool victim = false)
        {
            var marking = Mark(random.WeightedRandom(
                [Classification.Official, Classification.OfficialSensitive, Classification.Secret], [0.30f, 0.55f, 0.15f]));
            var others = Contributors.Where(code => code != agency).ToArray();
            switch (random.Number(3))
            {
                case 0:
                    marking.ToAllPartners();
                    break;
                case 1:
                case 2:
                    marking.To(random.ArrayElements(others, random.Number(1, others.Length)).Order(StringComparer.Ordinal).ToArray());
                    break;
                default:
                    break;
            }

            if (random.Bool(0.15f))
            {
                marking.Conditions(random.ArrayElement([
                    "Not to be used in evidence without the originator's consent.",
                    "Share with named investigators only.",
                    "Contact the originator before any executive action.",
                ]));
            }

            if (victim)
            {
                marking.Caveats(random.Bool(0.05f) ? [Caveat.VictimIdentity, Caveat.Child] : [Caveat.VictimIdentity]);
            }

            // The police unit's other operations, which only its own records are filed under (an agency files records
            // only under cases it is on). The draw is made for every agency, so that the rest of the data stays the same.
            if (random.Bool(0.2f) && agency == Police)
            {
                marking.Cases(random.ArrayElement([.. OtherCases]));
            }

            if (random.Bool(0.1f))
            {
                marking.Undiscoverable();
            }

            return marking;
        }

        private (string Given, string Family, string Original, string Nationality) Name(Gender gender)
        {
            switch (random.Number(3))
            {
                case 0:
                    return (_romanian.Name.FirstName(gender), _romanian.Name.LastName(gender), "", random.ArrayElement(["MD", "RO"]));
                case 1:
                {
                    var (given, family) = (_russian.Name.FirstName(gender), _russian.Name.LastName(gender));
                    return (Latin(given), Latin(family), $"{given} {family}", random.ArrayElement(["MD", "UA"]));
                }

                case 2:
                {
                    var (given, family) = (_ukrainian.Name.FirstName(gender), _ukrainian.Name.LastName(gender));
                    return (Latin(given), Latin(family), $"{given} {family}", "UA");
                }

                default:
                    return (_english.Name.FirstName(gender), _english.Name.LastName(gender), "", "GB");
            }
        }

        private RecordContent Person()
        {
            var gender = random.Bool() ? Gender.Female : Gender.Male;
            var victim = agency == Ngo || (agency == Labour && random.Bool(0.3f)) || random.Bool(0.05f);
            var (given, family, original, nationality) = Name(gender);
            var born = _english.Date.Between(new DateTime(1960, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2007, 12, 31, 0, 0, 0, DateTimeKind.Utc));
            string[] roles = victim ? ["victim"] : agency switch
            {
                Police => [random.ArrayElement(["suspect", "recruiter", "controller", "transporter", "witness", "associate"])],
                Border => ["traveller"],
                Labour => [random.ArrayElement(["worker", "employer", "gangmaster"])],
                Fiu => ["account holder"],
                _ => ["service user"],
            };
            var phone = random.Bool(0.4f) ? PhoneNumber() : null;
            var person = DemoRecords.Person(NewRef("person"), Marking(victim), given, family, original,
                born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), gender == Gender.Female ? "f" : "m",
                [nationality], roles, phone is null ? null : [phone],
                agency == Border ? [Passport(random.Replace("??#######"), nationality)] : null,
                addresses: random.Bool(0.3f) ? [UkAddress()] : null);
            if (Earlier("phone") is { } phoneRef)
            {
                person.Linked("uses", phoneRef);
            }

            if (Earlier("person") is { } associate)
            {
                person.Linked(random.ArrayElement(["recruited", "controls", "travelled_with", "called", "employs"]), associate);
            }

            return person;
        }

        private string PhoneNumber() => random.Number(2) switch
        {
            0 => random.ReplaceNumbers("+373 6# ### ###"),
            1 => random.ReplaceNumbers("+40 7## ### ###"),
            _ => random.ReplaceNumbers("+44 7700 9#####"),
        };

        private Address UkAddress() =>
            Address(_english.Address.StreetName(), _english.Address.City(), "GB", _english.Address.ZipCode(), _english.Address.BuildingNumber());

        private RecordContent Phone() => DemoRecords.Phone(NewRef("phone"), Marking(), PhoneNumber(), random.ArrayElement(["MD", "RO", "GB"]));

        private RecordContent Vehicle()
        {
            var country = random.ArrayElement(["GB", "RO", "MD"]);
            var plate = country switch
            {
                "GB" => random.Replace("??## ???"),
                "RO" => random.Replace("?? ## ???"),
                _ => random.Replace("??? ###"),
            };
            var (make, model) = random.ArrayElement([("Mercedes-Benz", "Sprinter"), ("Volkswagen", "Transporter"), ("Ford", "Transit"), ("Dacia", "Logan"), ("BMW", "520d")]);
            var vehicle = DemoRecords.Vehicle(NewRef("vehicle"), Marking(), plate, country, make, model, _english.Commerce.Color());
            return Earlier("person") is { } owner ? vehicle.Linked("owns", owner) : vehicle;
        }

        private RecordContent Document()
        {
            var country = random.ArrayElement(["MD", "RO", "UA", "BG"]);
            var document = new IdentityDocument { Kind = random.ArrayElement(["passport", "id_card", "residence_permit"]), Number = random.Replace("??#######"), IssuingCountry = country };
            var (given, family, _, _) = Name(random.Bool() ? Gender.Female : Gender.Male);
            var status = random.WeightedRandom(["genuine", "lost", "stolen", "forged"], [0.6f, 0.2f, 0.15f, 0.05f]);
            return DemoRecords.Document(NewRef("document"), Marking(), document, $"{given} {family}", status);
        }

        private RecordContent Account()
        {
            var (given, family, _, _) = Name(random.Bool() ? Gender.Female : Gender.Male);
            var account = random.Bool(0.6f)
                ? DemoRecords.Account(NewRef("account"), Marking(), "bank", random.ArrayElement(["Northgate Bank plc", "Banca Nistru", "Carpathia Bank SA"]), $"{given} {family}",
                    iban: random.Replace("GB##????##############").ToUpperInvariant())
                : DemoRecords.Account(NewRef("account"), Marking(), "money_transfer", random.ArrayElement(["QuickSend Money Transfer", "EuroRemit"]), $"{given} {family}",
                    number: random.ReplaceNumbers("##########"));
            return Earlier("person") is { } holder ? account.Linked("owns", holder) : account;
        }

        private RecordContent Organisation()
        {
            var kind = random.ArrayElement(["employment_agency", "car_wash", "nail_bar", "farm", "warehouse", "cleaning_company", "travel_agency"]);
            var name = $"{_english.Company.CompanyName()} {kind.Replace('_', ' ')}";
            return DemoRecords.Organisation(NewRef("organisation"), Marking(), name, kind, "GB", random.ReplaceNumbers("########"), UkAddress());
        }

        private RecordContent Place()
        {
            var kind = agency == Labour ? "worksite" : random.ArrayElement(["premises", "residence", "brothel", "worksite"]);
            var place = DemoRecords.Place(NewRef("place"), Marking(), $"{_english.Address.BuildingNumber()} {_english.Address.StreetName()}", kind, UkAddress(),
                Math.Round(random.Double(50.5, 55.0), 4), Math.Round(random.Double(-3.0, 0.5), 4));
            return Earlier("person") is { } tenant ? place.Linked("rents", tenant) : place;
        }

        private RecordContent Event()
        {
            var kind = agency switch
            {
                Border => random.ArrayElement(["border_crossing", "travelled_with", "refused_entry"]),
                Fiu => "paid",
                _ => random.ArrayElement(["recruited", "transported", "exploited", "called", "arrested"]),
            };
            var when = _english.Date.Between(StoryStart.AddYears(-2), StoryStart.AddYears(1));
            var description = $"{kind.Replace('_', ' ')} reported at {_english.Address.City()}; {_english.Lorem.Sentence(6)}";
            var content = DemoRecords.Event(NewRef("event"), Marking(), kind, At(when), description, UkAddress());
            return Earlier("person") is { } subject ? content.Linked(kind, subject) : content;
        }

        private RecordContent Report()
        {
            var form = random.ArrayElement(Forms);
            var (given, family, _, _) = Name(random.Bool() ? Gender.Female : Gender.Male);
            var city = _english.Address.City();
            var text = agency switch
            {
                Labour => $"Inspection at {_english.Company.CompanyName()}, {city}: workers report {random.ArrayElement(["withheld wages", "confiscated passports", "debts for transport and housing", "sixteen-hour shifts"])}. Manager named as {given} {family.ToUpperInvariant()}.",
                Fiu => $"Structured cash deposits in {city} and onward transfers to {random.ArrayElement(["Chișinău", "Iași", "Bălți", "Constanța", "Odesa"])}; account holder {given} {family.ToUpperInvariant()}.",
                Ngo => $"Service user referred from {city}; describes {form.Replace('_', ' ')} exploitation and a controller known as '{given}'.",
                _ => $"Information that {given} {family.ToUpperInvariant()} is involved in {form.Replace('_', ' ')} exploitation in {city}. {_english.Lorem.Sentence(8)}",
            };
            var content = DemoRecords.Report(NewRef("report"), Marking(victim: agency == Ngo), $"{Title(form)} exploitation: {city}", text,
                random.ArrayElement([SourceEvaluation.SourceReliable, SourceEvaluation.SourceUntested, SourceEvaluation.SourceNotReliable]),
                random.ArrayElement([IntelligenceAssessment.AssessmentA, IntelligenceAssessment.AssessmentB, IntelligenceAssessment.AssessmentC, IntelligenceAssessment.AssessmentD, IntelligenceAssessment.AssessmentE]),
                form);
            if (agency == Police && random.Bool(0.3f))
            {
                content.Marking.Caveats.Add(Caveat.SourceSensitive);
            }

            return content;
        }

        private static string Title(string form) => char.ToUpperInvariant(form[0]) + form[1..].Replace('_', ' ');
    }

    /// <summary>
    /// A plain Latin spelling of Russian and Ukrainian names, as a foreign clerk would type them; deliberately
    /// one of several spellings in use, so that matching has transliteration variants to reconcile.
    /// </summary>
    internal static string Latin(string cyrillic)
    {
        var builder = new StringBuilder(cyrillic.Length + 4);
        foreach (var letter in cyrillic)
        {
            var lower = char.ToLowerInvariant(letter);
            var latin = lower switch
            {
                'а' => "a", 'б' => "b", 'в' => "v", 'г' => "g", 'ґ' => "g", 'д' => "d", 'е' => "e", 'є' => "ye", 'ё' => "yo",
                'ж' => "zh", 'з' => "z", 'и' => "i", 'і' => "i", 'ї' => "yi", 'й' => "y", 'к' => "k", 'л' => "l", 'м' => "m",
                'н' => "n", 'о' => "o", 'п' => "p", 'р' => "r", 'с' => "s", 'т' => "t", 'у' => "u", 'ф' => "f", 'х' => "kh",
                'ц' => "ts", 'ч' => "ch", 'ш' => "sh", 'щ' => "shch", 'ъ' => "", 'ы' => "y", 'ь' => "", 'э' => "e", 'ю' => "yu",
                'я' => "ya", '\'' or '’' => "",
                _ => lower.ToString(),
            };
            builder.Append(letter != lower && latin.Length > 0 ? char.ToUpperInvariant(latin[0]) + latin[1..] : latin);
        }

        return builder.ToString();
    }
}
