using IntelShare.Audit.Domain;
using IntelShare.Contracts.V1;

namespace IntelShare.Audit.Tests;

/// <summary>
/// A generated month of access decisions across six agencies, with misuse planted on top. Ordinary users work on
/// one to three cases, read mostly their cases' material naming the case, sometimes the material of two related
/// cases or general intelligence, rarely without a case; their volume differs tenfold from user to user and
/// varies from day to day, weekends are quiet, and a few percent of outcomes are redacted, existence-only or denied.
/// </summary>
internal sealed class AccessHistory
{
    public static readonly string[] Agencies = ["NCA", "MPS", "BF", "HMRC", "GMP", "PSNI"];
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
    public const int Days = 30;

    public const string BulkReader = "planted-bulk";
    public const string OutsideBrowser = "planted-outside";
    public const string Prober = "planted-prober";
    public const string Insider = "planted-insider";

    private readonly Random _random;
    private readonly List<AccessRecord> _records = [];
    private readonly List<CaseFile> _cases = [];
    private readonly List<(string Id, string Holder)> _general = [];
    private readonly Dictionary<string, User> _users = new(StringComparer.Ordinal);

    private AccessHistory(int seed, int normalUsers, bool plantMisuse)
    {
        _random = new Random(seed);
        for (var c = 0; c < 36; c++)
        {
            var owner = Agencies[c % Agencies.Length];
            var subjects = Enumerable.Range(0, _random.Next(20, 60)).Select(s => $"OP-{c:D2}-S{s:D2}").ToArray();
            _cases.Add(new CaseFile($"OP-{c:D2}", owner, subjects));
        }

        for (var g = 0; g < 3000; g++)
        {
            _general.Add(($"R-{g:D5}", Agencies[_random.Next(Agencies.Length)]));
        }

        for (var u = 0; u < normalUsers; u++)
        {
            AddUser($"user-{u:D3}", Agencies[u % Agencies.Length]);
        }

        // Planted users do an ordinary median amount of ordinary work besides their misuse.
        foreach (var planted in new[] { BulkReader, OutsideBrowser, Prober, Insider })
        {
            AddUser(planted, Agencies[_random.Next(Agencies.Length)], volume: 12);
        }

        // The compromised operation: none of the insider's cases, and by an agency other than the insider's.
        var insider = _users[Insider];
        CompromisedCase = _cases.First(file => !insider.Cases.Contains(file) && !insider.Related.Contains(file) && file.Owner != insider.Agency);
        CompromisedAt = Start.AddDays(25).AddHours(14);
        Compromised = [(CompromisedCase.Ref, CompromisedAt)];

        // Some ordinary users work on the compromised case, and some read it as a related case: neither is misuse.
        foreach (var user in _users.Values.Where(user => !user.Id.StartsWith("planted", StringComparison.Ordinal)).Take(6))
        {
            user.Cases[0] = CompromisedCase;
        }

        foreach (var user in _users.Values.Where(user => !user.Id.StartsWith("planted", StringComparison.Ordinal)).Skip(6).Take(6))
        {
            user.Related[0] = CompromisedCase;
        }

        foreach (var user in _users.Values)
        {
            GenerateOrdinaryWork(user);
        }

        if (plantMisuse)
        {
            PlantMisuse();
        }

        _records.Sort((a, b) => a.At.CompareTo(b.At));
        Records = [.. _records.Select((record, index) => record with { Index = index })];
        PlantedIndexes = _records.Select((record, index) => (record, index)).Where(pair => pair.record.Index < 0).Select(pair => (long)pair.index).ToHashSet();
    }

    public IReadOnlyList<AccessRecord> Records { get; }

    public IReadOnlyList<(string CaseRef, DateTimeOffset At)> Compromised { get; }

    public CaseFile CompromisedCase { get; }

    public DateTimeOffset CompromisedAt { get; }

    /// <summary>Indexes of the planted misuse's records (not the planted users' ordinary work).</summary>
    public IReadOnlySet<long> PlantedIndexes { get; }

    public IEnumerable<string> NormalUsers => _users.Keys.Where(id => !id.StartsWith("planted", StringComparison.Ordinal));

    public static AccessHistory Generate(int seed, int normalUsers = 200, bool plantMisuse = true) => new(seed, normalUsers, plantMisuse);

    private void AddUser(string id, string agency, double? volume = null)
    {
        var own = Shuffled(_cases).Take(_random.Next(1, 4)).ToList();
        var related = Shuffled(_cases.Except(own)).Take(2).ToList();

        // Log-normal volume: a median user makes about 12 decisions a working day, some 2, some 80.
        _users[id] = new User(id, agency, own, related, volume ?? Math.Clamp(12 * Math.Exp(0.8 * Gaussian()), 1, 120));
    }

    private void GenerateOrdinaryWork(User user)
    {
        for (var day = 0; day < Days; day++)
        {
            var date = Start.AddDays(day);
            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (_random.NextDouble() > (weekend ? 0.15 : 0.8))
            {
                continue;
            }

            // Day-to-day variation around the user's own level (gamma, shape 5), then Poisson counts.
            var count = Poisson(user.DailyVolume * Gamma(5) / 5);
            for (var i = 0; i < count; i++)
            {
                Add(user, WorkingTime(date), OrdinaryRead(user), plant: false);
            }
        }
    }

    private (string Resource, string[] Cases, string Justification, Effect Effect) OrdinaryRead(User user)
    {
        var own = user.Cases[_random.Next(user.Cases.Count)];
        var roll = _random.NextDouble();
        var effect = OrdinaryEffect();
        if (roll < 0.72)
        {
            return (Pick(own.Subjects), [own.Ref], own.Ref, effect);
        }

        if (roll < 0.82)
        {
            var related = user.Related[_random.Next(user.Related.Count)];
            return (Pick(related.Subjects), [related.Ref], own.Ref, effect);
        }

        if (roll < 0.95)
        {
            return (_general[_random.Next(_general.Count)].Id, [], own.Ref, effect);
        }

        // Reads without a case: mostly general intelligence, now and then something from any case.
        if (_random.NextDouble() < 0.8)
        {
            return (_general[_random.Next(_general.Count)].Id, [], "", effect);
        }

        var any = _cases[_random.Next(_cases.Count)];
        return (Pick(any.Subjects), [any.Ref], "", effect);
    }

    private Effect OrdinaryEffect() => _random.NextDouble() switch
    {
        < 0.85 => Effect.Permit,
        < 0.94 => Effect.PermitRedacted,
        < 0.98 => Effect.ExistenceOnly,
        _ => Effect.Deny,
    };

    private void PlantMisuse()
    {
        // Bulk reading: one afternoon, several hundred records, as when someone exports a dataset.
        var bulk = _users[BulkReader];
        var bulkDay = Start.AddDays(18).AddHours(13);
        for (var i = 0; i < 600; i++)
        {
            var read = _random.NextDouble() < 0.5
                ? (_general[_random.Next(_general.Count)].Id, Array.Empty<string>(), bulk.Cases[0].Ref, Effect.Permit)
                : OrdinaryRead(bulk);
            Add(bulk, bulkDay.AddSeconds(i * 12), read, plant: true);
        }

        // Browsing outside one's cases: every working day, other cases' material, naming one's own case or none.
        var browser = _users[OutsideBrowser];
        for (var day = 0; day < Days; day += 1)
        {
            var date = Start.AddDays(day);
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            for (var i = 0; i < 15; i++)
            {
                var other = Shuffled(_cases.Except(browser.Cases)).First();
                var named = _random.NextDouble() < 0.5 ? browser.Cases[0].Ref : "";
                Add(browser, WorkingTime(date), (Pick(other.Subjects), [other.Ref], named, Effect.Permit), plant: true);
            }
        }

        // Probing: many subjects across agencies, mostly met with EXISTENCE_ONLY, over two sessions.
        var prober = _users[Prober];
        foreach (var (day, count) in new[] { (11, 40), (20, 25) })
        {
            var date = Start.AddDays(day).AddHours(15);
            for (var i = 0; i < count; i++)
            {
                var (id, _) = _general[_random.Next(_general.Count)];
                var effect = _random.NextDouble() < 0.9 ? Effect.ExistenceOnly : Effect.Deny;
                Add(prober, date.AddMinutes(i * 3), (id, [], prober.Cases[0].Ref, effect), plant: true);
            }
        }

        // The insider looks up subjects of an operation in the days before it is compromised.
        var insider = _users[Insider];
        var subjects = Shuffled(CompromisedCase.Subjects).Take(4).ToList();
        var hoursBefore = new[] { 61.0, 40.5, 39.0, 7.25 };
        for (var i = 0; i < subjects.Count; i++)
        {
            var effect = i % 2 == 0 ? Effect.Permit : Effect.ExistenceOnly;
            Add(insider, CompromisedAt.AddHours(-hoursBefore[i]), (subjects[i], [CompromisedCase.Ref], insider.Cases[0].Ref, effect), plant: true);
        }
    }

    /// <summary>Planted records get a negative index until the final numbering, so they can be told apart.</summary>
    private void Add(User user, DateTimeOffset at, (string Resource, string[] Cases, string Justification, Effect Effect) read, bool plant) =>
        _records.Add(new AccessRecord(plant ? -1 : 0, at, user.Id, user.Agency, read.Resource, read.Justification, read.Effect, read.Cases));

    private DateTimeOffset WorkingTime(DateTimeOffset date) =>
        date.AddHours(Math.Clamp(13 + 2.5 * Gaussian(), 6, 23)).AddSeconds(_random.Next(60));

    private string Pick(IReadOnlyList<string> items) => items[_random.Next(items.Count)];

    private IEnumerable<T> Shuffled<T>(IEnumerable<T> items) => items.OrderBy(_ => _random.Next());

    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    /// <summary>Gamma with integer shape k and scale 1: a sum of k exponentials.</summary>
    private double Gamma(int shape) => Enumerable.Range(0, shape).Sum(_ => -Math.Log(1 - _random.NextDouble()));

    private int Poisson(double mean)
    {
        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Gaussian()));
        }

        var (limit, product, count) = (Math.Exp(-mean), _random.NextDouble(), 0);
        while (product > limit)
        {
            product *= _random.NextDouble();
            count++;
        }

        return count;
    }

    internal sealed record CaseFile(string Ref, string Owner, IReadOnlyList<string> Subjects);

    private sealed record User(string Id, string Agency, List<CaseFile> Cases, List<CaseFile> Related, double DailyVolume);
}
