using IntelShare.Contracts.V1;
using IntelShare.Domain;

namespace IntelShare.Audit.Domain;

/// <summary>
/// The questions oversight asks of the audit log. The index finds the entries; their content is read back from
/// the log itself, so what oversight sees is what was hashed and signed. Oversight role only, except
/// <see cref="AgencyReadersAsync"/>, which shows every user who read their own agency's records. The agencies and
/// users Identity knows tell a mistyped name from one that did nothing; without them (a test of the log alone) any
/// name is taken as given.
/// </summary>
public sealed class OversightQueries(
    AuditLog log,
    AnomalyDetector detector,
    ICompromisedOperations? compromisedOperations = null,
    TimeProvider? clock = null,
    IAgencyDirectory? agencies = null,
    IUserDirectory? users = null)
{
    private static readonly Effect[] Reads = [Effect.Permit, Effect.PermitRedacted];

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// Who accessed a resource or a case. <paramref name="resourceId"/> matches entries about that record or
    /// entity, or, when it is a case reference, entries made for that case or about its resources;
    /// <paramref name="caseRef"/> matches the latter only. Given both, entries must match both.
    /// </summary>
    public async Task<AuditEntryPage> WhoAccessedAsync(Subject caller, string? resourceId, string? caseRef, PeriodQuery query, CancellationToken cancellationToken)
    {
        RequireOversight(caller, "ask who accessed a resource");
        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(resourceId) || !string.IsNullOrWhiteSpace(caseRef), "resource_id", "a resource id or a case_ref is required");
        return await FindAsync(Validate(query, violations, "period.", period => new IndexFilter
        {
            Period = period,
            ResourceOrCase = NullIfBlank(resourceId),
            Case = NullIfBlank(caseRef),
        }), cancellationToken);
    }

    /// <summary>Everything a user, or an agency, or a user of an agency, did in the period.</summary>
    public async Task<AuditEntryPage> ActivityAsync(Subject caller, string? userId, string? agency, PeriodQuery query, CancellationToken cancellationToken)
    {
        RequireOversight(caller, "see a user's or an agency's activity");
        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(userId) || !string.IsNullOrWhiteSpace(agency), "user_id", "a user_id or an agency is required");
        var (user, agencyCode) = (NullIfBlank(userId), NullIfBlank(agency));
        await RequireKnownAsync(user, agencyCode, violations, cancellationToken);
        return await FindAsync(Validate(query, violations, "period.", period => new IndexFilter { Period = period, UserId = user, Agency = agencyCode }), cancellationToken);
    }

    /// <summary>
    /// A mistyped agency or user would answer as one that did nothing, which an officer would take for the answer.
    /// An agency must take part (Identity's list) and a user be in Identity's directory, by id or user name, unless
    /// the log has entries of theirs: those of an agency system's client, which is no directory user, or of anyone
    /// since removed, stay open to oversight. A known user who never appears is answered as having done nothing.
    /// </summary>
    private async Task RequireKnownAsync(string? userId, string? agency, Violations violations, CancellationToken cancellationToken)
    {
        if (agency is not null && agencies is not null && !(await agencies.KnownAsync([agency], cancellationToken)).Contains(agency)
            && !await InLogAsync(new IndexFilter { Agency = agency }, cancellationToken))
        {
            violations.Add("agency", $"'{agency}' is not an agency taking part (Identity's ListAgencies), nor one the log has entries of");
        }

        if (userId is not null && users is not null && !await InLogAsync(new IndexFilter { UserId = userId }, cancellationToken)
            && (await users.FindAsync([userId], [userId], cancellationToken)).Count == 0)
        {
            violations.Add("user_id", $"'{userId}' is neither the id nor the user name of a user Identity knows, nor anyone the log has entries of");
        }
    }

    private async Task<bool> InLogAsync(IndexFilter filter, CancellationToken cancellationToken)
    {
        await log.WaitUntilIndexedAsync(cancellationToken);
        return log.Index.Find(filter, new AuditPage(1, -1)).Leaves.Count > 0;
    }

    /// <summary>Reads that released data (in full or redacted) without naming a case.</summary>
    public async Task<AuditEntryPage> ReadsWithoutCaseAsync(Subject caller, PeriodQuery query, CancellationToken cancellationToken)
    {
        RequireOversight(caller, "list reads without a case");
        return await FindAsync(Validate(query, new Violations(), "", period => new IndexFilter { Period = period, WithoutCase = true, Effects = Reads }), cancellationToken);
    }

    public async Task<AuditEntryPage> DeniedAttemptsAsync(Subject caller, PeriodQuery query, CancellationToken cancellationToken)
    {
        RequireOversight(caller, "list denied attempts");
        return await FindAsync(Validate(query, new Violations(), "", period => new IndexFilter { Period = period, Effects = [Effect.Deny] }), cancellationToken);
    }

    /// <summary>
    /// Every decision on a resource the caller's agency holds, made for a user of another agency: open to every
    /// user, because knowing that reads are visible to the owner deters misuse. The holder sees who read what, when,
    /// for which purpose and with what result, but not the reader's operation: the case is shown, with the reason
    /// given for it, only when the caller knows the case too (a joint case), since a case reference names an
    /// operation known only to its members, its owner and oversight, and the reason describes it. The reader's
    /// network address is for oversight alone.
    /// </summary>
    public async Task<AuditEntryPage> AgencyReadersAsync(Subject caller, PeriodQuery query, ICaseDirectory cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(cases);
        caller.AsAgencyMember("see who read its agency's records");
        var found = await FindAsync(Validate(query, new Violations(), "", period => new IndexFilter { Period = period, HolderAgency = caller.Agency, OtherThanAgency = caller.Agency }), cancellationToken);
        foreach (var entry in found.Entries)
        {
            entry.Origin = "";
            if (entry.Justification is { } justification &&
                (justification.CaseRef.Length == 0 || await cases.FindKnownAsync(caller, justification.CaseRef, cancellationToken) is null))
            {
                justification.CaseRef = "";
                justification.Reason = "";
            }
        }

        return found;
    }

    /// <summary>
    /// Runs the <see cref="AnomalyDetector"/> over the period. An open-ended period is bounded to the
    /// <see cref="AnomalyOptions.DefaultPeriod"/> before its end (or now), since the detector holds the period in memory.
    /// </summary>
    public async Task<AnomalyScan> AnomaliesAsync(Subject caller, PeriodQuery query, CancellationToken cancellationToken)
    {
        RequireOversight(caller, "see anomaly reports");
        // The report is not paged, but a page asked for is checked as the other queries check it: a page size of -5 or
        // a token no query gave is a mistake to be told of, not to be ignored. Its filter, the period alone, is no paged
        // query's, so every token is refused.
        Validate(query, new Violations(), "", period => new IndexFilter { Period = period });

        var to = query.To ?? _clock.GetUtcNow();
        var from = query.From ?? to - detector.Options.DefaultPeriod;
        await log.WaitUntilIndexedAsync(cancellationToken);
        var records = log.Index.Records(new AuditPeriod(from, to));
        return detector.Detect(records, compromisedOperations?.List() ?? []);
    }

    internal static void RequireOversight(Subject caller, string what)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasRole(Roles.Oversight))
        {
            throw new PermissionDeniedException($"Only the oversight role may {what}.");
        }
    }

    private async Task<AuditEntryPage> FindAsync(ValidQuery query, CancellationToken cancellationToken)
    {
        await log.WaitUntilIndexedAsync(cancellationToken);
        var (leaves, more, total) = log.Index.Find(query.Filter, query.Page);
        var entries = leaves.Select(log.GetEntry).ToList();
        return new AuditEntryPage(entries, more ? AuditPage.TokenAfter(leaves[^1], query.PageTokens) : "", total);
    }

    /// <param name="filterOver">The query's filter over its period; the page token must be one of that filter's.</param>
    private static ValidQuery Validate(PeriodQuery query, Violations violations, string prefix, Func<AuditPeriod, IndexFilter> filterOver)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = filterOver(AuditPeriod.Create(query.From, query.To, violations, prefix));
        var (page, tokens) = AuditPage.Create(query.PageSize, query.PageToken, filter, violations, prefix);
        violations.ThrowIfAny();
        return new ValidQuery(filter, page, tokens);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record ValidQuery(IndexFilter Filter, AuditPage Page, QueryPageToken PageTokens);
}
