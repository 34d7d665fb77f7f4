using Grpc.Core;
using IntelShare.Audit.Domain;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.ServiceDefaults;

namespace IntelShare.Audit.Grpc;

/// <summary>Maps oversight requests onto <see cref="OversightQueries"/>, which checks roles and input.</summary>
public sealed class OversightGrpcService(OversightQueries queries, IAuditTrail audit, ICaseDirectory cases, TimeProvider clock) : OversightService.OversightServiceBase
{
    public override async Task<AuditEntries> WhoAccessed(WhoAccessedRequest request, ServerCallContext context)
    {
        // The log names a case as it was opened; "op-x" asks about "OP-X".
        var caseRef = request.CaseRef is { Length: > 0 } given && await cases.FindKnownAsync(context.GetSubject(), given, context.CancellationToken) is { } spelt
            ? spelt
            : request.CaseRef;
        return MapToEntries(await Audited(context, "oversight.who_accessed", $"resource={request.ResourceId} case={caseRef}", (subject, ct) =>
            queries.WhoAccessedAsync(subject, request.ResourceId, caseRef, MapToQuery(request.Period), ct)));
    }

    public override async Task<AuditEntries> Activity(ActivityRequest request, ServerCallContext context) =>
        MapToEntries(await Audited(context, "oversight.activity", $"user={request.UserId} agency={request.Agency}", (subject, ct) =>
            queries.ActivityAsync(subject, request.UserId, request.Agency, MapToQuery(request.Period), ct)));

    public override async Task<AuditEntries> ReadsWithoutCase(PeriodRequest request, ServerCallContext context) =>
        MapToEntries(await Audited(context, "oversight.reads_without_case", "reads without a case", (subject, ct) =>
            queries.ReadsWithoutCaseAsync(subject, MapToQuery(request), ct)));

    public override async Task<AuditEntries> DeniedAttempts(PeriodRequest request, ServerCallContext context) =>
        MapToEntries(await Audited(context, "oversight.denied_attempts", "denied attempts", (subject, ct) =>
            queries.DeniedAttemptsAsync(subject, MapToQuery(request), ct)));

    public override async Task<AnomalyReport> Anomalies(PeriodRequest request, ServerCallContext context) =>
        MapToReport(await Audited(context, "oversight.anomalies", "anomaly report", (subject, ct) =>
            queries.AnomaliesAsync(subject, MapToQuery(request), ct)));

    public override async Task<AuditEntries> AgencyReaders(PeriodRequest request, ServerCallContext context) =>
        MapToEntries(await Audited(context, "audit.agency_readers", "who read my agency's records", (subject, ct) =>
            queries.AgencyReadersAsync(subject, MapToQuery(request), cases, ct)));

    /// <summary>
    /// Reading the access log is itself an access: once the query has been allowed and answered, it is appended to
    /// the log (who, what was asked, from where) before the answer leaves, so oversight of the overseers is possible.
    /// </summary>
    private async Task<T> Audited<T>(ServerCallContext context, string action, string asked, Func<Subject, CancellationToken, Task<T>> query)
    {
        var subject = context.GetSubject();
        var answer = await query(subject, context.CancellationToken);
        await audit.AppendAsync(
            [new AuditEvent(clock.GetUtcNow(), subject.UserId, subject.DisplayName, subject.Agency, action, "audit-log", asked, "", "", "oversight query", "oversight", "query", "audit-log-read", context.Peer, "audit", [])],
            context.CancellationToken);
        return answer;
    }

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
