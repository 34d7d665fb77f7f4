using System.Globalization;
using IntelShare.Contracts.V1;

namespace IntelShare.Audit.Domain;

/// <summary>
/// Thresholds of the <see cref="AnomalyDetector"/>. The defaults were chosen so that in a generated month of
/// ordinary work (see the tests) at most 1% of users are flagged while planted misuse is found; lowering a
/// threshold finds subtler misuse and flags more ordinary users.
/// </summary>
public sealed record AnomalyOptions
{
    /// <summary>VOLUME_SPIKE: a day's decisions must exceed this multiple of the user's baseline.</summary>
    public double SpikeFactor { get; init; } = 5;

    /// <summary>
    /// VOLUME_SPIKE: the least baseline, in decisions per day, so a user who usually does 2 a day is not flagged
    /// for doing 11. The baseline is the largest of the user's own median day (other days), the median of their
    /// agency's users, and this.
    /// </summary>
    public int SpikeFloorPerDay { get; init; } = 20;

    /// <summary>OUTSIDE_CASES: the least number of outside-case reads before the share is judged.</summary>
    public int OutsideCasesMinReads { get; init; } = 20;

    /// <summary>
    /// OUTSIDE_CASES: the share of a user's reads of case resources that name another case or none, above which
    /// they are flagged. Ordinary work reads some related cases' material; most reads should name the case.
    /// </summary>
    public double OutsideCasesMinShare { get; init; } = 0.5;

    /// <summary>EXISTENCE_PROBING: the window in which EXISTENCE_ONLY outcomes are counted.</summary>
    public TimeSpan ProbingWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>EXISTENCE_PROBING: distinct resources with an EXISTENCE_ONLY outcome within one window that flag a user.</summary>
    public int ProbingMinDistinctResources { get; init; } = 15;

    /// <summary>
    /// EXISTENCE_PROBING: the least share of the user's decisions in that window that are EXISTENCE_ONLY. Heavy
    /// ordinary users meet many existence-only outcomes in passing; a prober's session consists of them.
    /// </summary>
    public double ProbingMinShare { get; init; } = 0.5;

    /// <summary>LOOKUP_BEFORE_COMPROMISE: how long before a compromise a lookup counts.</summary>
    public TimeSpan CompromiseWindow { get; init; } = TimeSpan.FromHours(72);

    /// <summary>
    /// LOOKUP_BEFORE_COMPROMISE: lookups (not made for the case itself) in the window that flag a user with no
    /// earlier contact with the case. 1 would also catch a single lookup, and flag everyone whose unrelated reads
    /// happened to touch the case once.
    /// </summary>
    public int CompromiseMinLookups { get; init; } = 2;

    /// <summary>
    /// LOOKUP_BEFORE_COMPROMISE: for a user who read the case's material before the window (an analyst of a related
    /// case, say), how unlikely the window's lookups must be under their earlier rate (Poisson tail probability)
    /// before they are flagged; carrying on as before is not suspicious.
    /// </summary>
    public double CompromiseSignificance { get; init; } = 0.001;

    /// <summary>Entry indexes listed per anomaly at most (the description gives the full count).</summary>
    public int MaxEntryIndexes { get; init; } = 1000;

    /// <summary>Period examined when a request leaves its start open.</summary>
    public TimeSpan DefaultPeriod { get; init; } = TimeSpan.FromDays(30);
}

/// <summary>One user's unusual pattern, with the entries that show it.</summary>
public sealed record AnomalyFinding(
    AnomalyKind Kind,
    string UserId,
    string Agency,
    string Description,
    double Score,
    IReadOnlyList<long> EntryIndexes);

public sealed record AnomalyScan(IReadOnlyList<AnomalyFinding> Findings, long UsersExamined, long EntriesExamined);

/// <summary>
/// Finds patterns of misuse in a period of audit entries. Each rule compares a user with their own history and,
/// for volume, with their agency's users, rather than with fixed numbers alone, because normal volumes differ
/// tenfold between roles. The score says how far past its threshold a finding is (1 = just at it, except where
/// stated); findings come highest score first.
/// <list type="bullet">
/// <item>VOLUME_SPIKE: a UTC day on which a user's decisions exceed <see cref="AnomalyOptions.SpikeFactor"/> times
/// the largest of their median day (other days), their agency's median user, and a floor. One finding per day.</item>
/// <item>OUTSIDE_CASES: of a user's reads that released data of resources belonging to cases, at least
/// <see cref="AnomalyOptions.OutsideCasesMinReads"/> and more than <see cref="AnomalyOptions.OutsideCasesMinShare"/>
/// named a case the resource is not in, or no case.</item>
/// <item>EXISTENCE_PROBING: within one <see cref="AnomalyOptions.ProbingWindow"/>, EXISTENCE_ONLY outcomes on at
/// least <see cref="AnomalyOptions.ProbingMinDistinctResources"/> distinct resources, making up at least
/// <see cref="AnomalyOptions.ProbingMinShare"/> of the user's decisions then: someone mapping what others hold.</item>
/// <item>LOOKUP_BEFORE_COMPROMISE: in the <see cref="AnomalyOptions.CompromiseWindow"/> before a case was recorded
/// compromised, a user looked up its resources without naming that case, at least
/// <see cref="AnomalyOptions.CompromiseMinLookups"/> times, and more than their earlier rate of reading its material
/// explains (Poisson tail below <see cref="AnomalyOptions.CompromiseSignificance"/>; with no earlier contact any
/// such lookups are unexplained). Score: the lookups over what the earlier rate predicts (at least 1).</item>
/// </list>
/// </summary>
public sealed class AnomalyDetector(AnomalyOptions? options = null)
{
    public AnomalyOptions Options { get; } = options ?? new AnomalyOptions();

    public AnomalyScan Detect(IReadOnlyList<AccessRecord> records, IReadOnlyList<(string CaseRef, DateTimeOffset At)> compromised)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(compromised);
        var byUser = records
            .Where(record => record.UserId.Length > 0)
            .GroupBy(record => record.UserId, StringComparer.Ordinal)
            .Select(group => new UserHistory(group.Key, group.First().Agency, [.. group.OrderBy(record => record.At).ThenBy(record => record.Index)]))
            .ToList();

        var findings = new List<AnomalyFinding>();
        findings.AddRange(VolumeSpikes(byUser));
        findings.AddRange(byUser.Select(OutsideCases).OfType<AnomalyFinding>());
        findings.AddRange(byUser.Select(ExistenceProbing).OfType<AnomalyFinding>());
        findings.AddRange(LookupsBeforeCompromise(byUser, records, compromised));
        return new AnomalyScan(
            [.. findings.OrderByDescending(finding => finding.Score).ThenBy(finding => finding.UserId, StringComparer.Ordinal)],
            byUser.Count,
            records.Count);
    }

    private IEnumerable<AnomalyFinding> VolumeSpikes(List<UserHistory> users)
    {
        var agencyMedians = users
            .GroupBy(user => user.Agency, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => Median([.. group.Select(user => Median([.. user.Days.Values.Select(day => (double)day.Count)]))]), StringComparer.Ordinal);

        foreach (var user in users)
        {
            var peers = agencyMedians[user.Agency];
            foreach (var (day, entries) in user.Days)
            {
                var own = Median([.. user.Days.Where(other => other.Key != day).Select(other => (double)other.Value.Count)]);
                var baseline = Math.Max(Math.Max(own, peers), Options.SpikeFloorPerDay);
                if (entries.Count > Options.SpikeFactor * baseline)
                {
                    yield return Finding(AnomalyKind.VolumeSpike, user, entries.Count / baseline, entries,
                        $"{entries.Count} decisions on {day:yyyy-MM-dd}, {entries.Count / baseline:0.0}x the baseline of {baseline:0.#} a day "
                        + $"(own median {own:0.#}, {user.Agency} median {peers:0.#}, floor {Options.SpikeFloorPerDay})");
                }
            }
        }
    }

    private AnomalyFinding? OutsideCases(UserHistory user)
    {
        var caseReads = user.Records.Where(record => record.Effect is Effect.Permit or Effect.PermitRedacted && record.ResourceCaseRefs.Count > 0).ToList();
        var outside = caseReads.Where(record => !record.ResourceCaseRefs.Contains(record.CaseRef, StringComparer.Ordinal)).ToList();
        if (outside.Count < Options.OutsideCasesMinReads)
        {
            return null;
        }

        var share = (double)outside.Count / caseReads.Count;
        if (share <= Options.OutsideCasesMinShare)
        {
            return null;
        }

        var cases = outside.SelectMany(record => record.ResourceCaseRefs)
            .GroupBy(caseRef => caseRef, StringComparer.Ordinal)
            .OrderByDescending(group => group.Count())
            .Take(3)
            .Select(group => $"{group.Key} ({group.Count()})");
        var withoutCase = outside.Count(record => record.CaseRef.Length == 0);
        return Finding(AnomalyKind.OutsideCases, user, share / Options.OutsideCasesMinShare, outside,
            $"{outside.Count} of {caseReads.Count} reads of case material ({share.ToString("P0", CultureInfo.InvariantCulture)}) named another case"
            + $" ({withoutCase} named none); most read: {string.Join(", ", cases)}");
    }

    private AnomalyFinding? ExistenceProbing(UserHistory user)
    {
        var outcomes = user.Records.Where(record => record.Effect == Effect.ExistenceOnly).ToList();
        if (outcomes.Count < Options.ProbingMinDistinctResources)
        {
            return null;
        }

        // Sliding window over time, counting distinct resources inside it; of the windows that qualify, the one
        // with the most distinct resources is reported.
        var inWindow = new Dictionary<string, int>(StringComparer.Ordinal);
        var (bestStart, bestEnd, bestDistinct, bestShare) = (0, 0, 0, 0.0);
        var start = 0;
        for (var end = 0; end < outcomes.Count; end++)
        {
            inWindow[outcomes[end].ResourceId] = inWindow.GetValueOrDefault(outcomes[end].ResourceId) + 1;
            while (outcomes[end].At - outcomes[start].At >= Options.ProbingWindow)
            {
                var leaving = outcomes[start++].ResourceId;
                if (--inWindow[leaving] == 0)
                {
                    inWindow.Remove(leaving);
                }
            }

            if (inWindow.Count >= Options.ProbingMinDistinctResources && inWindow.Count > bestDistinct)
            {
                var share = (double)(end - start + 1) / user.CountBetween(outcomes[start].At, outcomes[end].At);
                if (share >= Options.ProbingMinShare)
                {
                    (bestStart, bestEnd, bestDistinct, bestShare) = (start, end, inWindow.Count, share);
                }
            }
        }

        if (bestDistinct == 0)
        {
            return null;
        }

        var window = outcomes.GetRange(bestStart, bestEnd - bestStart + 1);
        return Finding(AnomalyKind.ExistenceProbing, user, (double)bestDistinct / Options.ProbingMinDistinctResources, window,
            $"{window.Count} EXISTENCE_ONLY outcomes on {bestDistinct} distinct resources between {window[0].At:yyyy-MM-dd HH:mm} and {window[^1].At:yyyy-MM-dd HH:mm} UTC,"
            + $" {bestShare.ToString("P0", CultureInfo.InvariantCulture)} of the user's decisions then ({outcomes.Count} in the period)");
    }

    private IEnumerable<AnomalyFinding> LookupsBeforeCompromise(
        List<UserHistory> users, IReadOnlyList<AccessRecord> records, IReadOnlyList<(string CaseRef, DateTimeOffset At)> compromised)
    {
        if (compromised.Count == 0 || records.Count == 0)
        {
            yield break;
        }

        var observedFrom = records.Min(record => record.At);
        foreach (var (caseRef, compromisedAt) in compromised)
        {
            // A compromise recorded at the start of the calendar (a store from before Access checked it) has no window before it.
            var windowStart = compromisedAt - DateTimeOffset.MinValue > Options.CompromiseWindow ? compromisedAt - Options.CompromiseWindow : DateTimeOffset.MinValue;
            var earlier = windowStart - observedFrom;
            foreach (var user in users)
            {
                // Lookups for the case itself are its team's work; only lookups that name something else count.
                var lookups = user.Records.Where(record =>
                    record.CaseRef != caseRef && record.ResourceCaseRefs.Contains(caseRef, StringComparer.Ordinal)).ToList();
                var inWindow = lookups.Where(record => record.At >= windowStart && record.At < compromisedAt).ToList();
                if (inWindow.Count < Options.CompromiseMinLookups)
                {
                    continue;
                }

                var before = lookups.Count(record => record.At < windowStart);
                var expected = earlier > TimeSpan.Zero ? before * (Options.CompromiseWindow / earlier) : 0;
                if (expected > 0 && PoissonTail(expected, inWindow.Count) >= Options.CompromiseSignificance)
                {
                    continue;
                }

                var subjects = inWindow.Select(record => record.ResourceId).Distinct(StringComparer.Ordinal).Count();
                var hours = (compromisedAt - inWindow[0].At).TotalHours;
                yield return Finding(AnomalyKind.LookupBeforeCompromise, user, inWindow.Count / Math.Max(expected, 1), inWindow,
                    $"looked up {subjects} subject(s) of {caseRef} {inWindow.Count} time(s) in the {Options.CompromiseWindow.TotalHours:0} h before it was recorded compromised"
                    + $" at {compromisedAt:yyyy-MM-dd HH:mm} UTC (first {hours:0} h before), naming {Describe(inWindow.Select(record => record.CaseRef))}"
                    + $"; earlier habit predicts {expected:0.##}");
            }
        }
    }

    private AnomalyFinding Finding(AnomalyKind kind, UserHistory user, double score, IReadOnlyList<AccessRecord> entries, string description) =>
        new(kind, user.UserId, user.Agency, description, Math.Round(score, 3),
            [.. entries.Take(Options.MaxEntryIndexes).Select(record => record.Index)]);

    private static string Describe(IEnumerable<string> caseRefs)
    {
        var named = caseRefs.Select(caseRef => caseRef.Length == 0 ? "no case" : caseRef).Distinct(StringComparer.Ordinal).ToList();
        return string.Join(", ", named.Take(3)) + (named.Count > 3 ? ", ..." : "");
    }

    /// <summary>P(X &gt;= k) for X ~ Poisson(mean).</summary>
    private static double PoissonTail(double mean, int k)
    {
        double term = Math.Exp(-mean), below = 0;
        for (var i = 0; i < k; i++)
        {
            below += term;
            term *= mean / (i + 1);
        }

        return Math.Max(0, 1 - below);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private sealed class UserHistory(string userId, string agency, List<AccessRecord> records)
    {
        public string UserId { get; } = userId;

        public string Agency { get; } = agency;

        /// <summary>In time order.</summary>
        public List<AccessRecord> Records { get; } = records;

        /// <summary>Decisions from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
        public int CountBetween(DateTimeOffset from, DateTimeOffset to)
        {
            var first = LowerBound(from);
            var last = LowerBound(to);
            while (last < Records.Count && Records[last].At == to)
            {
                last++;
            }

            return last - first;
        }

        private int LowerBound(DateTimeOffset at)
        {
            int low = 0, high = Records.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (Records[middle].At < at)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }

        public Dictionary<DateOnly, List<AccessRecord>> Days { get; } = records
            .GroupBy(record => DateOnly.FromDateTime(record.At.UtcDateTime))
            .ToDictionary(group => group.Key, group => group.ToList());
    }
}
