using IntelShare.Domain;
using IntelShare.Policy;
using Lucene.Net.Codecs;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace IntelShare.Search.Engine.Lucene;

public enum IndexVerification
{
    /// <summary>Only what opening reads (the commit point).</summary>
    None = 0,

    /// <summary>Every file of the last commit against its checksum: reads the whole index once.</summary>
    Checksums,

    /// <summary>Lucene's CheckIndex: decodes every segment; slow on a large index.</summary>
    Full,
}

public sealed record LuceneSearchIndexOptions
{
    public NeedToKnowPolicyOptions Policy { get; init; } = NeedToKnowPolicyOptions.Default;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often writes and their checkpoint are made durable; zero commits with every write that carries a checkpoint.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a write waits before it is searchable.</summary>
    public TimeSpan MaxStaleness { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Longest a write waits before it is searchable during a bulk load (rebuild, replay, import): reopening
    /// twice a second then writes tiny segments that the merger rewrites again and again.
    /// </summary>
    public TimeSpan BulkMaxStaleness { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Documents written since the searcher was last reopened from which the load counts as bulk: 5,000 within the
    /// 500 ms staleness is 10,000 records/s, beyond any agency's live feed (whose records must stay searchable
    /// within a second) and below a replay or rebuild.
    /// </summary>
    public int BulkDocuments { get; init; } = 5_000;

    public IndexVerification Verification { get; init; } = IndexVerification.Checksums;

    public double RamBufferMegabytes { get; init; } = 64;
}

public enum IndexOpenStatus
{
    Opened = 0,

    /// <summary>There was no index: a new empty one was created.</summary>
    CreatedMissing,

    /// <summary>The index was unreadable or failed verification: it was wiped and created empty.</summary>
    RecreatedCorrupt,

    /// <summary>The index was written with another layout of fields: it was wiped and created empty.</summary>
    RecreatedIncompatible,
}

/// <summary>The opened index and what was found on disk; anything but Opened means: rebuild from Records.</summary>
public sealed record IndexOpenResult(LuceneSearchIndex Index, IndexOpenStatus Status, string? Reason)
{
    public bool NeedsRebuild => Status != IndexOpenStatus.Opened;
}

/// <summary>
/// The embedded index: Lucene on local disk, near-real-time (a write is searchable within
/// <see cref="LuceneSearchIndexOptions.MaxStaleness"/>), durable at each commit together with the projection
/// checkpoint in the commit's user data.
/// </summary>
public sealed class LuceneSearchIndex : ISearchIndex
{
    /// <summary>Bumped whenever the field layout changes, so that an old index is rebuilt rather than misread.</summary>
    public const string Schema = "3";

    private const string SchemaKey = "schema";
    private const string CheckpointKey = "checkpoint";
    private const int MaxFragments = 3;

    private static readonly Sort RankOrder = new(SortField.FIELD_SCORE, new SortField(IndexFields.Id, SortFieldType.STRING));

    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Reopener _reopener;
    private readonly LiveVersions _versions = new();
    private readonly PolicyFilterCache _policyFilters;
    private readonly LuceneDocumentBuilder[] _builders =
        [.. Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 1, 4)).Select(_ => new LuceneDocumentBuilder())];
    private readonly LuceneSearchIndexOptions _options;
    private readonly HitFactory _hits;
    private readonly object _writeGate = new();
    private readonly object _commitGate = new();
    private readonly PeriodicCommitter? _committer;
    private string? _checkpoint;
    private bool _dirty;
    private bool _disposed;

    private LuceneSearchIndex(LuceneDirectory directory, OpenMode mode, LuceneSearchIndexOptions options)
    {
        _directory = directory;
        _options = options;
        _hits = new HitFactory(new NeedToKnowPolicy(options.Policy));
        _policyFilters = new PolicyFilterCache(options.Policy);
        var config = new IndexWriterConfig(Analysis.Version, Analysis.PerField)
        {
            OpenMode = mode,
            RAMBufferSizeMB = options.RamBufferMegabytes,
            Similarity = StableSimilarity.Instance,

            // Compound files would copy every new segment once more; the index keeps few segments open anyway.
            UseCompoundFile = false,
            MergePolicy = new TieredMergePolicy { NoCFSRatio = 0, FloorSegmentMB = 8 },
        };

        // One merge thread: a second competes with indexing and queries for the few cores a node has.
        var merges = new BackgroundMergeScheduler();
        merges.SetMaxMergesAndThreads(2, 1);
        config.MergeScheduler = merges;
        _writer = new IndexWriter(BackgroundMergeScheduler.YieldingToCalls(directory), config);
        try
        {
            if (mode == OpenMode.CREATE)
            {
                _writer.SetCommitData(CommitData(null));
                _writer.Commit();
            }

            var data = _writer.CommitData;
            StoredSchema = data.TryGetValue(SchemaKey, out var schema) ? schema : null;
            _checkpoint = data.TryGetValue(CheckpointKey, out var checkpoint) && checkpoint.Length > 0 ? checkpoint : null;
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, searcherFactory: new StableSearcherFactory());
            _searchers.AddListener(_versions);
            _reopener = new Reopener(_searchers, options.MaxStaleness, options.BulkMaxStaleness, options.BulkDocuments);
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        if (options.CommitInterval > TimeSpan.Zero)
        {
            _committer = new PeriodicCommitter(CommitInBackground, options.CommitInterval);
        }
    }

    private string? StoredSchema { get; }

    /// <summary>
    /// Opens the index under <paramref name="path"/>, creating it when missing and recreating it when it is
    /// unreadable, fails verification or has another schema; the result says which, for the service to log and rebuild.
    /// </summary>
    public static IndexOpenResult Open(string path, LuceneSearchIndexOptions? options = null)
    {
        options ??= new LuceneSearchIndexOptions();
        var full = Path.GetFullPath(path);
        System.IO.Directory.CreateDirectory(full);
        var directory = FSDirectory.Open(full);
        try
        {
            if (!DirectoryReader.IndexExists(directory))
            {
                Wipe(directory);
                return new(new LuceneSearchIndex(directory, OpenMode.CREATE, options), IndexOpenStatus.CreatedMissing, $"no index in {full}");
            }

            string? problem;
            try
            {
                problem = Verify(directory, options.Verification);
                if (problem is null)
                {
                    var index = new LuceneSearchIndex(directory, OpenMode.APPEND, options);
                    if (index.StoredSchema == Schema)
                    {
                        return new(index, IndexOpenStatus.Opened, null);
                    }

                    var stored = index.StoredSchema ?? "none";
                    index.Close(commit: false, disposeDirectory: false);
                    Wipe(directory);
                    return new(new LuceneSearchIndex(directory, OpenMode.CREATE, options), IndexOpenStatus.RecreatedIncompatible, $"index schema {stored}, expected {Schema}");
                }
            }
            catch (Exception e) when (IsCorruption(e))
            {
                problem = $"{e.GetType().Name}: {e.Message}";
            }

            Wipe(directory);
            return new(new LuceneSearchIndex(directory, OpenMode.CREATE, options), IndexOpenStatus.RecreatedCorrupt, problem);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public Task<UpsertResult> UpsertAsync(IReadOnlyList<SearchDocument> documents, string? checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);

        // Every document is checked before any is written, so a bad one does not leave half a batch behind.
        var records = new IndexedRecord[documents.Count];
        InParallel(records.Length, (_, i) => records[i] = IndexedRecord.From(documents[i], _options.Policy.Redactions));
        var applied = new List<IndexedRecord>(records.Length);
        lock (_writeGate)
        {
            ThrowIfDisposed();
            var held = HeldVersions(records.Select(r => r.Document.RecordId));
            foreach (var record in records)
            {
                var document = record.Document;
                if (!held.TryGetValue(document.RecordId, out var version) || version < document.Version)
                {
                    held[document.RecordId] = document.Version;
                    applied.Add(record);
                }
            }

            // A record written twice in one batch is written by one builder, in order, so the later version wins.
            InParallel(applied.Count, (builder, i) =>
            {
                var record = applied[i];
                _writer.UpdateDocument(LuceneDocuments.IdTerm(record.Document.RecordId), _builders[builder].Record(record));
            }, i => StringComparer.Ordinal.GetHashCode(applied[i].Document.RecordId));
            foreach (var record in applied)
            {
                _versions.Put(record.Document.RecordId, record.Document.Version);
            }

            if (applied.Count > 0)
            {
                _reopener.Written(applied.Count);
            }

            Advance(checkpoint, applied.Count > 0);
        }

        CommitIfEveryWrite(checkpoint);
        return Task.FromResult(new UpsertResult(applied.Count, records.Length - applied.Count));
    }

    public Task<bool> DeleteAsync(string recordId, long? version = null, string? checkpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        bool deleted;
        lock (_writeGate)
        {
            ThrowIfDisposed();
            long? held = HeldVersions([recordId]).TryGetValue(recordId, out var h) ? h : null;
            deleted = version is { } v ? held is null || held < v : held is not null;
            if (deleted)
            {
                var tombstoneVersion = version ?? held!.Value;
                _writer.UpdateDocument(LuceneDocuments.IdTerm(recordId), LuceneDocuments.Tombstone(recordId, tombstoneVersion));
                _versions.Put(recordId, tombstoneVersion);
                _reopener.Written(1);
            }

            Advance(checkpoint, deleted);
        }

        CommitIfEveryWrite(checkpoint);
        return Task.FromResult(deleted);
    }

    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            ThrowIfDisposed();
            _writer.DeleteAll();
            _versions.Clear();
            _reopener.Written(0);
            _checkpoint = null;
            _dirty = true;
        }

        Commit();
        return RefreshAsync(cancellationToken);
    }

    public Task<string?> GetCheckpointAsync(CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            return Task.FromResult(_checkpoint);
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        Commit();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Waits until background segment merges have finished and searches see the merged segments: for measuring a
    /// settled index, or before copying its directory.
    /// </summary>
    public void WaitForMerges()
    {
        _writer.WaitForMerges();
        _searchers.MaybeRefreshBlocking();
    }

    public Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            ThrowIfDisposed();
        }

        _reopener.WaitFor(_reopener.Generation);
        return Task.CompletedTask;
    }

    public Task<SearchResult> SearchAsync(SearchQuery query, SearchPrincipal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var problems = new List<string>();
        var plan = QueryPlan.Create(query, problems);
        return Task.FromResult(Run(plan, problems, principal));
    }

    public Task<CheckResult> CheckAsync(CheckQuery query, SearchPrincipal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var problems = new List<string>();
        var plan = QueryPlan.Create(query, problems);
        return Task.FromResult(new CheckResult(Run(plan, problems, principal).Hits));
    }

    public Task<IReadOnlyDictionary<string, ResourceMarking>> MarkingsAsync(IReadOnlyCollection<string> recordIds, CancellationToken cancellationToken = default)
    {
        var markings = new Dictionary<string, ResourceMarking>(StringComparer.Ordinal);
        var searcher = _searchers.Acquire();
        try
        {
            foreach (var recordId in recordIds)
            {
                var query = new BooleanQuery
                {
                    { new TermQuery(LuceneDocuments.IdTerm(recordId)), Occur.MUST },
                    { new TermQuery(new Term(IndexFields.Kind, IndexFields.RecordKind)), Occur.MUST },
                };
                if (searcher.Search(query, 1).ScoreDocs is [var found, ..])
                {
                    markings[recordId] = MarkingCodec.Decode(searcher.Doc(found.Doc).GetBinaryValue(LuceneDocuments.StoredMarking).Bytes);
                }
            }
        }
        finally
        {
            _searchers.Release(searcher);
        }

        return Task.FromResult<IReadOnlyDictionary<string, ResourceMarking>>(markings);
    }

    public Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var searcher = _searchers.Acquire();
        try
        {
            var count = new TotalHitCountCollector();
            searcher.Search(new TermQuery(new Term(IndexFields.Kind, IndexFields.RecordKind)), count);
            var size = _directory.ListAll().Sum(file =>
            {
                try
                {
                    return _directory.FileLength(file);
                }
                catch (FileNotFoundException)
                {
                    // Merged away between listing and measuring.
                    return 0L;
                }
            });
            return Task.FromResult(new IndexStats(count.TotalHits, size));
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public void Dispose() => Close(commit: true, disposeDirectory: true);

    private SearchResult Run(QueryPlan plan, List<string> problems, SearchPrincipal principal)
    {
        var text = plan.Text is null ? null : LuceneQueries.Text(plan.Text, problems);
        if (problems.Count > 0)
        {
            throw new SearchQueryException(problems);
        }

        var now = _options.Time.GetUtcNow();
        var policy = _policyFilters.For(principal, now);
        var match = new BooleanQuery();
        if (NameMatch.For(plan) is { } name)
        {
            match.Add(LuceneQueries.Name(name), Occur.MUST);
        }

        if (plan.DateOfBirth is { } dob)
        {
            match.Add(new ConstantScoreQuery(LuceneConditions.ToQuery(QueryPlan.DateOfBirthCompatible(dob))) { Boost = 0.1f }, Occur.MUST);
        }

        if (plan.Identifier is { } identifier)
        {
            match.Add(new ConstantScoreQuery(LuceneQueries.Identifier(identifier)), Occur.MUST);
        }

        if (text is not null)
        {
            // Free text matches only where the caller may read every text field: a hit is itself a disclosure.
            match.Add(new FilteredQuery(text, policy.TextMatchable(plan)), Occur.MUST);
        }

        if (match.Clauses.Count == 0)
        {
            match.Add(new MatchAllDocsQuery(), Occur.MUST);
        }

        // Visible, holder filter, and content filters on readable records only; the policy parts come cached.
        var readable = policy.ContentCountable(plan);
        Query query = new FilteredQuery(match, policy.Visible);
        if (plan.HolderFilter != Cond.All)
        {
            query = new FilteredQuery(query, LuceneConditions.ToFilter(plan.HolderFilter));
        }

        if (plan.ContentFilter != Cond.All)
        {
            query = new FilteredQuery(new FilteredQuery(query, readable), LuceneConditions.ToFilter(plan.ContentFilter));
        }

        var searcher = _searchers.Acquire();
        try
        {
            FieldDoc? after = plan.After is { } cursor
                ? new FieldDoc(int.MaxValue, cursor.Score, [J2N.Numerics.Single.GetInstance(cursor.Score), new BytesRef(cursor.RecordId)])
                : null;
            var top = TopFieldCollector.Create(RankOrder, plan.PageSize + 1, after, true, true, false, false);
            // Only matching documents are counted, so the readable set alone decides which content facets they add to.
            var facets = new FacetCollector(plan.Facets, readable);
            searcher.Search(query, MultiCollector.Wrap(top, facets));
            var docs = top.GetTopDocs().ScoreDocs;

            var highlighter = plan.Highlight && text is not null
                ? new Highlighter(new SimpleHTMLFormatter("<em>", "</em>"), new QueryScorer(text, searcher.IndexReader, IndexFields.Text))
                : null;
            var hits = new List<SearchHit>(Math.Min(docs.Length, plan.PageSize));
            foreach (var scoreDoc in docs.Take(plan.PageSize))
            {
                var stored = searcher.Doc(scoreDoc.Doc);
                var hit = _hits.Create(Read(stored, scoreDoc.Score), principal, plan, now, highlighter is null ? null : redacted => Highlight(highlighter, stored, redacted));
                if (hit is not null)
                {
                    hits.Add(hit);
                }
            }

            string? next = null;
            if (docs.Length > plan.PageSize)
            {
                var last = (FieldDoc)docs[plan.PageSize - 1];
                next = new SearchCursor(last.Score, ((BytesRef)last.Fields[1]).Utf8ToString()).Encode();
            }

            return new SearchResult
            {
                TotalHits = facets.TotalHits,
                Hits = hits,
                Facets = facets.Result(),
                NextCursor = next,
            };
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    private static StoredHit Read(global::Lucene.Net.Documents.Document stored, float score)
    {
        IndexFields.TryParseType(stored.Get(IndexFields.Type), out var type);
        return new StoredHit(
            stored.Get(IndexFields.Id),
            stored.GetField(IndexFields.Version)?.GetInt64Value() ?? 0,
            type,
            MarkingCodec.Decode(stored.GetBinaryValue(LuceneDocuments.StoredMarking).Bytes),
            (Caveat)(stored.GetField(LuceneDocuments.StoredNameCaveats)?.GetInt32Value() ?? (int)CaveatNames.All),
            stored.GetBinaryValue(LuceneDocuments.StoredPayload) is { } payload ? payload.Bytes.AsMemory(payload.Offset, payload.Length) : ReadOnlyMemory<byte>.Empty,
            score);
    }

    private static IReadOnlyList<SearchHighlight> Highlight(Highlighter highlighter, global::Lucene.Net.Documents.Document stored, IReadOnlySet<string> redacted)
    {
        var highlights = new List<SearchHighlight>();
        foreach (var field in stored.Fields)
        {
            var path = LuceneDocuments.TextFieldPath(field.Name);
            if (path is null || redacted.Contains(path))
            {
                continue;
            }

            try
            {
                var fragments = highlighter.GetBestFragments(Analysis.Text, IndexFields.Text, field.GetStringValue(), MaxFragments);
                if (fragments.Length > 0)
                {
                    highlights.Add(new SearchHighlight(path, fragments));
                }
            }
            catch (InvalidTokenOffsetsException)
            {
                // A fragment that cannot be cut is left out; the hit itself stands.
            }
        }

        return highlights;
    }

    /// <summary>
    /// The version held for each record that has one: written since the last refresh, or in a searcher that
    /// holds everything older. Called under the write gate, so only a refresh can move underneath.
    /// </summary>
    private Dictionary<string, long> HeldVersions(IEnumerable<string> recordIds)
    {
        var ids = recordIds.Distinct(StringComparer.Ordinal).ToArray();
        var held = new Dictionary<string, long>(ids.Length, StringComparer.Ordinal);
        var unknown = new List<string>(ids.Length);
        while (true)
        {
            var epoch = _versions.Epoch;
            var searcher = _searchers.Acquire();
            try
            {
                if (_versions.TryGet(ids, epoch, held, unknown))
                {
                    VersionLookup.Get(searcher, unknown, held);
                    return held;
                }
            }
            finally
            {
                _searchers.Release(searcher);
            }

            held.Clear();
            unknown.Clear();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> for items 0..count-1 on one worker per builder, item i on the worker
    /// <paramref name="partition"/> picks (or by position); a small batch stays on the calling thread, where
    /// handing out work would cost more than it saves.
    /// </summary>
    private void InParallel(int count, Action<int, int> work, Func<int, int>? partition = null)
    {
        const int SmallBatch = 256;
        var workers = _builders.Length;
        if (count < SmallBatch || workers == 1)
        {
            for (var i = 0; i < count; i++)
            {
                work(0, i);
                BackgroundPriority.YieldToCalls();
            }

            return;
        }

        try
        {
            // On the caller's scheduler (Parallel's default is the thread pool), so that a projection's indexing
            // stays at its background priority.
            Parallel.For(0, workers, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, worker =>
            {
                for (var i = 0; i < count; i++)
                {
                    if ((int)((uint)(partition?.Invoke(i) ?? i) % (uint)workers) == worker)
                    {
                        work(worker, i);
                        BackgroundPriority.YieldToCalls();
                    }
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private void Advance(string? checkpoint, bool wrote)
    {
        if (checkpoint is not null)
        {
            _checkpoint = checkpoint;
        }

        _dirty |= wrote || checkpoint is not null;
    }

    private void CommitIfEveryWrite(string? checkpoint)
    {
        if (checkpoint is not null && _options.CommitInterval <= TimeSpan.Zero)
        {
            Commit();
        }
    }

    private void Commit()
    {
        lock (_commitGate)
        {
            lock (_writeGate)
            {
                ThrowIfDisposed();
                if (!_dirty)
                {
                    return;
                }

                // Writes that slip in between this and the commit are kept with an older checkpoint: replayed, not lost.
                _writer.SetCommitData(CommitData(_checkpoint));
                _dirty = false;
            }

            _writer.Commit();
        }
    }

    private void CommitInBackground()
    {
        try
        {
            Commit();
        }
        catch (ObjectDisposedException)
        {
            // Closing raced the periodic commit; closing commits.
        }
        catch (Exception failure) when (IsStorageFailure(failure))
        {
            // A background thread must not bring the process down. Nothing is lost: the checkpoint on disk only moves
            // with a successful commit, so the projection replays whatever this commit would have covered.
            LastBackgroundCommitFailure = failure;
        }
    }

    /// <summary>
    /// A failure of the disk or directory under the index, also where Lucene reaches it from inside a sort: a segment's
    /// file gone while the merge policy orders segments by size comes out of Array.Sort as an InvalidOperationException
    /// wrapping the FileNotFoundException.
    /// </summary>
    internal static bool IsStorageFailure(Exception failure)
    {
        for (Exception? cause = failure; cause is not null; cause = cause.InnerException)
        {
            if (cause is IOException or UnauthorizedAccessException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The last periodic commit that failed (disk full, directory gone), for health reporting.</summary>
    public Exception? LastBackgroundCommitFailure { get; private set; }

    private void Close(bool commit, bool disposeDirectory)
    {
        // Before the commit gate, which a periodic commit under way holds.
        _committer?.Dispose();
        lock (_commitGate)
        {
            if (_disposed)
            {
                return;
            }

            if (commit)
            {
                Commit();
            }

            lock (_writeGate)
            {
                _disposed = true;
            }

            _reopener.Dispose();
            _searchers.Dispose();
            _writer.Dispose();
            if (disposeDirectory)
            {
                _directory.Dispose();
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static Dictionary<string, string> CommitData(string? checkpoint) => new()
    {
        [SchemaKey] = Schema,
        [CheckpointKey] = checkpoint ?? "",
    };

    private static string? Verify(LuceneDirectory directory, IndexVerification verification)
    {
        switch (verification)
        {
            case IndexVerification.Checksums:
                var infos = new SegmentInfos();
                infos.Read(directory);
                foreach (var file in infos.GetFiles(directory, true))
                {
                    using var input = directory.OpenInput(file, IOContext.READ_ONCE);
                    CodecUtil.ChecksumEntireFile(input);
                }

                return null;
            case IndexVerification.Full:
                var status = new CheckIndex(directory).DoCheckIndex();
                return status.Clean ? null : $"CheckIndex found {status.TotLoseDocCount} unreadable documents in {status.NumBadSegments} segments";
            default:
                return null;
        }
    }

    private static bool IsCorruption(Exception e) =>
        e is not LockObtainFailedException
        && e is CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or IndexNotFoundException
            or EndOfStreamException or InvalidDataException or IOException;

    private static void Wipe(LuceneDirectory directory)
    {
        foreach (var file in directory.ListAll())
        {
            directory.DeleteFile(file);
        }
    }
}
