using System.Text;
using System.Text.Json;
using IntelShare.Contracts.V1;
using Microsoft.Data.Sqlite;

namespace IntelShare.Audit.Domain;

/// <summary>What an index query selects; every set condition must hold.</summary>
internal sealed record IndexFilter
{
    public AuditPeriod Period { get; init; } = AuditPeriod.Always;

    /// <summary>Entries about this resource, or made for or about this case (justification or the resource's cases).</summary>
    public string? ResourceOrCase { get; init; }

    /// <summary>Entries made for this case or about a resource of it.</summary>
    public string? Case { get; init; }

    public string? ResourceId { get; init; }

    public string? UserId { get; init; }

    public string? Agency { get; init; }

    public string? HolderAgency { get; init; }

    /// <summary>Only entries by users of other agencies than this one.</summary>
    public string? OtherThanAgency { get; init; }

    public bool WithoutCase { get; init; }

    public IReadOnlyList<Effect> Effects { get; init; } = [];

    /// <summary>
    /// Every condition as bytes, so that page tokens bind to the query they page (<see cref="AuditPage"/>). Serialised whole
    /// rather than field by field, so that a condition added later is in it without being listed here too.
    /// </summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);
}

/// <summary>
/// A SQLite index over the Merkle log, so oversight can find entries without scanning the log. It is derived
/// data: the log is the truth, the index records how far it has got (count and root at that count) in the same
/// transaction as the rows, and a missing, stale or foreign index is rebuilt from the log. Hence no fsync per
/// commit (synchronous = NORMAL) and rare, large checkpoints: a commit lost to a power cut is simply indexed again,
/// and the indexer's fsyncs do not compete with the log's.
/// <para>One writer (the <see cref="IndexFollower"/>); readers use their own pooled read-only connections and,
/// with WAL, never wait for it.</para>
/// </summary>
internal sealed class AuditIndex : IDisposable
{
    private const int SchemaVersion = 1;

    private readonly string _readConnectionString;
    private readonly SqliteConnection _writer;

    private AuditIndex(string path, SqliteConnection writer)
    {
        _writer = writer;
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    public long IndexedCount { get; private set; }

    /// <summary>Root of the log at <see cref="IndexedCount"/> when it was indexed; tells this log's index from another's.</summary>
    public byte[]? IndexedRoot { get; private set; }

    public static AuditIndex Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return OpenExisting(path);
        }
        catch (SqliteException)
        {
            // An unreadable index is worth nothing next to the log it can be rebuilt from.
            DeleteFiles(path);
            return OpenExisting(path);
        }
    }

    private static AuditIndex OpenExisting(string path)
    {
        var index = new AuditIndex(path, OpenWriter(path));
        try
        {
            index.ReadState();
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Forgets everything, for a rebuild from the first entry.</summary>
    public void Reset()
    {
        Execute(_writer, "DELETE FROM resource_cases; DELETE FROM entries; DELETE FROM state;");
        IndexedCount = 0;
        IndexedRoot = null;
    }

    /// <summary>
    /// Indexes entries [IndexedCount, count) in one transaction. <paramref name="entries"/> holds them in order,
    /// null where a leaf could not be decoded (it keeps its place, with nothing to find it by).
    /// <paramref name="betweenEntries"/> runs after each entry, where the work may pause.
    /// </summary>
    public void Add(IReadOnlyList<AuditEntry?> entries, long count, byte[] root, Action? betweenEntries = null)
    {
        if (count != IndexedCount + entries.Count)
        {
            throw new InvalidOperationException($"Index holds {IndexedCount} entries; {entries.Count} more do not make {count}.");
        }

        using var transaction = _writer.BeginTransaction();
        using var insert = _writer.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT OR REPLACE INTO entries (leaf, at, user_id, user_name, agency, action, resource_kind, resource_id,
                holder_agency, case_ref, purpose, effect, rule, origin, service, resource_case_refs)
            VALUES ($leaf, $at, $user_id, $user_name, $agency, $action, $resource_kind, $resource_id,
                $holder_agency, $case_ref, $purpose, $effect, $rule, $origin, $service, $resource_case_refs)
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "leaf", "at", "user_id", "user_name", "agency", "action", "resource_kind", "resource_id", "holder_agency", "case_ref", "purpose", "effect", "rule", "origin", "service", "resource_case_refs" })
        {
            var integer = name is "leaf" or "at" or "purpose" or "effect";
            p[name] = insert.Parameters.Add("$" + name, integer ? SqliteType.Integer : SqliteType.Text);
        }

        using var insertCase = _writer.CreateCommand();
        insertCase.Transaction = transaction;
        insertCase.CommandText = "INSERT OR IGNORE INTO resource_cases (case_ref, leaf) VALUES ($case_ref, $leaf)";
        var caseRefParameter = insertCase.Parameters.Add("$case_ref", SqliteType.Text);
        var caseLeafParameter = insertCase.Parameters.Add("$leaf", SqliteType.Integer);

        var leaf = IndexedCount;
        foreach (var entry in entries)
        {
            if (entry is not null)
            {
                p["leaf"].Value = leaf;
                p["at"].Value = entry.At is { } at ? at.ToDateTimeOffset().UtcTicks : 0L;
                p["user_id"].Value = entry.UserId;
                p["user_name"].Value = entry.UserName;
                p["agency"].Value = entry.Agency;
                p["action"].Value = entry.Action;
                p["resource_kind"].Value = entry.ResourceKind;
                p["resource_id"].Value = entry.ResourceId;
                p["holder_agency"].Value = entry.HolderAgency;
                p["case_ref"].Value = entry.Justification?.CaseRef ?? "";
                p["purpose"].Value = (long)(entry.Justification?.Purpose ?? Purpose.Unspecified);
                p["effect"].Value = (long)entry.Effect;
                p["rule"].Value = entry.Rule;
                p["origin"].Value = entry.Origin;
                p["service"].Value = entry.Service;
                p["resource_case_refs"].Value = string.Join('\n', entry.ResourceCaseRefs);
                insert.ExecuteNonQuery();
                foreach (var caseRef in entry.ResourceCaseRefs)
                {
                    caseRefParameter.Value = caseRef;
                    caseLeafParameter.Value = leaf;
                    insertCase.ExecuteNonQuery();
                }
            }

            leaf++;
            betweenEntries?.Invoke();
        }

        using (var state = _writer.CreateCommand())
        {
            state.Transaction = transaction;
            state.CommandText = "INSERT OR REPLACE INTO state (id, indexed_count, indexed_root) VALUES (1, $count, $root)";
            state.Parameters.AddWithValue("$count", count);
            state.Parameters.AddWithValue("$root", root);
            state.ExecuteNonQuery();
        }

        transaction.Commit();
        IndexedCount = count;
        IndexedRoot = root;
    }

    /// <summary>Leaf indexes matching the filter, in log order, after the page's token; and how many match in all.</summary>
    public (IReadOnlyList<long> Leaves, bool More, long Total) Find(IndexFilter filter, AuditPage page)
    {
        using var connection = OpenReader();
        var (where, parameters) = Where(filter);
        var leaves = new List<long>(Math.Min(page.Size, 1024));
        bool more;
        using (var command = Command(connection, $"SELECT leaf FROM entries WHERE {where} AND leaf > $after ORDER BY leaf LIMIT $limit", parameters))
        {
            command.Parameters.AddWithValue("$after", page.After);
            command.Parameters.AddWithValue("$limit", page.Size + 1);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                leaves.Add(reader.GetInt64(0));
            }

            more = leaves.Count > page.Size;
            if (more)
            {
                leaves.RemoveAt(leaves.Count - 1);
            }
        }

        using var count = Command(connection, $"SELECT COUNT(*) FROM entries WHERE {where}", parameters);
        return (leaves, more, (long)count.ExecuteScalar()!);
    }

    /// <summary>Every entry in the period, reduced to what anomaly detection needs.</summary>
    public IReadOnlyList<AccessRecord> Records(AuditPeriod period)
    {
        using var connection = OpenReader();
        var (where, parameters) = Where(new IndexFilter { Period = period });
        using var command = Command(connection,
            $"SELECT leaf, at, user_id, agency, resource_id, case_ref, effect, resource_case_refs FROM entries WHERE {where} AND user_id <> '' ORDER BY leaf",
            parameters);
        using var reader = command.ExecuteReader();

        // Ids repeat on every row; sharing one string per distinct value keeps a month of history small.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string value) => strings.TryGetValue(value, out var shared) ? shared : strings[value] = value;
        var noCases = Array.Empty<string>();
        var records = new List<AccessRecord>();
        while (reader.Read())
        {
            var caseRefs = reader.GetString(7);
            records.Add(new AccessRecord(
                reader.GetInt64(0),
                new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                Shared(reader.GetString(2)),
                Shared(reader.GetString(3)),
                Shared(reader.GetString(4)),
                Shared(reader.GetString(5)),
                (Effect)reader.GetInt64(6),
                caseRefs.Length == 0 ? noCases : caseRefs.Split('\n').Select(Shared).ToArray()));
        }

        return records;
    }

    public void Dispose()
    {
        _writer.Dispose();

        // Pooled readers would otherwise keep the file open, and a new index at the same path would meet them.
        using var reader = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(reader);
    }

    private static (string Where, List<(string Name, object Value)> Parameters) Where(IndexFilter filter)
    {
        var where = new StringBuilder("1 = 1");
        var parameters = new List<(string, object)>();
        if (filter.Period.From != DateTimeOffset.MinValue)
        {
            where.Append(" AND at >= $from");
            parameters.Add(("$from", filter.Period.From.UtcTicks));
        }

        if (filter.Period.To != DateTimeOffset.MaxValue)
        {
            where.Append(" AND at < $to");
            parameters.Add(("$to", filter.Period.To.UtcTicks));
        }

        if (filter.ResourceOrCase is { } id)
        {
            where.Append(" AND (resource_id = $id OR case_ref = $id OR leaf IN (SELECT leaf FROM resource_cases WHERE case_ref = $id))");
            parameters.Add(("$id", id));
        }

        if (filter.Case is { } caseRef)
        {
            where.Append(" AND (case_ref = $case OR leaf IN (SELECT leaf FROM resource_cases WHERE case_ref = $case))");
            parameters.Add(("$case", caseRef));
        }

        Equal(where, parameters, "resource_id", filter.ResourceId);
        if (filter.UserId is { } user)
        {
            // Oversight knows people by their user names; the id is what the token carries.
            where.Append(" AND (user_id = $user OR user_name = $user)");
            parameters.Add(("$user", user));
        }

        Equal(where, parameters, "agency", filter.Agency);
        Equal(where, parameters, "holder_agency", filter.HolderAgency);
        if (filter.OtherThanAgency is { } own)
        {
            where.Append(" AND agency <> $own");
            parameters.Add(("$own", own));
        }

        if (filter.WithoutCase)
        {
            where.Append(" AND case_ref = ''");
        }

        if (filter.Effects.Count > 0)
        {
            // Enum numbers, not user input, so they can be written into the statement.
            where.Append(" AND effect IN (").AppendJoin(", ", filter.Effects.Select(effect => (int)effect)).Append(')');
        }

        return (where.ToString(), parameters);
    }

    private static void Equal(StringBuilder where, List<(string, object)> parameters, string column, string? value)
    {
        if (value is not null)
        {
            where.Append($" AND {column} = ${column}");
            parameters.Add(("$" + column, value));
        }
    }

    private static SqliteConnection OpenWriter(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 16384; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;");
            var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
            if (version != 0 && version != SchemaVersion)
            {
                // An index written by another version is rebuilt rather than migrated: it is derived data.
                Execute(connection, "DROP TABLE IF EXISTS resource_cases; DROP TABLE IF EXISTS entries; DROP TABLE IF EXISTS state;");
            }

            Execute(connection, $"""
                CREATE TABLE IF NOT EXISTS entries (
                    leaf INTEGER PRIMARY KEY, at INTEGER NOT NULL,
                    user_id TEXT NOT NULL, user_name TEXT NOT NULL, agency TEXT NOT NULL,
                    action TEXT NOT NULL, resource_kind TEXT NOT NULL, resource_id TEXT NOT NULL, holder_agency TEXT NOT NULL,
                    case_ref TEXT NOT NULL, purpose INTEGER NOT NULL, effect INTEGER NOT NULL, rule TEXT NOT NULL,
                    origin TEXT NOT NULL, service TEXT NOT NULL, resource_case_refs TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS entries_by_at ON entries(at);
                CREATE INDEX IF NOT EXISTS entries_by_resource ON entries(resource_id);
                CREATE INDEX IF NOT EXISTS entries_by_case ON entries(case_ref);
                CREATE INDEX IF NOT EXISTS entries_by_user ON entries(user_id);
                CREATE INDEX IF NOT EXISTS entries_by_user_name ON entries(user_name);
                CREATE INDEX IF NOT EXISTS entries_by_agency ON entries(agency);
                CREATE INDEX IF NOT EXISTS entries_by_holder ON entries(holder_agency);
                CREATE TABLE IF NOT EXISTS resource_cases (
                    case_ref TEXT NOT NULL, leaf INTEGER NOT NULL, PRIMARY KEY (case_ref, leaf)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS state (
                    id INTEGER PRIMARY KEY CHECK (id = 1), indexed_count INTEGER NOT NULL, indexed_root BLOB NOT NULL);
                PRAGMA user_version = {SchemaVersion};
                """);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void ReadState()
    {
        using var command = Command(_writer, "SELECT indexed_count, indexed_root FROM state WHERE id = 1", []);
        using var reader = command.ExecuteReader();
        if (reader.Read())
        {
            IndexedCount = reader.GetInt64(0);
            IndexedRoot = (byte[])reader.GetValue(1);
        }
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private static void DeleteFiles(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, IEnumerable<(string Name, object Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
