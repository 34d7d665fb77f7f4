using Google.Protobuf;
using System.Collections.Concurrent;
using IntelShare.Access.Client;
using IntelShare.Contracts.V1;
using IntelShare.Policy;
using Microsoft.Data.Sqlite;

namespace IntelShare.Graph.Domain;

/// <summary>What the graph needs to know of each record it projected.</summary>
/// <param name="MainNodeId">The node standing for the record, which links from other records attach to.</param>
/// <param name="Marking">Decides who sees the nodes and edges the record supports.</param>
public sealed record ProjectedRecord(string RecordId, string Agency, string SourceRef, string? MainNodeId, ResourceMarking Marking, Marking WireMarking);

/// <summary>A link whose target record has not been projected yet; it becomes an edge when the target arrives.</summary>
public sealed record PendingLink(string SourceRecordId, string SourceNodeId, string TargetRecordId, string TargetAgency, string TargetSourceRef, string Relationship, long? ValidFromTicks, long? ValidToTicks);

/// <summary>
/// The graph projection's own bookkeeping beside the engine: each record's marking (for need-to-know on every node
/// and edge it supports), its main node, source references for links, and links still waiting for their target.
/// All writes are idempotent upserts, so re-applying a batch after a crash changes nothing.
/// </summary>
public sealed class GraphRecordIndex : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ConcurrentDictionary<string, ProjectedRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Agency, string SourceRef), string> _bySourceRef = new();

    // The entity each record's same_as edge points to ("" for none), as far as this process has written it; empty
    // after a restart, when the graph on disk is the only truth.
    private readonly ConcurrentDictionary<string, string> _linkedEntity = new(StringComparer.Ordinal);

    public GraphRecordIndex(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS records (
                record_id TEXT PRIMARY KEY, agency TEXT NOT NULL, source_ref TEXT NOT NULL, main_node TEXT,
                type INTEGER NOT NULL, marking BLOB NOT NULL, withdrawn INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS pending_links (
                source_record TEXT NOT NULL, source_node TEXT NOT NULL, target_record TEXT NOT NULL, target_agency TEXT NOT NULL,
                target_source_ref TEXT NOT NULL, relationship TEXT NOT NULL, valid_from INTEGER, valid_to INTEGER,
                PRIMARY KEY (source_record, target_record, target_agency, target_source_ref, relationship));
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """);
        Load();
    }

    public ProjectedRecord? Find(string recordId) => _records.GetValueOrDefault(recordId);

    public string? FindBySourceRef(string agency, string sourceRef) => _bySourceRef.GetValueOrDefault((agency, sourceRef));

    /// <summary>Records and pending links for one batch, in one transaction.</summary>
    public void Write(IReadOnlyList<(Record Record, string? MainNode)> records, IReadOnlyList<PendingLink> added, IReadOnlyList<PendingLink> resolved, IReadOnlyList<string> clearedSources)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var (record, mainNode) in records)
        {
            var marking = record.Content?.Marking ?? new Marking();
            using var command = Command(transaction, """
                INSERT INTO records VALUES ($id, $agency, $ref, $node, $type, $marking, $withdrawn)
                ON CONFLICT (record_id) DO UPDATE SET agency = excluded.agency, source_ref = excluded.source_ref,
                    main_node = excluded.main_node, type = excluded.type, marking = excluded.marking, withdrawn = excluded.withdrawn
                """);
            command.Parameters.AddWithValue("$id", record.RecordId);
            command.Parameters.AddWithValue("$agency", marking.OriginatorAgency);
            command.Parameters.AddWithValue("$ref", record.Content?.SourceRef ?? "");
            command.Parameters.AddWithValue("$node", (object?)mainNode ?? DBNull.Value);
            command.Parameters.AddWithValue("$type", (int)record.Type);
            command.Parameters.AddWithValue("$marking", marking.ToByteArray());
            command.Parameters.AddWithValue("$withdrawn", record.Withdrawn ? 1 : 0);
            command.ExecuteNonQuery();
        }

        foreach (var source in clearedSources)
        {
            using var command = Command(transaction, "DELETE FROM pending_links WHERE source_record = $source");
            command.Parameters.AddWithValue("$source", source);
            command.ExecuteNonQuery();
        }

        foreach (var link in added)
        {
            using var command = Command(transaction, "INSERT OR REPLACE INTO pending_links VALUES ($s, $n, $tr, $ta, $tref, $rel, $from, $to)");
            command.Parameters.AddWithValue("$s", link.SourceRecordId);
            command.Parameters.AddWithValue("$n", link.SourceNodeId);
            command.Parameters.AddWithValue("$tr", link.TargetRecordId);
            command.Parameters.AddWithValue("$ta", link.TargetAgency);
            command.Parameters.AddWithValue("$tref", link.TargetSourceRef);
            command.Parameters.AddWithValue("$rel", link.Relationship);
            command.Parameters.AddWithValue("$from", (object?)link.ValidFromTicks ?? DBNull.Value);
            command.Parameters.AddWithValue("$to", (object?)link.ValidToTicks ?? DBNull.Value);
            command.ExecuteNonQuery();
        }

        foreach (var link in resolved)
        {
            using var command = Command(transaction, """
                DELETE FROM pending_links WHERE source_record = $s AND target_record = $tr AND target_agency = $ta
                    AND target_source_ref = $tref AND relationship = $rel
                """);
            command.Parameters.AddWithValue("$s", link.SourceRecordId);
            command.Parameters.AddWithValue("$tr", link.TargetRecordId);
            command.Parameters.AddWithValue("$ta", link.TargetAgency);
            command.Parameters.AddWithValue("$tref", link.TargetSourceRef);
            command.Parameters.AddWithValue("$rel", link.Relationship);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        foreach (var (record, mainNode) in records)
        {
            Remember(record.RecordId, record.Content?.Marking ?? new Marking(), record.Content?.SourceRef ?? "", mainNode, record.Type, record.Withdrawn);
        }
    }

    /// <summary>Links waiting for a record with this id or this agency's source reference.</summary>
    public IReadOnlyList<PendingLink> PendingFor(string recordId, string agency, string sourceRef)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT * FROM pending_links WHERE target_record = $id OR (target_agency = $agency AND target_source_ref = $ref AND $ref <> '')
            """;
        command.Parameters.AddWithValue("$id", recordId);
        command.Parameters.AddWithValue("$agency", agency);
        command.Parameters.AddWithValue("$ref", sourceRef);
        using var reader = command.ExecuteReader();
        var links = new List<PendingLink>();
        while (reader.Read())
        {
            links.Add(new PendingLink(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt64(7)));
        }

        return links;
    }

    public IReadOnlyList<string> AllRecordIds() => [.. _records.Keys];

    /// <summary>Whether this process wrote the record's same_as edge to exactly <paramref name="entityId"/> (null: none).</summary>
    public bool IsLinkedTo(string recordId, string? entityId) =>
        _linkedEntity.TryGetValue(recordId, out var linked) && linked == (entityId ?? "");

    /// <summary>Notes same_as edges once the graph store has them.</summary>
    public void NoteLinks(IEnumerable<(string RecordId, string? EntityId)> links)
    {
        foreach (var (recordId, entityId) in links)
        {
            _linkedEntity[recordId] = entityId ?? "";
        }
    }

    /// <summary>The last entity membership change applied to the graph (its same_as edges).</summary>
    public long MembershipCheckpoint
    {
        get
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT COALESCE((SELECT value FROM meta WHERE key = 'membership_checkpoint'), 0)";
            return (long)command.ExecuteScalar()!;
        }

        set
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO meta VALUES ('membership_checkpoint', $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }
    }

    public void Clear()
    {
        Execute("DELETE FROM records; DELETE FROM pending_links;");
        _records.Clear();
        _bySourceRef.Clear();
        _linkedEntity.Clear();
    }

    public void Dispose() => _connection.Dispose();

    private void Load()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT record_id, agency, source_ref, main_node, type, marking, withdrawn FROM records";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Remember(
                reader.GetString(0),
                Marking.Parser.ParseFrom((byte[])reader[5]),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                (RecordType)reader.GetInt32(4),
                reader.GetInt32(6) != 0);
        }
    }

    private void Remember(string recordId, Marking marking, string sourceRef, string? mainNode, RecordType type, bool withdrawn)
    {
        var resource = marking.ToResourceMarking(ResourceKind.Record, recordId, ContractMapping.ToBodyKind(type), withdrawn);
        _records[recordId] = new ProjectedRecord(recordId, marking.OriginatorAgency, sourceRef, mainNode, resource, marking);
        if (sourceRef.Length > 0)
        {
            _bySourceRef[(marking.OriginatorAgency, sourceRef)] = recordId;
        }
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
