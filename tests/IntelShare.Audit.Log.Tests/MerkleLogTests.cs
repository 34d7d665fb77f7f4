using IntelShare.Audit.Log.Signing;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Storage;
using static IntelShare.Audit.Log.Tests.TestData;

namespace IntelShare.Audit.Log.Tests;

public sealed class MerkleLogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Dir => _temp.Sub("log");

    [Fact]
    public async Task Reopened_log_holds_every_acknowledged_entry()
    {
        var entries = Enumerable.Range(0, 1000).Select(Entry).ToArray();
        await using (var log = MerkleLog.Open(Dir))
        {
            var indices = await Task.WhenAll(entries.Select(entry => log.AppendAsync(entry)));
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), indices.Order());
            entries = [.. indices.Zip(entries).OrderBy(pair => pair.First).Select(pair => pair.Second)];
        }

        using var reopened = MerkleLog.Open(Dir);
        Assert.Equal(1000, reopened.Count);
        Assert.False(reopened.Recovery.Repaired);
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(entries[i], reopened.GetEntry(i));
        }

        Assert.Equal(InMemoryMerkleTree.FromEntries(entries).Root(), reopened.Root());
    }

    [Fact]
    public async Task A_crash_after_acknowledgement_loses_nothing()
    {
        var crashed = _temp.Sub("crashed");
        var options = new MerkleLogOptions { CheckpointInterval = 1_000_000 };
        byte[] root;
        await using (var log = MerkleLog.Open(Dir, options))
        {
            await log.AppendAsync(Entry(0));
            await Task.WhenAll(Enumerable.Range(1, 499).Select(i => log.AppendAsync(Entry(i))));
            root = log.Root();
            LogFiles.CopyWhileOpen(Dir, crashed);
        }

        using var recovered = MerkleLog.Open(crashed);
        Assert.Equal(500, recovered.Count);
        Assert.Equal(root, recovered.Root());
        Assert.Equal(500, recovered.Recovery.EntriesReplayed);
    }

    [Fact]
    public async Task Torn_final_entry_is_cut_off_and_kept_aside()
    {
        await using (var log = MerkleLog.Open(Dir))
        {
            for (var i = 0; i < 10; i++)
            {
                await log.AppendAsync(Entry(i));
            }
        }

        // A record header promising 100 bytes, followed by only 20 of them: a write cut short.
        byte[] torn = [0, 0, 0, 100, .. MerkleHash.LeafHash(new byte[100]), .. Enumerable.Repeat((byte)0xAB, 20)];
        LogFiles.Append(LogFiles.Entries(Dir), torn);

        await using (var log = MerkleLog.Open(Dir))
        {
            Assert.Equal(10, log.Count);
            Assert.Equal(torn.Length, log.Recovery.TornBytes);
            Assert.Equal(torn, File.ReadAllBytes(log.Recovery.QuarantinePath!));
            Assert.Equal(Enumerable.Range(0, 10).Select(Entry), log.ReadEntries(0, 10).Select(entry => entry.Data));
            Assert.Equal(10, await log.AppendAsync(Entry(10)));
        }

        using var reopened = MerkleLog.Open(Dir);
        Assert.Equal(11, reopened.Count);
        Assert.Equal(InMemoryMerkleTree.FromEntries(Enumerable.Range(0, 11).Select(Entry)).Root(), reopened.Root());
    }

    [Fact]
    public async Task The_file_is_extended_ahead_of_the_appends_and_a_clean_close_trims_it_to_the_last_entry()
    {
        var options = new MerkleLogOptions { MaxPreallocationBytes = 256 << 10 };
        var entries = Enumerable.Range(0, 3000).Select(Entry).ToArray();
        long written;
        await using (var log = MerkleLog.Open(Dir, options))
        {
            foreach (var entry in entries)
            {
                await log.AppendAsync(entry);
            }

            written = LogFormat.EntriesHeaderSize + entries.Sum(e => (long)(LogFormat.RecordHeaderSize + e.Length));
            var length = new FileInfo(LogFiles.Entries(Dir)).Length;
            Assert.InRange(length, written + 1, written + (256 << 10));
            Assert.All(ReadAt(LogFiles.Entries(Dir), written, (int)(length - written)), b => Assert.Equal(0, b));
        }

        Assert.Equal(written, new FileInfo(LogFiles.Entries(Dir)).Length);
        using var reopened = MerkleLog.Open(Dir, options);
        Assert.False(reopened.Recovery.Repaired);
        Assert.Equal(entries, reopened.ReadEntries(0, entries.Length).Select(e => e.Data));
        Assert.Equal(InMemoryMerkleTree.FromEntries(entries).Root(), reopened.Root());
    }

    [Fact]
    public async Task Without_preallocation_the_file_ends_at_the_last_entry_while_open()
    {
        var options = new MerkleLogOptions { MaxPreallocationBytes = 0 };
        await using (var log = MerkleLog.Open(Dir, options))
        {
            for (var i = 0; i < 10; i++)
            {
                await log.AppendAsync(Entry(i));
                var written = LogFormat.EntriesHeaderSize + Enumerable.Range(0, i + 1).Sum(e => (long)(LogFormat.RecordHeaderSize + Entry(e).Length));
                Assert.Equal(written, new FileInfo(LogFiles.Entries(Dir)).Length);
            }
        }

        using var reopened = MerkleLog.Open(Dir, options);
        Assert.False(reopened.Recovery.Repaired);
        Assert.Equal(InMemoryMerkleTree.FromEntries(Enumerable.Range(0, 10).Select(Entry)).Root(), reopened.Root());
    }

    [Fact]
    public async Task A_crash_leaves_preallocated_zeros_after_the_last_entry_which_recovery_takes_as_the_end()
    {
        var (crashed, written) = await CrashedAfter(20);
        Assert.True(new FileInfo(LogFiles.Entries(crashed)).Length > written);
        await using (var recovered = MerkleLog.Open(crashed))
        {
            Assert.Equal(20, recovered.Count);
            Assert.Equal(0, recovered.Recovery.TornBytes);
            Assert.Equal(20, await recovered.AppendAsync(Entry(20)));
        }

        using var reopened = MerkleLog.Open(crashed);
        Assert.Equal(InMemoryMerkleTree.FromEntries(Enumerable.Range(0, 21).Select(Entry)).Root(), reopened.Root());
    }

    [Fact]
    public async Task A_write_torn_inside_the_preallocated_space_is_cut_off_without_the_zeros_around_it()
    {
        var (crashed, end) = await CrashedAfter(5);

        // The next record's header reached the disk, its data did not, and a later sector of it did: zeros between.
        byte[] header = [0, 0, 0, 200, .. MerkleHash.LeafHash(new byte[200])];
        LogFiles.WriteAt(LogFiles.Entries(crashed), end, header);
        LogFiles.WriteAt(LogFiles.Entries(crashed), end + header.Length + 150, [7, 7, 7]);

        using var recovered = MerkleLog.Open(crashed);
        Assert.Equal(5, recovered.Count);
        Assert.Equal(header.Length + 153, recovered.Recovery.TornBytes);
        var kept = File.ReadAllBytes(recovered.Recovery.QuarantinePath!);
        Assert.Equal(header, kept[..header.Length]);
        Assert.Equal([7, 7, 7], kept[^3..]);
        Assert.Equal(end, new FileInfo(LogFiles.Entries(crashed)).Length);
    }

    [Fact]
    public async Task Bytes_after_a_zeroed_record_header_are_not_taken_for_preallocated_space()
    {
        var (crashed, end) = await CrashedAfter(1);

        // Data of a record whose header never reached the disk.
        LogFiles.WriteAt(LogFiles.Entries(crashed), end + LogFormat.RecordHeaderSize, [1, 2, 3]);

        using var recovered = MerkleLog.Open(crashed);
        Assert.Equal(1, recovered.Count);
        Assert.Equal(LogFormat.RecordHeaderSize + 3, recovered.Recovery.TornBytes);
    }

    /// <summary>
    /// The files of a log with <paramref name="entries"/> entries as a crash leaves them (copied while it is open, so
    /// with its preallocated zeros), and the offset where the last entry ends.
    /// </summary>
    private async Task<(string Directory, long End)> CrashedAfter(int entries)
    {
        var crashed = _temp.Sub("crashed");
        await using (var log = MerkleLog.Open(Dir))
        {
            for (var i = 0; i < entries; i++)
            {
                await log.AppendAsync(Entry(i));
            }

            LogFiles.CopyWhileOpen(Dir, crashed);
        }

        return (crashed, LogFormat.EntriesHeaderSize + Enumerable.Range(0, entries).Sum(i => (long)(LogFormat.RecordHeaderSize + Entry(i).Length)));
    }

    private static byte[] ReadAt(string path, long offset, int count)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    [Fact]
    public async Task Whole_length_record_with_garbage_content_at_the_end_is_torn()
    {
        await using (var log = MerkleLog.Open(Dir))
        {
            await log.AppendAsync(Entry(0));
        }

        // What a file system may show after a crash: the length reached disk, zeros instead of the data.
        LogFiles.Append(LogFiles.Entries(Dir), [0, 0, 0, 4, .. new byte[MerkleHash.Size + 4]]);

        using var reopened = MerkleLog.Open(Dir);
        Assert.Equal(1, reopened.Count);
        Assert.Equal(Entry(0), reopened.GetEntry(0));
    }

    [Fact]
    public async Task Damage_below_a_signed_head_is_refused_at_open_rather_than_cut_away_as_a_torn_tail()
    {
        await using (var log = MerkleLog.Open(Dir))
        {
            for (var i = 0; i < 3; i++)
            {
                await log.AppendAsync(Entry(i));
            }

            using var signer = TreeHeadSigner.OpenOrCreate(_temp.Sub("key.pem"));
            log.SignTreeHead(signer);
        }

        // The last entry edited, and the checkpoint lagging behind it, as after a crash: recovery replays it.
        LogFiles.Edit(LogFiles.Entries(Dir), LogFiles.DataOffset(2, Entry(2).Length), b => (byte)(b ^ 1));
        File.Delete(Path.Combine(Dir, LogFormat.CheckpointFile));
        var lengthBefore = new FileInfo(LogFiles.Entries(Dir)).Length;

        var error = Assert.Throws<LogCorruptedException>(() => MerkleLog.Open(Dir));

        Assert.Contains("signed", error.Message);
        Assert.Equal(lengthBefore, new FileInfo(LogFiles.Entries(Dir)).Length);
    }

    [Fact]
    public async Task Concurrent_appenders_get_distinct_indices_and_the_expected_root()
    {
        const int Tasks = 8, PerTask = 2000;
        var written = new (long Index, byte[] Data)[Tasks * PerTask];
        await using (var log = MerkleLog.Open(Dir))
        {
            await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < PerTask; i++)
                {
                    var data = Entry(t * PerTask + i);
                    written[t * PerTask + i] = (await log.AppendAsync(data), data);
                }
            })));

            Assert.Equal(Tasks * PerTask, written.Select(w => w.Index).Distinct().Count());
            Assert.Equal(Tasks * PerTask - 1, written.Max(w => w.Index));
            var inOrder = written.OrderBy(w => w.Index).Select(w => w.Data).ToArray();
            Assert.Equal(InMemoryMerkleTree.FromEntries(inOrder).Root(), log.Root());
            Assert.All(written.Take(50), w => Assert.Equal(w.Data, log.GetEntry(w.Index)));
        }
    }

    [Fact]
    public async Task Entries_appended_together_are_consecutive_leaves_among_concurrent_appenders()
    {
        const int Tasks = 6, GroupsPerTask = 300;
        var groups = new List<(long First, byte[][] Data)>[Tasks];
        await using (var log = MerkleLog.Open(Dir))
        {
            await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
            {
                var random = new Random(t);
                groups[t] = [];
                for (var g = 0; g < GroupsPerTask; g++)
                {
                    // Every other task appends one entry at a time, so groups interleave with single appends.
                    var data = Enumerable.Range(0, t % 2 == 0 ? 1 : random.Next(1, 6)).Select(i => Entry((t * GroupsPerTask + g) * 8 + i)).ToArray();
                    groups[t].Add((await log.AppendAllAsync([.. data.Select(d => (ReadOnlyMemory<byte>)d)]), data));
                }
            })));
        }

        var leaves = groups.SelectMany(g => g).SelectMany(g => g.Data.Select((data, i) => (Index: g.First + i, Data: data))).OrderBy(l => l.Index).ToArray();
        Assert.Equal(Enumerable.Range(0, leaves.Length).Select(i => (long)i), leaves.Select(l => l.Index));
        using var reopened = MerkleLog.Open(Dir);
        Assert.Equal(leaves.Length, reopened.Count);
        Assert.All(leaves, l => Assert.Equal(l.Data, reopened.GetEntry(l.Index)));
        Assert.Equal(InMemoryMerkleTree.FromEntries([.. leaves.Select(l => l.Data)]).Root(), reopened.Root());
    }

    [Fact]
    public async Task An_append_to_an_idle_log_is_durable_when_it_returns()
    {
        await using var log = MerkleLog.Open(Dir);
        for (var i = 0; i < 3; i++)
        {
            // Written on the caller's thread: no hand-over to the writer thread and back.
            var append = log.AppendAllAsync([Entry(2 * i), Entry(2 * i + 1)]);
            Assert.True(append.IsCompletedSuccessfully);
            Assert.Equal(2 * i, await append);
            Assert.Equal(2 * i + 2, log.Count);
        }
    }

    [Fact]
    public async Task Checkpoints_follow_appends_written_on_the_callers_thread()
    {
        var options = new MerkleLogOptions { CheckpointInterval = 5 };
        await using var log = MerkleLog.Open(Dir, options);
        for (var i = 0; i < 12; i++)
        {
            await log.AppendAsync(Entry(i));
        }

        // The writer thread writes the checkpoint after the appender has its answer, so a crash copy may need a
        // moment; once it has, fewer entries than the interval are left to replay (12 with no checkpoint at all).
        RecoveryReport? recovery = null;
        for (var attempt = 0; attempt < 100 && recovery is not { EntriesReplayed: < 5 }; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(50);
            }

            var crashed = _temp.Sub("crashed-" + attempt);
            LogFiles.CopyWhileOpen(Dir, crashed);
            using var copy = MerkleLog.Open(crashed, options);
            Assert.Equal(12, copy.Count);
            recovery = copy.Recovery;
        }

        Assert.InRange(recovery!.EntriesReplayed, 0, 4);
    }

    [Fact]
    public async Task Appends_racing_a_dispose_are_either_durable_or_refused()
    {
        var log = MerkleLog.Open(Dir);
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<long, byte[]>();
        using var started = new CountdownEvent(4);
        var appenders = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            started.Signal();
            for (var i = 0; ; i++)
            {
                var data = Entry(t * 1_000_000 + i);
                try
                {
                    acknowledged[await log.AppendAsync(data)] = data;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        })).ToArray();
        started.Wait();
        await Task.Delay(50);
        await log.DisposeAsync();
        await Task.WhenAll(appenders);

        using var reopened = MerkleLog.Open(Dir);
        Assert.False(reopened.Recovery.Repaired);
        Assert.Equal(acknowledged.Count, reopened.Count);
        Assert.All(acknowledged, pair => Assert.Equal(pair.Value, reopened.GetEntry(pair.Key)));
    }

    [Fact]
    public async Task A_dispose_that_arrives_while_an_appender_commits_its_own_entries_sees_the_commit_through()
    {
        using var committing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var log = MerkleLog.Open(Dir, new MerkleLogOptions
        {
            CommitStarting = () =>
            {
                committing.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            },
        });

        // The log is idle, so the appender commits on its own thread, and is held there mid-commit.
        var append = Task.Run(() => log.AppendAsync(Entry(0)));
        Assert.True(committing.Wait(TimeSpan.FromSeconds(10)), "the append never started its commit");
        var dispose = Task.Run(log.Dispose);

        // No append may be used to see the close begin (a queued one would wake the writer and hide the fault), so
        // the close is given time to find the writer waiting on the held commit.
        await Task.Delay(300);
        Assert.False(dispose.IsCompleted, "the log closed while a commit was still being written");
        release.Set();

        Assert.True(await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(10))) == dispose, "the close never finished: it waited for a commit that did not wake it");
        Assert.Equal(0, await append);
        using var reopened = MerkleLog.Open(Dir);
        Assert.Equal(1, reopened.Count);
        Assert.Equal(Entry(0), reopened.GetEntry(0));
    }

    [Fact]
    public async Task Proofs_from_the_store_equal_proofs_from_the_pure_functions()
    {
        var entries = RandomEntries(new Random(17), 300);
        await using var log = MerkleLog.Open(Dir);
        foreach (var chunk in entries.Chunk(37))
        {
            // Uneven batches, so subtrees get completed across batch boundaries.
            await Task.WhenAll(chunk.Select(entry => log.AppendAsync(entry)));
        }

        var inOrder = Enumerable.Range(0, 300).Select(i => log.GetEntry(i)).ToArray();
        Assert.Equal(entries.Order(ByteArrays), inOrder.Order(ByteArrays));
        var tree = InMemoryMerkleTree.FromEntries(inOrder);
        for (var size = 0; size <= 300; size++)
        {
            Assert.Equal(tree.Root(size), log.Root(size));
        }

        var random = new Random(5);
        for (var trial = 0; trial < 2000; trial++)
        {
            var size = random.Next(1, 301);
            var index = random.Next(size);
            Assert.Equal(Hexes(tree.InclusionProof(index, size)), Hexes(log.InclusionProof(index, size)));
            var size1 = random.Next(size + 1);
            Assert.Equal(Hexes(tree.ConsistencyProof(size1, size)), Hexes(log.ConsistencyProof(size1, size)));
        }
    }

    [Fact]
    public async Task Lost_index_and_node_files_are_rebuilt_from_the_entries()
    {
        byte[] root;
        IReadOnlyList<byte[]> proof;
        await using (var log = MerkleLog.Open(Dir))
        {
            await Task.WhenAll(Enumerable.Range(0, 777).Select(i => log.AppendAsync(Entry(i))));
            (root, proof) = (log.Root(), log.InclusionProof(123, 777));
        }

        Directory.Delete(Path.Combine(Dir, LogFormat.NodesDirectory), recursive: true);
        File.Delete(Path.Combine(Dir, LogFormat.OffsetsFile));
        File.Delete(Path.Combine(Dir, LogFormat.CheckpointFile));

        using var reopened = MerkleLog.Open(Dir);
        Assert.Equal(777, reopened.Recovery.EntriesReplayed);
        Assert.Equal(root, reopened.Root());
        Assert.Equal(root, reopened.Root(777));
        Assert.Equal(Hexes(proof), Hexes(reopened.InclusionProof(123, 777)));
    }

    [Fact]
    public async Task Range_reads_return_entries_with_their_indices_and_leaf_hashes()
    {
        await using var log = MerkleLog.Open(Dir);
        for (var i = 0; i < 20; i++)
        {
            await log.AppendAsync(Entry(i));
        }

        var range = log.ReadEntries(5, 10).ToList();
        Assert.Equal(Enumerable.Range(5, 10).Select(i => (long)i), range.Select(entry => entry.Index));
        Assert.All(range, entry => Assert.Equal(Entry((int)entry.Index), entry.Data));
        Assert.All(range, entry => Assert.Equal(log.LeafHash(entry.Index), entry.LeafHash));
        Assert.Empty(log.ReadEntries(20, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.ReadEntries(15, 6));
    }

    [Fact]
    public async Task Entries_are_only_readable_once_appended()
    {
        await using var log = MerkleLog.Open(Dir);
        Assert.Equal(MerkleHash.EmptyRoot(), log.Root());
        Assert.Throws<ArgumentOutOfRangeException>(() => log.GetEntry(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.InclusionProof(0, 1));

        await log.AppendAsync(Array.Empty<byte>());
        Assert.Empty(log.GetEntry(0));
        Assert.Equal(MerkleHash.LeafHash([]), log.Root());
    }

    [Fact]
    public void A_log_directory_can_be_open_only_once()
    {
        using var log = MerkleLog.Open(Dir);
        Assert.Throws<IOException>(() => MerkleLog.Open(Dir));
    }

    [Fact]
    public async Task Appends_after_dispose_are_refused()
    {
        var log = MerkleLog.Open(Dir);
        await log.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => log.AppendAsync(Entry(0)));
    }

    [Fact]
    public async Task Oversized_entries_are_refused()
    {
        await using var log = MerkleLog.Open(Dir, new MerkleLogOptions { MaxEntryBytes = 16 });
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.AppendAsync(new byte[17]));
    }

    [Fact]
    public async Task Opening_a_log_whose_checkpointed_entries_were_cut_off_fails_loudly()
    {
        await using (var log = MerkleLog.Open(Dir))
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(i => log.AppendAsync(Entry(i))));
        }

        var entries = LogFiles.Entries(Dir);
        LogFiles.Truncate(entries, new FileInfo(entries).Length - 10);

        var error = Assert.Throws<LogCorruptedException>(() => MerkleLog.Open(Dir));
        Assert.Contains("entries were removed", error.Message);
    }

    private static readonly Comparer<byte[]> ByteArrays = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));
}
