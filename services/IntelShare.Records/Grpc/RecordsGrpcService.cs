using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using IntelShare.Access.Client;
using IntelShare.Contracts;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Policy;
using IntelShare.Projections;
using IntelShare.Records.Domain;
using IntelShare.ServiceDefaults;

namespace IntelShare.Records.Grpc;

public sealed class RecordsGrpcService(
    RecordStore store, IAccessChecker access, IAgencyDirectory agencies, ICaseDirectory cases, ILogger<RecordsGrpcService> logger) : RecordsService.RecordsServiceBase
{
    /// <summary>Records per commit in bulk intake: large enough to amortise the fsync, small enough to keep memory flat.</summary>
    private const int StreamChunkSize = 2_000;

    private const int MaxBatchGet = 500;
    private const int ChangesPageSize = 500;

    public override async Task<ContributeResponse> Contribute(ContributeRequest request, ServerCallContext context)
    {
        var subject = context.GetSubject();
        RequireContributor(subject);
        var violations = new Violations();
        // With the content's own problems, so that the caller hears of them all at once (IShapeCheckedByService).
        CheckShape(request, "", violations);
        RecordValidator.Validate(request.Content, await ContributorAsync(subject, request.Content, context), violations);
        violations.ThrowIfAny();

        var result = (await store.ContributeAsync([RecordStore.Prepare(request.Content, subject.Agency)], subject, context.CancellationToken))[0];
        if (result.Refusal is { } refusal)
        {
            throw new PreconditionFailedException($"Source reference '{request.Content.SourceRef}': {refusal}.");
        }

        return new ContributeResponse { RecordId = result.RecordId, Version = result.Version, Outcome = result.Outcome };
    }

    /// <summary>
    /// The shape every request is held to, and for what Records stores no field the contract does not define: stored,
    /// such a field would pass every check and leave with every read, as redaction removes only the fields it knows.
    /// </summary>
    private static void CheckShape(Google.Protobuf.IMessage message, string prefix, Violations violations) =>
        MessageShape.Check(message, prefix, violations.Add, definedFieldsOnly: true);

    /// <summary>A streamed record's problems, found as ContributeStream finds them.</summary>
    private async ValueTask<Violations> ValidateStreamedAsync(ContributeRequest request, Subject subject, ServerCallContext context, CaseAnswers caseAnswers)
    {
        var violations = new Violations();
        // RequestShapeInterceptor checks the messages of unary calls; a stream's are checked here, one by one, so
        // that a bad record is rejected alone.
        if (request.Content is { } content)
        {
            CheckShape(content, "content", violations);
        }

        RecordValidator.Validate(request.Content, await ContributorAsync(subject, request.Content, context, caseAnswers), violations);
        return violations;
    }

    public override async Task<CheckContributionsResponse> CheckContributions(IAsyncStreamReader<ContributeRequest> requestStream, ServerCallContext context)
    {
        var subject = context.GetSubject();
        RequireContributor(subject);
        var response = new CheckContributionsResponse();
        var caseAnswers = new CaseAnswers();
        // What ContributeStream would have taken by then, by source reference: a later record of another type is refused.
        var taken = new Dictionary<string, RecordType>(StringComparer.Ordinal);
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var position = response.Checked++;
            var violations = await ValidateStreamedAsync(request, subject, context, caseAnswers);
            // With the content's problems, unlike ContributeStream, which stops at them: the row is to be fixed once.
            var refusal = request.Content is { BodyCase: not RecordContent.BodyOneofCase.None } content
                ? store.RefusalFor(content, subject.Agency) ??
                  (taken.TryGetValue(content.SourceRef, out var type) ? RecordStore.TypeRefusal("an earlier record of this call", type, content) : null)
                : null;
            if (!violations.Any && refusal is null)
            {
                taken.TryAdd(request.Content!.SourceRef, RecordStore.TypeOf(request.Content));
            }

            if (violations.Any || refusal is not null)
            {
                var rejection = ToRejection(position, request.Content?.SourceRef ?? "", violations);
                if (refusal is not null)
                {
                    rejection.Problems.Add(SourceRefProblem(refusal));
                }

                response.Rejections.Add(rejection);
            }
        }

        return response;
    }

    /// <summary>
    /// Who contributes, with the agencies and cases the content names checked; each case the contributor knows of is
    /// named in the content as it was opened, so that a record filed under "op-x" is filed under "OP-X".
    /// </summary>
    /// <param name="filedUnder">
    /// Cases the record is filed under already (an amendment's record; else the contributor's record with the content's
    /// source reference, when there is one): it keeps them even if the agency has left one since.
    /// </param>
    private async ValueTask<Contributor> ContributorAsync(
        Subject subject, RecordContent? content, ServerCallContext context, CaseAnswers? answers = null, IReadOnlyCollection<string>? filedUnder = null)
    {
        var marking = content?.Marking;
        var known = await agencies.KnownAsync(marking?.ReleasableTo ?? [], context.CancellationToken);
        HashSet<string>? closed = null;
        for (var i = 0; i < (marking?.CaseRefs.Count ?? 0); i++)
        {
            var caseRef = marking!.CaseRefs[i];
            if (string.IsNullOrWhiteSpace(caseRef))
            {
                continue;
            }

            answers ??= new CaseAnswers();
            var spelt = await answers.FindKnownAsync(cases, subject, caseRef, context.CancellationToken);
            if (spelt is null)
            {
                // Rare (a case the agency has left, or a mistake), so the record is looked up only then.
                filedUnder ??= store.GetCurrentBySource(subject.Agency, content!.SourceRef)?.Content?.Marking?.CaseRefs ?? [];
                spelt = filedUnder.FirstOrDefault(filed => string.Equals(filed, caseRef, StringComparison.OrdinalIgnoreCase));
            }

            if (spelt is null)
            {
                (closed ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(caseRef);
            }
            else
            {
                marking.CaseRefs[i] = spelt;
            }
        }

        return new Contributor(subject.Agency, known, closed ?? NoCases);
    }

    private static readonly IReadOnlySet<string> NoCases = FrozenSet<string>.Empty;

    /// <summary>A call's answers about cases, so that a bulk intake asks about each case once, not once per row.</summary>
    private sealed class CaseAnswers
    {
        private readonly Dictionary<string, string?> _known = new(StringComparer.OrdinalIgnoreCase);

        public async ValueTask<string?> FindKnownAsync(ICaseDirectory cases, Subject subject, string caseRef, CancellationToken cancellationToken)
        {
            if (!_known.TryGetValue(caseRef, out var spelt))
            {
                spelt = await cases.FindKnownAsync(subject, caseRef, cancellationToken);
                _known[caseRef] = spelt;
            }

            return spelt;
        }
    }

    public override async Task<ContributeStreamResponse> ContributeStream(IAsyncStreamReader<ContributeRequest> requestStream, ServerCallContext context)
    {
        var subject = context.GetSubject();
        RequireContributor(subject);
        var response = new ContributeStreamResponse();
        var chunk = new Chunk();
        var caseAnswers = new CaseAnswers();
        Chunk? inFlight = null;
        long position = 0;

        // One chunk commits while the next is read, so the network and the disk work in parallel.
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var violations = await ValidateStreamedAsync(request, subject, context, caseAnswers);
            if (violations.Any)
            {
                response.Rejections.Add(ToRejection(position, request.Content?.SourceRef ?? "", violations));
            }
            else
            {
                chunk.Add(position, RecordStore.Prepare(request.Content!, subject.Agency));
            }

            position++;
            if (chunk.Contents.Count >= StreamChunkSize)
            {
                await Tally(inFlight, response);
                chunk.Commit(store, subject, context.CancellationToken);
                inFlight = chunk;
                chunk = new Chunk();
            }
        }

        await Tally(inFlight, response);
        if (chunk.Contents.Count > 0)
        {
            chunk.Commit(store, subject, context.CancellationToken);
            await Tally(chunk, response);
        }

        // Refusals by the store come after the validation rejections of the rows read meanwhile.
        var rejections = response.Rejections.OrderBy(r => r.Position).ToList();
        response.Rejections.Clear();
        response.Rejections.AddRange(rejections);
        response.Rejected = response.Rejections.Count;
        logger.LogInformation("Bulk intake from {Agency}: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected",
            subject.Agency, response.Accepted, response.Duplicates, response.Rejected);
        return response;
    }

    /// <summary>Valid rows of a bulk intake committed together, with their positions in the stream.</summary>
    private sealed class Chunk
    {
        public List<PreparedContent> Contents { get; } = new(StreamChunkSize);

        public List<long> Positions { get; } = new(StreamChunkSize);

        public Task<IReadOnlyList<ContributionResult>>? Committing { get; private set; }

        public void Add(long position, PreparedContent content)
        {
            Positions.Add(position);
            Contents.Add(content);
        }

        public void Commit(RecordStore store, Subject by, CancellationToken cancellationToken) =>
            Committing = store.ContributeAsync(Contents, by, cancellationToken);
    }

    private static RejectedRecord Refused(long position, RecordContent content, string refusal) =>
        new() { Position = position, SourceRef = content.SourceRef, Problems = { SourceRefProblem(refusal) } };

    private static FieldProblem SourceRefProblem(string refusal) => new() { Field = "content.source_ref", Description = refusal };

    private static async Task Tally(Chunk? chunk, ContributeStreamResponse response)
    {
        if (chunk?.Committing is null)
        {
            return;
        }

        var results = await chunk.Committing;
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            if (result.Refusal is { } refusal)
            {
                response.Rejections.Add(Refused(chunk.Positions[i], chunk.Contents[i].Content, refusal));
                continue;
            }

            switch (result.Outcome)
            {
                case ContributeOutcome.Duplicate:
                    response.Duplicates++;
                    break;
                case ContributeOutcome.NewVersion:
                    response.Accepted++;
                    response.NewVersions++;
                    break;
                default:
                    response.Accepted++;
                    break;
            }
        }
    }

    private static RejectedRecord ToRejection(long position, string sourceRef, Violations violations)
    {
        var rejection = new RejectedRecord { Position = position, SourceRef = sourceRef };
        rejection.Problems.AddRange(violations.Items.Select(v => new FieldProblem { Field = v.Field, Description = v.Description }));
        return rejection;
    }

    public override async Task<GetRecordResponse> Get(GetRecordRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        violations.Require(!string.IsNullOrWhiteSpace(request.RecordId), "record_id", "is required");
        violations.Require(request.Version >= 0, "version", "must be 0 (current) or a version number");
        JustificationRules.Validate(request.Justification, violations);
        violations.ThrowIfAny();

        var current = store.GetVersion(request.RecordId, 0) ?? ThrowNotFound(request.RecordId);
        var earlier = request.Version == 0 || request.Version == current.Version
            ? null
            : store.GetVersion(request.RecordId, request.Version) ?? ThrowNotFound($"{request.RecordId}@{request.Version}");
        var (decision, released, versionDecisions) = await ReleaseVersionsAsync(context, request.Justification, "read", current, earlier is null ? [current] : [earlier]);
        var response = new GetRecordResponse { Decision = decision.Message };
        if (decision.IsPermitted)
        {
            var withheld = await WithholdHiddenLinksAsync(context, request.Justification, released);
            response.Record = released[0] ?? throw new PermissionDeniedException(
                $"Version {request.Version} of record '{request.RecordId}' was marked more restrictively than the record is now, and is not released to you.");
            // An earlier version may leave with less than the current one would (a caveat it carried): its decision says so.
            response.Decision = LinkRelease.Reporting(versionDecisions[0], withheld[0]);
            response.HandlingConditions = decision.HandlingConditions;
        }

        return response;
    }

    public override async Task<BatchGetRecordsResponse> BatchGet(BatchGetRecordsRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        violations.Require(request.RecordIds.Count > 0, "record_ids", "must name at least one record");
        violations.Require(request.RecordIds.Count <= MaxBatchGet, "record_ids", $"must name at most {MaxBatchGet} records");
        for (var i = 0; i < request.RecordIds.Count; i++)
        {
            violations.Require(!string.IsNullOrWhiteSpace(request.RecordIds[i]), $"record_ids[{i}]", "is empty");
        }

        JustificationRules.Validate(request.Justification, violations);
        violations.ThrowIfAny();

        var found = request.RecordIds.Select(id => store.GetVersion(id, 0)).ToList();
        var existing = found.OfType<Record>().ToList();
        var decisions = existing.Count == 0 ? [] : await Check(context, request.Justification, "batch_read", existing);
        var response = new BatchGetRecordsResponse();
        var released = new Record?[found.Count];
        var next = 0;
        for (var i = 0; i < found.Count; i++)
        {
            var item = new BatchGetItem { RecordId = request.RecordIds[i], Status = ItemStatus.ItemNotFound };
            if (found[i] is { } record)
            {
                var decision = decisions[next++];
                // A denied record is reported exactly like a missing one: the caller may not learn it exists.
                if (decision.Effect != AccessEffect.Deny)
                {
                    item.Decision = decision.Message;
                    item.Status = decision.IsPermitted ? ItemStatus.ItemFound : ItemStatus.ItemExistenceOnly;
                    released[i] = decision.IsPermitted ? Released(record, decision) : null;
                    item.HandlingConditions = decision.HandlingConditions;
                }
            }

            response.Items.Add(item);
        }

        var withheld = await WithholdHiddenLinksAsync(context, request.Justification, released);
        for (var i = 0; i < released.Length; i++)
        {
            if (released[i] is { } record)
            {
                response.Items[i].Record = record;
                response.Items[i].Decision = LinkRelease.Reporting(response.Items[i].Decision, withheld[i]);
            }
        }

        return response;
    }

    public override async Task<HistoryResponse> History(HistoryRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        violations.Require(!string.IsNullOrWhiteSpace(request.RecordId), "record_id", "is required");
        JustificationRules.Validate(request.Justification, violations);
        violations.ThrowIfAny();

        var versions = store.GetHistory(request.RecordId);
        if (versions.Count == 0)
        {
            ThrowNotFound(request.RecordId);
        }

        var (decision, released, versionDecisions) = await ReleaseVersionsAsync(context, request.Justification, "history", versions[^1], versions);
        var response = new HistoryResponse { Decision = decision.Message };
        if (decision.IsPermitted)
        {
            var withheld = await WithholdHiddenLinksAsync(context, request.Justification, released);
            for (var i = 0; i < released.Length; i++)
            {
                // A version marked more restrictively than the record is now stays out; the version numbers show the gap.
                if (released[i] is { } version)
                {
                    response.Versions.Add(version);
                    response.VersionDecisions.Add(LinkRelease.Reporting(versionDecisions[i], withheld[i]));
                }
            }

            response.Decision = LinkRelease.Reporting(decision.Message, withheld[^1]);
        }

        return response;
    }

    /// <summary>
    /// Decides (and audits) a read of <paramref name="versions"/> of a record: the current version's decision says whether
    /// the record may be read at all (a DENY is NOT_FOUND), and each version is released only as its own marking allows
    /// too, so that a version contributed under a tighter marking (a caveat, a higher classification, fewer agencies)
    /// does not leave under a later, looser one. A version gets the fields withheld by both decisions, but the case
    /// references by its own, since those name positions in its own list. Versions sharing a marking share a decision.
    /// </summary>
    /// <returns>The current version's decision, each version as released (null where it is withheld), and the decision each was released under.</returns>
    private async Task<(ReleaseDecision Current, Record?[] Released, Decision[] VersionDecisions)> ReleaseVersionsAsync(
        ServerCallContext context, Justification justification, string action, Record current, IReadOnlyList<Record> versions)
    {
        var markings = new List<Record> { current };
        var decisionOf = new int[versions.Count];
        for (var i = 0; i < versions.Count; i++)
        {
            var marking = versions[i].Content?.Marking;
            var index = markings.FindIndex(m => Equals(m.Content?.Marking, marking));
            if (index < 0)
            {
                index = markings.Count;
                markings.Add(versions[i]);
            }

            decisionOf[i] = index;
        }

        var decisions = await Check(context, justification, action, markings);
        var gate = ReadableOrNotFound(decisions[0], current.RecordId);
        var released = new Record?[versions.Count];
        var releasedUnder = new Decision[versions.Count];
        Array.Fill(releasedUnder, gate.Message);
        if (!gate.IsPermitted)
        {
            return (gate, released, releasedUnder);
        }

        for (var i = 0; i < versions.Count; i++)
        {
            var own = decisions[decisionOf[i]];
            if (decisionOf[i] == 0)
            {
                released[i] = Released(versions[i], gate);
            }
            else if (own.IsPermitted)
            {
                var withheld = own.RedactedFields
                    .Union(gate.RedactedFields.Where(path => !path.StartsWith(RedactionPaths.CaseRefs, StringComparison.Ordinal)), StringComparer.Ordinal)
                    .ToList();
                released[i] = Redactor.Release(versions[i], withheld.Count == 0 ? AccessEffect.Permit : AccessEffect.PermitRedacted, withheld);
                releasedUnder[i] = LinkRelease.Reporting(own.Message, withheld);
            }
        }

        return (gate, released, releasedUnder);
    }

    /// <summary>
    /// Withholds, in place, the links of <paramref name="released"/> records to records the caller may not learn exist,
    /// deciding every target in one audited check (none when no released record has a link to a stored record).
    /// </summary>
    /// <returns>The paths of the links withheld from each record.</returns>
    private async Task<IReadOnlyList<string>[]> WithholdHiddenLinksAsync(ServerCallContext context, Justification justification, Record?[] released)
    {
        var ids = LinkRelease.Targets(released);
        if (ids.Count == 0)
        {
            return LinkRelease.WithholdAll(released, FrozenSet<string>.Empty);
        }

        var held = ids.Select(id => store.GetVersion(id, 0)).ToList();
        var existing = held.OfType<Record>().ToList();
        var decisions = existing.Count == 0 ? [] : await Check(context, justification, LinkRelease.Action, existing);
        // A target Records does not hold is hidden like a denied one, as Search and Resolution hide it: were only the
        // links to missing records shown, a contributor reading back its own record would learn which of the ids it
        // wrote name records it may not learn of.
        var effects = new AccessEffect[ids.Count];
        for (int i = 0, next = 0; i < ids.Count; i++)
        {
            effects[i] = held[i] is null ? AccessEffect.Deny : decisions[next++].Effect;
        }

        return LinkRelease.WithholdAll(released, LinkRelease.Hidden(ids, effects));
    }

    /// <summary>Decides (and audits) every read.</summary>
    private async Task<ReleaseDecision[]> Check(ServerCallContext context, Justification justification, string action, IReadOnlyList<Record> records)
    {
        var query = new AccessQuery(context.GetSubject(), justification.ToReadJustification(), action, context.Peer, "records");
        return await access.CheckAsync(query, records.Select(r => r.ToResourceMarking()).ToList(), context.CancellationToken);
    }

    /// <summary>
    /// A DENY is answered as NOT_FOUND, so that a caller cannot tell a record it may not know of
    /// from one that does not exist.
    /// </summary>
    private static ReleaseDecision ReadableOrNotFound(ReleaseDecision decision, string recordId) =>
        decision.Effect == AccessEffect.Deny ? throw new NotFoundException("Record", recordId) : decision;

    private static Record Released(Record record, ReleaseDecision decision) =>
        Redactor.Release(record, decision.Effect, decision.RedactedFields) ?? throw new InvalidOperationException("Only a permitted record is released.");

    public override async Task<AmendResponse> Amend(AmendRequest request, ServerCallContext context)
    {
        var subject = context.GetSubject();
        RequireContributor(subject);
        var violations = new Violations();
        CheckShape(request, "", violations);
        violations.Require(!string.IsNullOrWhiteSpace(request.RecordId), "record_id", "is required");
        violations.Require(request.ExpectedVersion >= 0, "expected_version", "must be 0 (any) or a version number");
        // Before the content is checked against the record (its cases): else the answers would tell a stranger about it.
        var current = violations.Any ? null : await OwnRecordAsync(request.RecordId, "amend", context);
        var filedUnder = current?.Content?.Marking?.CaseRefs ?? [];
        var contributor = await ContributorAsync(subject, request.Content, context, filedUnder: filedUnder);
        var amended = request.Content;
        if (amended is { SourceRef.Length: 0 })
        {
            // The source reference may be omitted on amend: the record keeps its own.
            amended = amended.Clone();
            amended.SourceRef = "(kept)";
        }

        RecordValidator.Validate(amended, contributor, violations);
        foreach (var change in IdentityChanges(current, request.Content))
        {
            violations.Add(change.Field, change.Description);
        }

        violations.ThrowIfAny();
        // The reason is optional: one of spaces alone is none, not a reason of spaces.
        var result = await store.AmendAsync(request.RecordId, request.Content, request.ExpectedVersion, subject, request.Reason.Trim(), context.CancellationToken);
        return new AmendResponse { RecordId = result.RecordId, Version = result.Version, Changed = result.Outcome != ContributeOutcome.Duplicate };
    }

    private static IEnumerable<FieldViolation> IdentityChanges(Record? current, RecordContent? amended) =>
        current?.Content is { } kept && amended is not null ? RecordStore.IdentityChanges(amended, kept.SourceRef, current.Type) : [];

    /// <summary>
    /// The caller's agency's record, current version. Only the originator amends or withdraws; anyone else hears
    /// PERMISSION_DENIED only if it may know the record exists, and otherwise NOT_FOUND, exactly as for a record that
    /// does not exist (a withdrawn one included). Such an attempt is decided and audited like a read.
    /// </summary>
    private async Task<Record> OwnRecordAsync(string recordId, string action, ServerCallContext context)
    {
        var current = store.GetVersion(recordId, 0) ?? ThrowNotFound(recordId);
        if (store.GetHead(recordId) is { } head && head.Agency != context.GetSubject().Agency)
        {
            var attempt = new Justification { Reason = $"{action} of another agency's record" };
            ReadableOrNotFound((await Check(context, attempt, action, [current]))[0], recordId);
            throw new PermissionDeniedException($"Only the agency that contributed record '{recordId}' may {action} it.");
        }

        return current;
    }

    public override async Task<WithdrawResponse> Withdraw(WithdrawRequest request, ServerCallContext context)
    {
        var subject = context.GetSubject();
        RequireContributor(subject);
        var violations = new Violations();
        MessageShape.Check(request, "", violations.Add);
        violations.Require(!string.IsNullOrWhiteSpace(request.RecordId), "record_id", "is required");
        violations.Require(!string.IsNullOrWhiteSpace(request.Reason), "reason", "is required: say why the record is withdrawn");
        violations.ThrowIfAny();

        await OwnRecordAsync(request.RecordId, "withdraw", context);
        var version = await store.WithdrawAsync(request.RecordId, request.Reason, subject, context.CancellationToken);
        return new WithdrawResponse { RecordId = request.RecordId, Version = version };
    }

    public override async Task ReadChanges(ReadChangesRequest request, IServerStreamWriter<ChangeEvent> responseStream, ServerCallContext context)
    {
        var subject = context.GetSubject();
        var violations = new Violations();
        violations.Require(request.AfterSequence >= 0, "after_sequence", "must not be negative");
        violations.Require(request.Limit >= 0, "limit", "must not be negative");
        violations.ThrowIfAny();

        // Every agency's records, whole and unaudited: for the platform's own read models, which apply the policy
        // when they answer.
        RequireReadModel(subject, "ReadChanges");

        // A reader ahead of the log kept its checkpoint while Records' data was replaced (restored from a backup, or
        // started afresh): following from there would skip every change up to its old position, silently.
        if (request.AfterSequence > store.LastSequence)
        {
            throw new PreconditionFailedException(
                $"after_sequence {request.AfterSequence} is beyond the change log's head ({store.LastSequence}): Records' data was replaced since this reader's checkpoint. Rebuild the read model from 0 (`intelshare projections rebuild`).");
        }

        var after = request.AfterSequence;
        var remaining = request.Limit == 0 ? long.MaxValue : request.Limit;
        while (!context.CancellationToken.IsCancellationRequested && remaining > 0)
        {
            var page = store.ReadChanges(after, (int)Math.Min(ChangesPageSize, remaining));
            foreach (var change in page)
            {
                await responseStream.WriteAsync(change, context.CancellationToken);
                after = change.Sequence;
                remaining--;
            }

            if (page.Count == 0)
            {
                if (!request.Follow)
                {
                    return;
                }

                try
                {
                    await store.WaitForChangesAsync(after, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public override Task<ReadMarkingsResponse> ReadMarkings(ReadMarkingsRequest request, ServerCallContext context)
    {
        var subject = context.GetSubject();
        var violations = new Violations();
        violations.Require(request.RecordIds.Count <= IRecordMarkings.MaxPerCall, "record_ids", $"must name at most {IRecordMarkings.MaxPerCall} records");
        violations.ThrowIfAny();
        // Which records exist, whose they are and who may read them, for every agency and unaudited: for the read
        // models, which decide on the markings for their callers and audit those decisions.
        RequireReadModel(subject, "ReadMarkings");
        var response = new ReadMarkingsResponse();
        response.Markings.AddRange(store.CurrentMarkings(request.RecordIds));
        return Task.FromResult(response);
    }

    /// <summary>A person's admin role manages the platform, not its content: only the platform's own services pass.</summary>
    private static void RequireReadModel(Subject subject, string rpc)
    {
        if (!subject.HasRole(Roles.Projection))
        {
            throw new PermissionDeniedException($"{rpc} is for the platform's read models: it needs the projection role (the platform services client), which no person has.");
        }
    }

    public override Task<ChangeHead> GetChangeHead(GetChangeHeadRequest request, ServerCallContext context)
    {
        // Only a count: an administrator follows the read models' lag by it.
        var subject = context.GetSubject();
        if (!subject.HasRole(Roles.Admin) && !subject.HasRole(Roles.Projection))
        {
            throw new PermissionDeniedException("GetChangeHead is for the platform's read models and administrators: it needs the projection or admin role.");
        }

        return Task.FromResult(new ChangeHead { Sequence = store.LastSequence });
    }

    private static void RequireContributor(Subject subject)
    {
        if (!subject.HasRole(Roles.Contributor))
        {
            throw new PermissionDeniedException("Contributing, amending and withdrawing records needs the contributor role.");
        }
    }

    [DoesNotReturn]
    private static Record ThrowNotFound(string recordId) => throw new NotFoundException("Record", recordId);
}
