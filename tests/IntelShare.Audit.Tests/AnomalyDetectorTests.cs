using IntelShare.Audit.Domain;
using IntelShare.Contracts.V1;
using Xunit.Abstractions;

namespace IntelShare.Audit.Tests;

public sealed class AnomalyDetectorTests(ITestOutputHelper output)
{
    private static readonly AnomalyDetector Detector = new();

    private static readonly (AnomalyKind Kind, string User)[] Planted =
    [
        (AnomalyKind.VolumeSpike, AccessHistory.BulkReader),
        (AnomalyKind.OutsideCases, AccessHistory.OutsideBrowser),
        (AnomalyKind.ExistenceProbing, AccessHistory.Prober),
        (AnomalyKind.LookupBeforeCompromise, AccessHistory.Insider),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20250611)]
    public void Planted_misuse_is_found_and_at_most_one_percent_of_ordinary_users_are_flagged(int seed)
    {
        var history = AccessHistory.Generate(seed);
        var scan = Detector.Detect(history.Records, history.Compromised);
        Report(scan, history);

        foreach (var (kind, user) in Planted)
        {
            var finding = Assert.Single(scan.Findings, finding => finding.UserId == user && finding.Kind == kind);
            Assert.True(finding.Score >= 1, $"{kind} for {user} scored {finding.Score}");

            // The evidence is the planted misuse, not the user's ordinary work.
            var planted = finding.EntryIndexes.Count(history.PlantedIndexes.Contains);
            Assert.True(planted >= finding.EntryIndexes.Count * 0.7, $"{kind} for {user}: only {planted} of {finding.EntryIndexes.Count} entries are the planted ones");
        }

        var normal = history.NormalUsers.ToHashSet(StringComparer.Ordinal);
        var flagged = scan.Findings.Where(finding => normal.Contains(finding.UserId)).Select(finding => finding.UserId).Distinct().ToList();
        Assert.True(flagged.Count <= normal.Count / 100, $"{flagged.Count} of {normal.Count} ordinary users flagged: {string.Join(", ", flagged)}");
        Assert.Equal(204, scan.UsersExamined);
        Assert.Equal(history.Records.Count, scan.EntriesExamined);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Without_the_misuse_the_same_users_are_not_flagged(int seed)
    {
        var history = AccessHistory.Generate(seed, plantMisuse: false);
        var scan = Detector.Detect(history.Records, history.Compromised);
        Report(scan, history);

        Assert.DoesNotContain(scan.Findings, finding => finding.UserId.StartsWith("planted", StringComparison.Ordinal));
        Assert.True(scan.Findings.Select(finding => finding.UserId).Distinct().Count() <= 2);
    }

    [Fact]
    public void Lowered_thresholds_flag_ordinary_users_so_the_defaults_are_what_keeps_them_quiet()
    {
        var history = AccessHistory.Generate(1);
        var eager = new AnomalyDetector(new AnomalyOptions { SpikeFactor = 1.5, OutsideCasesMinShare = 0.05, OutsideCasesMinReads = 5 });

        var normal = history.NormalUsers.ToHashSet(StringComparer.Ordinal);
        var flagged = eager.Detect(history.Records, history.Compromised).Findings.Where(finding => normal.Contains(finding.UserId)).Select(finding => finding.UserId).Distinct().Count();
        Assert.True(flagged > normal.Count / 10, $"only {flagged} flagged");
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public void Volume_spike_is_measured_against_the_largest_of_own_peers_and_floor(int onTheDay, bool flagged)
    {
        // Own median 10 a day and peers' median 10 a day are below the floor of 20, so the line is 5 x 20 = 100.
        var records = new List<AccessRecord>();
        for (var day = 0; day < 10; day++)
        {
            records.AddRange(Reads("spiky", "NCA", day, 10));
            records.AddRange(Reads("peer-1", "NCA", day, 10));
            records.AddRange(Reads("peer-2", "NCA", day, 10));
        }

        records.AddRange(Reads("spiky", "NCA", 10, onTheDay));

        var findings = Detector.Detect(Numbered(records), []).Findings;
        Assert.Equal(flagged, findings.Any(finding => finding.Kind == AnomalyKind.VolumeSpike && finding.UserId == "spiky"));
        Assert.DoesNotContain(findings, finding => finding.UserId.StartsWith("peer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_heavy_user_is_judged_against_their_own_baseline()
    {
        var records = new List<AccessRecord>();
        for (var day = 0; day < 10; day++)
        {
            records.AddRange(Reads("heavy", "NCA", day, 200));
            records.AddRange(Reads("light", "NCA", day, 5));
        }

        records.AddRange(Reads("heavy", "NCA", 10, 900));
        records.AddRange(Reads("heavy", "NCA", 11, 1001));
        var findings = Detector.Detect(Numbered(records), []).Findings;

        var spike = Assert.Single(findings);
        Assert.Equal(("heavy", AnomalyKind.VolumeSpike), (spike.UserId, spike.Kind));
        Assert.Contains("1001 decisions", spike.Description);
    }

    [Theory]
    [InlineData(20, 10, true)]
    [InlineData(19, 0, false)]
    [InlineData(20, 20, false)]
    public void Outside_cases_needs_both_a_count_and_a_majority(int outside, int inside, bool flagged)
    {
        var records = new List<AccessRecord>();
        for (var i = 0; i < outside; i++)
        {
            records.Add(Record("browser", "NCA", Day(i % 5), $"S-{i}", caseRef: i % 2 == 0 ? "OP-MINE" : "", resourceCases: ["OP-OTHER"]));
        }

        for (var i = 0; i < inside; i++)
        {
            records.Add(Record("browser", "NCA", Day(i % 5), $"M-{i}", caseRef: "OP-MINE", resourceCases: ["OP-MINE", "OP-JOINT"]));
        }

        // Refused and existence-only outcomes released nothing, so they are not reads outside one's cases.
        records.AddRange(Enumerable.Range(0, 50).Select(i => Record("browser", "NCA", Day(1), $"X-{i}", "", Effect.Deny, ["OP-OTHER"])));

        var findings = Detector.Detect(Numbered(records), []).Findings;
        Assert.Equal(flagged, findings.Any(finding => finding.Kind == AnomalyKind.OutsideCases));
    }

    [Theory]
    [InlineData(15, 1, true)]
    [InlineData(14, 1, false)]
    [InlineData(15, 2, false)]
    public void Existence_probing_counts_distinct_resources_within_a_day(int resources, int hoursApart, bool flagged)
    {
        // Hours apart 2 spreads 15 outcomes over 28 hours: never 15 within 24.
        var records = Enumerable.Range(0, resources)
            .SelectMany(i => new[] { i, i })
            .Select((i, n) => Record("prober", "MPS", Day(0).AddHours(n / 2 * hoursApart), $"R-{i}", "", Effect.ExistenceOnly))
            .ToList();

        var findings = Detector.Detect(Numbered(records), []).Findings;
        Assert.Equal(flagged, findings.Any(finding => finding.Kind == AnomalyKind.ExistenceProbing));
    }

    [Fact]
    public void Lookups_before_a_compromise_flag_newcomers_but_not_the_team_or_steady_readers()
    {
        var compromisedAt = Day(20);
        var records = new List<AccessRecord>
        {
            // The case team names the case.
            Record("member", "NCA", compromisedAt.AddHours(-10), "T-1", "OP-HOT", resourceCases: ["OP-HOT"]),
            Record("member", "NCA", compromisedAt.AddHours(-9), "T-2", "OP-HOT", resourceCases: ["OP-HOT"]),

            // A newcomer, twice, within the window.
            Record("newcomer", "MPS", compromisedAt.AddHours(-70), "T-1", "OP-COLD", resourceCases: ["OP-HOT"]),
            Record("newcomer", "MPS", compromisedAt.AddHours(-2), "T-3", "", Effect.ExistenceOnly, ["OP-HOT"]),

            // Once only, or before the window, or after the compromise: not enough.
            Record("once", "MPS", compromisedAt.AddHours(-5), "T-1", "OP-COLD", resourceCases: ["OP-HOT"]),
            Record("early", "BF", compromisedAt.AddHours(-80), "T-1", "OP-COLD", resourceCases: ["OP-HOT"]),
            Record("early", "BF", compromisedAt.AddHours(-75), "T-2", "OP-COLD", resourceCases: ["OP-HOT"]),
            Record("late", "BF", compromisedAt.AddHours(1), "T-1", "OP-COLD", resourceCases: ["OP-HOT"]),
            Record("late", "BF", compromisedAt.AddHours(2), "T-2", "OP-COLD", resourceCases: ["OP-HOT"]),
        };

        // A related-case analyst who has read OP-HOT's material every day all month.
        for (var day = 0; day < 20; day++)
        {
            records.Add(Record("steady", "GMP", Day(day).AddHours(3), $"T-{day}", "OP-NEAR", resourceCases: ["OP-HOT"]));
        }

        var findings = Detector.Detect(Numbered(records), [("OP-HOT", compromisedAt), ("OP-QUIET", compromisedAt)]).Findings;

        var finding = Assert.Single(findings, finding => finding.Kind == AnomalyKind.LookupBeforeCompromise);
        Assert.Equal(("newcomer", "MPS", AnomalyKind.LookupBeforeCompromise), (finding.UserId, finding.Agency, finding.Kind));
        Assert.Equal(2, finding.EntryIndexes.Count);
        Assert.Contains("OP-HOT", finding.Description);
    }

    [Fact]
    public void Nothing_is_flagged_without_compromised_operations_or_entries()
    {
        Assert.Empty(Detector.Detect([], [("OP-HOT", Day(3))]).Findings);
        var history = AccessHistory.Generate(5, normalUsers: 30);
        Assert.DoesNotContain(Detector.Detect(history.Records, []).Findings, finding => finding.Kind == AnomalyKind.LookupBeforeCompromise);
    }

    private void Report(AnomalyScan scan, AccessHistory history)
    {
        output.WriteLine($"{history.Records.Count} entries, {scan.UsersExamined} users, {scan.Findings.Count} findings");
        foreach (var finding in scan.Findings)
        {
            output.WriteLine($"  {finding.Kind} {finding.UserId} ({finding.Agency}) score {finding.Score}: {finding.Description}");
        }
    }

    private static DateTimeOffset Day(int day) => AccessHistory.Start.AddDays(day).AddHours(9);

    private static IEnumerable<AccessRecord> Reads(string user, string agency, int day, int count) =>
        Enumerable.Range(0, count).Select(i => Record(user, agency, Day(day).AddSeconds(i), $"R-{i}", "OP-1", resourceCases: ["OP-1"]));

    private static AccessRecord Record(string user, string agency, DateTimeOffset at, string resource, string caseRef, Effect effect = Effect.Permit, string[]? resourceCases = null) =>
        new(0, at, user, agency, resource, caseRef, effect, resourceCases ?? []);

    private static List<AccessRecord> Numbered(IEnumerable<AccessRecord> records) => [.. records.Select((record, i) => record with { Index = i })];
}
