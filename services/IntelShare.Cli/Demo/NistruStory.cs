using IntelShare.Contracts.V1;
using static IntelShare.Cli.Demo.DemoAgencies;
using static IntelShare.Cli.Demo.DemoRecords;

namespace IntelShare.Cli.Demo;

/// <summary>The records of the named cast the case, the corrupt official and the tour are about.</summary>
internal sealed class NistruCast
{
    public required CastRecord KovalenkoPolice { get; init; }
    public required CastRecord KovalenkoBorder { get; init; }
    public required CastRecord KovalenkoLabour { get; init; }
    public required CastRecord KovalenkoFiu { get; init; }
    public required CastRecord Recruiter { get; init; }
    public required CastRecord Transporter { get; init; }
    public required CastRecord MoneyHandler { get; init; }
    public required CastRecord Forger { get; init; }
    public required CastRecord Gangmaster { get; init; }
    public required CastRecord VictimPolice { get; init; }
    public required CastRecord VictimNgo { get; init; }
    public required CastRecord ChildNgo { get; init; }
    public required CastRecord ChildBorder { get; init; }
    public required CastRecord VictimTurnedRecruiter { get; init; }
    public required CastRecord ForgedDocument { get; init; }
    public required CastRecord Premises { get; init; }
    public required CastRecord SharedPhone { get; init; }
    public required CastRecord Minibus { get; init; }
    public required CastRecord MuleAccount { get; init; }
    public required CastRecord SourceReport { get; init; }
    public required CastRecord FiuReport { get; init; }
    public required CastRecord InspectionReport { get; init; }

    /// <summary>The forged identity card's number, for the frontline check.</summary>
    public required string ForgedDocumentNumber { get; init; }

    /// <summary>The operation's subjects the corrupt official looks up shortly before the raid fails.</summary>
    public IReadOnlyList<CastRecord> LeakedSubjects => [KovalenkoPolice, Recruiter, Transporter, Premises];

    public IEnumerable<CastRecord> All =>
    [
        KovalenkoPolice, KovalenkoBorder, KovalenkoLabour, KovalenkoFiu, Recruiter, Transporter, MoneyHandler, Forger, Gangmaster,
        VictimPolice, VictimNgo, ChildNgo, ChildBorder, VictimTurnedRecruiter, ForgedDocument, Premises, SharedPhone, Minibus,
        MuleAccount, SourceReport, FiuReport, InspectionReport,
    ];
}

/// <summary>
/// Operation Nistru: a Moldovan–Romanian network that recruits young women with fake job adverts for sexual
/// exploitation in the UK and men for a hand car wash, moved in one minibus, paid through one account. Each agency
/// knows a part, under its own spelling of the same names; none sees the whole without the others.
/// All names, numbers and addresses are invented.
/// </summary>
internal static class NistruStory
{
    private const string Ref = "NISTRU-";

    private const string PoliceConditions = "Not to be passed on beyond the receiving agency without the consent of POL-ATU.";
    private const string FiuConditions = "Financial intelligence: not for evidential use; do not disclose to the account holder or the institution.";
    private const string NgoConditions = "Shared with the survivor's consent for her protection only; contact the shelter before any approach.";
    private const string SourceConditions = "Source protection: no executive action on this report without consulting the POL-ATU source unit.";

    public static (NistruCast Cast, IReadOnlyDictionary<string, List<RecordContent>> Records) Build()
    {
        var records = Contributors.ToDictionary(agency => agency, _ => new List<RecordContent>());
        CastRecord Add(string agency, RecordContent content, string description)
        {
            records[agency].Add(content);
            return new CastRecord(agency, content.SourceRef, description);
        }

        var dover = Address("Eastern Docks", "Dover", "GB", "CT16 1JA");
        var luton = Address("Wharf Street", "Luton", "GB", "LU1 3QE", "Flat 2, 41");
        var carWashAddress = Address("Canal Road Trading Estate", "Leicester", "GB", "LE4 9HT", "Unit 4");
        var chisinau = Address("Strada Ismail", "Chișinău", "MD");
        const string lenaUkPhone = "+44 7700 900417";
        const string lenaMdPhone = "+373 69 412 853";
        const string forgedNumber = "RX519927";
        var forgedCard = new IdentityDocument { Kind = "id_card", Number = forgedNumber, IssuingCountry = "RO" };

        // ---- police: the operation's own picture of the sexual exploitation network ----
        var nistru = Mark(Classification.OfficialSensitive).To(Border).Cases(CaseRef);
        var premises = Add(Police, Place(Ref + "POL-PL-001", nistru, "Flat 2, 41 Wharf Street", "premises", luton, 51.8787, -0.4200)
            .Term("place.kind", "suspected brothel (residential)"), "premises in Luton where victims were kept");
        var phone = Add(Police, Phone(Ref + "POL-PH-001", Mark(Classification.OfficialSensitive).To(Border, Fiu).Cases(CaseRef), lenaMdPhone, "MD", "356938035643809"),
            "Moldovan phone shared by the controller and the recruiter");
        var minibus = Add(Police, Vehicle(Ref + "POL-VH-001", Mark(Classification.Official).ToAllPartners().Cases(CaseRef), "IS 07 KVL", "RO", "Mercedes-Benz", "Sprinter", "white", "WDB9066351S123456"),
            "white Sprinter minibus that moves victims of both networks");
        var victim = Add(Police, Person(Ref + "POL-P-005", Mark(Classification.OfficialSensitive).To(Border, Labour, Ngo).Caveats(Caveat.VictimIdentity).Cases(CaseRef),
                "Natalia", "Ungureanu", "Наталья Унгуряну", "1999-08-17", "f", ["MD"], ["victim"], documents: [Passport("B01723456", "MD")])
            .Term("person.roles", "injured party (sexual exploitation)"), "victim of sexual exploitation (VICTIM_IDENTITY)");
        var recruiter = Add(Police, Person(Ref + "POL-P-002", nistru, "Vasile", "Rusu", "Василе Русу", "1990-02-14", "m", ["MD"], ["recruiter"], [lenaMdPhone])
            .Linked("recruited", victim.SourceRef, At(2023, 9, 4)).Linked("called", phone.SourceRef), "recruiter posting fake waitressing jobs");
        var transporter = Add(Police, Person(Ref + "POL-P-003", nistru, "Ion", "Ceban", "Ион Чебан", "1976-10-30", "m", ["MD", "RO"], ["transporter", "driver"])
            .Linked("uses", minibus.SourceRef).Linked("transported", victim.SourceRef, At(2023, 10, 14)), "driver of the minibus");
        var kovalenko = Add(Police, Person(Ref + "POL-P-001", Mark(Classification.Secret).To(Border, Labour, Fiu).Cases(CaseRef).Conditions(PoliceConditions),
                "Olena", "Kovalenko", "Олена Коваленко", "1984-05-11", "f", ["MD", "UA"], ["controller", "organiser"], [lenaMdPhone, lenaUkPhone],
                aliases: [Name("Lena", "Kovalenko"), Name("Elena", "Kovalenco")], addresses: [luton])
            .Linked("controls", victim.SourceRef, At(2023, 10, 15)).Linked("controls", recruiter.SourceRef).Linked("employs", transporter.SourceRef)
            .Linked("rents", premises.SourceRef, At(2023, 8, 1)).Linked("uses", phone.SourceRef).Linked("controls", Ref + "POL-P-006")
            .Term("person.roles", "madam"), "controller ('madam') and organiser of the network");
        var moneyHandler = Add(Police, Person(Ref + "POL-P-004", Mark(Classification.Secret).To(Fiu).Cases(CaseRef), "Andrei", "Popa", "", "1987-12-03", "m", ["RO"], ["money handler"])
            .Linked("paid", kovalenko.SourceRef), "money handler collecting the takings");
        var turned = Add(Police, Person(Ref + "POL-P-006", nistru, "Victoria", "Bejan", "Виктория Беджан", "1996-04-09", "f", ["MD"], ["recruiter"])
            .Linked("recruited", victim.SourceRef, At(2023, 8, 20))
            .Term("person.roles", "recruiter; former victim (see NGO)"), "former victim who now recruits for the network");
        records[Police].Add(Event(Ref + "POL-E-001", nistru, "recruited", At(2023, 9, 4), "Recruited in Chișinău through an advert for waitressing work in London, GBP 2,000 a month.", chisinau)
            .Linked("recruited", victim.SourceRef).Linked("recruited", recruiter.SourceRef));
        records[Police].Add(Event(Ref + "POL-E-002", nistru, "exploited", At(2023, 10, 15), "Forced into prostitution at the Wharf Street flat; passport taken; debt of GBP 5,000 imposed.", luton, At(2024, 2, 28))
            .Linked("exploited", victim.SourceRef).Linked("exploited", kovalenko.SourceRef).Linked("exploited", premises.SourceRef));
        var sourceReport = Add(Police, Report(Ref + "POL-R-001",
                Mark(Classification.Secret).Caveats(Caveat.SourceSensitive).Conditions(SourceConditions, EuropolHandlingCode.H3).Undiscoverable(),
                "CHIS reporting: Kovalenko network, Luton",
                "A source with access to the network reports that 'Lena' KOVALENKO controls at least four Moldovan women at a flat on Wharf Street, Luton, " +
                "moves them between flats every few weeks, and is told by 'a contact at the border' when checks are planned. The women are recruited by " +
                "Vasile RUSU and Victoria BEJAN and driven from Iași in a white Sprinter (IS 07 KVL) by Ion CEBAN. Takings are paid into an account held by Andrei POPA.",
                SourceEvaluation.SourceUntested, IntelligenceAssessment.AssessmentB, "sexual", "labour")
            .Linked("concerns", kovalenko.SourceRef).Linked("concerns", premises.SourceRef), "intelligence report from a covert source (SOURCE_SENSITIVE, undiscoverable)");

        // ---- border guard: the crossings, under its own spellings ----
        var borderToPolice = Mark(Classification.OfficialSensitive).To(Police).Cases(CaseRef);
        var borderMinibus = Add(Border, Vehicle(Ref + "BRD-VH-001", Mark(Classification.Official).ToAllPartners(), "IS07KVL", "RO", "Mercedes", "Sprinter 316", "white"), "the minibus as the border recorded it");
        var kowalenko = Add(Border, Person(Ref + "BRD-P-001", borderToPolice, "Olena", "Kowalenko", "Олена Коваленко", "1984-11-05", "f", ["MD"], ["traveller"],
                documents: [Passport("AB0412853", "MD")]).Term("person.roles", "person of interest (watch list)"),
            "Kovalenko as the border recorded her (Kowalenko, day and month of birth swapped)");
        var forgedDocument = Add(Border, Document(Ref + "BRD-D-001", Mark(Classification.OfficialSensitive).To(Police, Labour).Caveats(Caveat.Child).Cases(CaseRef),
                forgedCard, "Cristina Lungu", "forged"),
            "forged Romanian identity card making a child look 19");
        var child = Add(Border, Person(Ref + "BRD-P-003", Mark(Classification.OfficialSensitive).To(Police, Ngo).Caveats(Caveat.VictimIdentity, Caveat.Child).Cases(CaseRef),
                "Cristina", "Lungu", "Кристина Лунгу", "2008-01-23", "f", ["MD"], ["victim"], documents: [forgedCard])
            .Linked("uses", forgedDocument.SourceRef), "child found travelling on the forged card (CHILD)");
        var forger = Add(Border, Person(Ref + "BRD-P-004", Mark(Classification.Secret).To(Police).Cases(CaseRef), "Dorin", "Moraru", "Дорин Морару", "1981-06-22", "m", ["RO"], ["document forger"])
            .Linked("owns", forgedDocument.SourceRef).Term("person.roles", "facilitator (false documents)"), "document forger in Iași");
        var driver = Add(Border, Person(Ref + "BRD-P-002", borderToPolice, "Ivan", "Cheban", "Иван Чебан", "1976-10-30", "m", ["MD"], ["driver"],
                aliases: [Name("Ion", "Ceban")]).Linked("uses", borderMinibus.SourceRef), "the driver, transliterated from Russian");
        records[Border].Add(Event(Ref + "BRD-E-001", borderToPolice, "travelled_with", At(2023, 10, 14, 5), "Minibus IS07KVL from Calais: driver CHEBAN, passenger LUNGU on ID card RX519927 (forged), passenger KOWALENKO.", dover)
            .Linked("travelled_with", driver.SourceRef).Linked("travelled_with", child.SourceRef).Linked("travelled_with", kowalenko.SourceRef).Linked("uses", borderMinibus.SourceRef));

        // ---- labour inspectorate: the car wash ----
        var allPartners = Mark(Classification.Official).ToAllPartners();
        var carWash = Add(Labour, Organisation(Ref + "LAB-O-001", allPartners, "Sparkle Hand Car Wash Ltd", "front_business", "GB", "13572468", carWashAddress, [lenaUkPhone]), "hand car wash run as a front");
        records[Labour].Add(Place(Ref + "LAB-PL-001", allPartners, "Sparkle Hand Car Wash", "worksite", carWashAddress, 52.6612, -1.1201).Linked("owns", carWash.SourceRef));
        var agency = Add(Labour, Organisation(Ref + "LAB-O-002", allPartners, "EuroWork Recruitment SRL", "employment_agency", "MD", "1019600041231", chisinau), "Moldovan employment agency that recruits the workers");
        var director = Add(Labour, Person(Ref + "LAB-P-001", allPartners, "Kovalenko", "Olena", "", "1984-05-11", "f", ["UA"], ["company director"])
            .Linked("owns", carWash.SourceRef).Term("person.roles", "director (Companies House filing, names in reverse order)"),
            "Kovalenko as director of the car wash (given and family names swapped)");
        var gangmaster = Add(Labour, Person(Ref + "LAB-P-002", Mark(Classification.OfficialSensitive).To(Police, Fiu), "Gheorghe", "Munteanu", "Георге Мунтяну", "1972-11-19", "m", ["RO"], ["gangmaster", "controller"])
            .Linked("owns", carWash.SourceRef).Linked("controls", agency.SourceRef), "gangmaster of the car wash workers");
        var workerMarking = Mark(Classification.OfficialSensitive).To(Police, Ngo).Caveats(Caveat.VictimIdentity);
        string[][] workers = [["Mihai", "Cojocaru", "1988-03-02"], ["Pavel", "Sîrbu", "1991-09-27"], ["Radu", "Ciobanu", "1985-12-12"]];
        for (var i = 0; i < workers.Length; i++)
        {
            records[Labour].Add(Person($"{Ref}LAB-P-1{i:D2}", workerMarking, workers[i][0], workers[i][1], "", workers[i][2], "m", ["MD"], ["victim", "worker"])
                .Linked("employs", gangmaster.SourceRef).Linked("recruited", agency.SourceRef)
                .Term("person.roles", "worker without a contract; wages withheld"));
        }

        records[Labour].Add(Person(Ref + "LAB-P-003", Mark(Classification.OfficialSensitive).To(Police), "Sergiu", "Botnari", "", "1993-07-01", "m", ["MD"], ["guard"])
            .Linked("employs", gangmaster.SourceRef));
        var inspection = Add(Labour, Report(Ref + "LAB-R-001", allPartners, "Inspection of Sparkle Hand Car Wash, Leicester",
                "Eleven workers on site, none with a written contract. Workers say they live above the premises, pay GBP 60 a week for a mattress, " +
                "have their passports 'kept safe' by the manager, and are paid GBP 20 a day in cash. Director on record: KOVALENKO Olena; " +
                "de facto manager: Gheorghe MUNTEANU. Workers arrived in a white minibus via EuroWork Recruitment in Chișinău.",
                SourceEvaluation.SourceReliable, IntelligenceAssessment.AssessmentA, "labour")
            .Linked("concerns", carWash.SourceRef).Linked("concerns", director.SourceRef), "labour inspection report (all partners)");

        // ---- financial intelligence unit: the money ----
        // Released to the police, not filed under their case: the FIU is not on the joint team.
        var fiuToPolice = Mark(Classification.Secret).To(Police).Conditions(FiuConditions, EuropolHandlingCode.H3);
        var account = Add(Fiu, Account(Ref + "FIU-A-001", fiuToPolice, "bank", "Northgate Bank plc", "Andrei POPA", "GB71MDEM40051512345678"), "account collecting brothel and car-wash takings");
        records[Fiu].Add(Account(Ref + "FIU-A-002", fiuToPolice, "money_transfer", "QuickSend Money Transfer", "Olena KOVALENKO", number: "4417209386"));
        var fiuKovalenko = Add(Fiu, Person(Ref + "FIU-P-001", fiuToPolice, "O.", "KOVALENKO", "", "1984-05-11", "f", ["UA"], ["account holder"])
            .Linked("uses", Ref + "FIU-A-002"), "Kovalenko as the money-transfer customer 'O. KOVALENKO'");
        records[Fiu].Add(Person(Ref + "FIU-P-002", fiuToPolice, "Andrei", "Popa", "", "1987-12-03", "m", ["RO"], ["money handler"]).Linked("owns", account.SourceRef));
        records[Fiu].Add(Event(Ref + "FIU-E-001", fiuToPolice, "paid", At(2024, 1, 5), "47 transfers of GBP 1,900 to 4,800 from Sparkle Hand Car Wash Ltd and cash deposits in Luton.", to: At(2024, 6, 28))
            .Linked("paid", account.SourceRef));
        var fiuReport = Add(Fiu, Report(Ref + "FIU-R-001", fiuToPolice, "Suspicious activity: Popa / Kovalenko",
                "Between January and June 2024 the account of Andrei POPA received GBP 163,000: payroll-sized transfers from Sparkle Hand Car Wash Ltd " +
                "and structured cash deposits in Luton. Onward money transfers to Chișinău and Iași, several to 'O. KOVALENKO' through QuickSend.",
                SourceEvaluation.SourceReliable, IntelligenceAssessment.AssessmentC, "sexual", "labour")
            .Linked("concerns", account.SourceRef).Linked("concerns", fiuKovalenko.SourceRef), "suspicious activity analysis (handling C)");

        // ---- shelter: the survivors' side ----
        var victimNgo = Add(Ngo, Person(Ref + "NGO-P-001", Mark(Classification.OfficialSensitive).To(Police).Caveats(Caveat.VictimIdentity).Conditions(NgoConditions, EuropolHandlingCode.H1),
                "Natalia", "Ungureanu", "Наталья Унгуряну", "1999-08-17", "f", ["MD"], ["survivor"]).Term("person.roles", "service user"),
            "the victim as the shelter knows her (VICTIM_IDENTITY, handling C)");
        var childNgo = Add(Ngo, Person(Ref + "NGO-P-002", Mark(Classification.OfficialSensitive).Caveats(Caveat.VictimIdentity, Caveat.Child).Undiscoverable(),
                "Cristina", "Lungu", "Кристина Лунгу", "2008-01-23", "f", ["MD"], ["survivor"]),
            "the child in the shelter's care (CHILD, shelter only, undiscoverable)");
        records[Ngo].Add(Person(Ref + "NGO-P-003", Mark(Classification.OfficialSensitive).To(Police).Caveats(Caveat.VictimIdentity).Conditions(NgoConditions, EuropolHandlingCode.H1),
            "Victoria", "Bejan", "Виктория Беджан", "1996-04-09", "f", ["MD"], ["survivor"]).Term("person.roles", "former service user (2021)"));
        records[Ngo].Add(Report(Ref + "NGO-R-001", Mark(Classification.OfficialSensitive).To(Police).Caveats(Caveat.VictimIdentity).Conditions(NgoConditions, EuropolHandlingCode.H1),
                "Survivor account", "N. says she answered an advert for waitressing in London posted by 'Vasile', travelled in a white minibus driven by 'Ion', " +
                "and was kept in a flat in Luton by a woman called 'Lena' who took her passport. A girl of about fifteen travelled with her.",
                SourceEvaluation.SourceReliable, IntelligenceAssessment.AssessmentB, "sexual")
            .Linked("concerns", victimNgo.SourceRef));

        var cast = new NistruCast
        {
            KovalenkoPolice = kovalenko,
            KovalenkoBorder = kowalenko,
            KovalenkoLabour = director,
            KovalenkoFiu = fiuKovalenko,
            Recruiter = recruiter,
            Transporter = transporter,
            MoneyHandler = moneyHandler,
            Forger = forger,
            Gangmaster = gangmaster,
            VictimPolice = victim,
            VictimNgo = victimNgo,
            ChildNgo = childNgo,
            ChildBorder = child,
            VictimTurnedRecruiter = turned,
            ForgedDocument = forgedDocument,
            Premises = premises,
            SharedPhone = phone,
            Minibus = minibus,
            MuleAccount = account,
            SourceReport = sourceReport,
            FiuReport = fiuReport,
            InspectionReport = inspection,
            ForgedDocumentNumber = forgedNumber,
        };
        return (cast, records);
    }
}
