using IntelShare.Audit.Domain;
using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Audit.Tests;

/// <summary>Anomaly reports through the log and its index, as the Anomalies RPC produces them.</summary>
public sealed class OversightAnomaliesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class Compromised(IReadOnlyList<(string CaseRef, DateTimeOffset At)> operations) : ICompromisedOperations
    {
        public IReadOnlyList<(string CaseRef, DateTimeOffset At)> List() => operations;
    }

    [Fact]
    public async Task Planted_misuse_in_the_log_is_reported_with_the_entries_that_show_it()
    {
        var history = AccessHistory.Generate(seed: 7, normalUsers: 60);
        await using var log = AuditLogs.Open(_temp.Sub("audit"));
        foreach (var batch in history.Records.Chunk(2000))
        {
            await log.AppendAsync([.. batch.Select(ToEvent)], CancellationToken.None);
        }

        var queries = new OversightQueries(log, new AnomalyDetector(), new Compromised(history.Compromised));
        var month = new PeriodQuery(AccessHistory.Start, AccessHistory.Start.AddDays(AccessHistory.Days));
        var scan = await queries.AnomaliesAsync(Subjects.Oversight, month, CancellationToken.None);

        Assert.Equal(history.Records.Count, scan.EntriesExamined);
        Assert.Equal(64, scan.UsersExamined);
        foreach (var (kind, user) in new[]
        {
            (AnomalyKind.VolumeSpike, AccessHistory.BulkReader),
            (AnomalyKind.OutsideCases, AccessHistory.OutsideBrowser),
            (AnomalyKind.ExistenceProbing, AccessHistory.Prober),
            (AnomalyKind.LookupBeforeCompromise, AccessHistory.Insider),
        })
        {
            var finding = Assert.Single(scan.Findings, finding => finding.Kind == kind && finding.UserId == user);
            Assert.All(finding.EntryIndexes, index => Assert.Equal(user, log.GetEntry(index).UserId));
        }

        var insider = scan.Findings.Single(finding => finding.Kind == AnomalyKind.LookupBeforeCompromise && finding.UserId == AccessHistory.Insider);
        Assert.All(insider.EntryIndexes, index => Assert.Contains(history.CompromisedCase.Ref, log.GetEntry(index).ResourceCaseRefs));

        // A period that ends before the bulk read does not report it.
        var early = await queries.AnomaliesAsync(Subjects.Oversight, month with { To = AccessHistory.Start.AddDays(10) }, CancellationToken.None);
        Assert.DoesNotContain(early.Findings, finding => finding.Kind == AnomalyKind.VolumeSpike && finding.UserId == AccessHistory.BulkReader);
        Assert.True(early.EntriesExamined < scan.EntriesExamined);
    }

    [Fact]
    public async Task Without_compromised_operations_no_lookup_is_reported()
    {
        var history = AccessHistory.Generate(seed: 7, normalUsers: 30);
        await using var log = AuditLogs.Open(_temp.Sub("audit"));
        await log.AppendAsync([.. history.Records.Select(ToEvent)], CancellationToken.None);

        var scan = await new OversightQueries(log, new AnomalyDetector()).AnomaliesAsync(
            Subjects.Oversight, new PeriodQuery(AccessHistory.Start, AccessHistory.Start.AddDays(AccessHistory.Days)), CancellationToken.None);

        Assert.DoesNotContain(scan.Findings, finding => finding.Kind == AnomalyKind.LookupBeforeCompromise);
        Assert.Contains(scan.Findings, finding => finding.Kind == AnomalyKind.VolumeSpike);
    }

    private static AuditEvent ToEvent(AccessRecord record) => new(
        record.At, record.UserId, record.UserId, record.Agency, "read", "record", record.ResourceId, "NCA",
        record.CaseRef, "generated", "INTELLIGENCE_ANALYSIS",
        record.Effect switch
        {
            Effect.Permit => "PERMIT",
            Effect.PermitRedacted => "PERMIT_REDACTED",
            Effect.ExistenceOnly => "EXISTENCE_ONLY",
            _ => "DENY",
        },
        "generated", "10.0.0.1", "records", record.ResourceCaseRefs);
}
