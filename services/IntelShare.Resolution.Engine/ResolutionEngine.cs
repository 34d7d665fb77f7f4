using System.Diagnostics;
using IntelShare.Resolution.Engine.Blocking;
using IntelShare.Resolution.Engine.Clustering;
using IntelShare.Resolution.Engine.Comparison;
using IntelShare.Resolution.Engine.Model;
using IntelShare.Resolution.Engine.Scoring;

namespace IntelShare.Resolution.Engine;

public sealed record ResolutionOptions
{
    /// <summary>Region for phone numbers written nationally when the record names no country (ISO alpha-2).</summary>
    public string? DefaultRegion { get; init; }

    /// <summary>Blocks larger than this are skipped and reported: they are a common value, not evidence.</summary>
    public int MaxBlockSize { get; init; } = 300;

    /// <summary>Link only records from different inputs (two files), rather than deduplicate one.</summary>
    public bool Linkage { get; init; }

    public EstimationOptions Estimation { get; init; } = new();

    /// <summary>
    /// Cores training and scoring may use at once (-1: all). A platform sharing a small node with intake and search
    /// leaves them one, so that a retrain does not stall everything else.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>On the caller's scheduler (Parallel's default is the thread pool): a retrain under a background projection stays in the background.</summary>
    internal ParallelOptions Parallelism => new() { MaxDegreeOfParallelism = MaxDegreeOfParallelism, TaskScheduler = TaskScheduler.Current };

    public ClusteringOptions Clustering { get; init; } = new();
}

public enum MatchDecision
{
    /// <summary>Above the upper threshold: the same entity.</summary>
    Link,

    /// <summary>Between the thresholds: an analyst decides.</summary>
    Review,

    /// <summary>Below the lower threshold.</summary>
    Apart,
}

public sealed class MatchCandidate(PreparedRecord record, double weight, double posterior, MatchDecision decision, Func<PairExplanation> explain)
{
    private PairExplanation? _explanation;

    public PreparedRecord Record { get; } = record;

    public double Weight { get; } = weight;

    public double Posterior { get; } = posterior;

    public MatchDecision Decision { get; } = decision;

    /// <summary>
    /// Worked out when first asked for: every record resolved under intake has candidates, but only the few an
    /// analyst looks at need the field-by-field account, which costs more than the score itself.
    /// </summary>
    public PairExplanation Explanation => _explanation ??= explain();
}

/// <summary>A new record's outcome: the cluster it joined (its own when nothing links) and its candidates.</summary>
public sealed record IncrementalResult(int RecordIndex, int Cluster, IReadOnlyList<MatchCandidate> Candidates, IReadOnlyList<MatchCandidate> Review);

public sealed record KindTraining(RecordKind Kind, int Records, BlockingReport Blocking, EstimationReport Estimation, FellegiSunterModel Model);

public sealed record ResolutionResult(
    IReadOnlyList<PreparedRecord> Records,
    ClusteringResult Clustering,
    IReadOnlyList<KindTraining> Training,
    DataQualityReport DataQuality,
    IReadOnlyDictionary<string, TimeSpan> Timings)
{
    public long CandidatePairs => Training.Sum(t => t.Blocking.CandidatePairs);
}

/// <summary>
/// The entity-resolution engine: trained without labels on the records it is given (u from random pairs, m by EM over
/// the blocked candidate pairs), it then holds those records in a blocking index so that a new record or a query is
/// scored against its candidates alone. Thread-safe for concurrent <see cref="Match"/>; <see cref="Resolve"/> calls
/// are serialised.
/// </summary>
public sealed class ResolutionEngine
{
    private readonly List<PreparedRecord> _records;
    private readonly Dictionary<RecordKind, KindState> _kinds;
    private readonly List<int> _clusterOf;
    private readonly Dictionary<string, TimeSpan> _timings;
    private readonly Lock _gate = new();
    private int _nextCluster;

    private ResolutionEngine(ResolutionOptions options, List<PreparedRecord> records, Dictionary<RecordKind, KindState> kinds, Dictionary<string, TimeSpan> timings)
    {
        Options = options;
        _records = records;
        _kinds = kinds;
        _timings = timings;
        _clusterOf = [.. Enumerable.Range(0, records.Count)];
        _nextCluster = records.Count;
    }

    public ResolutionOptions Options { get; }

    public IReadOnlyList<PreparedRecord> Records => _records;

    public IReadOnlyDictionary<string, TimeSpan> Timings => _timings;

    public IReadOnlyList<KindTraining> Training => [.. _kinds.Values.Select(k => k.Training)];

    public FellegiSunterModel? ModelFor(RecordKind kind) => _kinds.GetValueOrDefault(kind)?.Training.Model;

    /// <summary>Prepares, blocks and trains on <paramref name="records"/>; <paramref name="origins"/> gives each record's input when linking files.</summary>
    public static ResolutionEngine Create(IReadOnlyList<ResolutionRecord> records, ResolutionOptions? options = null, IReadOnlyList<int>? origins = null)
    {
        options ??= new ResolutionOptions();
        var timings = new Dictionary<string, TimeSpan>();
        var clock = Stopwatch.StartNew();
        var prepared = new PreparedRecord[records.Count];
        Parallel.For(0, records.Count, options.Parallelism, i => prepared[i] = Preparation.Prepare(records[i], options.DefaultRegion, origins?[i] ?? 0));
        Lap(timings, "prepare", clock);

        var kinds = new Dictionary<RecordKind, KindState>();
        foreach (var kind in prepared.Select(r => r.Kind).Distinct())
        {
            kinds[kind] = KindState.Train(kind, prepared, options, timings);
        }

        return new ResolutionEngine(options, [.. prepared], kinds, timings);
    }

    /// <summary>Scores every candidate pair and clusters them, applying the analysts' decisions first.</summary>
    public ResolutionResult ResolveAll(IEnumerable<HumanDecision>? decisions = null)
    {
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            var scored = new List<ScoredPair>();
            foreach (var state in _kinds.Values)
            {
                scored.AddRange(state.ScoreCandidates(_records, Options.Clustering.LowerPosterior, Options.Parallelism));
            }

            Lap(_timings, "score", clock);
            var ids = new Dictionary<string, int>(_records.Count, StringComparer.Ordinal);
            for (var i = 0; i < _records.Count; i++)
            {
                ids.TryAdd(_records[i].RecordId, i);
            }

            var resolved = (decisions ?? []).Where(d => ids.ContainsKey(d.RecordA) && ids.ContainsKey(d.RecordB))
                .Select(d => (ids[d.RecordA], ids[d.RecordB], d.SameEntity)).ToArray();
            var clusterer = new Clusterer(Weight, Options.Clustering);
            var clustering = clusterer.Cluster(
                _records.Count,
                scored,
                resolved.Where(d => d.SameEntity).Select(d => (d.Item1, d.Item2)),
                resolved.Where(d => !d.SameEntity).Select(d => (d.Item1, d.Item2)));
            for (var i = 0; i < _records.Count; i++)
            {
                _clusterOf[i] = clustering.ClusterOf[i];
            }

            _nextCluster = clustering.ClusterCount;
            Lap(_timings, "cluster", clock);
            return new ResolutionResult(_records, clustering, Training, DataQualityReport.Of(_records), new Dictionary<string, TimeSpan>(_timings));
        }
    }

    /// <summary>The best-scoring indexed records for a query person or organisation; the index is not changed.</summary>
    public IReadOnlyList<MatchCandidate> Match(ResolutionRecord query, int top = 10)
    {
        var prepared = Preparation.Prepare(query, Options.DefaultRegion);
        return Candidates(prepared, top, exclude: -1);
    }

    /// <summary>Adds one record: scores it against its candidates, joins the cluster of its strongest automatic link, and indexes it.</summary>
    public IncrementalResult Resolve(ResolutionRecord record, int top = 10)
    {
        var prepared = Preparation.Prepare(record, Options.DefaultRegion);
        lock (_gate)
        {
            var candidates = Candidates(prepared, top, exclude: -1);
            var index = _records.Count;
            _records.Add(prepared);
            var state = _kinds.TryGetValue(prepared.Kind, out var existing) ? existing : throw new InvalidOperationException($"The engine was not trained on {prepared.Kind} records.");
            state.Add(index, prepared);

            // The new record joins one cluster only: linking two existing clusters through it is the chaining
            // a single record must not cause, so further automatic links go to review instead.
            var links = candidates.Where(c => c.Decision == MatchDecision.Link).ToArray();
            var cluster = links.Length > 0 ? _clusterOf[IndexOf(links[0].Record)] : _nextCluster++;
            _clusterOf.Add(cluster);
            var review = candidates.Where(c => c.Decision == MatchDecision.Review || (c.Decision == MatchDecision.Link && _clusterOf[IndexOf(c.Record)] != cluster)).ToArray();
            return new IncrementalResult(index, cluster, candidates, review);
        }
    }

    public int ClusterOf(int recordIndex) => _clusterOf[recordIndex];

    /// <summary>Whether blocking made the two records a candidate pair (for measuring blocking recall).</summary>
    public bool IsCandidatePair(int a, int b) =>
        _records[a].Kind == _records[b].Kind && _kinds[_records[a].Kind].Contains(Math.Min(a, b), Math.Max(a, b));

    public PairExplanation Explain(int a, int b) => _kinds[_records[a].Kind].Training.Model.Explain(_records[a], _records[b]);

    private double Weight(int a, int b) =>
        _records[a].Kind == _records[b].Kind ? _kinds[_records[a].Kind].Training.Model.Score(_records[a], _records[b]).Weight : double.NegativeInfinity;

    private int IndexOf(PreparedRecord record) => record.Index;

    private List<MatchCandidate> Candidates(PreparedRecord query, int top, int exclude)
    {
        if (!_kinds.TryGetValue(query.Kind, out var state))
        {
            return [];
        }

        var model = state.Training.Model;
        var scored = new List<(int Index, double Weight)>();
        foreach (var candidate in state.Index.Candidates(query))
        {
            if (candidate != exclude)
            {
                scored.Add((candidate, model.Score(query, _records[candidate]).Weight));
            }
        }

        scored.Sort((x, y) => y.Weight.CompareTo(x.Weight));
        var thresholds = Options.Clustering;
        return [.. scored.Take(top).Select(s =>
        {
            var posterior = model.Posterior(s.Weight);
            var decision = posterior >= thresholds.UpperPosterior ? MatchDecision.Link : posterior >= thresholds.LowerPosterior ? MatchDecision.Review : MatchDecision.Apart;
            var candidate = _records[s.Index];
            return new MatchCandidate(candidate, s.Weight, posterior, decision, () => model.Explain(query, candidate));
        })];
    }

    private static void Lap(Dictionary<string, TimeSpan> timings, string stage, Stopwatch clock)
    {
        timings[stage] = timings.GetValueOrDefault(stage) + clock.Elapsed;
        clock.Restart();
    }

    /// <summary>One kind's model, index and candidate pairs with their comparison vectors.</summary>
    private sealed class KindState
    {
        private ulong[] _pairs = [];
        private ulong[] _patterns = [];

        public required KindTraining Training { get; init; }

        public required BlockingIndex Index { get; init; }

        public static KindState Train(RecordKind kind, PreparedRecord[] records, ResolutionOptions options, Dictionary<string, TimeSpan> timings)
        {
            var clock = Stopwatch.StartNew();
            var comparisons = ComparisonSets.For(kind);
            var members = Enumerable.Range(0, records.Length).Where(i => records[i].Kind == kind).ToArray();
            foreach (var i in members)
            {
                records[i].Index = i;
            }

            var index = BlockingIndex.Build(BlockingRules.For(kind), records, members, options.MaxBlockSize);
            Lap(timings, "blocking index", clock);
            var (pairs, blocking) = index.CandidatePairs(records, options.Linkage);
            Lap(timings, "candidate pairs", clock);

            var patterns = new ulong[pairs.Length];
            Parallel.For(0, pairs.Length, options.Parallelism, p => patterns[p] = Vector(comparisons, records[(int)(pairs[p] >> 32)], records[(int)(uint)pairs[p]]));
            Lap(timings, "comparison vectors", clock);

            var memberRecords = members.Select(i => records[i]).ToArray();
            var u = Estimation.EstimateU(comparisons, memberRecords, options.Estimation, options.Linkage, options.Parallelism);
            Lap(timings, "estimate u", clock);

            // Prior: about one true pair per four records among the candidates, a deduplication's usual order; EM moves it.
            var prior = pairs.Length == 0 ? 0.01 : 0.25 * members.Length / pairs.Length;
            var (m, estimation) = Estimation.EstimateMBySessions(comparisons, Estimation.Patterns(patterns), u, prior, options.Estimation);
            var terms = new TermFrequencies(comparisons);
            foreach (var record in memberRecords)
            {
                terms.Add(record);
            }

            // The weights compare m with the random-pair u, so their prior is the match share among all pairs, not among candidates.
            var allPairs = options.Linkage
                ? memberRecords.GroupBy(r => r.Origin).Select(g => (double)g.Count()).Aggregate((sum: 0.0, product: 0.0), (acc, n) => (acc.sum + n, acc.product + (acc.sum * n))).product
                : members.Length * (members.Length - 1.0) / 2;
            // One pseudo-match (Laplace): data with no duplicates yet, e.g. the first few records a platform sees, would
            // otherwise give a prior so small that no later evidence, however strong, could link anything.
            var matchShare = Math.Clamp((estimation.MatchProportion * pairs.Length + 1) / (allPairs + 2), 1e-12, 0.5);
            var model = new FellegiSunterModel(comparisons, m, u, matchShare, terms);
            Lap(timings, "estimate m (EM)", clock);
            return new KindState
            {
                Training = new KindTraining(kind, members.Length, blocking, estimation, model),
                Index = index,
                _pairs = pairs,
                _patterns = patterns,
            };
        }

        public bool Contains(int low, int high) => Array.BinarySearch(_pairs, ((ulong)low << 32) | (uint)high) >= 0;

        public void Add(int index, PreparedRecord record)
        {
            record.Index = index;
            Index.Add(index, record);
            Training.Model.Terms.Add(record);
        }

        /// <summary>Weights of every candidate pair from its stored comparison vector; only those at or above <paramref name="minimumPosterior"/> are kept.</summary>
        public List<ScoredPair> ScoreCandidates(IReadOnlyList<PreparedRecord> records, double minimumPosterior, ParallelOptions parallelism)
        {
            var model = Training.Model;
            var minimumWeight = model.WeightAt(minimumPosterior);
            var kept = new System.Collections.Concurrent.ConcurrentBag<List<ScoredPair>>();
            Parallel.For(0, _pairs.Length, parallelism, () => new List<ScoredPair>(), (p, _, local) =>
            {
                var (a, b) = ((int)(_pairs[p] >> 32), (int)(uint)_pairs[p]);
                var weight = 0.0;
                for (var c = 0; c < model.Comparisons.Count; c++)
                {
                    weight += model.Weight(c, FellegiSunterModel.Level(_patterns[p], c), records[a], records[b]);
                }

                if (weight >= minimumWeight)
                {
                    local.Add(new ScoredPair(a, b, weight, model.Posterior(weight)));
                }

                return local;
            }, kept.Add);
            return [.. kept.SelectMany(l => l)];
        }

        private static ulong Vector(IReadOnlyList<FieldComparison> comparisons, PreparedRecord a, PreparedRecord b)
        {
            ulong pattern = 0;
            for (var c = 0; c < comparisons.Count; c++)
            {
                pattern |= (ulong)comparisons[c].Compare(a, b) << (4 * c);
            }

            return pattern;
        }
    }
}
