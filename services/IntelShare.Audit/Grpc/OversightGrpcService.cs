using Grpc.Core;
using IntelShare.Audit.Domain;
using IntelShare.Contracts.V1;
using IntelShare.ServiceDefaults;

namespace IntelShare.Audit.Grpc;

/// <summary>Maps oversight requests onto <see cref="OversightQueries"/>, which checks roles and input.</summary>
public sealed class OversightGrpcService(OversightQueries queries) : OversightService.OversightServiceBase
{
    public override async Task<AuditEntries> WhoAccessed(WhoAccessedRequest request, ServerCallContext context) =>
        MapToEntries(await queries.WhoAccessedAsync(context.GetSubject(), request.ResourceId, request.CaseRef, MapToQuery(request.Period), context.CancellationToken));

    public override async Task<AuditEntries> Activity(ActivityRequest request, ServerCallContext context) =>
        MapToEntries(await queries.ActivityAsync(context.GetSubject(), request.UserId, request.Agency, MapToQuery(request.Period), context.CancellationToken));

    public override async Task<AuditEntries> ReadsWithoutCase(PeriodRequest request, ServerCallContext context) =>
        MapToEntries(await queries.ReadsWithoutCaseAsync(context.GetSubject(), MapToQuery(request), context.CancellationToken));

    public override async Task<AuditEntries> DeniedAttempts(PeriodRequest request, ServerCallContext context) =>
        MapToEntries(await queries.DeniedAttemptsAsync(context.GetSubject(), MapToQuery(request), context.CancellationToken));

    public override async Task<AnomalyReport> Anomalies(PeriodRequest request, ServerCallContext context) =>
        MapToReport(await queries.AnomaliesAsync(context.GetSubject(), MapToQuery(request), context.CancellationToken));

    public override async Task<AuditEntries> AgencyReaders(PeriodRequest request, ServerCallContext context) =>
        MapToEntries(await queries.AgencyReadersAsync(context.GetSubject(), MapToQuery(request), context.CancellationToken));

    private static PeriodQuery MapToQuery(PeriodRequest? period) => period is null
        ? new PeriodQuery()
        : new PeriodQuery(period.From?.ToDateTimeOffset(), period.To?.ToDateTimeOffset(), period.Page?.PageSize ?? 0, period.Page?.PageToken ?? "");

    private static AuditEntries MapToEntries(AuditEntryPage page)
    {
        var entries = new AuditEntries { Page = new PageInfo { NextPageToken = page.NextPageToken, TotalSize = page.TotalSize } };
        entries.Entries.AddRange(page.Entries);
        return entries;
    }

    private static AnomalyReport MapToReport(AnomalyScan scan)
    {
        var report = new AnomalyReport { UsersExamined = scan.UsersExamined, EntriesExamined = scan.EntriesExamined };
        report.Anomalies.AddRange(scan.Findings.Select(MapToAnomaly));
        return report;
    }

    private static Anomaly MapToAnomaly(AnomalyFinding finding)
    {
        var anomaly = new Anomaly
        {
            Kind = finding.Kind,
            UserId = finding.UserId,
            Agency = finding.Agency,
            Description = finding.Description,
            Score = finding.Score,
        };
        anomaly.EntryIndexes.AddRange(finding.EntryIndexes);
        return anomaly;
    }
}
