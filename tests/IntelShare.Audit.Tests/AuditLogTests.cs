using IntelShare.Audit.Domain;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Signing;
using IntelShare.Audit.Log.Storage;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using SignedTreeHead = IntelShare.Audit.Log.Signing.SignedTreeHead;

namespace IntelShare.Audit.Tests;

public sealed class AuditLogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string LogDirectory => _temp.Sub("audit");

    private static OversightQueries Queries(AuditLog log) => new(log, new AnomalyDetector());

    [Fact]
    public async Task Appended_events_come_back_from_queries_exactly_as_logged()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        var at = Events.Day0.AddMinutes(17).AddTicks(12345);
        await log.AppendAsync(
        [
            Events.Read(resourceId: "R-1", at: at, resourceCases: ["OP-ALPHA", "OP-BRAVO"]),
            Events.Read(resourceId: "R-2", effect: "PERMIT_REDACTED"),
        ], CancellationToken.None);

        var page = await Queries(log).WhoAccessedAsync(Subjects.Oversight, "R-1", null, new PeriodQuery(), CancellationToken.None);

        var entry = Assert.Single(page.Entries);
        Assert.Equal(0, entry.Index);
        Assert.Equal(at, entry.At.ToDateTimeOffset());
        Assert.Equal(("analyst-1", "User analyst-1", "NCA"), (entry.UserId, entry.UserName, entry.Agency));
        Assert.Equal(("read", "record", "R-1", "MPS"), (entry.Action, entry.ResourceKind, entry.ResourceId, entry.HolderAgency));
        Assert.Equal(("OP-ALPHA", "trafficking investigation", Purpose.CriminalInvestigation),
            (entry.Justification.CaseRef, entry.Justification.Reason, entry.Justification.Purpose));
        Assert.Equal((Effect.Permit, "releasable-to-agency", "10.0.0.7", "records"), (entry.Effect, entry.Rule, entry.Origin, entry.Service));
        Assert.Equal(["OP-ALPHA", "OP-BRAVO"], entry.ResourceCaseRefs);
        Assert.Equal(1, page.TotalSize);
        Assert.Equal("", page.NextPageToken);
    }

    [Fact]
    public async Task A_holder_sees_who_read_its_records_but_the_readers_case_and_reason_only_for_a_case_it_knows_and_never_their_address()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await log.AppendAsync(
        [
            Events.Read("nca-1", "NCA", "R-1", holder: "MPS", caseRef: "OP-NCA-ONLY"),
            Events.Read("nca-2", "NCA", "R-2", holder: "MPS", caseRef: "OP-JOINT"),
            Events.Read("nca-3", "NCA", "R-3", holder: "MPS", caseRef: ""),
        ], CancellationToken.None);
        var queries = Queries(log);
        var cases = new KnownCases(("OP-NCA-ONLY", "NCA"), ("OP-JOINT", "NCA"), ("OP-JOINT", "MPS"));

        var entries = (await queries.AgencyReadersAsync(Subjects.Analyst("MPS"), new PeriodQuery(), cases, CancellationToken.None)).Entries;

        Assert.Equal(["nca-1", "nca-2", "nca-3"], entries.Select(e => e.UserId));
        Assert.Equal(["", "OP-JOINT", ""], entries.Select(e => e.Justification.CaseRef));
        Assert.Equal(["", "trafficking investigation", ""], entries.Select(e => e.Justification.Reason));
        Assert.All(entries, e => Assert.Equal((Purpose.CriminalInvestigation, ""), (e.Justification.Purpose, e.Origin)));
        // Oversight still sees every entry as it was logged.
        var logged = await queries.ActivityAsync(Subjects.Oversight, null, "NCA", new PeriodQuery(), CancellationToken.None);
        Assert.Equal(["OP-NCA-ONLY", "OP-JOINT", ""], logged.Entries.Select(e => e.Justification.CaseRef));
        Assert.All(logged.Entries, e => Assert.Equal("10.0.0.7", e.Origin));
    }

    [Fact]
    public async Task Each_oversight_query_selects_its_entries()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await log.AppendAsync(
        [
            /* 0 */ Events.Read("nca-1", "NCA", "R-1", holder: "MPS", caseRef: "OP-ALPHA", resourceCases: ["OP-ALPHA"]),
            /* 1 */ Events.Read("nca-2", "NCA", "R-2", holder: "MPS", caseRef: "", resourceCases: ["OP-ALPHA"]),
            /* 2 */ Events.Read("mps-1", "MPS", "R-3", holder: "NCA", caseRef: "", effect: "PERMIT_REDACTED"),
            /* 3 */ Events.Read("mps-1", "MPS", "R-4", holder: "NCA", caseRef: "OP-BRAVO", effect: "DENY"),
            /* 4 */ Events.Read("mps-2", "MPS", "R-5", holder: "NCA", caseRef: "", effect: "EXISTENCE_ONLY"),
            /* 5 */ Events.Read("nca-1", "NCA", "R-6", holder: "NCA", caseRef: "", effect: "DENY"),
            /* 6 */ Events.Read("bf-1", "BF", "R-1", holder: "MPS", caseRef: "OP-BRAVO", at: Events.Day0.AddDays(3)),
        ], CancellationToken.None);
        var queries = Queries(log);
        var all = new PeriodQuery();
        var oversight = Subjects.Oversight;
        var none = CancellationToken.None;

        Assert.Equal([0L, 6], Leaves(await queries.WhoAccessedAsync(oversight, "R-1", null, all, none)));
        Assert.Equal([0L, 1], Leaves(await queries.WhoAccessedAsync(oversight, null, "OP-ALPHA", all, none)));
        Assert.Equal([0L, 1], Leaves(await queries.WhoAccessedAsync(oversight, "OP-ALPHA", null, all, none)));
        Assert.Equal([3L, 6], Leaves(await queries.WhoAccessedAsync(oversight, "OP-BRAVO", null, all, none)));
        Assert.Equal([6L], Leaves(await queries.WhoAccessedAsync(oversight, "R-1", "OP-BRAVO", all, none)));
        Assert.Equal([0L, 5], Leaves(await queries.ActivityAsync(oversight, "nca-1", null, all, none)));
        Assert.Equal([0L, 5], Leaves(await queries.ActivityAsync(oversight, "User nca-1", null, all, none)));
        Assert.Equal([2L, 3, 4], Leaves(await queries.ActivityAsync(oversight, null, "MPS", all, none)));
        Assert.Equal([1L, 2], Leaves(await queries.ReadsWithoutCaseAsync(oversight, all, none)));
        Assert.Equal([3L, 5], Leaves(await queries.DeniedAttemptsAsync(oversight, all, none)));
        Assert.Equal([2L, 3, 4], Leaves(await queries.AgencyReadersAsync(Subjects.Analyst("NCA"), all, KnownCases.None, none)));
        Assert.Equal([0L, 1, 6], Leaves(await queries.AgencyReadersAsync(Subjects.Analyst("MPS"), all, KnownCases.None, none)));

        var firstDays = new PeriodQuery(Events.Day0, Events.Day0.AddDays(1));
        Assert.Equal([0L], Leaves(await queries.WhoAccessedAsync(oversight, "R-1", null, firstDays, none)));
        var later = new PeriodQuery(From: Events.Day0.AddDays(1));
        Assert.Equal([6L], Leaves(await queries.ActivityAsync(oversight, null, "BF", later, none)));
        Assert.Empty(Leaves(await queries.ActivityAsync(oversight, "nca-1", null, later, none)));
    }

    [Fact]
    public async Task Pages_walk_every_entry_once_in_log_order_while_the_log_grows()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await log.AppendAsync([.. Enumerable.Range(0, 25).Select(i => Events.Read(resourceId: "R-9", at: Events.Day0.AddMinutes(i)))], CancellationToken.None);
        var queries = Queries(log);

        var seen = new List<long>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await queries.WhoAccessedAsync(Subjects.Oversight, "R-9", null, new PeriodQuery(PageSize: 10, PageToken: token), CancellationToken.None);
            seen.AddRange(Leaves(page));
            token = page.NextPageToken;
            if (pages++ == 0)
            {
                Assert.Equal(25, page.TotalSize);

                // New entries arrive after the token's position, so they are simply on a later page.
                await log.AppendAsync([Events.Read(resourceId: "R-9")], CancellationToken.None);
            }
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 26).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task Page_size_defaults_to_100_and_is_capped_at_1000()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await log.AppendAsync([.. Enumerable.Range(0, 1005).Select(_ => Events.Read(effect: "DENY"))], CancellationToken.None);
        var queries = Queries(log);

        Assert.Equal(100, (await queries.DeniedAttemptsAsync(Subjects.Oversight, new PeriodQuery(), CancellationToken.None)).Entries.Count);
        var capped = await queries.DeniedAttemptsAsync(Subjects.Oversight, new PeriodQuery(PageSize: 5000), CancellationToken.None);
        Assert.Equal(1000, capped.Entries.Count);
        // The token is opaque (bound to its query), so it is asked for the next page rather than read.
        var rest = await queries.DeniedAttemptsAsync(Subjects.Oversight, new PeriodQuery(PageSize: 5000, PageToken: capped.NextPageToken), CancellationToken.None);
        Assert.Equal([1000L, 1001, 1002, 1003, 1004], Leaves(rest));
        Assert.Equal("", rest.NextPageToken);
    }

    [Fact]
    public async Task Invalid_periods_and_pages_name_the_field()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        var queries = Queries(log);
        var backwards = new PeriodQuery(Events.Day0, Events.Day0.AddHours(-1));

        var flat = await Assert.ThrowsAsync<ValidationFailedException>(() => queries.DeniedAttemptsAsync(Subjects.Oversight, backwards, CancellationToken.None));
        Assert.Equal("to", Assert.Single(flat.Violations).Field);

        var nested = await Assert.ThrowsAsync<ValidationFailedException>(() => queries.WhoAccessedAsync(Subjects.Oversight, "R-1", null, backwards, CancellationToken.None));
        Assert.Equal("period.to", Assert.Single(nested.Violations).Field);

        var anomalies = await Assert.ThrowsAsync<ValidationFailedException>(() => queries.AnomaliesAsync(Subjects.Oversight, backwards, CancellationToken.None));
        Assert.Equal("to", Assert.Single(anomalies.Violations).Field);

        var page = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            queries.ReadsWithoutCaseAsync(Subjects.Oversight, new PeriodQuery(PageSize: -1, PageToken: "abc"), CancellationToken.None));
        Assert.Equal(["page.page_size", "page.page_token"], page.Violations.Select(v => v.Field));

        var nothing = await Assert.ThrowsAsync<ValidationFailedException>(() => queries.WhoAccessedAsync(Subjects.Oversight, " ", "", new PeriodQuery(), CancellationToken.None));
        Assert.Equal("resource_id", Assert.Single(nothing.Violations).Field);
        var nobody = await Assert.ThrowsAsync<ValidationFailedException>(() => queries.ActivityAsync(Subjects.Oversight, "", null, new PeriodQuery(), CancellationToken.None));
        Assert.Equal("user_id", Assert.Single(nobody.Violations).Field);
    }

    [Fact]
    public async Task Oversight_queries_are_refused_to_everyone_else_except_agency_readers()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await log.AppendAsync([Events.Read()], CancellationToken.None);
        var queries = Queries(log);
        var all = new PeriodQuery();
        var none = CancellationToken.None;

        foreach (var caller in new[] { Subjects.Analyst(), Subjects.Make("sup-1", "NCA", Roles.Supervisor, Roles.Admin) })
        {
            await Assert.ThrowsAsync<PermissionDeniedException>(() => queries.WhoAccessedAsync(caller, "R-1", null, all, none));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => queries.ActivityAsync(caller, caller.UserId, null, all, none));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => queries.ReadsWithoutCaseAsync(caller, all, none));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => queries.DeniedAttemptsAsync(caller, all, none));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => queries.AnomaliesAsync(caller, all, none));
            Assert.Throws<PermissionDeniedException>(() => log.GetEntries(caller, 0, 10));
            Assert.Single((await queries.AgencyReadersAsync(Subjects.Analyst("MPS"), all, KnownCases.None, none)).Entries);
        }

        // Refused before the input is looked at: a non-oversight caller learns nothing from validation errors.
        await Assert.ThrowsAsync<PermissionDeniedException>(() => queries.WhoAccessedAsync(Subjects.Analyst(), "", "", all, none));
    }

    [Fact]
    public async Task Appends_are_durable_across_reopening()
    {
        var events = Enumerable.Range(0, 50).Select(i => Events.Read(resourceId: $"R-{i}", at: Events.Day0.AddSeconds(i))).ToList();
        await using (var log = AuditLogs.Open(LogDirectory))
        {
            await log.AppendAsync(events, CancellationToken.None);
        }

        await using var reopened = AuditLogs.Open(LogDirectory);
        Assert.Equal(50, reopened.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var entry = reopened.GetEntry(i);
            Assert.Equal(AuditEntryCodec.ToEntry(events[i]).ResourceId, entry.ResourceId);
            Assert.Equal(events[i].At, entry.At.ToDateTimeOffset());
        }

        var page = await Queries(reopened).ActivityAsync(Subjects.Oversight, "analyst-1", null, new PeriodQuery(PageSize: 1000), CancellationToken.None);
        Assert.Equal(50, page.Entries.Count);
    }

    [Fact]
    public async Task Index_is_rebuilt_from_the_log_when_index_db_is_deleted()
    {
        await using (var log = AuditLogs.Open(LogDirectory))
        {
            await log.AppendAsync([.. Enumerable.Range(0, 30).Select(i => Events.Read(resourceId: $"R-{i % 3}", effect: i % 5 == 0 ? "DENY" : "PERMIT"))], CancellationToken.None);
            Assert.Equal(10, (await Queries(log).WhoAccessedAsync(Subjects.Oversight, "R-1", null, new PeriodQuery(), CancellationToken.None)).TotalSize);
        }

        foreach (var file in Directory.GetFiles(LogDirectory, "index.db*"))
        {
            File.Delete(file);
        }

        await using var reopened = AuditLogs.Open(LogDirectory);
        var queries = Queries(reopened);
        Assert.Equal(10, (await queries.WhoAccessedAsync(Subjects.Oversight, "R-1", null, new PeriodQuery(), CancellationToken.None)).TotalSize);
        Assert.Equal([0L, 5, 10, 15, 20, 25], Leaves(await queries.DeniedAttemptsAsync(Subjects.Oversight, new PeriodQuery(), CancellationToken.None)));
    }

    [Fact]
    public async Task Entries_logged_but_never_indexed_are_indexed_on_opening()
    {
        // What a crash between the log's fsync and the index commit leaves: entries in the log the index lacks.
        await using (var log = AuditLogs.Open(LogDirectory))
        {
            await log.AppendAsync([Events.Read(resourceId: "R-1")], CancellationToken.None);
            Assert.Single((await Queries(log).WhoAccessedAsync(Subjects.Oversight, "R-1", null, new PeriodQuery(), CancellationToken.None)).Entries);
        }

        await using (var raw = MerkleLog.Open(LogDirectory))
        {
            await raw.AppendAsync(AuditEntryCodec.Encode(Events.Read(resourceId: "R-1", userId: "after-crash")));
        }

        await using var reopened = AuditLogs.Open(LogDirectory);
        var page = await Queries(reopened).WhoAccessedAsync(Subjects.Oversight, "R-1", null, new PeriodQuery(), CancellationToken.None);
        Assert.Equal(["analyst-1", "after-crash"], page.Entries.Select(entry => entry.UserId));
    }

    [Fact]
    public async Task An_index_that_belongs_to_another_log_is_rebuilt()
    {
        var other = _temp.Sub("other");
        await using (var log = AuditLogs.Open(other))
        {
            await log.AppendAsync([.. Enumerable.Range(0, 5).Select(_ => Events.Read(resourceId: "R-OTHER"))], CancellationToken.None);
            await Queries(log).DeniedAttemptsAsync(Subjects.Oversight, new PeriodQuery(), CancellationToken.None);
        }

        await using (var log = AuditLogs.Open(LogDirectory))
        {
            await log.AppendAsync([.. Enumerable.Range(0, 5).Select(_ => Events.Read(resourceId: "R-MINE"))], CancellationToken.None);
        }

        File.Copy(Path.Combine(other, "index.db"), Path.Combine(LogDirectory, "index.db"), overwrite: true);
        await using var reopened = AuditLogs.Open(LogDirectory);
        var queries = Queries(reopened);
        Assert.Empty((await queries.WhoAccessedAsync(Subjects.Oversight, "R-OTHER", null, new PeriodQuery(), CancellationToken.None)).Entries);
        Assert.Equal(5, (await queries.WhoAccessedAsync(Subjects.Oversight, "R-MINE", null, new PeriodQuery(), CancellationToken.None)).TotalSize);
    }

    [Fact]
    public async Task Append_throws_when_the_log_cannot_be_written()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await log.AppendAsync([Events.Read()], CancellationToken.None);
        await log.Log.DisposeAsync();

        var error = await Assert.ThrowsAsync<AuditLogUnavailableException>(() => log.AppendAsync([Events.Read(), Events.Read()], CancellationToken.None));
        Assert.Contains("must not proceed", error.Message);
        Assert.Equal(1, log.Count);
    }

    [Fact]
    public async Task Concurrent_appends_each_get_their_own_durable_leaf()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await log.AppendAsync([Events.Read(userId: $"writer-{writer}", resourceId: $"R-{i}"), Events.Read(userId: $"writer-{writer}", resourceId: $"S-{i}")], CancellationToken.None);
            }
        })));

        Assert.Equal(2000, log.Count);
        var queries = Queries(log);
        for (var writer = 0; writer < 40; writer += 13)
        {
            var page = await queries.ActivityAsync(Subjects.Oversight, $"writer-{writer}", null, new PeriodQuery(PageSize: 1000), CancellationToken.None);
            Assert.Equal(50, page.Entries.Count);
        }

        var everything = log.Log.ReadEntries(0, log.Count).Select(entry => AuditEntryCodec.Decode(entry.Index, entry.Data)).ToList();
        Assert.Equal(2000, everything.Select(entry => (entry.UserId, entry.ResourceId)).Distinct().Count());
    }

    [Fact]
    public async Task Latest_head_is_signed_only_when_the_log_grew_and_earlier_heads_stay_available()
    {
        SignedTreeHead first, second;
        await using (var log = AuditLogs.Open(LogDirectory))
        {
            await log.AppendAsync([Events.Read(), Events.Read()], CancellationToken.None);
            first = log.GetSignedTreeHead();
            Assert.Equal(2, first.Head.TreeSize);
            Assert.Same(first, log.GetSignedTreeHead());

            await log.AppendAsync([Events.Read()], CancellationToken.None);
            second = log.GetSignedTreeHead(0);
            Assert.Equal(3, second.Head.TreeSize);
            Assert.Equal(first, log.GetSignedTreeHead(2));

            using var verifier = new TreeHeadVerifier(log.PublicKeyPem);
            Assert.True(verifier.Verify(first).IsValid);
            Assert.True(verifier.Verify(second).IsValid);
            Assert.True(first.Head.RootHash.SequenceEqual(log.Log.Root(2)));

            Assert.Throws<NotFoundException>(() => log.GetSignedTreeHead(1));
            Assert.Equal("tree_size", Assert.Single(Assert.Throws<ValidationFailedException>(() => log.GetSignedTreeHead(4)).Violations).Field);
            Assert.Equal("tree_size", Assert.Single(Assert.Throws<ValidationFailedException>(() => log.GetSignedTreeHead(-1)).Violations).Field);
        }

        await using var reopened = AuditLogs.Open(LogDirectory);
        Assert.Equal(first, reopened.GetSignedTreeHead(2));
        Assert.Equal(second, reopened.GetSignedTreeHead());
        Assert.Equal(2, reopened.SignedTreeHeads().Count);
    }

    [Fact]
    public async Task Key_id_is_stable_across_reopening_and_the_key_can_live_elsewhere()
    {
        var options = new AuditLogOptions { Directory = LogDirectory, KeyPath = _temp.Sub("keys/audit.pem") };
        string keyId;
        await using (var log = AuditLog.Open(options))
        {
            keyId = log.KeyId;
            Assert.Equal(64, keyId.Length);
            Assert.Contains("BEGIN PUBLIC KEY", log.PublicKeyPem);
        }

        Assert.True(File.Exists(_temp.Sub("keys/audit.pem")));
        Assert.False(File.Exists(Path.Combine(LogDirectory, "signing-key.pem")));
        await using var reopened = AuditLog.Open(options);
        Assert.Equal(keyId, reopened.KeyId);
    }

    [Fact]
    public async Task Proofs_verify_against_signed_heads_and_leaves_fetched_by_oversight()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        await log.AppendAsync([.. Enumerable.Range(0, 7).Select(i => Events.Read(resourceId: $"R-{i}"))], CancellationToken.None);
        var early = log.GetSignedTreeHead();
        await log.AppendAsync([.. Enumerable.Range(7, 13).Select(i => Events.Read(resourceId: $"R-{i}"))], CancellationToken.None);
        var late = log.GetSignedTreeHead();

        var leaves = log.GetEntries(Subjects.Oversight, 0, 0);
        Assert.Equal(20, leaves.Count);
        for (var i = 0; i < leaves.Count; i++)
        {
            Assert.Equal($"R-{i}", AuditEntry.Parser.ParseFrom(leaves[i]).ResourceId);
            var result = ProofVerifier.VerifyInclusion(i, 20, MerkleHash.LeafHash(leaves[i]), log.GetInclusionProof(i, 20), late.Head.RootHash);
            Assert.True(result.IsValid, result.ToString());
        }

        var consistent = ProofVerifier.VerifyConsistency(7, 20, early.Head.RootHash, late.Head.RootHash, log.GetConsistencyProof(7, 20));
        Assert.True(consistent.IsValid, consistent.ToString());
        Assert.Equal(5, log.GetEntries(Subjects.Oversight, 15, 1000).Count);
        Assert.Empty(log.GetEntries(Subjects.Oversight, 20, 10));

        Assert.Equal("leaf_index", Assert.Single(Assert.Throws<ValidationFailedException>(() => log.GetInclusionProof(20, 20)).Violations).Field);
        Assert.Equal("tree_size", Assert.Single(Assert.Throws<ValidationFailedException>(() => log.GetInclusionProof(0, 21)).Violations).Field);
        Assert.Equal("first_tree_size", Assert.Single(Assert.Throws<ValidationFailedException>(() => log.GetConsistencyProof(8, 7)).Violations).Field);
        Assert.Equal("second_tree_size", Assert.Single(Assert.Throws<ValidationFailedException>(() => log.GetConsistencyProof(0, 21)).Violations).Field);
        Assert.Equal("start", Assert.Single(Assert.Throws<ValidationFailedException>(() => log.GetEntries(Subjects.Oversight, 21, 1)).Violations).Field);
    }

    [Fact]
    public async Task Cancelled_append_does_not_log_anything()
    {
        await using var log = AuditLogs.Open(LogDirectory);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => log.AppendAsync([Events.Read()], cancelled.Token));
        Assert.Equal(0, log.Count);
    }

    private static List<long> Leaves(AuditEntryPage page) => [.. page.Entries.Select(entry => entry.Index)];
}
