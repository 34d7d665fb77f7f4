using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Access.Client;
using IntelShare.Contracts;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.Resolution.Domain;
using IntelShare.ServiceDefaults;
using EngineExplanation = IntelShare.Resolution.Engine.Scoring.PairExplanation;
using WireExplanation = IntelShare.Contracts.V1.PairExplanation;

namespace IntelShare.Resolution.Grpc;

/// <summary>
/// The Resolution service. Every record behind an entity is decided by the policy for the caller: readable records
/// are returned (redacted as the policy says), records the caller may only know of give the holder and a reference,
/// the rest are withheld and only counted. An explanation is shown only where the caller may read both sides,
/// since it quotes their values.
/// </summary>
public sealed class ResolutionGrpcService(
    EntityResolver resolver, LinkTargetMarkings linkTargetMarkings, IAccessSessionFactory access, ICaseDirectory cases, IAuditTrail audit, TimeProvider clock)
    : ResolutionService.ResolutionServiceBase
{
    private const int MaxCandidates = 50;
    private const int MaxMembershipChanges = 10_000;

    public override async Task<MembershipChanges> ReadMemberships(ReadMembershipsRequest request, ServerCallContext context)
    {
        var subject = context.GetSubject();
        var violations = new Violations();
        violations.Require(request.AfterSequence >= 0, "after_sequence", "must not be negative");
        violations.Require(request.Limit is >= 0 and <= MaxMembershipChanges, "limit", $"must be between 0 and {MaxMembershipChanges}");
        violations.ThrowIfAny();
        // Every record's entity, whoever may read the record: for the platform's read models alone.
        if (!subject.HasRole(Roles.Projection))
        {
            throw new PermissionDeniedException("ReadMemberships is for the platform's read models: it needs the projection role (the platform services client), which no person has.");
        }

        var changes = await resolver.ChangesAfterAsync(request.AfterSequence, request.Limit == 0 ? MaxMembershipChanges : request.Limit, context.CancellationToken);
        var response = new MembershipChanges();
        // Entities are read after the changes, so each is at least as new as its change.
        var entities = resolver.EntitiesOf(changes.Select(c => c.RecordId));
        response.Changes.AddRange(changes.Select(c => new MembershipChangeMessage
        {
            Sequence = c.Sequence,
            RecordId = c.RecordId,
            EntityId = entities.GetValueOrDefault(c.RecordId, ""),
        }));
        return response;
    }

    public override async Task<MatchResponse> Match(MatchRequest request, ServerCallContext context)
    {
        var violations = await ViolationsOfAsync(request, request.Justification, context);
        violations.Require(request.QueryCase != MatchRequest.QueryOneofCase.None, "query", "is required: a person or an organisation to look for");
        violations.Require(request.MaxCandidates is >= 0 and <= MaxCandidates, "max_candidates", $"must be between 0 and {MaxCandidates}");
        if (request.QueryCase == MatchRequest.QueryOneofCase.Person)
        {
            var person = request.Person;
            violations.Require(
                ContentRules.IsGiven(person.Name)
                || person.Documents.Count > 0 || person.Phones.Count > 0,
                "person", "needs a name, a document or a phone to match on");
            // A malformed date or phone would silently match on nothing; the caller is told, as a contributor is.
            ContentRules.ValidatePersonFields(person, violations, "person");
        }
        else if (request.QueryCase == MatchRequest.QueryOneofCase.Organisation)
        {
            violations.Require(request.Organisation.Name.Length > 0 || request.Organisation.RegistrationNumber.Length > 0, "organisation", "needs a name or a registration number to match on");
            ContentRules.ValidateOrganisationFields(request.Organisation, violations, "organisation");
        }

        violations.ThrowIfAny();
        var query = request.QueryCase == MatchRequest.QueryOneofCase.Person
            ? (Engine.Model.ResolutionRecord)ResolutionRecordMapping.ToEngine("query", request.Person)
            : ResolutionRecordMapping.ToEngine("query", request.Organisation);
        var session = await BeginAsync(context, request.Justification, "resolution.match");
        var response = new MatchResponse();
        var released = new List<(ResourceMarking, AccessDecision)>();
        var linkTargets = new List<(ResourceMarking, AccessDecision)>();
        var withheld = 0;
        // An entity is offered through a record the caller may be shown where it has one: through a victim's record
        // listed unnamed, it would be offered only by its holder, though the caller's own record of her is in it.
        bool Named(string recordId) => resolver.FindRecord(recordId) is { } record && record.ToResourceMarking() is var marking
            && session.Decide(marking) is { Effect: not AccessEffect.Deny } decision && Listed(record, marking, decision).RecordId.Length > 0;
        var found = new List<(EntityMatch Match, EntitySnapshot Entity, List<ReleasedRecord> Records)>();
        foreach (var match in resolver.Match(query, request.MaxCandidates == 0 ? 10 : request.MaxCandidates, Named))
        {
            if (resolver.GetEntity(match.EntityId) is { } entity)
            {
                found.Add((match, entity, Release(entity, session, released, ref withheld)));
            }
        }

        // The links of every candidate's records are decided together: Records is asked once for the whole answer.
        await WithholdHiddenLinksAsync([.. found.SelectMany(f => f.Records)], session, linkTargets, context.CancellationToken);
        foreach (var (match, entity, records) in found)
        {
            // The record that matched ties the query to its entity: one the caller may not know of offers nothing, and
            // one they may not read, or matched on fields withheld from them, offers only itself to ask about, not the
            // entity's other records.
            if (records.Find(r => r.RecordId == match.RecordId) is not { } matched)
            {
                continue;
            }

            var withheldOfMatched = matched.Withheld;
            if (matched.Unnamed)
            {
                // Found through details withheld from the caller, as Search answers it: the record's id or its entity's
                // would tie the name they guessed to the rest of the record, so only who holds it is said, and the
                // score is what the details they may read make of it.
                var visible = ExplanationRedaction.Visible(match.Explanation, [], withheldOfMatched);
                var unnamed = new MatchCandidate
                {
                    Score = visible.Weight,
                    Probability = visible.Posterior,
                    Decision = ContractMapping.ToFoundThroughWithheldMessage(matched.HolderAgency),
                };
                unnamed.HolderAgencies.Add(matched.HolderAgency);
                unnamed.Records.Add(new EntityRecord { HolderAgency = matched.HolderAgency, Decision = unnamed.Decision });
                response.Candidates.Add(unnamed);
                continue;
            }

            if (matched.Effect < AccessEffect.PermitRedacted)
            {
                var alone = new MatchCandidate { EntityId = entity.EntityId, Score = match.Weight, Probability = match.Posterior, Decision = matched.Decision };
                alone.HolderAgencies.Add(matched.HolderAgency);
                alone.Records.Add(matched.Reference);
                response.Candidates.Add(alone);
                continue;
            }

            var best = records.Max(r => r.ListedEffect);
            // Scored as the explanation is: a withheld field the query disagrees with would tell the guess wrong.
            var scored = ExplanationRedaction.Visible(match.Explanation, [], withheldOfMatched);
            var candidate = new MatchCandidate
            {
                EntityId = entity.EntityId,
                Score = scored.Weight,
                Probability = scored.Posterior,
                Decision = records.First(r => r.ListedEffect == best).Decision,
            };
            candidate.HolderAgencies.AddRange(records.Select(r => r.HolderAgency).Distinct().Order(StringComparer.Ordinal));
            if (best >= AccessEffect.PermitRedacted)
            {
                candidate.Records.AddRange(records.Select(r => r.Message));
                candidate.Explanation = ToMessage(match.Explanation, null, [], withheldOfMatched);
            }
            else
            {
                // Existence only: who holds it and a reference to ask about, nothing of the records.
                candidate.Records.AddRange(records.Select(r => r.Reference));
            }

            response.Candidates.Add(candidate);
        }

        await session.AuditAsync($"match {Describe(request)}", released, linkTargets, withheld, context.CancellationToken);
        return response;
    }

    public override async Task<Entity> GetEntity(GetEntityRequest request, ServerCallContext context)
    {
        var violations = await ViolationsOfAsync(request, request.Justification, context);
        violations.Require(!string.IsNullOrWhiteSpace(request.EntityId), "entity_id", "is required");
        violations.ThrowIfAny();
        var session = await BeginAsync(context, request.Justification, "resolution.get_entity");
        var snapshot = resolver.GetEntity(request.EntityId) ?? throw new NotFoundException("Entity", request.EntityId);
        var released = new List<(ResourceMarking, AccessDecision)>();
        var linkTargets = new List<(ResourceMarking, AccessDecision)>();
        var withheld = 0;
        var records = Release(snapshot, session, released, ref withheld);
        await WithholdHiddenLinksAsync(records, session, linkTargets, context.CancellationToken);
        if (records.Count == 0)
        {
            // Nothing the caller may even learn of: indistinguishable from an entity that does not exist.
            await session.AuditAsync($"entity {request.EntityId}", released, linkTargets, withheld, context.CancellationToken);
            throw new NotFoundException("Entity", request.EntityId);
        }

        var entity = new Entity
        {
            EntityId = snapshot.EntityId,
            Version = snapshot.Version,
            Type = snapshot.Records[0].Type,
        };
        entity.HolderAgencies.AddRange(records.Select(r => r.HolderAgency).Distinct().Order(StringComparer.Ordinal));
        var readable = records.Where(r => r.Record is not null).ToList();
        if (readable.Count > 0)
        {
            entity.Records.AddRange(records.Select(r => r.Message));
            // Why each readable record belongs: explained against the first readable record.
            foreach (var other in readable.Skip(1))
            {
                entity.Links.Add(ToMessage(
                    resolver.Explain(readable[0].RecordId, other.RecordId), resolver.DecidedSame(readable[0].RecordId, other.RecordId),
                    readable[0].Decision.RedactedFields, other.Decision.RedactedFields));
            }
        }
        else
        {
            entity.Records.AddRange(records.Select(r => r.Reference));
        }

        await session.AuditAsync($"entity {request.EntityId}", released, linkTargets, withheld, context.CancellationToken);
        return entity;
    }

    public override async Task<ReviewQueueResponse> ReviewQueue(ReviewQueueRequest request, ServerCallContext context)
    {
        var violations = await ViolationsOfAsync(request, request.Justification, context);
        violations.Require(request.PageSize is >= 0 and <= 100, "page_size", "must be between 0 and 100");
        var pageTokens = RequestPageTokens.Of(request, "page_token", query =>
        {
            query.PageToken = "";
            query.PageSize = 0;
            query.Justification = null;
        });
        var after = pageTokens.TryCursorOf<ReviewPair>(request.PageToken, violations, ReviewQueueCursor.TryDecode, out var last) ? last : null;
        violations.ThrowIfAny();
        RequireAnalyst(context.GetSubject());
        var session = await BeginAsync(context, request.Justification, "resolution.review_queue");

        // An analyst reviews only pairs whose both records they may read: the decision needs both sides.
        var visible = new List<(ReviewPair Pair, Engine.Scoring.PairExplanation Explanation, (ResourceMarking Marking, AccessDecision Decision) A, (ResourceMarking Marking, AccessDecision Decision) B)>();
        foreach (var pair in resolver.ReviewQueue())
        {
            if (resolver.FindRecord(pair.RecordA) is not { } a || resolver.FindRecord(pair.RecordB) is not { } b)
            {
                continue;
            }

            var (markingA, markingB) = (a.ToResourceMarking(), b.ToResourceMarking());
            var (decisionA, decisionB) = (session.Decide(markingA), session.Decide(markingB));
            if (decisionA.Effect < AccessEffect.PermitRedacted || decisionB.Effect < AccessEffect.PermitRedacted)
            {
                continue;
            }

            // A pair the model put up for review on details withheld from the analyst is not theirs to judge, and its
            // being queued would score their record against what is withheld (a victim's name they guessed), as Match
            // would not; the rest are scored without what is withheld.
            var explanation = resolver.Explain(pair.RecordA, pair.RecordB);
            if (ExplanationRedaction.AgreesOnWithheld(explanation, decisionA.RedactedFields, decisionB.RedactedFields))
            {
                continue;
            }

            visible.Add((pair, explanation, (markingA, decisionA), (markingB, decisionB)));
        }

        var size = request.PageSize == 0 ? 20 : request.PageSize;
        var response = new ReviewQueueResponse { Total = visible.Count };
        // After the last pair shown by its place in the queue's order, not by an offset: pairs decided since have left.
        var next = visible.Where(v => after is null || ReviewPair.QueueOrder.Compare(v.Pair, after) > 0).Take(size + 1).ToList();
        var page = next[..Math.Min(size, next.Count)];
        // Only the page's pairs are put into messages: the rest of the queue is weighed for the total alone.
        response.Items.AddRange(page.Select(v => new ReviewItem
        {
            Pair = ToMessage(v.Explanation, null, v.A.Decision.RedactedFields, v.B.Decision.RedactedFields),
            LeftEntityId = resolver.EntityOf(v.Pair.RecordA) ?? "",
            RightEntityId = resolver.EntityOf(v.Pair.RecordB) ?? "",
        }));
        if (next.Count > size)
        {
            response.NextPageToken = pageTokens.For(ReviewQueueCursor.Encode(page[^1].Pair));
        }

        // Only the page's records were released: the rest of the queue was weighed, not shown (the total says how many).
        await session.AuditAsync("review queue", [.. page.SelectMany(v => new[] { v.A, v.B })], 0, context.CancellationToken);
        return response;
    }

    public override async Task<DecideResponse> Decide(DecideRequest request, ServerCallContext context)
    {
        var subject = context.GetSubject();
        var violations = await ViolationsOfAsync(request, request.Justification, context);
        // What the decision names, checked before any record or entity is looked up: a blank id is not one that is not there.
        EntityResolver.Validate(ToDecision(request), violations);
        violations.ThrowIfAny();
        RequireAnalyst(subject);

        // An analyst decides only on records they may read: those of the pair, or every record of the entities.
        var session = await BeginAsync(context, request.Justification, "resolution.decide");
        var kind = request.Kind.ToString().ToLowerInvariant();
        var involved = request.Kind is DecisionKind.Confirm or DecisionKind.Reject
            ? [(EntityId: (string?)null, Records: Decided(session, new[] { request.LeftRecordId, request.RightRecordId }.Select(Resolved)))]
            : request.Entities.Select(e => (EntityId: (string?)e.EntityId, Records: Decided(session, resolver.GetEntity(e.EntityId)?.Records ?? []))).ToList();
        var released = new List<(ResourceMarking, AccessDecision)>();

        // An entity of records the caller may not even learn of is answered as one that does not exist, as GetEntity
        // answers it; and before anything else is checked, so that nothing else wrong with the request tells them apart.
        if (involved.FirstOrDefault(e => e.EntityId is not null && e.Records.All(r => r.Decision.Effect == AccessEffect.Deny)) is { EntityId: { } unknown, Records: var hidden })
        {
            await session.AuditAsync($"decide {kind} on {unknown}", released, hidden.Count, context.CancellationToken);
            throw EntityResolver.NoLongerExists(unknown);
        }

        // A member of an entity the caller may not learn exists is left out of their decision, as GetEntity leaves it out
        // of what they see: refusing because of it would tell them it is there. It stays where it is on a split and moves
        // with its entity on a merge; the pairs recorded are between records the caller reads.
        var undisclosed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entityId, records) in involved)
        {
            foreach (var (record, marking, decision) in records)
            {
                if (entityId is not null && decision.Effect == AccessEffect.Deny)
                {
                    undisclosed.Add(record.RecordId);
                    continue;
                }

                if (decision.Effect < AccessEffect.PermitRedacted)
                {
                    await session.AuditAsync($"decide {kind} on {record.RecordId}", released, 1, context.CancellationToken);
                    throw Unreadable(decision, record.RecordId, record, ", so you cannot decide on it");
                }

                released.Add((marking, decision));
            }
        }

        var outcome = await resolver.DecideAsync(ToDecision(request) with { Undisclosed = undisclosed }, subject, context.CancellationToken);
        var response = new DecideResponse { DecisionId = outcome.DecisionId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        response.Changes.AddRange(outcome.Changes.Select(ToMessage));
        await session.AuditAsync(
            $"decide {kind} {request.LeftRecordId} {request.RightRecordId} {string.Join(",", request.Entities.Select(e => e.EntityId))} {string.Join(",", request.RecordIds)}: {request.Reason}",
            released,
            undisclosed.Count,
            context.CancellationToken);
        return response;
    }

    private static AnalystDecision ToDecision(DecideRequest request) => new(
        request.Kind,
        request.LeftRecordId,
        request.RightRecordId,
        [.. request.Entities.Select(e => (e.EntityId, e.Version))],
        [.. request.RecordIds],
        request.Reason);

    /// <summary>
    /// A request's problems of form (MessageShape: an enum out of range, a control character) with those of its
    /// justification, the case it names included: the start of every check, so that the caller hears of them all at once.
    /// </summary>
    private async Task<Violations> ViolationsOfAsync(Google.Protobuf.IMessage request, Justification? justification, ServerCallContext context)
    {
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        await JustificationRules.ValidateAsync(justification, violations, cases, context.GetSubject(), context.CancellationToken);
        return violations;
    }

    /// <summary>
    /// A record of a pair to decide on; one Resolution does not hold (unknown, withdrawn, not a person or organisation) is
    /// answered as one the caller may not know of is (<see cref="Unreadable"/>), so that the two cannot be told apart.
    /// </summary>
    private Record Resolved(string recordId) => resolver.FindRecord(recordId) ?? throw new NotFoundException("Record", recordId);

    private static List<(Record Record, ResourceMarking Marking, AccessDecision Decision)> Decided(AccessSession session, IEnumerable<Record> records) =>
        [.. records.Select(record =>
        {
            var marking = record.ToResourceMarking();
            return (record, marking, session.Decide(marking));
        })];

    /// <summary>
    /// A record the caller may only know exists is refused naming its holder, to ask; one they may not know of is
    /// answered as one that does not exist.
    /// </summary>
    private static DomainException Unreadable(AccessDecision decision, string recordId, Record record, string consequence) =>
        decision.Effect == AccessEffect.Deny
            ? new NotFoundException("Record", recordId)
            : new PermissionDeniedException($"You may not read record {recordId}{consequence}: ask its holder ({record.Content.Marking.OriginatorAgency}).");

    public override async Task<WireExplanation> Explain(ExplainRequest request, ServerCallContext context)
    {
        var violations = await ViolationsOfAsync(request, request.Justification, context);
        violations.Require(!string.IsNullOrWhiteSpace(request.LeftRecordId), "left_record_id", "is required");
        violations.Require(!string.IsNullOrWhiteSpace(request.RightRecordId), "right_record_id", "is required");
        violations.ThrowIfAny();
        var session = await BeginAsync(context, request.Justification, "resolution.explain");
        var released = new List<(ResourceMarking, AccessDecision)>();
        foreach (var recordId in new[] { request.LeftRecordId, request.RightRecordId })
        {
            var record = resolver.FindRecord(recordId) ?? throw new NotFoundException("Record", recordId);
            var marking = record.ToResourceMarking();
            var decision = session.Decide(marking);
            if (decision.Effect < AccessEffect.PermitRedacted)
            {
                await session.AuditAsync($"explain {request.LeftRecordId} {request.RightRecordId}", released, 1, context.CancellationToken);
                throw Unreadable(decision, recordId, record, "");
            }

            released.Add((marking, decision));
        }

        await session.AuditAsync($"explain {request.LeftRecordId} {request.RightRecordId}", released, 0, context.CancellationToken);
        return ToMessage(
            resolver.Explain(request.LeftRecordId, request.RightRecordId), resolver.DecidedSame(request.LeftRecordId, request.RightRecordId),
            released[0].Item2.RedactedFields, released[1].Item2.RedactedFields);
    }

    public override async Task Rerun(RerunRequest request, IServerStreamWriter<RerunProgress> responseStream, ServerCallContext context)
    {
        var subject = context.GetSubject();
        if (!subject.HasRole(Roles.Admin))
        {
            throw new PermissionDeniedException("A full re-run needs the admin role.");
        }

        var progress = new Progress<(string Stage, long Done, long Total)>(_ => { });
        var rerun = resolver.RerunAsync(progress, context.CancellationToken);
        await responseStream.WriteAsync(new RerunProgress { Stage = "running", Total = resolver.RecordCount });
        var outcome = await rerun;
        var done = new RerunProgress
        {
            Stage = "done",
            Done = resolver.RecordCount,
            Total = resolver.RecordCount,
            Entities = outcome.Entities,
            AutoLinks = outcome.AutoLinks,
            ReviewPairs = outcome.ReviewPairs,
        };
        done.Changes.AddRange(outcome.Changes.Select(ToMessage));
        await audit.AppendAsync(
            [new AuditEvent(clock.GetUtcNow(), subject.UserId, subject.DisplayName, subject.Agency, "resolution.rerun", "resolution", "all", "", "", "full re-run", "", "done", $"{outcome.Entities} entities, {outcome.Changes.Count} id changes", context.Peer, "resolution", [])],
            context.CancellationToken);
        await responseStream.WriteAsync(done);
    }

    public override async Task WatchHits(WatchHitsRequest request, IServerStreamWriter<HitNotification> responseStream, ServerCallContext context)
    {
        var subject = context.GetSubject();
        var violations = new Violations();
        violations.Require(request.AfterId >= 0, "after_id", "must not be negative");
        violations.ThrowIfAny();
        var justification = new Justification { Reason = "cross-agency hit notification", Purpose = Purpose.IntelligenceAnalysis };
        var after = request.AfterId;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var signal = resolver.WaitForHitsAsync(context.CancellationToken);
            var hits = resolver.HitsFor(subject.Agency, after, 200);
            if (hits.Count > 0)
            {
                var session = await BeginAsync(context, justification, "resolution.hits");
                var released = new List<(ResourceMarking, AccessDecision)>();
                var withheld = 0;
                var notifications = new List<HitNotification>();
                foreach (var hit in hits)
                {
                    after = hit.Id;
                    if (resolver.FindRecord(hit.CounterpartRecordId) is not { } counterpart)
                    {
                        continue;
                    }

                    var marking = counterpart.ToResourceMarking();
                    var decision = session.Decide(marking);
                    if (decision.Effect == AccessEffect.Deny)
                    {
                        // The holder did not make the record discoverable: no hit is shown for it.
                        withheld++;
                        continue;
                    }

                    released.Add((marking, decision));
                    notifications.Add(new HitNotification
                    {
                        Id = hit.Id,
                        EntityId = hit.EntityId,
                        RecordId = hit.RecordId,
                        ContributingAgency = hit.ContributingAgency,
                        NotifiedAgency = hit.NotifiedAgency,
                        Probability = hit.Probability,
                        At = Timestamp.FromDateTimeOffset(hit.At),
                        Counterpart = Listed(counterpart, marking, decision),
                    });
                }

                await session.AuditAsync($"hits after {request.AfterId}", released, withheld, context.CancellationToken);
                foreach (var notification in notifications)
                {
                    await responseStream.WriteAsync(notification, context.CancellationToken);
                }

                continue;
            }

            if (!request.Follow)
            {
                return;
            }

            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(5), context.CancellationToken);
            }
            catch (TimeoutException)
            {
                // Poll again: a hit may have been committed between the read and the wait.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task<AccessSession> BeginAsync(ServerCallContext context, Justification justification, string action) =>
        access.BeginAsync(new AccessQuery(context.GetSubject(), justification.ToReadJustification(), action, context.Peer, "resolution"), context.CancellationToken);

    /// <summary>
    /// Withholds, in place, the links of the released <paramref name="records"/> to records the caller may not learn
    /// exist, the targets' decisions added to <paramref name="linkTargets"/>. Each target is decided on its own marking,
    /// whether Resolution holds it (a person, an organisation) or only Records does (a phone, a report), so a link is
    /// shown here exactly where Records shows it.
    /// </summary>
    private async Task WithholdHiddenLinksAsync(
        IReadOnlyList<ReleasedRecord> records, AccessSession session, List<(ResourceMarking, AccessDecision)> linkTargets, CancellationToken cancellationToken)
    {
        var targets = LinkRelease.Targets(records.Select(r => r.Record));
        if (targets.Count == 0)
        {
            return;
        }

        var hidden = LinkRelease.Hidden(session, targets, await linkTargetMarkings.OfAsync(targets, cancellationToken), linkTargets);
        foreach (var record in records)
        {
            if (record.Record is { } content)
            {
                var (shown, paths) = LinkRelease.Withhold(content, hidden);
                record.Message.Record = shown;
                record.Message.Decision = LinkRelease.Reporting(record.Message.Decision, paths);
            }
        }
    }

    /// <summary>Each record of the entity as the caller may see it; withheld ones are only counted.</summary>
    private static List<ReleasedRecord> Release(EntitySnapshot entity, AccessSession session, List<(ResourceMarking, AccessDecision)> released, ref int withheld)
    {
        var records = new List<ReleasedRecord>();
        foreach (var record in entity.Records)
        {
            var marking = record.ToResourceMarking();
            var decision = session.Decide(marking);
            if (decision.Effect == AccessEffect.Deny)
            {
                withheld++;
                continue;
            }

            released.Add((marking, decision));
            var listed = Listed(record, marking, decision);
            records.Add(new ReleasedRecord(listed, decision.Effect, record.RecordId, decision.RedactedFields, Unnamed: listed.RecordId.Length == 0));
        }

        return records;
    }

    /// <summary>
    /// A record as it is listed beside those it was resolved with. One whose details resolution compares are withheld
    /// from the caller (a victim's name, date of birth, phones) is listed by its holder alone, as Search lists a record
    /// found through such details: for all the caller can tell it is there because of them, so its reference would tie
    /// their own records' names to the rest of it (a guessed name, written into a record, would be confirmed).
    /// </summary>
    private static EntityRecord Listed(Record record, ResourceMarking marking, AccessDecision decision) =>
        decision.Effect == AccessEffect.PermitRedacted && ExplanationRedaction.ComparesWithheld(KindOf(record), decision.RedactedFields)
            ? new EntityRecord { HolderAgency = marking.OriginatorAgency, Decision = ContractMapping.ToFoundThroughWithheldMessage(marking.OriginatorAgency) }
            : new EntityRecord
            {
                RecordId = record.RecordId,
                HolderAgency = marking.OriginatorAgency,
                Decision = decision.ToMessage(),
                Record = Redactor.Release(record, decision.Effect, decision.RedactedFields),
            };

    private static Engine.Model.RecordKind KindOf(Record record) =>
        record.Content?.BodyCase == RecordContent.BodyOneofCase.Organisation ? Engine.Model.RecordKind.Organisation : Engine.Model.RecordKind.Person;

    /// <summary>
    /// A record of an entity as released to the caller, with the policy's effect and withheld fields for ranking and
    /// gating. <see cref="Message"/> is how it is listed: without its id or content when <paramref name="Unnamed"/>.
    /// </summary>
    private sealed record ReleasedRecord(EntityRecord Message, AccessEffect Effect, string RecordId, IReadOnlyCollection<string> Withheld, bool Unnamed)
    {
        public string HolderAgency => Message.HolderAgency;

        public Decision Decision => Message.Decision;

        public Record? Record => Message.Record;

        /// <summary>The effect the listing carries: an unnamed record says no more than one known only to exist.</summary>
        public AccessEffect ListedEffect => Unnamed ? AccessEffect.ExistenceOnly : Effect;

        /// <summary>What an existence-only answer may say: holder, reference and the decision, no content.</summary>
        public EntityRecord Reference => Unnamed ? Message : new() { RecordId = RecordId, HolderAgency = HolderAgency, Decision = Decision };
    }

    private static void RequireAnalyst(Subject subject)
    {
        if (!subject.HasRole(Roles.Analyst) && !subject.HasRole(Roles.Supervisor))
        {
            throw new PermissionDeniedException("Reviewing and deciding matches needs the analyst or supervisor role.");
        }
    }

    /// <param name="withheldLeft">Field paths withheld from the reader of the left record (none for a query the reader wrote).</param>
    private static WireExplanation ToMessage(EngineExplanation explanation, bool? decided, IReadOnlyCollection<string> withheldLeft, IReadOnlyCollection<string> withheldRight)
    {
        var visible = ExplanationRedaction.Visible(explanation, withheldLeft, withheldRight);
        var message = new WireExplanation
        {
            LeftRecordId = explanation.A.RecordId,
            RightRecordId = explanation.B.RecordId,
            TotalWeight = visible.Weight,
            Probability = visible.Posterior,
            Outcome = decided switch
            {
                true => "CONFIRMED by an analyst",
                false => "REJECTED by an analyst",
                _ => visible.Posterior >= 0.95 ? "AUTO_LINK" : visible.Posterior >= 0.5 ? "REVIEW" : "APART",
            },
            Summary = visible.Describe(
                ExplanationRedaction.Describe(explanation.A, withheldLeft), ExplanationRedaction.Describe(explanation.B, withheldRight), visible.Fields),
        };
        message.Fields.AddRange(visible.Fields.Select(f => new FieldComparison { Field = f.Field, Level = f.LevelLabel, Left = f.Values, Weight = f.Weight }));
        return message;
    }

    private static Contracts.V1.EntityChange ToMessage(EntityIdChange change)
    {
        var message = new Contracts.V1.EntityChange { Kind = change.Kind };
        message.FromEntityIds.AddRange(change.From);
        message.ToEntityIds.AddRange(change.To);
        return message;
    }

    private static string Describe(MatchRequest request) => request.QueryCase == MatchRequest.QueryOneofCase.Person
        ? $"person {request.Person.Name?.GivenName} {request.Person.Name?.FamilyName} {request.Person.DateOfBirth}".Trim()
        : $"organisation {request.Organisation.Name} {request.Organisation.RegistrationNumber}".Trim();
}
