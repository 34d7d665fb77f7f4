using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Signing;
using Microsoft.Win32.SafeHandles;

namespace IntelShare.Audit.Log.Storage;

/// <summary>
/// A durable append-only log whose entries are the leaves of an RFC 6962 Merkle tree, stored in a directory
/// laid out as described in <see cref="LogFormat"/>.
/// <para>
/// Appends are group-committed: while a batch is being written, callers queue entries, and a single writer
/// thread then takes everything queued, writes it with one write and one fsync, and only then completes the
/// callers' tasks. Concurrent appenders therefore share fsyncs instead of waiting for one each. An appender
/// that finds the log idle writes its own entries the same way, without the writer thread. Reads (entries,
/// roots, proofs) run concurrently with the writing and see only entries whose append has completed.
/// </para>
/// </summary>
public sealed class MerkleLog : IDisposable, IAsyncDisposable
{
    private const int ReplayStageSize = 4096;

    // The first preallocation; each one after doubles, up to MerkleLogOptions.MaxPreallocationBytes, so that a
    // small log stays small and a busy one extends its file rarely.
    private const int FirstPreallocationBytes = 64 << 10;

    private static readonly byte[] Zeros = new byte[64 << 10];

    // 200 µs: long enough for woken appenders to queue again, short next to an fsync (milliseconds here).
    private static readonly long GatherWindowTicks = Stopwatch.Frequency / 5000;

    private readonly string _directory;
    private readonly MerkleLogOptions _options;
    private readonly FileStream _lock;
    private readonly SafeFileHandle _entries;
    private readonly FixedRecordFile _offsets;
    private readonly NodeStore _nodes;
    private readonly Action<int, long, byte[]> _stageNode;

    // Used only by whoever holds _committing: the writer thread, or an appender that found the log idle.
    private readonly MerkleFrontier _frontier;
    private readonly ArrayBufferWriter<byte> _batchBytes = new();
    private readonly ArrayBufferWriter<byte> _batchOffsets = new();
    private long _entriesLength;

    // entries.log's size: zeros from _entriesLength on, written and made durable ahead of the appends, which then
    // overwrite them, so that a commit has only data to flush (DataSync), never a new file size.
    private long _entriesCapacity;
    private long _lastPreallocation;
    private long _checkpointCount;

    // What readers see: replaced as a whole after each durable batch so size and root always agree.
    private TreeState _state;

    private readonly object _queueLock = new();
    private List<PendingAppend> _incoming = [];
    private List<PendingAppend> _spare = [];
    private bool _closing;

    // Set while a batch is being written, by the writer thread or by an appender writing its own entries.
    private bool _committing;

    // An appender's own commit reached the checkpoint interval or used up most of the preallocated space: the
    // writer thread writes the checkpoint or extends the file, so that no request waits for their fsyncs.
    private bool _maintenanceDue;
    private int _lastBatchSize;
    private Exception? _fault;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Lock _headsLock = new();
    private SignedTreeHead? _lastHead;
    private int _disposed;

    private MerkleLog(string directory, MerkleLogOptions options, FileStream lockFile, SafeFileHandle entries)
    {
        _directory = directory;
        _options = options;
        _lock = lockFile;
        _entries = entries;
        _offsets = FixedRecordFile.Open(PathOf(LogFormat.OffsetsFile), LogFormat.OffsetSize, writable: true);
        _nodes = NodeStore.Open(PathOf(LogFormat.NodesDirectory), writable: true);
        _stageNode = _nodes.Stage;
        try
        {
            (_frontier, Recovery) = Recover();
            SignedHeadFile.RepairTornLine(PathOf(LogFormat.HeadsFile));
            _lastHead = SignedHeadFile.Read(PathOf(LogFormat.HeadsFile)).Heads.LastOrDefault();
        }
        catch
        {
            _nodes.Dispose();
            _offsets.Dispose();
            throw;
        }

        _state = new TreeState(_frontier.Count, _frontier.Root());
        _entriesCapacity = RandomAccess.GetLength(_entries);

        _writer = new Thread(RunWriter) { IsBackground = true, Name = "IntelShare audit log writer" };
        _writer.Start();
    }

    public string Directory => _directory;

    /// <summary>Entries whose append has completed, i.e. that are durable.</summary>
    public long Count => Volatile.Read(ref _state).Size;

    public RecoveryReport Recovery { get; }

    /// <summary>Opens the log in <paramref name="directory"/>, creating it if needed and repairing what a crash left.</summary>
    public static MerkleLog Open(string directory, MerkleLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        System.IO.Directory.CreateDirectory(directory);
        var lockFile = AcquireLock(directory);
        SafeFileHandle? entries = null;
        try
        {
            entries = File.OpenHandle(Path.Combine(directory, LogFormat.EntriesFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            EnsureHeader(entries);
            return new MerkleLog(directory, options ?? new MerkleLogOptions(), lockFile, entries);
        }
        catch
        {
            entries?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Appends an entry; the task completes with its leaf index once the entry is on disk.</summary>
    public Task<long> AppendAsync(ReadOnlyMemory<byte> entry) => AppendAllAsync([entry]);

    /// <summary>
    /// Appends entries as consecutive leaves made durable together; the task completes with the first one's
    /// leaf index once all of them are on disk.
    /// </summary>
    public Task<long> AppendAllAsync(IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count, nameof(entries));
        foreach (var entry in entries)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(entry.Length, _options.MaxEntryBytes, nameof(entries));
        }

        // Hashed on the caller's thread so hashing spreads over cores instead of queueing behind the writer.
        var pending = new PendingAppend(entries);
        lock (_queueLock)
        {
            if (_fault is not null)
            {
                throw new InvalidOperationException("The audit log stopped after a failed write; reopen it to recover.", _fault);
            }

            ObjectDisposedException.ThrowIf(_closing, this);
            if (_committing || _incoming.Count > 0)
            {
                // No pulse: whoever is committing (or queued first, while someone was) hands over to the writer
                // thread when the commit is done.
                _incoming.Add(pending);
                return pending.Completion.Task;
            }

            _committing = true;
        }

        return CommitOnCaller(pending);
    }

    /// <summary>
    /// With nothing queued and nothing being written, the caller writes its own entries. Handing them to the
    /// writer thread and being woken by it afterwards costs two thread switches, and on a busy machine a switch
    /// can wait a whole scheduler slice: far longer than the write and fsync themselves. Appenders that arrive
    /// meanwhile queue for the writer thread, which starts once this commit is done.
    /// </summary>
    private Task<long> CommitOnCaller(PendingAppend pending)
    {
        var maintenanceDue = false;
        try
        {
            Commit([pending]);
            maintenanceDue = MaintenanceDue;
        }
        catch (Exception ex)
        {
            Fail([pending], ex);
        }
        finally
        {
            lock (_queueLock)
            {
                _committing = false;
                _maintenanceDue |= maintenanceDue;

                // Waking the writer for nothing would cost a futex wake and two thread switches per append; but a
                // close that came meanwhile found the writer waiting on this commit and must be seen through.
                if (_incoming.Count > 0 || _maintenanceDue || _closing)
                {
                    Monitor.Pulse(_queueLock);
                }
            }
        }

        return pending.Completion.Task;
    }

    public byte[] GetEntry(long index)
    {
        RequireIndex(index);
        var offset = _offsets.ReadInt64(index);
        Span<byte> header = stackalloc byte[LogFormat.RecordHeaderSize];
        ReadExactly(header, offset, index);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > RandomAccess.GetLength(_entries) - offset - header.Length)
        {
            throw new LogCorruptedException($"Entry {index} extends past the end of {LogFormat.EntriesFile}.");
        }

        var data = new byte[length];
        ReadExactly(data, offset + header.Length, index);
        var record = new EntryRecord(offset, data, header[4..].ToArray());
        return record.HashMatches(out _)
            ? data
            : throw new LogCorruptedException($"Entry {index} no longer matches the leaf hash stored with it.");
    }

    /// <summary>Entries [start, start + count) in order, read sequentially; for queries over a range.</summary>
    public IEnumerable<LogEntry> ReadEntries(long start, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count, nameof(count));
        return count == 0 ? [] : ReadEntriesFrom(_offsets.ReadInt64(start), start, count);
    }

    public byte[] LeafHash(long index)
    {
        RequireIndex(index);
        return _nodes.GetNode(0, index);
    }

    /// <summary>Root of the whole log as of the last completed append.</summary>
    public byte[] Root() => (byte[])Volatile.Read(ref _state).Root.Clone();

    public byte[] Root(long size) => MerkleRoot.Compute(_nodes, RequireSize(size));

    public IReadOnlyList<byte[]> InclusionProof(long leafIndex, long treeSize) =>
        Merkle.InclusionProof.Generate(_nodes, leafIndex, RequireSize(treeSize));

    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2) =>
        Merkle.ConsistencyProof.Generate(_nodes, size1, RequireSize(size2));

    /// <summary>
    /// Signs the current tree head and records it in heads.log before returning it, so every head the log
    /// has handed out can later be checked against the entries and against each other.
    /// </summary>
    public SignedTreeHead SignTreeHead(TreeHeadSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        lock (_headsLock)
        {
            var state = Volatile.Read(ref _state);
            var now = _options.TimeProvider.GetUtcNow();

            // A clock stepping back must not make a later head look older than an earlier one.
            var timestamp = _lastHead is { } last && last.Head.Timestamp > now ? last.Head.Timestamp : now;
            var signed = signer.Sign(new TreeHead(state.Size, timestamp, state.Root));
            SignedHeadFile.Append(PathOf(LogFormat.HeadsFile), signed);
            _lastHead = signed;
            return signed;
        }
    }

    public IReadOnlyList<SignedTreeHead> SignedTreeHeads() => SignedHeadFile.Read(PathOf(LogFormat.HeadsFile)).Heads;

    public void Dispose()
    {
        if (BeginClose())
        {
            _writer.Join();
            FinishClose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (BeginClose())
        {
            await _writerStopped.Task.ConfigureAwait(false);
            FinishClose();
        }
    }

    private bool BeginClose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return false;
        }

        lock (_queueLock)
        {
            _closing = true;
            Monitor.Pulse(_queueLock);
        }

        return true;
    }

    private void FinishClose()
    {
        try
        {
            if (_fault is null)
            {
                WriteCheckpoint(_frontier);
                TrimPreallocation();
            }
        }
        finally
        {
            _offsets.Dispose();
            _nodes.Dispose();
            _entries.Dispose();
            _lock.Dispose();
        }
    }

    private void RunWriter()
    {
        try
        {
            while (TakeBatch() is { } batch)
            {
                try
                {
                    if (batch.Count > 0)
                    {
                        Commit(batch);
                    }

                    if (CheckpointDue)
                    {
                        WriteCheckpoint(_frontier);
                    }

                    if (PreallocationLow)
                    {
                        Preallocate(_entriesCapacity + 1);
                    }
                }
                catch (Exception ex)
                {
                    Fail(batch, ex);
                    return;
                }

                batch.Clear();
                lock (_queueLock)
                {
                    _spare = batch;
                    _committing = false;
                }
            }
        }
        finally
        {
            _writerStopped.SetResult();
        }
    }

    private bool CheckpointDue => _frontier.Count - _checkpointCount >= _options.CheckpointInterval;

    private bool PreallocationLow => _options.MaxPreallocationBytes > 0 && _entriesCapacity - _entriesLength < _lastPreallocation / 2;

    private bool MaintenanceDue => CheckpointDue || PreallocationLow;

    /// <summary>
    /// Everything queued so far (none when only maintenance is due), or null once closing with nothing left to write.
    /// </summary>
    private List<PendingAppend>? TakeBatch()
    {
        lock (_queueLock)
        {
            while (_committing || (_incoming.Count == 0 && !_closing && !_maintenanceDue))
            {
                Monitor.Wait(_queueLock);
            }

            if (_incoming.Count == 0 && !_maintenanceDue)
            {
                return null;
            }

            _committing = true;
            _maintenanceDue = false;
        }

        GatherStragglers();
        lock (_queueLock)
        {
            var batch = _incoming;
            _incoming = _spare;
            _lastBatchSize = batch.Count;
            return batch;
        }
    }

    /// <summary>
    /// The appenders of the last batch are woken together but re-queue one by one; taking only the first to
    /// arrive would halve every batch. So while fewer than last time have arrived, wait a little for the rest,
    /// a fraction of an fsync. A lone appender never waits: its last batch had one entry.
    /// </summary>
    private void GatherStragglers()
    {
        var deadline = Stopwatch.GetTimestamp() + GatherWindowTicks;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            lock (_queueLock)
            {
                if (_incoming.Count >= _lastBatchSize || _closing)
                {
                    return;
                }
            }

            Thread.Yield();
        }
    }

    private void Commit(IReadOnlyList<PendingAppend> batch)
    {
        _options.CommitStarting?.Invoke();
        var first = _frontier.Count;
        var offset = _entriesLength;
        foreach (var pending in batch)
        {
            for (var i = 0; i < pending.Data.Length; i++)
            {
                BinaryPrimitives.WriteInt64BigEndian(_batchOffsets.GetSpan(LogFormat.OffsetSize), offset);
                _batchOffsets.Advance(LogFormat.OffsetSize);
                var length = LogFormat.RecordHeaderSize + pending.Data[i].Length;
                _batchBytes.Advance(EntryRecord.Encode(pending.Data[i], pending.LeafHashes[i], _batchBytes.GetSpan(length)));
                offset += length;
                _frontier.Append(pending.LeafHashes[i], _stageNode);
            }
        }

        // Only when the writer thread has not extended the file in time (a burst, or the first append).
        Preallocate(offset);
        RandomAccess.Write(_entries, _batchBytes.WrittenSpan, _entriesLength);
        _offsets.Append(_batchOffsets.WrittenSpan);
        _nodes.WriteStaged();
        DataSync.Flush(_entries);

        _entriesLength = offset;
        _batchBytes.ResetWrittenCount();
        _batchOffsets.ResetWrittenCount();
        Volatile.Write(ref _state, new TreeState(_frontier.Count, _frontier.Root()));
        foreach (var pending in batch)
        {
            pending.Completion.SetResult(first);
            first += pending.Data.Length;
        }

    }

    /// <summary>
    /// After a failed write the files may hold part of a batch, so nothing more is written: every queued
    /// append fails, and reopening runs recovery. An entry of a failed batch may still be there after recovery.
    /// </summary>
    private void Fail(IReadOnlyList<PendingAppend> batch, Exception error)
    {
        List<PendingAppend> queued;
        lock (_queueLock)
        {
            _fault = error;
            _closing = true;
            queued = _incoming;
            _incoming = [];
        }

        foreach (var pending in batch.Concat(queued))
        {
            pending.Completion.TrySetException(new IOException("The audit entry could not be made durable.", error));
        }
    }

    /// <summary>
    /// Makes entries.log at least <paramref name="end"/> bytes long, by the next preallocation step, with zeros made
    /// durable together with the new size. Writing real zeros matters: space merely reserved (fallocate) is marked
    /// unwritten, and the first write into it changes the file's metadata again.
    /// </summary>
    private void Preallocate(long end)
    {
        // Without preallocation the commit's write grows the file, and its flush makes the new size durable too.
        if (end <= _entriesCapacity || _options.MaxPreallocationBytes <= 0)
        {
            return;
        }

        var step = Math.Clamp(_lastPreallocation * 2, Math.Min(FirstPreallocationBytes, _options.MaxPreallocationBytes), _options.MaxPreallocationBytes);
        var target = Math.Max(end, _entriesCapacity + step);
        for (var at = _entriesCapacity; at < target; at += Zeros.Length)
        {
            RandomAccess.Write(_entries, Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, target - at)), at);
        }

        RandomAccess.FlushToDisk(_entries);
        _lastPreallocation = target - _entriesCapacity;
        _entriesCapacity = target;
    }

    /// <summary>A log closed cleanly ends at its last entry, as copies and other tools expect.</summary>
    private void TrimPreallocation()
    {
        if (_entriesCapacity > _entriesLength)
        {
            RandomAccess.SetLength(_entries, _entriesLength);
            RandomAccess.FlushToDisk(_entries);
            _entriesCapacity = _entriesLength;
        }
    }

    private void WriteCheckpoint(MerkleFrontier frontier)
    {
        _offsets.Flush();
        _nodes.Flush();
        new Checkpoint(frontier.Count, _entriesLength, frontier.Root()).Write(PathOf(LogFormat.CheckpointFile));
        _checkpointCount = frontier.Count;
    }

    /// <summary>
    /// Makes the derived files agree with entries.log: keep them up to the last checkpoint if they still match
    /// its root, replay the entries after it, and cut off a torn final record. Bytes cut off are kept in a
    /// torn-*.bin file, since in an audit log even damaged bytes are evidence.
    /// </summary>
    private (MerkleFrontier, RecoveryReport) Recover()
    {
        var fileLength = RandomAccess.GetLength(_entries);
        var checkpoint = Checkpoint.TryRead(PathOf(LogFormat.CheckpointFile));
        if (checkpoint is not null && checkpoint.EntriesLength > fileLength)
        {
            throw new LogCorruptedException(
                $"{LogFormat.EntriesFile} has {fileLength} bytes but {checkpoint.Count} entries were checkpointed at {checkpoint.EntriesLength} bytes: entries were removed.");
        }

        var frontier = TryResume(checkpoint);
        var resumed = frontier is not null;
        frontier ??= new MerkleFrontier();
        if (!resumed)
        {
            _offsets.TruncateTo(0);
            _nodes.TruncateTo(0);
        }

        var start = frontier.Count;
        _entriesLength = resumed ? checkpoint!.EntriesLength : LogFormat.EntriesHeaderSize;
        _checkpointCount = start;

        var (tornBytes, quarantine, reason) = Replay(frontier);
        var replayed = frontier.Count - start;
        if (replayed > 0 || !resumed)
        {
            WriteCheckpoint(frontier);
        }

        var description = (resumed ? $"resumed at checkpoint of {start} entries" : "rebuilt index and node files from the first entry")
            + $", replayed {replayed} entries"
            + (tornBytes > 0 ? $", cut a torn tail of {tornBytes} bytes ({reason}) kept in {quarantine}" : "");
        return (frontier, new RecoveryReport(frontier.Count, start, replayed, tornBytes, quarantine, description));
    }

    private MerkleFrontier? TryResume(Checkpoint? checkpoint)
    {
        if (checkpoint is null || _offsets.Count < checkpoint.Count || !_nodes.Covers(checkpoint.Count))
        {
            return null;
        }

        _offsets.TruncateTo(checkpoint.Count);
        _nodes.TruncateTo(checkpoint.Count);
        var frontier = MerkleFrontier.Restore(checkpoint.Count, _nodes);
        return frontier.Root().AsSpan().SequenceEqual(checkpoint.Root) ? frontier : null;
    }

    private (long TornBytes, string? Quarantine, string Reason) Replay(MerkleFrontier frontier)
    {
        string reason;
        using (var reader = EntryFileReader.Open(PathOf(LogFormat.EntriesFile), _entriesLength))
        {
            while (true)
            {
                var status = reader.ReadNext(out var record);
                if (status == EntryReadStatus.End)
                {
                    FlushReplayed();
                    return (0, null, "");
                }

                if (status == EntryReadStatus.Incomplete)
                {
                    reason = "the last record is incomplete";
                    break;
                }

                if (!record.HashMatches(out var leafHash))
                {
                    reason = $"record at offset {record.Offset} does not match its leaf hash";
                    break;
                }

                BinaryPrimitives.WriteInt64BigEndian(_batchOffsets.GetSpan(LogFormat.OffsetSize), record.Offset);
                _batchOffsets.Advance(LogFormat.OffsetSize);
                frontier.Append(leafHash, _stageNode);
                _entriesLength += record.Length;
                if (_batchOffsets.WrittenCount >= ReplayStageSize * LogFormat.OffsetSize)
                {
                    FlushReplayed();
                }
            }
        }

        FlushReplayed();
        // A crash can only tear entries that no signed head covers yet; damage below a signed head is an
        // alteration, and cutting it away would quietly hide it.
        var signedSize = SignedHeadFile.Read(PathOf(LogFormat.HeadsFile)).Heads.Select(h => h.Head.TreeSize).DefaultIfEmpty(0).Max();
        if (frontier.Count < signedSize)
        {
            throw new LogCorruptedException(
                $"Entry {frontier.Count} is damaged ({reason}), but a tree head of {signedSize} entries was signed: the log was altered, not torn by a crash. "
                + "It was left as found; run the integrity check and restore from a replica.");
        }

        var (tornBytes, quarantine) = CutTornTail();
        return (tornBytes, quarantine, reason);
    }

    private void FlushReplayed()
    {
        _offsets.Append(_batchOffsets.WrittenSpan);
        _batchOffsets.ResetWrittenCount();
        _nodes.WriteStaged();
    }

    private (long TornBytes, string Quarantine) CutTornTail()
    {
        var fileLength = RandomAccess.GetLength(_entries);
        var tail = new byte[fileLength - _entriesLength];
        RandomAccess.Read(_entries, tail, _entriesLength);

        // The zeros after the torn bytes are preallocated space nothing was written to, not evidence.
        var torn = tail.AsSpan(0, tail.AsSpan().LastIndexOfAnyExcept((byte)0) + 1);
        var quarantine = PathOf($"torn-{_entriesLength}-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}.bin");
        File.WriteAllBytes(quarantine, torn);
        RandomAccess.SetLength(_entries, _entriesLength);
        RandomAccess.FlushToDisk(_entries);
        return (torn.Length, quarantine);
    }

    private IEnumerable<LogEntry> ReadEntriesFrom(long offset, long start, long count)
    {
        using var reader = EntryFileReader.Open(PathOf(LogFormat.EntriesFile), offset);
        for (var index = start; index < start + count; index++)
        {
            if (reader.ReadNext(out var record) != EntryReadStatus.Entry || !record.HashMatches(out var leafHash))
            {
                throw new LogCorruptedException($"Entry {index} cannot be read back intact.");
            }

            yield return new LogEntry(index, record.Data, leafHash);
        }
    }

    private static FileStream AcquireLock(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, LogFormat.LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The audit log in {directory} is already open.", ex);
        }
    }

    private static void EnsureHeader(SafeFileHandle entries)
    {
        Span<byte> header = stackalloc byte[LogFormat.EntriesHeaderSize];
        var read = RandomAccess.Read(entries, header, 0);

        // A header cut short by a crash during creation is finished rather than rejected.
        if (read < header.Length && header[..read].SequenceEqual(LogFormat.EntriesMagic[..read]))
        {
            RandomAccess.Write(entries, LogFormat.EntriesMagic, 0);
            RandomAccess.FlushToDisk(entries);
            return;
        }

        if (!header.SequenceEqual(LogFormat.EntriesMagic))
        {
            throw new LogCorruptedException($"{LogFormat.EntriesFile} does not start with the ISAUDLG1 header.");
        }
    }

    private void ReadExactly(Span<byte> destination, long offset, long index)
    {
        if (RandomAccess.Read(_entries, destination, offset) != destination.Length)
        {
            throw new LogCorruptedException($"Entry {index} extends past the end of {LogFormat.EntriesFile}.");
        }
    }

    private void RequireIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
    }

    private long RequireSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Count);
        return size;
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private sealed record TreeState(long Size, byte[] Root);

    private sealed class PendingAppend
    {
        public PendingAppend(IReadOnlyList<ReadOnlyMemory<byte>> entries)
        {
            Data = new byte[entries.Count][];
            LeafHashes = new byte[entries.Count][];
            for (var i = 0; i < Data.Length; i++)
            {
                Data[i] = entries[i].ToArray();
                LeafHashes[i] = MerkleHash.LeafHash(Data[i]);
            }
        }

        public byte[][] Data { get; }

        public byte[][] LeafHashes { get; }

        /// <summary>Completes with the first entry's leaf index.</summary>
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
