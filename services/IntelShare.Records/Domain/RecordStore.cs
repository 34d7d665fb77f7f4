using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.Projections;
using Microsoft.Data.Sqlite;

namespace IntelShare.Records.Domain;

/// <param name="Refusal">Why the contribution was refused and nothing written (the outcome is then unspecified).</param>
public sealed record ContributionResult(string RecordId, long Version, ContributeOutcome Outcome, string? Refusal = null);

/// <summary>Content ready for the writer: stamped with its originator, serialized and hashed.</summary>
/// <param name="Hash">Of the content as compared (<see cref="RecordStore.Prepare"/>); what is stored for later comparisons.</param>
/// <param name="AsSentHash">Of the bytes as sent, which versions stored before comparisons were canonical were hashed by.</param>
public sealed record PreparedContent(RecordContent Content, byte[] Bytes, byte[] Hash, byte[] AsSentHash)
{
    /// <summary>Whether a stored hash is of the same content.</summary>
    public bool Matches(byte[]? stored) =>
        stored is not null && (Hash.AsSpan().SequenceEqual(stored) || AsSentHash.AsSpan().SequenceEqual(stored));
}

/// <summary>
/// The source of truth: immutable record versions, a head row per record for idempotency and
/// ownership, and the change log (outbox) written in the same transaction as the version.
/// All writes go through one writer loop that commits whatever is queued in a single
/// transaction (group commit), so that a write is on disk before it is acknowledged without
/// paying one fsync per record.
/// </summary>
public sealed class RecordStore : IAsyncDisposable
{
    private const int MaxOperationsPerCommit = 64;

    private readonly string _connectionString;
    private readonly TimeProvider _clock;
    private readonly Channel<WriteOperation> _writes = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writerLoop;
    private readonly ChangeSignal _changes = new();
    private readonly ChangeRateMeter _commitRate;
    private long _lastSequence;

    // Compiled read statements, one set per connection: compiling the SQL of a point read (parsing, planning) cost
    // as much CPU as running it, and a statement lives only as long as its command. Enough for the reads that run
    // at once; a burst beyond that opens more and closes them afterwards.
    private static readonly int MaxIdleReaders = 2 * Environment.ProcessorCount;

    // Intake has refused fields the contract does not define since it began checking them; versions stored before
    // then may still carry some, which no check and no redaction knows: they are dropped as the version is read.
    private static readonly MessageParser<Record> StoredRecord = Record.Parser.WithDiscardUnknownFields(true);
    private readonly ConcurrentQueue<ReadStatements> _idleReaders = new();
    private bool _disposed;

    public RecordStore(string databasePath, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();

        using (var connection = Open())
        {
            Execute(connection, Schema);
            AddSourceHash(connection);
            _lastSequence = QueryLastSequence(connection);
        }

        _commitRate = new ChangeRateMeter(_lastSequence, _clock);

        _writerLoop = Task.Run(RunWriterAsync);
    }

    public long LastSequence => Interlocked.Read(ref _lastSequence);

    /// <summary>How fast changes are being committed now, for the projections in this process.</summary>
    public IChangeRate CommitRate => _commitRate;

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS record_versions (
            record_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            payload BLOB NOT NULL,
            PRIMARY KEY (record_id, version)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS record_heads (
            record_id TEXT PRIMARY KEY,
            agency TEXT NOT NULL,
            source_ref TEXT NOT NULL,
            record_type INTEGER NOT NULL,
            current_version INTEGER NOT NULL,
            content_hash BLOB NOT NULL,
            withdrawn INTEGER NOT NULL DEFAULT 0,
            -- The content the source last sent (Contribute), which amendments made here leave alone.
            source_hash BLOB,
            UNIQUE (agency, source_ref)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS changes (
            -- Assigned by the single writer, so no AUTOINCREMENT bookkeeping per row.
            sequence INTEGER PRIMARY KEY,
            kind INTEGER NOT NULL,
            record_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            committed_at INTEGER NOT NULL);
        """;

    private SqliteConnection Open()
    {
        var connection = OpenForRead();
        // FULL: in WAL mode NORMAL may lose the last commits on power failure; an acknowledged write must survive it.
        Execute(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
        return connection;
    }

    /// <summary>Readers never wait on the writer in WAL mode, so they skip the writer's pragmas.</summary>
    private SqliteConnection OpenForRead()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A store made before source_hash existed gets the column, filled with each record's current content: the
    /// best knowledge there is of what its source last sent.
    /// </summary>
    private static void AddSourceHash(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('record_heads') WHERE name = 'source_hash'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            Execute(connection, "ALTER TABLE record_heads ADD COLUMN source_hash BLOB; UPDATE record_heads SET source_hash = content_hash;");
        }
    }

    private static long QueryLastSequence(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM changes";
        return (long)command.ExecuteScalar()!;
    }

    // ---- writes --------------------------------------------------------------------------

    /// <summary>Stores validated contributions in one transaction; results are in input order.</summary>
    public Task<IReadOnlyList<ContributionResult>> ContributeAsync(IReadOnlyList<PreparedContent> contents, Subject by, CancellationToken cancellationToken = default) =>
        EnqueueAsync<IReadOnlyList<ContributionResult>>(writer =>
        {
            var results = new ContributionResult[contents.Count];
            for (var i = 0; i < contents.Count; i++)
            {
                results[i] = writer.Contribute(contents[i], by);
            }

            return results;
        }, cancellationToken);

    /// <param name="reason">Why the record changes, kept with the new version.</param>
    public Task<ContributionResult> AmendAsync(
        string recordId, RecordContent content, long expectedVersion, Subject by, string reason = "", CancellationToken cancellationToken = default) =>
        EnqueueAsync(writer => writer.Amend(recordId, content, expectedVersion, by, reason), cancellationToken);

    public Task<long> WithdrawAsync(string recordId, string reason, Subject by, CancellationToken cancellationToken = default) =>
        EnqueueAsync(writer => writer.Withdraw(recordId, reason, by), cancellationToken);

    private async Task<T> EnqueueAsync<T>(Func<Writer, T> work, CancellationToken cancellationToken)
    {
        var operation = new WriteOperation<T>(work);
        await _writes.Writer.WriteAsync(operation, cancellationToken);
        return await operation.Completion.Task;
    }

    private async Task RunWriterAsync()
    {
        using var connection = Open();
        // Bulk intake writes thousands of pages a second: checkpoint the WAL less often (each checkpoint
        // is an fsync of the database on the writer's path) and keep the hot indexes in cache.
        Execute(connection, "PRAGMA wal_autocheckpoint = 16384; PRAGMA cache_size = -65536;");
        using var writer = new Writer(connection, _clock) { CommittedSequence = LastSequence, PendingSequence = LastSequence };
        var batch = new List<WriteOperation>(MaxOperationsPerCommit);
        while (await _writes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxOperationsPerCommit && _writes.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            CommitBatch(connection, writer, batch);
        }
    }

    private void CommitBatch(SqliteConnection connection, Writer writer, List<WriteOperation> batch)
    {
        var completions = new List<Action>(batch.Count);
        try
        {
            using var transaction = connection.BeginTransaction();
            writer.Transaction = transaction;
            for (var i = 0; i < batch.Count; i++)
            {
                // A savepoint per operation: one caller's refused amend must not undo another's import.
                var savepoint = $"op{i}";
                var sequenceBefore = writer.PendingSequence;
                transaction.Save(savepoint);
                try
                {
                    completions.Add(batch[i].Run(writer));
                    transaction.Release(savepoint);
                }
                catch (Exception error)
                {
                    transaction.Rollback(savepoint);
                    transaction.Release(savepoint);
                    writer.PendingSequence = sequenceBefore;
                    var failed = batch[i];
                    completions.Add(() => failed.Fail(error));
                }
            }

            transaction.Commit();
        }
        catch (Exception error)
        {
            writer.PendingSequence = writer.CommittedSequence;
            foreach (var operation in batch)
            {
                operation.Fail(error);
            }

            return;
        }
        finally
        {
            writer.Transaction = null;
        }

        if (writer.PendingSequence > writer.CommittedSequence)
        {
            writer.CommittedSequence = writer.PendingSequence;
            Interlocked.Exchange(ref _lastSequence, writer.CommittedSequence);
            _commitRate.Observe(writer.CommittedSequence);
            _changes.Notify();
        }

        foreach (var complete in completions)
        {
            complete();
        }
    }

    // ---- reads ---------------------------------------------------------------------------

    public sealed record RecordHead(string RecordId, string Agency, string SourceRef, RecordType Type, long CurrentVersion, bool Withdrawn);

    public RecordHead? GetHead(string recordId) => Read(statements =>
    {
        var command = Set(statements.Head, ("$id", recordId));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new RecordHead(recordId, reader.GetString(0), reader.GetString(1), (RecordType)reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4) != 0)
            : null;
    });

    /// <summary>A version of a record (0 = current), or null when there is none.</summary>
    public Record? GetVersion(string recordId, long version) => Read(statements =>
    {
        var command = version > 0
            ? Set(statements.Version, ("$id", recordId), ("$version", version))
            : Set(statements.CurrentVersion, ("$id", recordId));
        return command.ExecuteScalar() is byte[] payload ? StoredRecord.ParseFrom(payload) : null;
    });

    /// <summary>
    /// The current markings of those of <paramref name="recordIds"/> the store holds, withdrawn ones included: what a
    /// read model needs to decide on a record as a read here would (see <see cref="IRecordMarkings"/>).
    /// </summary>
    public IReadOnlyList<RecordMarking> CurrentMarkings(IEnumerable<string> recordIds) =>
        [.. recordIds.Distinct(StringComparer.Ordinal).Select(id => GetVersion(id, 0)).OfType<Record>().Select(record => new RecordMarking
        {
            RecordId = record.RecordId,
            Type = record.Type,
            Marking = record.Content?.Marking,
            Withdrawn = record.Withdrawn,
        })];

    /// <summary>The current version of the agency's record with this source reference, or null when there is none.</summary>
    public Record? GetCurrentBySource(string agency, string sourceRef) => Read(statements =>
        Set(statements.CurrentBySource, ("$agency", agency), ("$source", sourceRef)).ExecuteScalar() is byte[] payload ? StoredRecord.ParseFrom(payload) : null);

    /// <summary>
    /// Why the record <paramref name="agency"/> holds under the content's source reference cannot take it, or null
    /// when it can (or there is none): what a contribution would be refused for, asked without writing.
    /// </summary>
    public string? RefusalFor(RecordContent content, string agency) =>
        GetCurrentBySource(agency, content.SourceRef) is { } current
            ? RefusalOf(current.RecordId, current.Withdrawn, current.Type, content)
            : null;

    /// <summary>Only the agency that holds the record asks (the source reference is its own), so this tells no one else anything.</summary>
    private static string? RefusalOf(string existingId, bool withdrawn, RecordType type, RecordContent content)
    {
        if (withdrawn)
        {
            return $"your agency withdrew record {existingId} from this source reference, and a withdrawn record stays withdrawn: give the row a new source reference to contribute it again";
        }

        return TypeRefusal($"record {existingId}", type, content);
    }

    /// <summary>Why <paramref name="content"/> cannot go to <paramref name="existing"/>, a record of <paramref name="type"/>: null when it is of that type.</summary>
    public static string? TypeRefusal(string existing, RecordType type, RecordContent content) =>
        TypeOf(content) != type
            ? $"{existing} from this source reference is a {TypeName(type)}, and a record keeps its type: give the {TypeName(TypeOf(content))} a source reference of its own"
            : null;

    public IReadOnlyList<Record> GetHistory(string recordId) => Read(statements =>
    {
        using var reader = Set(statements.History, ("$id", recordId)).ExecuteReader();
        var versions = new List<Record>();
        while (reader.Read())
        {
            versions.Add(StoredRecord.ParseFrom((byte[])reader[0]));
        }

        return versions;
    });

    public IReadOnlyList<ChangeEvent> ReadChanges(long afterSequence, int limit) => Read(statements =>
    {
        using var reader = Set(statements.Changes, ("$after", afterSequence), ("$limit", limit)).ExecuteReader();
        var events = new List<ChangeEvent>();
        while (reader.Read())
        {
            var record = StoredRecord.ParseFrom((byte[])reader[5]);
            events.Add(new ChangeEvent
            {
                Sequence = reader.GetInt64(0),
                Kind = (ChangeKind)reader.GetInt32(1),
                RecordId = reader.GetString(2),
                Version = reader.GetInt64(3),
                CommittedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))),
                OriginatorAgency = record.Content?.Marking?.OriginatorAgency ?? "",
                Type = record.Type,
                Record = record,
            });
        }

        return events;
    });

    /// <summary>
    /// Runs a read on an idle connection whose statements are already compiled, or a new one. A connection that
    /// failed a read is closed rather than reused; beyond <see cref="MaxIdleReaders"/> idle ones, the rest are closed.
    /// </summary>
    private T Read<T>(Func<ReadStatements, T> read)
    {
        var statements = _idleReaders.TryDequeue(out var idle) ? idle : new ReadStatements(OpenForRead());
        T result;
        try
        {
            result = read(statements);
        }
        catch
        {
            statements.Dispose();
            throw;
        }

        _idleReaders.Enqueue(statements);
        var disposed = Volatile.Read(ref _disposed);
        if (disposed || _idleReaders.Count > MaxIdleReaders)
        {
            CloseIdleReaders(keep: disposed ? 0 : MaxIdleReaders);
        }

        return result;
    }

    private void CloseIdleReaders(int keep)
    {
        while (_idleReaders.Count > keep && _idleReaders.TryDequeue(out var extra))
        {
            extra.Dispose();
        }
    }

    /// <summary>Completes when a change after <paramref name="afterSequence"/> has been committed.</summary>
    public Task WaitForChangesAsync(long afterSequence, CancellationToken cancellationToken)
    {
        var signal = _changes.Current;
        return LastSequence > afterSequence ? Task.CompletedTask : signal.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writerLoop;
        Volatile.Write(ref _disposed, true);
        CloseIdleReaders(keep: 0);
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// What an amendment may not change: the source reference (which an amendment may leave out) and the type. Also
    /// checked with the rest of the request before the write, so that these come with its other problems.
    /// </summary>
    public static IEnumerable<FieldViolation> IdentityChanges(RecordContent content, string sourceRef, RecordType type)
    {
        if (content.SourceRef.Length > 0 && content.SourceRef != sourceRef)
        {
            yield return new FieldViolation("content.source_ref", $"must stay '{sourceRef}': a record keeps its source reference");
        }

        if (TypeOf(content) is var changed && changed != type && changed != RecordType.Unspecified)
        {
            yield return new FieldViolation("content.body",
                $"must stay a {TypeName(type)}: a record keeps its type (contribute the {TypeName(changed)} as a record of its own)");
        }
    }

    private static string TypeName(RecordType type) => type.ToString().ToLowerInvariant();

    public static RecordType TypeOf(RecordContent content) => content.BodyCase switch
    {
        RecordContent.BodyOneofCase.Person => RecordType.Person,
        RecordContent.BodyOneofCase.Organisation => RecordType.Organisation,
        RecordContent.BodyOneofCase.Phone => RecordType.Phone,
        RecordContent.BodyOneofCase.Vehicle => RecordType.Vehicle,
        RecordContent.BodyOneofCase.Document => RecordType.Document,
        RecordContent.BodyOneofCase.Account => RecordType.Account,
        RecordContent.BodyOneofCase.Place => RecordType.Place,
        RecordContent.BodyOneofCase.Event => RecordType.Event,
        RecordContent.BodyOneofCase.Report => RecordType.Report,
        _ => RecordType.Unspecified,
    };

    /// <summary>
    /// Stamps the caller's agency as originator and serializes and hashes the content once, outside the
    /// single writer, so the writer only does SQL. Takes ownership of <paramref name="content"/>.
    /// </summary>
    public static PreparedContent Prepare(RecordContent content, string agency)
    {
        // The originator is always the caller's agency, whatever was sent.
        content.Marking.OriginatorAgency = agency;
        var bytes = content.ToByteArray();
        var asSent = SHA256.HashData(bytes);
        return new PreparedContent(content, bytes, ComparedForm(content) is { } compared ? SHA256.HashData(compared.ToByteArray()) : asSent, asSent);
    }

    /// <summary>
    /// The content as two sendings of the same record are compared, or null when that is the content as sent: the
    /// marking's agencies, caveats and cases are sets, and an evaluation with nothing in it is none. Else a re-import
    /// with --releasable-to in another order, or a JSON row with "evaluation": {}, would be a new version, replacing
    /// the amendments made here.
    /// </summary>
    private static RecordContent? ComparedForm(RecordContent content)
    {
        var marking = content.Marking;
        var emptyEvaluation = content.Evaluation is { } evaluation && evaluation.CalculateSize() == 0;
        if (IsOrdered(marking.ReleasableTo) && IsOrdered(marking.Caveats) && IsOrdered(marking.CaseRefs) && !emptyEvaluation)
        {
            return null;
        }

        var compared = content.Clone();
        Order(compared.Marking.ReleasableTo);
        Order(compared.Marking.Caveats);
        Order(compared.Marking.CaseRefs);
        if (emptyEvaluation)
        {
            compared.Evaluation = null;
        }

        return compared;

        static bool IsOrdered(RepeatedField<string> values)
        {
            for (var i = 1; i < values.Count; i++)
            {
                if (string.CompareOrdinal(values[i - 1], values[i]) > 0)
                {
                    return false;
                }
            }

            return true;
        }

        static void Order(RepeatedField<string> values)
        {
            var ordered = values.Order(StringComparer.Ordinal).ToList();
            values.Clear();
            values.AddRange(ordered);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static SqliteCommand Set(SqliteCommand command, params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            command.Parameters[name].Value = value;
        }

        return command;
    }

    /// <summary>A read connection and its statements, used by one read at a time.</summary>
    private sealed class ReadStatements : IDisposable
    {
        private readonly SqliteConnection _connection;

        public ReadStatements(SqliteConnection connection)
        {
            _connection = connection;
            Head = Prepare(connection, "SELECT agency, source_ref, record_type, current_version, withdrawn FROM record_heads WHERE record_id = $id", "$id");
            CurrentVersion = Prepare(connection, "SELECT v.payload FROM record_heads h JOIN record_versions v ON v.record_id = h.record_id AND v.version = h.current_version WHERE h.record_id = $id", "$id");
            CurrentBySource = Prepare(connection, """
                SELECT v.payload FROM record_heads h JOIN record_versions v ON v.record_id = h.record_id AND v.version = h.current_version
                WHERE h.agency = $agency AND h.source_ref = $source
                """, "$agency", "$source");
            Version = Prepare(connection, "SELECT payload FROM record_versions WHERE record_id = $id AND version = $version", "$id", "$version");
            History = Prepare(connection, "SELECT payload FROM record_versions WHERE record_id = $id ORDER BY version", "$id");
            Changes = Prepare(connection, """
                SELECT c.sequence, c.kind, c.record_id, c.version, c.committed_at, v.payload
                FROM changes c JOIN record_versions v ON v.record_id = c.record_id AND v.version = c.version
                WHERE c.sequence > $after ORDER BY c.sequence LIMIT $limit
                """, "$after", "$limit");
        }

        public SqliteCommand Head { get; }

        public SqliteCommand CurrentVersion { get; }

        public SqliteCommand CurrentBySource { get; }

        public SqliteCommand Version { get; }

        public SqliteCommand History { get; }

        public SqliteCommand Changes { get; }

        public void Dispose()
        {
            foreach (var command in new[] { Head, CurrentVersion, CurrentBySource, Version, History, Changes })
            {
                command.Dispose();
            }

            _connection.Dispose();
        }
    }

    // ---- the writer: prepared statements reused across every commit ---------------------

    private sealed class Writer : IDisposable
    {
        private readonly TimeProvider _clock;
        private readonly SqliteCommand _findBySource;
        private readonly SqliteCommand _findById;
        private readonly SqliteCommand _insertVersion;
        private readonly SqliteCommand _insertHead;
        private readonly SqliteCommand _updateHead;
        private readonly SqliteCommand _updateSourceHash;
        private readonly SqliteCommand _insertChange;
        public Writer(SqliteConnection connection, TimeProvider clock)
        {
            _clock = clock;
            _findBySource = Prepare(connection, "SELECT record_id, current_version, content_hash, withdrawn, source_hash, record_type FROM record_heads WHERE agency = $agency AND source_ref = $source", "$agency", "$source");
            _findById = Prepare(connection, "SELECT agency, source_ref, current_version, content_hash, withdrawn, record_type FROM record_heads WHERE record_id = $id", "$id");
            _insertVersion = Prepare(connection, "INSERT INTO record_versions (record_id, version, payload) VALUES ($id, $version, $payload)", "$id", "$version", "$payload");
            _insertHead = Prepare(connection, "INSERT INTO record_heads (record_id, agency, source_ref, record_type, current_version, content_hash, withdrawn, source_hash) VALUES ($id, $agency, $source, $type, $version, $hash, 0, $hash)", "$id", "$agency", "$source", "$type", "$version", "$hash");
            _updateHead = Prepare(connection, "UPDATE record_heads SET current_version = $version, content_hash = $hash, withdrawn = $withdrawn, record_type = $type, source_hash = COALESCE($sourceHash, source_hash) WHERE record_id = $id", "$id", "$version", "$hash", "$withdrawn", "$type", "$sourceHash");
            _updateSourceHash = Prepare(connection, "UPDATE record_heads SET source_hash = $sourceHash WHERE record_id = $id", "$id", "$sourceHash");
            _insertChange = Prepare(connection, "INSERT INTO changes (sequence, kind, record_id, version, committed_at) VALUES ($sequence, $kind, $id, $version, $at)", "$sequence", "$kind", "$id", "$version", "$at");
        }

        public SqliteTransaction? Transaction
        {
            set
            {
                foreach (var command in new[] { _findBySource, _findById, _insertVersion, _insertHead, _updateHead, _updateSourceHash, _insertChange })
                {
                    command.Transaction = value;
                }
            }
        }

        /// <summary>
        /// A contribution is what the agency's own system holds under the source reference. Content the source has
        /// sent before, or that the record holds now, writes nothing, so that re-running an import neither undoes
        /// amendments made here nor brings back a withdrawn record; changed content is a new version.
        /// </summary>
        public ContributionResult Contribute(PreparedContent prepared, Subject by)
        {
            var content = prepared.Content;
            var hash = prepared.Hash;
            _findBySource.Parameters["$agency"].Value = by.Agency;
            _findBySource.Parameters["$source"].Value = content.SourceRef;
            string existingId;
            long currentVersion;
            byte[] currentHash;
            bool withdrawn;
            byte[]? sourceHash;
            RecordType type;
            using (var reader = _findBySource.ExecuteReader())
            {
                if (!reader.Read())
                {
                    reader.Close();
                    var recordId = NewRecordId();
                    WriteVersion(recordId, 1, prepared, by, withdrawn: false, reason: "");
                    Set(_insertHead, ("$id", recordId), ("$agency", by.Agency), ("$source", content.SourceRef), ("$type", (int)TypeOf(content)), ("$version", 1L), ("$hash", hash));
                    _insertHead.ExecuteNonQuery();
                    AppendChange(ChangeKind.RecordCreated, recordId, 1);
                    return new ContributionResult(recordId, 1, ContributeOutcome.Created);
                }

                existingId = reader.GetString(0);
                currentVersion = reader.GetInt64(1);
                currentHash = (byte[])reader[2];
                withdrawn = reader.GetInt64(3) != 0;
                sourceHash = reader.IsDBNull(4) ? null : (byte[])reader[4];
                type = (RecordType)reader.GetInt64(5);
            }

            if (RefusalOf(existingId, withdrawn, type, content) is { } refusal)
            {
                return new ContributionResult(existingId, currentVersion, ContributeOutcome.Unspecified, refusal);
            }

            if (prepared.Matches(currentHash))
            {
                if (sourceHash is null || !prepared.Matches(sourceHash))
                {
                    // The source now holds what an amendment here made: later changes are measured from it.
                    Set(_updateSourceHash, ("$id", existingId), ("$sourceHash", hash)).ExecuteNonQuery();
                }

                return new ContributionResult(existingId, currentVersion, ContributeOutcome.Duplicate);
            }

            if (prepared.Matches(sourceHash))
            {
                return new ContributionResult(existingId, currentVersion, ContributeOutcome.Duplicate);
            }

            var version = currentVersion + 1;
            WriteNewVersion(existingId, version, prepared, by, fromSource: true, reason: "");
            return new ContributionResult(existingId, version, ContributeOutcome.NewVersion);
        }

        public ContributionResult Amend(string recordId, RecordContent content, long expectedVersion, Subject by, string reason)
        {
            var head = FindHead(recordId);
            if (head.Agency != by.Agency)
            {
                // The holder is not named: the caller may not be allowed to know it (the record need not be discoverable).
                throw new PermissionDeniedException($"Only the agency that contributed record '{recordId}' may amend it.");
            }

            if (head.Withdrawn)
            {
                throw new PreconditionFailedException($"Record '{recordId}' is withdrawn: a withdrawn record cannot be amended.");
            }

            if (expectedVersion > 0 && expectedVersion != head.Version)
            {
                throw new PreconditionFailedException(
                    $"Record '{recordId}' is at version {head.Version}, not {expectedVersion}: read it again and re-apply the change.");
            }

            if (IdentityChanges(content, head.SourceRef, head.Type).ToList() is { Count: > 0 } changes)
            {
                throw new ValidationFailedException(changes);
            }

            if (string.IsNullOrEmpty(content.SourceRef))
            {
                content = content.Clone();
                content.SourceRef = head.SourceRef;
            }

            var prepared = RecordStore.Prepare(content.Clone(), by.Agency);
            if (prepared.Matches(head.Hash))
            {
                return new ContributionResult(recordId, head.Version, ContributeOutcome.Duplicate);
            }

            var version = head.Version + 1;
            WriteNewVersion(recordId, version, prepared, by, fromSource: false, reason);
            return new ContributionResult(recordId, version, ContributeOutcome.NewVersion);
        }

        public long Withdraw(string recordId, string reason, Subject by)
        {
            var head = FindHead(recordId);
            if (head.Agency != by.Agency)
            {
                throw new PermissionDeniedException($"Only the agency that contributed record '{recordId}' may withdraw it.");
            }

            if (head.Withdrawn)
            {
                throw new PreconditionFailedException($"Record '{recordId}' is already withdrawn.");
            }

            // The tombstone keeps the last content so that oversight can still see what was withdrawn.
            var current = ReadPayload(recordId, head.Version);
            var version = head.Version + 1;
            WriteVersion(recordId, version, RecordStore.Prepare(current.Content, head.Agency), by, withdrawn: true, reason);
            Set(_updateHead, ("$id", recordId), ("$version", version), ("$hash", head.Hash), ("$withdrawn", 1), ("$type", (int)current.Type), ("$sourceHash", DBNull.Value));
            _updateHead.ExecuteNonQuery();
            AppendChange(ChangeKind.RecordWithdrawn, recordId, version);
            return version;
        }

        private void WriteNewVersion(string recordId, long version, PreparedContent prepared, Subject by, bool fromSource, string reason)
        {
            WriteVersion(recordId, version, prepared, by, withdrawn: false, reason);
            Set(_updateHead, ("$id", recordId), ("$version", version), ("$hash", prepared.Hash), ("$withdrawn", 0), ("$type", (int)TypeOf(prepared.Content)),
                ("$sourceHash", fromSource ? prepared.Hash : DBNull.Value));
            _updateHead.ExecuteNonQuery();
            AppendChange(ChangeKind.RecordAmended, recordId, version);
        }

        private (string Agency, string SourceRef, long Version, byte[] Hash, bool Withdrawn, RecordType Type) FindHead(string recordId)
        {
            _findById.Parameters["$id"].Value = recordId;
            using var reader = _findById.ExecuteReader();
            if (!reader.Read())
            {
                throw new NotFoundException("Record", recordId);
            }

            return (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader[3], reader.GetInt64(4) != 0, (RecordType)reader.GetInt64(5));
        }

        private Record ReadPayload(string recordId, long version)
        {
            using var command = _insertVersion.Connection!.CreateCommand();
            command.Transaction = _insertVersion.Transaction;
            command.CommandText = "SELECT payload FROM record_versions WHERE record_id = $id AND version = $version";
            command.Parameters.AddWithValue("$id", recordId);
            command.Parameters.AddWithValue("$version", version);
            return StoredRecord.ParseFrom((byte[])command.ExecuteScalar()!);
        }

        private void WriteVersion(string recordId, long version, PreparedContent prepared, Subject by, bool withdrawn, string reason)
        {
            var header = new Record
            {
                RecordId = recordId,
                Version = version,
                Type = TypeOf(prepared.Content),
                Withdrawn = withdrawn,
                WithdrawalReason = withdrawn ? reason : "",
                AmendmentReason = withdrawn ? "" : reason,
                RecordedAt = Timestamp.FromDateTimeOffset(_clock.GetUtcNow()),
                RecordedBy = by.UserId,
            };
            Set(_insertVersion, ("$id", recordId), ("$version", version), ("$payload", WithContent(header, prepared.Bytes)));
            _insertVersion.ExecuteNonQuery();
        }

        /// <summary>
        /// The stored Record: its own fields followed by the already serialized content as field
        /// <c>content</c>, which is byte for byte what serializing the whole message would give.
        /// </summary>
        private static byte[] WithContent(Record header, byte[] content)
        {
            var contentField = CodedOutputStream.ComputeTagSize(Record.ContentFieldNumber) + CodedOutputStream.ComputeBytesSize(UnsafeByteOperations.UnsafeWrap(content));
            var payload = new byte[header.CalculateSize() + contentField];
            var output = new CodedOutputStream(payload);
            header.WriteTo(output);
            output.WriteTag(Record.ContentFieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(content));
            output.CheckNoSpaceLeft();
            return payload;
        }

        private void AppendChange(ChangeKind kind, string recordId, long version)
        {
            var sequence = PendingSequence + 1;
            Set(_insertChange, ("$sequence", sequence), ("$kind", (int)kind), ("$id", recordId), ("$version", version), ("$at", _clock.GetUtcNow().ToUnixTimeMilliseconds()));
            _insertChange.ExecuteNonQuery();
            PendingSequence = sequence;
        }

        private static string NewRecordId() => "rec-" + Guid.CreateVersion7().ToString("N");

        /// <summary>Highest change sequence written in the open transaction.</summary>
        public long PendingSequence { get; set; }

        /// <summary>Highest change sequence known to be committed.</summary>
        public long CommittedSequence { get; set; }

        public void Dispose()
        {
            foreach (var command in new[] { _findBySource, _findById, _insertVersion, _insertHead, _updateHead, _updateSourceHash, _insertChange })
            {
                command.Dispose();
            }
        }
    }

    private abstract class WriteOperation
    {
        /// <summary>Runs inside the transaction and returns how to complete the caller once committed.</summary>
        public abstract Action Run(Writer writer);

        public abstract void Fail(Exception error);
    }

    private sealed class WriteOperation<T>(Func<Writer, T> work) : WriteOperation
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Action Run(Writer writer)
        {
            var result = work(writer);
            return () => Completion.TrySetResult(result);
        }

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }

    /// <summary>A one-shot signal replaced on every notification, so that waiters never miss a commit.</summary>
    private sealed class ChangeSignal
    {
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Current => Volatile.Read(ref _current).Task;

        public void Notify() => Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
