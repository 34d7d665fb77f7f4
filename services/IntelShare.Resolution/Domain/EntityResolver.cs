using System.Collections.Concurrent;
using Google.Protobuf;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Resolution.Engine;
using IntelShare.Resolution.Engine.Clustering;
using IntelShare.Resolution.Engine.Model;
using IntelShare.Resolution.Engine.Scoring;
using MatchCandidate = IntelShare.Resolution.Engine.MatchCandidate;
using PairExplanation = IntelShare.Resolution.Engine.Scoring.PairExplanation;

namespace IntelShare.Resolution.Domain;

/// <summary>A candidate entity for a query or a new record: its best-matching record and why.</summary>
public sealed record EntityMatch(string EntityId, string RecordId, double Weight, double Posterior, PairExplanation Explanation);

public sealed record EntitySnapshot(string EntityId, long Version, IReadOnlyList<Record> Records);

/// <summary>An analyst's decision as the resolver applies it.</summary>
public sealed record AnalystDecision(
    DecisionKind Kind,
    string RecordA,
    string RecordB,
    IReadOnlyList<(string EntityId, long Version)> Entities,
    IReadOnlyList<string> RecordIds,
    string Reason)
{
    /// <summary>
    /// Members of the entities that the analyst may not learn exist. The decision is taken on the rest, as the analyst
    /// sees the entities: these stay in their entity on a split, move with it on a merge, and are in no pair recorded.
    /// </summary>
    public IReadOnlySet<string> Undisclosed { get; init; } = new HashSet<string>();
}

public sealed record DecisionOutcome(long DecisionId, IReadOnlyList<EntityIdChange> Changes);

public sealed record ResolverOptions
{
    public ResolutionOptions Engine { get; init; } = new();

    /// <summary>
    /// Up to this many records the model is retrained each time the data doubles; beyond it, only on a re-run. EM's
    /// estimates have settled by some ten thousand records, while a retrain and re-cluster of 64,000 took over a
    /// minute of one core here, during which no record was resolved and the projection fell behind intake.
    /// </summary>
    public int IncrementalRetrainLimit { get; init; } = 20_000;
}

public sealed record RerunOutcome(int Entities, int AutoLinks, int ReviewPairs, IReadOnlyList<EntityIdChange> Changes);

/// <summary>
/// Resolution as a running service: each new person or organisation record is scored against its candidates and
/// joins the entity of its strongest automatic link (or starts one), borderline pairs go to the review queue, and
/// a record that resolves to an entity another agency holds raises a hit for both agencies. Analysts' decisions
/// are kept as must-link and cannot-link pairs that override the model now and in every re-run; a full re-run
/// retrains the model and keeps entity ids stable. All writes are serialised and commit with the projection
/// checkpoint, so a change re-applied after a crash does nothing twice.
/// </summary>
public sealed class EntityResolver : IEntityDirectory, IEntityMembershipFeed, IDisposable
{
    private readonly ResolutionStore _store;
    private readonly ResolverOptions _options;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _state = new();
    private readonly Dictionary<string, HeldRecord> _records = new(StringComparer.Ordinal);
    // Concurrent so that the entity of a record can be read without the state lock, which a re-cluster holds for
    // seconds: the graph and search read it for every batch they project.
    private readonly ConcurrentDictionary<string, string> _entityOf;
    private readonly Dictionary<string, SortedSet<string>> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _versions;
    private readonly List<StoredDecision> _decisions;
    private readonly Dictionary<string, int> _engineIndex = new(StringComparer.Ordinal);
    private ResolutionEngine? _engine;
    private int _trainedOn;
    private bool _retrainedSinceRecluster;
    private TaskCompletionSource _hitsAdded = NewSignal();

    // Records that changed entity during the write in progress, with the entity each left first: a merge or re-cluster
    // that brings two agencies' records together raises hits as an arrival does.
    private readonly List<(string RecordId, string From)> _moves = [];

    public EntityResolver(ResolutionStore store, ResolverOptions options, TimeProvider clock)
    {
        _store = store;
        _options = options;
        _clock = clock;
        foreach (var record in store.Records())
        {
            _records[record.RecordId] = HeldRecord.Of(record);
        }

        _entityOf = new ConcurrentDictionary<string, string>(store.Membership(), StringComparer.Ordinal);
        foreach (var (record, entity) in _entityOf)
        {
            MembersOf(entity).Add(record);
        }

        _versions = store.EntityVersions();
        _decisions = [.. store.Decisions()];
        if (_records.Count > 0)
        {
            Train();
        }
    }

    public long Checkpoint => _store.Checkpoint;

    public async Task<IReadOnlyList<MembershipChange>> ChangesAfterAsync(long sequence, int limit, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return _store.MembershipChangesAfter(sequence, limit);
        }
        finally
        {
            _writer.Release();
        }
    }

    public int RecordCount
    {
        get
        {
            lock (_state)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>Applies a batch of the change log (people and organisations; other records only move the checkpoint).</summary>
    public async Task ApplyAsync(IReadOnlyList<ChangeEvent> changes, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var hits = false;
            _store.Write(writer =>
            {
                foreach (var change in changes)
                {
                    BackgroundPriority.YieldToCalls();
                    if (change.Record is { } record && ResolutionRecordMapping.IsResolvable(record))
                    {
                        hits |= Apply(writer, record);
                    }
                }

                writer.SetCheckpoint(changes[^1].Sequence);
                return 0;
            });

            // Records resolved while the data was small were linked by a model trained on little; once the model
            // has been retrained on twice as much, the earlier decisions are revisited (ids stay stable).
            if (_retrainedSinceRecluster)
            {
                _retrainedSinceRecluster = false;
                Recluster(null);
            }

            if (hits)
            {
                SignalHits();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// The best-matching entities, each through its best-scoring record among those <paramref name="preferred"/> accepts
    /// (a record the caller may be shown), or among all of its records when it accepts none of them.
    /// </summary>
    public IReadOnlyList<EntityMatch> Match(ResolutionRecord query, int top, Func<string, bool>? preferred = null)
    {
        var candidates = new List<EntityMatch>();
        lock (_state)
        {
            if (_engine is null || _engine.ModelFor(query.Kind) is null)
            {
                return [];
            }

            foreach (var candidate in _engine.Match(query, top * 4))
            {
                if (_entityOf.TryGetValue(candidate.Record.RecordId, out var entity) && _records.ContainsKey(candidate.Record.RecordId))
                {
                    candidates.Add(new EntityMatch(entity, candidate.Record.RecordId, candidate.Weight, candidate.Posterior, candidate.Explanation));
                }
            }
        }

        // Asked once per record, and after the lock: the caller may read and decide on each record, which intake
        // and re-clustering should not wait for.
        return [.. candidates
            .GroupBy(match => match.EntityId, StringComparer.Ordinal)
            .Select(entity => entity
                .OrderByDescending(match => preferred is null || preferred(match.RecordId))
                .ThenByDescending(match => match.Weight)
                .First())
            .OrderByDescending(match => match.Weight)
            .Take(top)];
    }

    public EntitySnapshot? GetEntity(string entityId)
    {
        // Only copying the held records needs the lock; parsing them after it keeps intake and re-clusters from waiting.
        HeldRecord[] held;
        long version;
        lock (_state)
        {
            if (!_members.TryGetValue(entityId, out var members) || members.Count == 0)
            {
                return null;
            }

            held = [.. members.Select(id => _records[id])];
            version = _versions.GetValueOrDefault(entityId, 1);
        }

        return new EntitySnapshot(entityId, version, [.. held.Select(record => record.Parse())]);
    }

    public string? EntityOf(string recordId) => _entityOf.GetValueOrDefault(recordId);

    public IReadOnlyDictionary<string, string> EntitiesOf(IEnumerable<string> recordIds) => EntityLookup.Of(recordIds, EntityOf);

    public IReadOnlyList<string> RecordsOf(string entityId)
    {
        lock (_state)
        {
            return _members.TryGetValue(entityId, out var members) ? [.. members] : [];
        }
    }

    public Record? FindRecord(string recordId)
    {
        HeldRecord held;
        lock (_state)
        {
            if (!_records.TryGetValue(recordId, out held))
            {
                return null;
            }
        }

        return held.Parse();
    }

    /// <summary>Why two records are (or are not) the same, as the current model scores them.</summary>
    public PairExplanation Explain(string recordA, string recordB)
    {
        lock (_state)
        {
            if (_engine is null || !_engineIndex.TryGetValue(recordA, out var a) || !_engineIndex.TryGetValue(recordB, out var b))
            {
                throw new NotFoundException("Record", _engineIndex.ContainsKey(recordA) ? recordB : recordA);
            }

            if (_engine.Records[a].Kind != _engine.Records[b].Kind)
            {
                throw new ValidationFailedException([new FieldViolation("right_record_id", "is not the same kind of record (a person cannot be an organisation)")]);
            }

            return _engine.Explain(a, b);
        }
    }

    /// <summary>The analyst decision on the pair, if any: it overrides the model.</summary>
    public bool? DecidedSame(string recordA, string recordB)
    {
        lock (_state)
        {
            return LastDecision(recordA, recordB);
        }
    }

    public IReadOnlyList<ReviewPair> ReviewQueue() => _store.Review();

    public IReadOnlyList<StoredHit> HitsFor(string agency, long afterId, int limit) => _store.HitsFor(agency, afterId, limit);

    private void SignalHits() => Interlocked.Exchange(ref _hitsAdded, NewSignal()).TrySetResult();

    public Task WaitForHitsAsync(CancellationToken cancellationToken) => Volatile.Read(ref _hitsAdded).Task.WaitAsync(cancellationToken);

    public async Task<DecisionOutcome> DecideAsync(AnalystDecision decision, Subject by, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var now = _clock.GetUtcNow();
            var raised = false;
            var invalid = new Violations();
            Validate(decision, invalid);
            invalid.ThrowIfAny();
            var decided = _store.Write(writer =>
            {
                lock (_state)
                {
                    _moves.Clear();
                    var outcome = decision.Kind switch
                    {
                        DecisionKind.Confirm or DecisionKind.Reject => DecidePair(writer, decision, by, now),
                        DecisionKind.Merge => Merge(writer, decision, by, now),
                        DecisionKind.Split => Split(writer, decision, by, now),
                        _ => throw new ValidationFailedException([new FieldViolation("kind", "must be confirm, reject, merge or split")]),
                    };

                    // An analyst joined them: certain.
                    raised = RaiseHitsForMoves(writer, (_, _) => 1.0);
                    return outcome;
                }
            });

            // Once committed: a waiter reads the hits as soon as it is told.
            if (raised)
            {
                SignalHits();
            }

            return decided;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Retrains on every record and re-clusters, applying all analyst decisions; entity ids stay stable.</summary>
    public async Task<RerunOutcome> RerunAsync(IProgress<(string Stage, long Done, long Total)> progress, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return Recluster(progress);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Trains on every record, clusters them with every analyst decision applied, and keeps ids stable. Holds the writer.</summary>
    private RerunOutcome Recluster(IProgress<(string Stage, long Done, long Total)>? progress)
    {
        List<HeldRecord> records;
        List<HumanDecision> decisions;
        lock (_state)
        {
            // Parsed after the lock is released: copying the held arrays is all that needs it.
            records = [.. _records.Values];
            decisions = [.. _decisions.Select(d => new HumanDecision(d.RecordA, d.RecordB, d.SameEntity))];
        }

        progress?.Report(("train", 0, records.Count));
        var engine = ResolutionEngine.Create(ToEngine(records), _options.Engine);
        progress?.Report(("cluster", records.Count / 2, records.Count));
        var result = engine.ResolveAll(decisions);
        var clusters = result.Clustering.Clusters().Select(c => (IReadOnlyList<string>)[.. c.Select(i => engine.Records[i].RecordId)]).ToList();
        var now = _clock.GetUtcNow();
        var raised = false;
        var outcome = _store.Write(writer =>
        {
            lock (_state)
            {
                _moves.Clear();
                var assignment = EntityIdAssigner.Assign(clusters, _entityOf, () => NewEntityId(writer));
                foreach (var (recordId, entityId) in assignment.EntityOf)
                {
                    if (_entityOf.GetValueOrDefault(recordId) != entityId)
                    {
                        Move(writer, recordId, entityId);
                    }
                }

                foreach (var change in assignment.Changes)
                {
                    writer.AddIdChange(change, now);
                }

                writer.ClearReview();
                foreach (var pair in result.Clustering.Review)
                {
                    var (a, b) = (engine.Records[pair.A].RecordId, engine.Records[pair.B].RecordId);
                    if (LastDecision(a, b) is null && _entityOf.GetValueOrDefault(a) != _entityOf.GetValueOrDefault(b))
                    {
                        writer.PutReview(a, b, pair.Posterior);
                    }
                }

                UseEngine(engine, records.Count);
                raised = RaiseHitsForMoves(writer, ModelPosterior);

                return new RerunOutcome(
                    _members.Count(m => m.Value.Count > 0),
                    result.Clustering.ClusterOf.Length - result.Clustering.ClusterCount,
                    result.Clustering.Review.Count,
                    assignment.Changes);
            }
        });
        if (raised)
        {
            SignalHits();
        }

        progress?.Report(("done", records.Count, records.Count));
        return outcome;
    }

    /// <summary>Forgets every projected record (analysts' decisions stay and apply again as records return).</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            _store.Write(writer =>
            {
                writer.Reset();
                return 0;
            });
            lock (_state)
            {
                _records.Clear();
                _entityOf.Clear();
                _members.Clear();
                _versions.Clear();
                _engineIndex.Clear();
                _engine = null;
                _trainedOn = 0;
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose()
    {
        _store.Dispose();
        _writer.Dispose();
    }

    /// <summary>One record version; true when it raised a cross-agency hit.</summary>
    private bool Apply(StoreWriter writer, Record record)
    {
        lock (_state)
        {
            _moves.Clear();
            if (_records.TryGetValue(record.RecordId, out var held) && held.Version >= record.Version && held.Withdrawn == record.Withdrawn)
            {
                return false;
            }

            if (_entityOf.ContainsKey(record.RecordId))
            {
                Leave(writer, record.RecordId);
            }

            if (record.Withdrawn)
            {
                _records.Remove(record.RecordId);
                writer.RemoveRecord(record.RecordId);
                return false;
            }

            _records[record.RecordId] = HeldRecord.Of(record);
            writer.PutRecord(record);
            var candidates = Candidates(record);
            var chosen = ChooseEntity(record.RecordId, candidates);
            var entityId = chosen ?? NewEntityId(writer);
            Move(writer, record.RecordId, entityId);
            foreach (var candidate in candidates.Where(c => c.Decision != MatchDecision.Apart))
            {
                var other = candidate.Record.RecordId;
                if (_entityOf.GetValueOrDefault(other) is { } otherEntity && otherEntity != entityId && LastDecision(record.RecordId, other) is null)
                {
                    writer.PutReview(record.RecordId, other, candidate.Posterior);
                }
            }

            return RaiseHits(writer, record, entityId, candidates);
        }
    }

    /// <summary>The entity a new record joins: one an analyst tied it to, else its strongest automatic link's, unless a rejection forbids it.</summary>
    private string? ChooseEntity(string recordId, IReadOnlyList<MatchCandidate> candidates)
    {
        foreach (var decision in _decisions.Where(d => d.SameEntity && (d.RecordA == recordId || d.RecordB == recordId)).Reverse())
        {
            var other = decision.RecordA == recordId ? decision.RecordB : decision.RecordA;
            if (_entityOf.GetValueOrDefault(other) is { } entity && !Rejected(recordId, entity))
            {
                return entity;
            }
        }

        foreach (var candidate in candidates.Where(c => c.Decision == MatchDecision.Link))
        {
            if (_entityOf.GetValueOrDefault(candidate.Record.RecordId) is { } entity
                && LastDecision(recordId, candidate.Record.RecordId) != false
                && !Rejected(recordId, entity))
            {
                return entity;
            }
        }

        return null;
    }

    private bool Rejected(string recordId, string entityId) =>
        MembersOf(entityId).Any(member => LastDecision(recordId, member) == false);

    private bool RaiseHits(StoreWriter writer, Record record, string entityId, IReadOnlyList<MatchCandidate> candidates)
    {
        var agency = record.Content?.Marking?.OriginatorAgency ?? "";
        var raised = false;
        var now = _clock.GetUtcNow();
        foreach (var member in MembersOf(entityId))
        {
            if (member == record.RecordId || !_records.TryGetValue(member, out var other))
            {
                continue;
            }

            var otherAgency = other.OriginatorAgency;
            if (otherAgency.Length == 0 || otherAgency == agency)
            {
                continue;
            }

            var probability = candidates.FirstOrDefault(c => c.Record.RecordId == member)?.Posterior ?? 1.0;
            AddHitPair(writer, entityId, record.RecordId, agency, member, otherAgency, probability, now);
            raised = true;
        }

        return raised;
    }

    /// <summary>
    /// Hits for the records the write moved: each pair of different agencies' records that are in one entity now and
    /// were not before. Pairs that moved together were together already, and were told of then.
    /// </summary>
    private bool RaiseHitsForMoves(StoreWriter writer, Func<string, string, double> probability)
    {
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (recordId, left) in _moves)
        {
            from.TryAdd(recordId, left);
        }

        _moves.Clear();
        var now = _clock.GetUtcNow();
        var raised = false;
        foreach (var (recordId, left) in from)
        {
            if (!_entityOf.TryGetValue(recordId, out var entityId) || !_records.TryGetValue(recordId, out var moved) || moved.OriginatorAgency.Length == 0)
            {
                continue;
            }

            foreach (var member in MembersOf(entityId))
            {
                if (member == recordId || !_records.TryGetValue(member, out var other) || other.OriginatorAgency.Length == 0
                    || other.OriginatorAgency == moved.OriginatorAgency || from.GetValueOrDefault(member, entityId) == left)
                {
                    continue;
                }

                AddHitPair(writer, entityId, recordId, moved.OriginatorAgency, member, other.OriginatorAgency, probability(recordId, member), now);
                raised = true;
            }
        }

        return raised;
    }

    /// <summary>
    /// Each agency is told of its own record and the other agency's: the holder of the record already in the entity
    /// hears of the one that came, and the agency whose record came hears of the one already there.
    /// </summary>
    private static void AddHitPair(
        StoreWriter writer, string entityId, string cameRecord, string cameAgency, string heldRecord, string heldAgency, double probability, DateTimeOffset at)
    {
        writer.AddHit(entityId, heldRecord, cameAgency, heldAgency, cameRecord, probability, at);
        writer.AddHit(entityId, cameRecord, cameAgency, cameAgency, heldRecord, probability, at);
    }

    /// <summary>The current model's probability that two records are one, or 1 where it cannot say (records of different kinds, or not in it).</summary>
    private double ModelPosterior(string recordA, string recordB) =>
        _engine is { } engine && _engineIndex.TryGetValue(recordA, out var a) && _engineIndex.TryGetValue(recordB, out var b)
            && engine.Records[a].Kind == engine.Records[b].Kind
            ? engine.Explain(a, b).Posterior
            : 1.0;

    /// <summary>Scores a new record against what is indexed, retraining first while the data is still small enough that each doubling matters.</summary>
    private IReadOnlyList<MatchCandidate> Candidates(Record record)
    {
        var query = ResolutionRecordMapping.ToEngine(record);
        var retrain = _engine is null || _engine.ModelFor(query.Kind) is null || (_records.Count >= 2 * _trainedOn && _records.Count <= _options.IncrementalRetrainLimit);
        if (retrain)
        {
            Train();
            _retrainedSinceRecluster = _records.Count > 1;
            return [.. _engine!.Match(query, 10).Where(c => c.Record.RecordId != record.RecordId && _records.ContainsKey(c.Record.RecordId))];
        }

        var result = _engine!.Resolve(query);
        _engineIndex[record.RecordId] = result.RecordIndex;
        return [.. result.Candidates.Where(c => c.Record.RecordId != record.RecordId && _records.ContainsKey(c.Record.RecordId))];
    }

    private void Train()
    {
        UseEngine(ResolutionEngine.Create(ToEngine(_records.Values), _options.Engine), _records.Count);
    }

    /// <summary>The engine's view of held records, parsed one at a time rather than all kept as messages first.</summary>
    private static ResolutionRecord[] ToEngine(IEnumerable<HeldRecord> records) =>
        [.. records.Select(held => ResolutionRecordMapping.ToEngine(held.Parse()))];

    private void UseEngine(ResolutionEngine engine, int trainedOn)
    {
        _engine = engine;
        _trainedOn = Math.Max(1, trainedOn);
        _engineIndex.Clear();
        for (var i = 0; i < engine.Records.Count; i++)
        {
            _engineIndex[engine.Records[i].RecordId] = i;
        }
    }

    private DecisionOutcome DecidePair(StoreWriter writer, AnalystDecision decision, Subject by, DateTimeOffset now)
    {
        foreach (var recordId in new[] { decision.RecordA, decision.RecordB })
        {
            if (!_records.ContainsKey(recordId))
            {
                throw new PreconditionFailedException($"Record {recordId} is not resolved (unknown, withdrawn or not a person or organisation).");
            }
        }

        var same = decision.Kind == DecisionKind.Confirm;
        var id = Record(writer, decision.Kind, decision.RecordA, decision.RecordB, same, decision.Reason, by, now);
        writer.RemoveReview(decision.RecordA, decision.RecordB);
        var (entityA, entityB) = (_entityOf[decision.RecordA], _entityOf[decision.RecordB]);
        var changes = new List<EntityIdChange>();
        if (same && entityA != entityB)
        {
            var keep = string.CompareOrdinal(entityA, entityB) <= 0 ? entityA : entityB;
            var gone = keep == entityA ? entityB : entityA;
            foreach (var member in MembersOf(gone).ToList())
            {
                Move(writer, member, keep);
            }

            changes.Add(new EntityIdChange("merged", [entityA, entityB], [keep]));
        }
        else if (!same && entityA == entityB)
        {
            var split = NewEntityId(writer);
            Move(writer, decision.RecordB, split);
            changes.Add(new EntityIdChange("split", [entityA], [entityA, split]));
        }

        Log(writer, changes, now);
        return new DecisionOutcome(id, changes);
    }

    private DecisionOutcome Merge(StoreWriter writer, AnalystDecision decision, Subject by, DateTimeOffset now)
    {
        RequireVersions(decision.Entities);
        var ids = decision.Entities.Select(e => e.EntityId).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToList();
        var keep = ids[0];
        var anchor = DisclosedMembers(keep, decision).First();
        long decisionId = 0;
        foreach (var other in ids.Skip(1))
        {
            decisionId = Record(writer, DecisionKind.Merge, anchor, DisclosedMembers(other, decision).First(), true, decision.Reason, by, now);
            foreach (var member in MembersOf(other).ToList())
            {
                Move(writer, member, keep);
            }
        }

        var changes = new List<EntityIdChange> { new("merged", ids, [keep]) };
        Log(writer, changes, now);
        return new DecisionOutcome(decisionId, changes);
    }

    private DecisionOutcome Split(StoreWriter writer, AnalystDecision decision, Subject by, DateTimeOffset now)
    {
        RequireVersions(decision.Entities);
        var entityId = decision.Entities[0].EntityId;
        var members = DisclosedMembers(entityId, decision);
        var leaving = decision.RecordIds.Distinct(StringComparer.Ordinal).ToList();
        var violations = new Violations();
        for (var i = 0; i < decision.RecordIds.Count; i++)
        {
            violations.Require(members.Contains(decision.RecordIds[i]), $"record_ids[{i}]", $"'{decision.RecordIds[i]}' is not in entity {entityId}");
        }

        violations.Require(leaving.Count < members.Count, "record_ids", "a split must leave at least one record in the entity");
        violations.ThrowIfAny();

        var staying = members.Except(leaving, StringComparer.Ordinal).ToList();
        long decisionId = 0;
        foreach (var leaver in leaving)
        {
            foreach (var stayer in staying)
            {
                decisionId = Record(writer, DecisionKind.Split, leaver, stayer, false, decision.Reason, by, now);
            }
        }

        for (var i = 1; i < leaving.Count; i++)
        {
            Record(writer, DecisionKind.Split, leaving[0], leaving[i], true, decision.Reason, by, now);
        }

        var split = NewEntityId(writer);
        foreach (var leaver in leaving)
        {
            Move(writer, leaver, split);
        }

        var changes = new List<EntityIdChange> { new("split", [entityId], [entityId, split]) };
        Log(writer, changes, now);
        return new DecisionOutcome(decisionId, changes);
    }

    /// <summary>
    /// What a decision must name, whatever the entities are now, with the request's field names: checked before any
    /// record or entity is looked up, so that a blank id is refused as such rather than as one that is not there. A
    /// kind out of range is left to MessageShape, which names it.
    /// </summary>
    public static void Validate(AnalystDecision decision, Violations violations)
    {
        violations.Require(!string.IsNullOrWhiteSpace(decision.Reason), "reason", "is required: say why, for the next analyst and for oversight");
        switch (decision.Kind)
        {
            case DecisionKind.Unspecified:
                violations.Add("kind", "is required: confirm, reject, merge or split");
                break;
            case DecisionKind.Confirm or DecisionKind.Reject:
                violations.Require(!string.IsNullOrWhiteSpace(decision.RecordA), "left_record_id", "is required");
                violations.Require(!string.IsNullOrWhiteSpace(decision.RecordB), "right_record_id", "is required");
                violations.Require(
                    decision.RecordA != decision.RecordB || string.IsNullOrWhiteSpace(decision.RecordA), "right_record_id", "must differ from left_record_id");
                break;
            case DecisionKind.Merge:
                violations.Require(decision.Entities.Count >= 2, "entities", "a merge needs at least two entities, each with the version you saw");
                ValidateEntities(decision.Entities, violations);
                break;
            case DecisionKind.Split:
                violations.Require(decision.Entities.Count == 1, "entities", "a split names exactly one entity, with the version you saw");
                ValidateEntities(decision.Entities, violations);
                violations.Require(decision.RecordIds.Count > 0, "record_ids", "name the records that leave the entity");
                for (var i = 0; i < decision.RecordIds.Count; i++)
                {
                    violations.Require(!string.IsNullOrWhiteSpace(decision.RecordIds[i]), $"record_ids[{i}]", "is empty");
                }

                break;
        }
    }

    /// <summary>Each entity named, and once: merged with itself, an entity would be answered "merged" with nothing changed.</summary>
    private static void ValidateEntities(IReadOnlyList<(string EntityId, long Version)> entities, Violations violations)
    {
        for (var i = 0; i < entities.Count; i++)
        {
            var id = entities[i].EntityId;
            if (string.IsNullOrWhiteSpace(id))
            {
                violations.Add($"entities[{i}].entity_id", "is required");
                continue;
            }

            var first = Enumerable.Range(0, i).FirstOrDefault(j => entities[j].EntityId == id, -1);
            violations.Require(first < 0, $"entities[{i}].entity_id", $"names the same entity as entities[{first}]");
        }
    }

    /// <summary>The answer to a decision on an entity that is not (or no longer) there.</summary>
    public static PreconditionFailedException NoLongerExists(string entityId) =>
        new($"Entity {entityId} no longer exists (it was merged, split or its records withdrawn): reload it.");

    private void RequireVersions(IReadOnlyList<(string EntityId, long Version)> entities)
    {
        foreach (var (entityId, version) in entities)
        {
            if (!_members.TryGetValue(entityId, out var members) || members.Count == 0)
            {
                throw NoLongerExists(entityId);
            }

            var current = _versions.GetValueOrDefault(entityId, 1);
            if (current != version)
            {
                throw new PreconditionFailedException($"Entity {entityId} is at version {current}, not {version}: it changed since you saw it; reload it.");
            }
        }
    }

    private long Record(StoreWriter writer, DecisionKind kind, string a, string b, bool same, string reason, Subject by, DateTimeOffset now)
    {
        var id = writer.AddDecision(kind.ToString().ToLowerInvariant(), a, b, same, reason, by.UserId, by.Agency, now);
        _decisions.Add(new StoredDecision(id, kind.ToString().ToLowerInvariant(), a, b, same, reason, by.UserId, by.Agency, now));
        return id;
    }

    private static void Log(StoreWriter writer, IEnumerable<EntityIdChange> changes, DateTimeOffset now)
    {
        foreach (var change in changes)
        {
            writer.AddIdChange(change, now);
        }
    }

    /// <summary>The latest analyst decision on a pair (later decisions override earlier ones), or null.</summary>
    private bool? LastDecision(string a, string b)
    {
        for (var i = _decisions.Count - 1; i >= 0; i--)
        {
            var d = _decisions[i];
            if ((d.RecordA == a && d.RecordB == b) || (d.RecordA == b && d.RecordB == a))
            {
                return d.SameEntity;
            }
        }

        return null;
    }

    private void Leave(StoreWriter writer, string recordId)
    {
        if (_entityOf.TryRemove(recordId, out var entity))
        {
            MembersOf(entity).Remove(recordId);
            writer.RemoveRecord(recordId);
            Bump(writer, entity);
        }
    }

    private void Move(StoreWriter writer, string recordId, string entityId)
    {
        if (_entityOf.TryGetValue(recordId, out var previous))
        {
            MembersOf(previous).Remove(recordId);
        }

        _entityOf[recordId] = entityId;
        MembersOf(entityId).Add(recordId);
        writer.SetMember(recordId, entityId);
        Bump(writer, entityId);
        if (previous is not null && previous != entityId)
        {
            Bump(writer, previous);
            _moves.Add((recordId, previous));
        }
    }

    private void Bump(StoreWriter writer, string entityId)
    {
        writer.Touch(entityId);
        if (MembersOf(entityId).Count == 0)
        {
            _versions.Remove(entityId);
            _members.Remove(entityId);
        }
        else
        {
            _versions[entityId] = _versions.GetValueOrDefault(entityId) + 1;
        }
    }

    /// <summary>The entity's members as the analyst deciding sees them; an entity they see none of is one that is not there.</summary>
    private List<string> DisclosedMembers(string entityId, AnalystDecision decision)
    {
        var members = MembersOf(entityId).Where(member => !decision.Undisclosed.Contains(member)).ToList();
        return members.Count > 0 ? members : throw NoLongerExists(entityId);
    }

    private SortedSet<string> MembersOf(string entityId)
    {
        if (!_members.TryGetValue(entityId, out var members))
        {
            _members[entityId] = members = new SortedSet<string>(StringComparer.Ordinal);
        }

        return members;
    }

    private static string NewEntityId(StoreWriter writer) => $"ent-{writer.NextEntityNumber():D8}";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// A record as the resolver holds it between uses: serialised, one array where the message is dozens of objects.
    /// Every record ever resolved is held, and while a bulk import is resolved each one outlived the young generation,
    /// so its objects made every collection copy them and every later one walk them; snapshots and re-runs parse
    /// the few, or the all, they need.
    /// </summary>
    private readonly record struct HeldRecord(long Version, bool Withdrawn, string OriginatorAgency, byte[] Message)
    {
        public static HeldRecord Of(Record record) =>
            new(record.Version, record.Withdrawn, string.Intern(record.Content?.Marking?.OriginatorAgency ?? ""), record.ToByteArray());

        public Record Parse() => Contracts.V1.Record.Parser.ParseFrom(Message);
    }
}
