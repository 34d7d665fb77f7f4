using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace IntelShare.Graph.Engine;

/// <summary>
/// The durable copy of <see cref="GraphState"/>: one row per node and edge keyed by its in-memory index, strings that
/// repeat (markings, record ids) stored once and referenced by number. A batch and its checkpoint commit in one
/// transaction with synchronous=FULL, so an acknowledged write survives power loss and a projector resumes exactly.
/// </summary>
internal sealed class GraphLog : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS records(rid INTEGER PRIMARY KEY, id TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS markings(mid INTEGER PRIMARY KEY, payload TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS nodes(nid INTEGER PRIMARY KEY, id TEXT NOT NULL, kind INTEGER NOT NULL, label TEXT NOT NULL,
            props TEXT, mid INTEGER NOT NULL, t_from INTEGER, t_to INTEGER, support BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS edges(eid INTEGER PRIMARY KEY, src INTEGER NOT NULL, dst INTEGER NOT NULL, kind INTEGER NOT NULL,
            valid_from INTEGER, valid_to INTEGER, mid INTEGER NOT NULL, support BLOB NOT NULL);
        """;

    private readonly SqliteConnection connection;

    public GraphLog(string directory)
    {
        Directory.CreateDirectory(directory);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "graph.db"), Pooling = false }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;");
        Execute(Schema);
    }

    public void Dispose() => connection.Dispose();

    public long ReadCheckpoint()
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'checkpoint'";
        return command.ExecuteScalar() is long value ? value : 0;
    }

    public void Load(GraphState state)
    {
        state.PrepareForLoad(Scalar("SELECT coalesce(max(nid) + 1, 0) FROM nodes"), Scalar("SELECT coalesce(max(eid) + 1, 0) FROM edges"), Scalar("SELECT count(*) FROM records"));
        foreach (var row in Rows("SELECT mid, payload FROM markings ORDER BY mid"))
        {
            Expect(state.InternMarking(row.GetString(1)), row.GetInt32(0), "markings");
        }

        foreach (var row in Rows("SELECT rid, id FROM records ORDER BY rid"))
        {
            Expect(state.InternRecord(row.GetString(1)), row.GetInt32(0), "records");
        }

        var buffer = new byte[64];
        foreach (var row in Rows("SELECT nid, id, kind, label, props, mid, t_from, t_to, support FROM nodes"))
        {
            var properties = row.IsDBNull(4) ? GraphNode.NoProperties : JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(4))!;
            state.LoadNode(row.GetInt32(0), new GraphNode(
                row.GetString(1), (NodeKind)row.GetInt32(2), row.GetString(3), properties, state.Markings[row.GetInt32(5)],
                Time(row, 6), Time(row, 7), Support(state, row, 8, ref buffer)));
        }

        foreach (var row in Rows("SELECT eid, src, dst, kind, valid_from, valid_to, mid, support FROM edges"))
        {
            var from = row.GetInt32(1);
            var to = row.GetInt32(2);
            state.LoadEdge(row.GetInt32(0), from, to, new GraphEdge(
                state.Nodes[from]!.Id, state.Nodes[to]!.Id, (EdgeKind)row.GetInt32(3), Time(row, 4), Time(row, 5), state.Markings[row.GetInt32(6)],
                Support(state, row, 7, ref buffer)));
        }

        state.CompleteLoad();
    }

    /// <summary>Writes what <paramref name="state"/> marked dirty, and the checkpoint, in one durable transaction.</summary>
    public void Commit(GraphState state, long checkpoint)
    {
        using var transaction = connection.BeginTransaction();
        using (var marking = Prepare(transaction, "INSERT OR REPLACE INTO markings(mid, payload) VALUES ($0, $1)", 2))
        {
            for (var i = state.PersistedMarkings; i < state.Markings.Count; i++)
            {
                Run(marking, i, state.Markings[i]);
            }
        }

        using (var record = Prepare(transaction, "INSERT OR REPLACE INTO records(rid, id) VALUES ($0, $1)", 2))
        {
            for (var i = state.PersistedRecords; i < state.Records.Count; i++)
            {
                Run(record, i, state.Records[i]);
            }
        }

        using (var deleteNode = Prepare(transaction, "DELETE FROM nodes WHERE nid = $0", 1))
        using (var node = Prepare(transaction, "INSERT OR REPLACE INTO nodes(nid, id, kind, label, props, mid, t_from, t_to, support) VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8)", 9))
        {
            foreach (var index in state.DirtyNodes)
            {
                if (state.Nodes[index] is not { } n)
                {
                    Run(deleteNode, index);
                    continue;
                }

                Run(node, index, n.Id, (int)n.Kind, n.Label, n.Properties.Count == 0 ? null : JsonSerializer.Serialize(n.Properties),
                    state.MarkingIndex[n.Marking], n.From?.UtcTicks, n.To?.UtcTicks, SupportBlob(state, n.SupportingRecordIds));
            }
        }

        using (var deleteEdge = Prepare(transaction, "DELETE FROM edges WHERE eid = $0", 1))
        using (var edge = Prepare(transaction, "INSERT OR REPLACE INTO edges(eid, src, dst, kind, valid_from, valid_to, mid, support) VALUES ($0, $1, $2, $3, $4, $5, $6, $7)", 8))
        {
            foreach (var index in state.DirtyEdges)
            {
                if (state.Edges[index] is not { } e)
                {
                    Run(deleteEdge, index);
                    continue;
                }

                Run(edge, index, state.EdgeFrom[index], state.EdgeTo[index], (int)e.Kind, e.ValidFrom?.UtcTicks, e.ValidTo?.UtcTicks,
                    state.MarkingIndex[e.Marking], SupportBlob(state, e.SupportingRecordIds));
            }
        }

        using (var meta = Prepare(transaction, "INSERT OR REPLACE INTO meta(key, value) VALUES ('checkpoint', $0)", 1))
        {
            Run(meta, checkpoint);
        }

        transaction.Commit();
        state.DirtyNodes.Clear();
        state.DirtyEdges.Clear();
        state.PersistedMarkings = state.Markings.Count;
        state.PersistedRecords = state.Records.Count;
    }

    private static DateTimeOffset? Time(SqliteDataReader row, int ordinal) =>
        row.IsDBNull(ordinal) ? null : new DateTimeOffset(row.GetInt64(ordinal), TimeSpan.Zero);

    private static string[] Support(GraphState state, SqliteDataReader row, int ordinal, ref byte[] buffer)
    {
        var length = (int)row.GetBytes(ordinal, 0, null, 0, 0);
        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }

        row.GetBytes(ordinal, 0, buffer, 0, length);
        var ids = MemoryMarshal.Cast<byte, int>(buffer.AsSpan(0, length));
        var support = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            support[i] = state.Records[ids[i]];
        }

        return support;
    }

    private static byte[] SupportBlob(GraphState state, IReadOnlyList<string> support)
    {
        var ids = new int[support.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = state.RecordIndex[support[i]];
        }

        return MemoryMarshal.AsBytes(ids.AsSpan()).ToArray();
    }

    private static void Expect(int actual, int stored, string table)
    {
        if (actual != stored)
        {
            throw new InvalidDataException($"The graph's {table} table has a gap or duplicate at {stored}: the store is damaged.");
        }
    }

    private IEnumerable<SqliteDataReader> Rows(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader;
        }
    }

    private int Scalar(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(SqliteTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$" + i, null));
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }
}
