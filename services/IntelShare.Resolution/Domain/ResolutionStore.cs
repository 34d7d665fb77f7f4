using IntelShare.Contracts.V1;
using IntelShare.Domain;
using Microsoft.Data.Sqlite;

namespace IntelShare.Resolution.Domain;

public sealed record StoredDecision(long Id, string Kind, string RecordA, string RecordB, bool SameEntity, string Reason, string UserId, string Agency, DateTimeOffset At);

/// <summary>A pair the model put up for an analyst's review; the queue is in <see cref="QueueOrder"/>.</summary>
public sealed record ReviewPair(string RecordA, string RecordB, double Posterior)
{
    /// <summary>
    /// Most likely first, then by the two record ids: a total order (the ids are the queue's key) that does not move as
    /// pairs come and go, so that a page can start right after the pair the one before ended with, whether or not it
    /// is still queued (<see cref="ReviewQueueCursor"/>).
    /// </summary>
    public static IComparer<ReviewPair> QueueOrder { get; } = Comparer<ReviewPair>.Create((x, y) =>
    {
        var byPosterior = y.Posterior.CompareTo(x.Posterior);
        if (byPosterior != 0)
        {
            return byPosterior;
        }

        var byA = string.CompareOrdinal(x.RecordA, y.RecordA);
        return byA != 0 ? byA : string.CompareOrdinal(x.RecordB, y.RecordB);
    });
}

public sealed record StoredHit(long Id, string EntityId, string RecordId, string ContributingAgency, string NotifiedAgency, string CounterpartRecordId, double Probability, DateTimeOffset At);

/// <summary>
/// Resolution's durable state in SQLite: the person and organisation records it resolves (their current version),
/// which entity each belongs to, entity versions, the review queue, analysts' decisions (as must-link and
/// cannot-link pairs, which every re-run applies), id changes, cross-agency hits and the projection checkpoint.
/// One writer at a time (the caller serialises); every change and its checkpoint commit in one transaction.
/// </summary>
public sealed class ResolutionStore : IDisposable
{
    private readonly SqliteConnection _connection;

    public ResolutionStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS records (record_id TEXT PRIMARY KEY, version INTEGER NOT NULL, agency TEXT NOT NULL, payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS members (record_id TEXT PRIMARY KEY, entity_id TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS members_by_entity ON members (entity_id);
            CREATE TABLE IF NOT EXISTS entities (entity_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS membership_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS review (record_a TEXT NOT NULL, record_b TEXT NOT NULL, posterior REAL NOT NULL, PRIMARY KEY (record_a, record_b));
            CREATE TABLE IF NOT EXISTS decisions (
                id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, record_a TEXT NOT NULL, record_b TEXT NOT NULL,
                same_entity INTEGER NOT NULL, reason TEXT NOT NULL, user_id TEXT NOT NULL, agency TEXT NOT NULL, at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS id_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, from_ids TEXT NOT NULL, to_ids TEXT NOT NULL, at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS hits (
                id INTEGER PRIMARY KEY AUTOINCREMENT, entity_id TEXT NOT NULL, record_id TEXT NOT NULL, contributing_agency TEXT NOT NULL,
                notified_agency TEXT NOT NULL, counterpart_record_id TEXT NOT NULL, probability REAL NOT NULL, at INTEGER NOT NULL,
                UNIQUE (record_id, notified_agency, counterpart_record_id));
            """);
    }

    public long Checkpoint => Meta("checkpoint");

    public IReadOnlyList<Record> Records()
    {
        var records = new List<Record>();
        foreach (var payload in Query("SELECT payload FROM records ORDER BY rowid", reader => (byte[])reader[0]))
        {
            records.Add(Record.Parser.ParseFrom(payload));
        }

        return records;
    }

    public Dictionary<string, string> Membership() =>
        Query("SELECT record_id, entity_id FROM members", reader => (reader.GetString(0), reader.GetString(1)))
            .ToDictionary(pair => pair.Item1, pair => pair.Item2, StringComparer.Ordinal);

    public Dictionary<string, long> EntityVersions() =>
        Query("SELECT entity_id, version FROM entities", reader => (reader.GetString(0), reader.GetInt64(1)))
            .ToDictionary(pair => pair.Item1, pair => pair.Item2, StringComparer.Ordinal);

    public IReadOnlyList<StoredDecision> Decisions() => Query(
        "SELECT id, kind, record_a, record_b, same_entity, reason, user_id, agency, at FROM decisions ORDER BY id",
        reader => new StoredDecision(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4) != 0,
            reader.GetString(5), reader.GetString(6), reader.GetString(7), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));

    /// <summary>The queue in <see cref="ReviewPair.QueueOrder"/>.</summary>
    /// <remarks>
    /// Sorted here rather than by SQLite, whose BINARY collation compares UTF-8 bytes and, past U+FFFF, orders ids
    /// otherwise than the ordinal comparison a page's cursor is compared by.
    /// </remarks>
    public IReadOnlyList<ReviewPair> Review() =>
        [.. Query("SELECT record_a, record_b, posterior FROM review", reader => new ReviewPair(reader.GetString(0), reader.GetString(1), reader.GetDouble(2))).Order(ReviewPair.QueueOrder)];

    public IReadOnlyList<StoredHit> HitsFor(string agency, long afterId, int limit) => Query(
        "SELECT id, entity_id, record_id, contributing_agency, notified_agency, counterpart_record_id, probability, at FROM hits WHERE notified_agency = $agency AND id > $after ORDER BY id LIMIT $limit",
        reader => new StoredHit(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetDouble(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))),
        ("$agency", agency), ("$after", afterId), ("$limit", limit));

    /// <summary>Records whose entity changed after <paramref name="afterSequence"/>, oldest first (the caller serialises with writes).</summary>
    public IReadOnlyList<MembershipChange> MembershipChangesAfter(long afterSequence, int limit) => Query(
        "SELECT seq, record_id FROM membership_log WHERE seq > $after ORDER BY seq LIMIT $limit",
        reader => new MembershipChange(reader.GetInt64(0), reader.GetString(1)),
        ("$after", afterSequence), ("$limit", limit));

    /// <summary>Runs <paramref name="write"/> in one transaction: all of it is durable, or none.</summary>
    public T Write<T>(Func<StoreWriter, T> write)
    {
        using var transaction = _connection.BeginTransaction();
        var result = write(new StoreWriter(_connection, transaction));
        transaction.Commit();
        return result;
    }

    public void Dispose() => _connection.Dispose();

    private long Meta(string key) =>
        Query("SELECT value FROM meta WHERE key = $key", reader => reader.GetInt64(0), ("$key", key)).FirstOrDefault();

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>The writes of one transaction.</summary>
public sealed class StoreWriter(SqliteConnection connection, SqliteTransaction transaction)
{
    public void SetCheckpoint(long sequence) => SetMeta("checkpoint", sequence);

    /// <summary>The next entity number, durable with the rest of the transaction so that ids are never reused.</summary>
    public long NextEntityNumber()
    {
        var next = Scalar("SELECT COALESCE((SELECT value FROM meta WHERE key = 'entity_counter'), 0) + 1");
        SetMeta("entity_counter", next);
        return next;
    }

    public void PutRecord(Record record) => Run(
        "INSERT INTO records VALUES ($id, $version, $agency, $payload) ON CONFLICT (record_id) DO UPDATE SET version = excluded.version, agency = excluded.agency, payload = excluded.payload",
        ("$id", record.RecordId), ("$version", record.Version), ("$agency", record.Content?.Marking?.OriginatorAgency ?? ""), ("$payload", Google.Protobuf.MessageExtensions.ToByteArray(record)));

    public void RemoveRecord(string recordId)
    {
        Run("DELETE FROM records WHERE record_id = $id", ("$id", recordId));
        if (Run("DELETE FROM members WHERE record_id = $id", ("$id", recordId)) > 0)
        {
            LogMembershipChange(recordId);
        }

        Run("DELETE FROM review WHERE record_a = $id OR record_b = $id", ("$id", recordId));
    }

    /// <summary>Puts the record in the entity; a change of entity is logged for the services that follow membership (the graph's same_as edges).</summary>
    public void SetMember(string recordId, string entityId)
    {
        var changed = Run(
            "INSERT INTO members VALUES ($r, $e) ON CONFLICT (record_id) DO UPDATE SET entity_id = excluded.entity_id WHERE entity_id <> excluded.entity_id",
            ("$r", recordId),
            ("$e", entityId));
        if (changed > 0)
        {
            LogMembershipChange(recordId);
        }
    }

    /// <summary>A new version of the entity (its records changed); an entity left without records is removed.</summary>
    public void Touch(string entityId)
    {
        if (Scalar("SELECT COUNT(*) FROM members WHERE entity_id = $e", ("$e", entityId)) == 0)
        {
            Run("DELETE FROM entities WHERE entity_id = $e", ("$e", entityId));
            return;
        }

        Run("INSERT INTO entities VALUES ($e, 1) ON CONFLICT (entity_id) DO UPDATE SET version = version + 1", ("$e", entityId));
    }

    public void PutReview(string a, string b, double posterior)
    {
        var (low, high) = Order(a, b);
        Run("INSERT INTO review VALUES ($a, $b, $p) ON CONFLICT (record_a, record_b) DO UPDATE SET posterior = excluded.posterior", ("$a", low), ("$b", high), ("$p", posterior));
    }

    public void RemoveReview(string a, string b)
    {
        var (low, high) = Order(a, b);
        Run("DELETE FROM review WHERE record_a = $a AND record_b = $b", ("$a", low), ("$b", high));
    }

    public void ClearReview() => Run("DELETE FROM review");

    /// <summary>For a rebuild from the change log: everything projected goes; analysts' decisions and the id counter stay.</summary>
    public void Reset()
    {
        Run("DELETE FROM records");
        Run("INSERT INTO membership_log (record_id) SELECT record_id FROM members");
        Run("DELETE FROM members");
        Run("DELETE FROM entities");
        Run("DELETE FROM review");
        SetCheckpoint(0);
    }

    public long AddDecision(string kind, string a, string b, bool sameEntity, string reason, string userId, string agency, DateTimeOffset at)
    {
        Run("INSERT INTO decisions (kind, record_a, record_b, same_entity, reason, user_id, agency, at) VALUES ($k, $a, $b, $s, $r, $u, $g, $t)",
            ("$k", kind), ("$a", a), ("$b", b), ("$s", sameEntity ? 1 : 0), ("$r", reason), ("$u", userId), ("$g", agency), ("$t", at.ToUnixTimeMilliseconds()));
        return Scalar("SELECT last_insert_rowid()");
    }

    public void AddIdChange(EntityIdChange change, DateTimeOffset at) =>
        Run("INSERT INTO id_changes (kind, from_ids, to_ids, at) VALUES ($k, $f, $t, $at)",
            ("$k", change.Kind), ("$f", string.Join(",", change.From)), ("$t", string.Join(",", change.To)), ("$at", at.ToUnixTimeMilliseconds()));

    /// <summary>
    /// Records a hit once: re-applying the same change does not notify twice. <paramref name="recordId"/> is the
    /// notified agency's own record, <paramref name="counterpartRecordId"/> the other agency's, and
    /// <paramref name="contributingAgency"/> the agency whose new record raised the hit.
    /// </summary>
    public void AddHit(string entityId, string recordId, string contributingAgency, string notifiedAgency, string counterpartRecordId, double probability, DateTimeOffset at) =>
        Run("INSERT OR IGNORE INTO hits (entity_id, record_id, contributing_agency, notified_agency, counterpart_record_id, probability, at) VALUES ($e, $r, $c, $n, $cp, $p, $t)",
            ("$e", entityId), ("$r", recordId), ("$c", contributingAgency), ("$n", notifiedAgency), ("$cp", counterpartRecordId), ("$p", probability), ("$t", at.ToUnixTimeMilliseconds()));

    private static (string, string) Order(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);

    private void SetMeta(string key, long value) =>
        Run("INSERT INTO meta VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("$k", key), ("$v", value));

    private long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void LogMembershipChange(string recordId) => Run("INSERT INTO membership_log (record_id) VALUES ($r)", ("$r", recordId));

    private int Run(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
