using System.Collections.Frozen;
using IntelShare.Domain;
using IntelShare.Normalisation;
using IntelShare.Policy;

namespace IntelShare.Search.Engine.Tests;

internal static class Fixtures
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Subject Subject(
        string agency,
        ClearanceLevel clearance = ClearanceLevel.Secret,
        string[]? roles = null,
        string[]? entitlements = null,
        string userId = "user-1") =>
        new(userId, userId, agency, (roles ?? [Roles.Analyst]).ToFrozenSet(), clearance, (entitlements ?? []).ToFrozenSet());

    public static SearchPrincipal Principal(
        string agency,
        ClearanceLevel clearance = ClearanceLevel.Secret,
        string[]? roles = null,
        string[]? entitlements = null,
        ReadPurpose purpose = ReadPurpose.CriminalInvestigation,
        AccessContext? context = null) =>
        new(Subject(agency, clearance, roles, entitlements), context ?? AccessContext.None, new ReadJustification(null, "operation test", purpose));

    public static ResourceMarking Marking(
        string id,
        RecordType type,
        string originator = "NCA",
        ClearanceLevel classification = ClearanceLevel.Official,
        bool allPartners = true,
        string[]? releasableTo = null,
        Caveat caveats = Caveat.None,
        string[]? cases = null,
        bool discoverable = true,
        bool withdrawn = false) =>
        new()
        {
            Kind = ResourceKind.Record,
            ResourceId = id,
            Body = SearchDocument.BodyOf(type),
            Classification = classification,
            OriginatorAgency = originator,
            ReleaseToAllPartners = allPartners,
            ReleasableTo = (releasableTo ?? []).ToFrozenSet(),
            Caveats = caveats,
            CaseRefs = cases ?? [],
            Discoverable = discoverable,
            Withdrawn = withdrawn,
        };

    public static SearchDocument Person(
        string id,
        string given,
        string family,
        ResourceMarking? marking = null,
        long version = 1,
        string[]? aliases = null,
        string? originalScript = null,
        string? dob = null,
        string[]? nationalities = null,
        string[]? forms = null,
        SearchIdentifier[]? identifiers = null) =>
        new()
        {
            RecordId = id,
            Version = version,
            Type = RecordType.Person,
            Marking = marking ?? Marking(id, RecordType.Person),
            Names =
            [
                new SearchName(given, family, NameUse.Primary, "person.name"),
                .. originalScript is null ? Array.Empty<SearchName>() : [new SearchName(null, null, NameUse.OriginalScript, "person.name", originalScript)],
                .. (aliases ?? []).Select(a => new SearchName(null, null, NameUse.Alias, "person.aliases", a)),
            ],
            DateOfBirth = dob is not null && PartialDate.TryParse(dob, out var date) ? date : null,
            Nationalities = nationalities ?? [],
            ExploitationForms = forms ?? [],
            Identifiers = identifiers ?? [],
            RecordedAt = Now.AddDays(-10),
            DisplayPayload = new byte[] { 1, 2, 3 },
        };

    public static SearchDocument Report(
        string id,
        string title,
        string text,
        ResourceMarking? marking = null,
        long version = 1,
        DateTimeOffset? recordedAt = null,
        string[]? forms = null) =>
        new()
        {
            RecordId = id,
            Version = version,
            Type = RecordType.Report,
            Marking = marking ?? Marking(id, RecordType.Report),
            Texts = [new SearchText("report.title", title), new SearchText("report.text", text)],
            ExploitationForms = forms ?? [],
            RecordedAt = recordedAt ?? Now.AddDays(-5),
            DisplayPayload = new byte[] { 9 },
        };

    public static SearchDocument Identified(string id, RecordType type, IdentifierKind kind, string value, string path, ResourceMarking? marking = null, string? region = null) =>
        new()
        {
            RecordId = id,
            Version = 1,
            Type = type,
            Marking = marking ?? Marking(id, type),
            Identifiers = [new SearchIdentifier(kind, value, path, region)],
            RecordedAt = Now.AddDays(-1),
        };

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "intelshare-search-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind by a crashed test is harmless.
        }
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
