using Google.Protobuf;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Records.Domain;

namespace IntelShare.Platform.Tests;

/// <summary>
/// The store keeps read connections with their statements compiled and hands each to one read at a time: reads
/// running together, and beside the writer, must each get their own answer, never another read's.
/// </summary>
public sealed class RecordStoreReadTests : IDisposable
{
    private static readonly Subject Contributor = new(
        "user-police", "Police contributor", "POL-ATU", new HashSet<string> { Roles.Contributor }, ClearanceLevel.Official, new HashSet<string>());

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "intelshare-store-" + Guid.NewGuid().ToString("N"));

    public RecordStoreReadTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_store_made_before_the_source_content_was_kept_takes_each_records_current_content_as_what_its_source_sent()
    {
        var path = Path.Combine(_directory, "records.db");
        string recordId;
        await using (var store = new RecordStore(path))
        {
            recordId = (await store.ContributeAsync([RecordStore.Prepare(TestRecords.Person("legacy-1"), Contributor.Agency)], Contributor))[0].RecordId;
            await store.AmendAsync(recordId, TestRecords.Person("legacy-1", family: "Amended"), 1, Contributor);
        }

        // The schema as it was before: no source_hash column.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "ALTER TABLE record_heads DROP COLUMN source_hash";
            drop.ExecuteNonQuery();
        }

        await using (var store = new RecordStore(path))
        {
            var amendedAgain = await store.ContributeAsync([RecordStore.Prepare(TestRecords.Person("legacy-1", family: "Amended"), Contributor.Agency)], Contributor);
            var original = await store.ContributeAsync([RecordStore.Prepare(TestRecords.Person("legacy-1"), Contributor.Agency)], Contributor);

            Assert.Equal((ContributeOutcome.Duplicate, 2L), (amendedAgain[0].Outcome, amendedAgain[0].Version));
            Assert.Equal((ContributeOutcome.NewVersion, 3L), (original[0].Outcome, original[0].Version));
        }
    }

    [Fact]
    public async Task A_version_stored_with_fields_the_contract_does_not_define_is_read_back_without_them()
    {
        var path = Path.Combine(_directory, "records.db");
        string recordId;
        Contracts.V1.Record stored;
        await using (var store = new RecordStore(path))
        {
            recordId = (await store.ContributeAsync([RecordStore.Prepare(TestRecords.Person("unknown-fields-1"), Contributor.Agency)], Contributor))[0].RecordId;
            stored = store.GetVersion(recordId, 1)!;
        }

        // As intake stored a version before it refused undefined fields: field 4000 (a varint) after the defined ones.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var append = connection.CreateCommand();
            append.CommandText = "UPDATE record_versions SET payload = $payload WHERE record_id = $id";
            append.Parameters.AddWithValue("$payload", (byte[])[.. stored.ToByteArray(), 0x80, 0xFA, 0x01, 0x07]);
            append.Parameters.AddWithValue("$id", recordId);
            Assert.Equal(1, append.ExecuteNonQuery());
        }

        await using (var store = new RecordStore(path))
        {
            Assert.Equal(stored, store.GetVersion(recordId, 0));
            Assert.Equal(stored, store.GetVersion(recordId, 1));
            Assert.Equal(stored, store.GetCurrentBySource(Contributor.Agency, "unknown-fields-1"));
            Assert.Equal([stored], store.GetHistory(recordId));
            Assert.Equal(stored, Assert.Single(store.ReadChanges(0, 10)).Record);
            await store.WithdrawAsync(recordId, "no longer relevant", Contributor);
            Assert.Equal(stored.Content, store.GetVersion(recordId, 0)!.Content);
        }
    }

    [Fact]
    public async Task Concurrent_reads_during_amendments_each_see_their_own_record_at_a_committed_version()
    {
        await using var store = new RecordStore(Path.Combine(_directory, "records.db"));
        var contributed = await store.ContributeAsync(
            [.. Enumerable.Range(0, 200).Select(i => RecordStore.Prepare(TestRecords.Person($"read-{i}", given: $"Given{i}"), Contributor.Agency))],
            Contributor);
        var ids = contributed.Select(c => c.RecordId).ToArray();
        var givenNames = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => $"Given{x.i}");

        // Amends a tenth of the records over and over while the readers run; committed[i] only ever grows.
        var committed = new long[ids.Length];
        Array.Fill(committed, 1);
        using var stop = new CancellationTokenSource();
        var amending = Task.Run(async () =>
        {
            for (var round = 0; !stop.IsCancellationRequested && round < 30; round++)
            {
                for (var i = 0; i < ids.Length; i += 10)
                {
                    var amended = await store.AmendAsync(ids[i], TestRecords.Person($"read-{i}", givenNames[ids[i]], family: $"Family{round}"), committed[i], Contributor);
                    Volatile.Write(ref committed[i], amended.Version);
                }
            }
        });

        // Threads of their own, started together: on a small machine pool tasks this short may well run one after another.
        const int Readers = 8;
        using var start = new Barrier(Readers);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var readers = Enumerable.Range(0, Readers).Select(reader => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                ReadRandomly(reader);
            }
            catch (Exception failure)
            {
                failures.Enqueue(failure);
            }
        })).ToArray();
        foreach (var thread in readers)
        {
            thread.Start();
        }

        foreach (var thread in readers)
        {
            thread.Join();
        }

        await stop.CancelAsync();
        await amending;
        Assert.Empty(failures);
        Assert.Null(store.GetVersion("rec-unknown", 0));
        Assert.Null(store.GetHead("rec-unknown"));

        void ReadRandomly(int reader)
        {
            var random = new Random(reader);
            for (var n = 0; n < 2_000; n++)
            {
                var i = random.Next(ids.Length);
                var atLeast = Volatile.Read(ref committed[i]);
                switch (n % 4)
                {
                    case 0:
                        var current = store.GetVersion(ids[i], 0);
                        Assert.NotNull(current);
                        Assert.Equal(ids[i], current.RecordId);
                        Assert.Equal(givenNames[ids[i]], current.Content.Person.Name.GivenName);
                        Assert.True(current.Version >= atLeast, $"read version {current.Version} of {ids[i]} after {atLeast} was committed");
                        break;
                    case 1:
                        var head = store.GetHead(ids[i]);
                        Assert.NotNull(head);
                        Assert.Equal(ids[i], head.RecordId);
                        Assert.True(head.CurrentVersion >= atLeast);
                        break;
                    case 2:
                        var history = store.GetHistory(ids[i]);
                        Assert.True(history.Count >= atLeast);
                        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(r => r.Version));
                        Assert.All(history, r => Assert.Equal(ids[i], r.RecordId));
                        break;
                    default:
                        var first = store.GetVersion(ids[i], 1);
                        Assert.NotNull(first);
                        Assert.Equal((ids[i], 1L), (first.RecordId, first.Version));
                        var after = i % 150;
                        var changes = store.ReadChanges(after, 25);
                        Assert.Equal(Enumerable.Range(after + 1, 25).Select(s => (long)s), changes.Select(c => c.Sequence));
                        break;
                }
            }
        }
    }
}
