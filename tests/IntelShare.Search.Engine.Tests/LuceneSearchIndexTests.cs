using IntelShare.Search.Engine.Lucene;
using static IntelShare.Search.Engine.Tests.Fixtures;

namespace IntelShare.Search.Engine.Tests;

public sealed class LuceneSearchIndexContractTests : SearchIndexContract
{
    private readonly string _path = TempDirectory();

    protected override ISearchIndex CreateIndex(TimeProvider time) =>
        LuceneSearchIndex.Open(_path, new LuceneSearchIndexOptions { Time = time }).Index;

    public override void Dispose()
    {
        base.Dispose();
        DeleteDirectory(_path);
    }
}

public sealed class LuceneSearchIndexTests : IDisposable
{
    private readonly string _path = TempDirectory();

    public void Dispose() => DeleteDirectory(_path);

    private IndexOpenResult Open() => LuceneSearchIndex.Open(_path, new LuceneSearchIndexOptions { Time = new FixedTime(Now) });

    [Fact]
    public void An_existing_index_is_opened()
    {
        Open().Index.Dispose();
        var result = Open();
        result.Index.Dispose();

        Assert.Equal(IndexOpenStatus.Opened, result.Status);
        Assert.False(result.NeedsRebuild);
    }

    [Fact]
    public void A_new_directory_reports_a_missing_index()
    {
        var result = Open();
        using var index = result.Index;

        Assert.Equal(IndexOpenStatus.CreatedMissing, result.Status);
        Assert.True(result.NeedsRebuild);
        Assert.NotNull(result.Reason);
    }

    [Fact]
    public async Task The_checkpoint_and_documents_survive_reopening()
    {
        using (var index = Open().Index)
        {
            await index.UpsertAsync([Person("p1", "Olena", "Kovalenko")], "stream-42");
            Assert.Equal("stream-42", await index.GetCheckpointAsync());
        }

        var reopened = Open();
        using var again = reopened.Index;
        Assert.Equal(IndexOpenStatus.Opened, reopened.Status);
        Assert.Equal("stream-42", await again.GetCheckpointAsync());
        Assert.Equal(1, (await again.GetStatsAsync()).DocumentCount);
        Assert.True((await again.GetStatsAsync()).SizeOnDiskBytes > 0);
        Assert.Equal(new UpsertResult(0, 1), await again.UpsertAsync([Person("p1", "Olena", "Kovalenko")], "stream-43"));
    }

    [Fact]
    public async Task Writes_are_committed_periodically_without_closing_or_an_explicit_commit()
    {
        var index = LuceneSearchIndex.Open(_path, new LuceneSearchIndexOptions { Time = new FixedTime(Now), CommitInterval = TimeSpan.FromMilliseconds(50) }).Index;
        await index.UpsertAsync([Person("p1", "Olena", "Kovalenko")], "stream-9");

        // Read the commits from disk beside the open writer, as a crash would leave them.
        string? committed = null;
        for (var attempt = 0; attempt < 200 && committed != "stream-9"; attempt++)
        {
            await Task.Delay(50);
            using var directory = global::Lucene.Net.Store.FSDirectory.Open(_path);
            committed = global::Lucene.Net.Index.DirectoryReader.ListCommits(directory).Last().UserData["checkpoint"];
        }

        Assert.Equal("stream-9", committed);
        index.Dispose();
    }

    [Fact]
    public void A_periodic_commit_survives_a_segment_file_lost_inside_the_merge_policys_sort()
    {
        // As a test host saw it when a data directory was deleted under a running index: were this not taken for a
        // disk failure, the periodic committer's thread would throw it and bring the whole process down.
        var lostInSort = new InvalidOperationException("Failed to compare two elements in the array.", new FileNotFoundException("_1.fdx"));

        Assert.True(LuceneSearchIndex.IsStorageFailure(lostInSort));
        Assert.True(LuceneSearchIndex.IsStorageFailure(new UnauthorizedAccessException()));
        Assert.False(LuceneSearchIndex.IsStorageFailure(new InvalidOperationException("a bug", new ArgumentException())));
    }

    [Fact]
    public async Task An_explicit_commit_is_durable_without_closing()
    {
        var index = Open().Index;
        await index.UpsertAsync([Person("p1", "Olena", "Kovalenko")], "stream-7");
        await index.CommitAsync();

        // Read the commit from disk beside the open writer, as a crash would leave it.
        using var directory = global::Lucene.Net.Store.FSDirectory.Open(_path);
        var commit = global::Lucene.Net.Index.DirectoryReader.ListCommits(directory).Last();
        Assert.Equal("stream-7", commit.UserData["checkpoint"]);
        index.Dispose();
    }

    [Fact]
    public async Task A_corrupt_index_is_detected_and_recreated()
    {
        using (var index = Open().Index)
        {
            await index.UpsertAsync([Person("p1", "Olena", "Kovalenko")], "stream-1");
        }

        var victim = Directory.GetFiles(_path).Where(f => !Path.GetFileName(f).StartsWith("segments", StringComparison.Ordinal) && !f.EndsWith("write.lock", StringComparison.Ordinal))
            .OrderByDescending(f => new FileInfo(f).Length)
            .First();
        var bytes = File.ReadAllBytes(victim);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(victim, bytes);

        var result = Open();
        using var recreated = result.Index;
        Assert.Equal(IndexOpenStatus.RecreatedCorrupt, result.Status);
        Assert.NotNull(result.Reason);
        Assert.Null(await recreated.GetCheckpointAsync());
        Assert.Equal(0, (await recreated.GetStatsAsync()).DocumentCount);
    }

    [Fact]
    public async Task A_truncated_commit_point_is_detected()
    {
        using (var index = Open().Index)
        {
            await index.UpsertAsync([Person("p1", "Olena", "Kovalenko")], "stream-1");
        }

        foreach (var segments in Directory.GetFiles(_path, "segments_*"))
        {
            File.WriteAllBytes(segments, File.ReadAllBytes(segments)[..10]);
        }

        var result = Open();
        using var recreated = result.Index;
        Assert.True(result.NeedsRebuild);
        Assert.Null(await recreated.GetCheckpointAsync());
    }
}
