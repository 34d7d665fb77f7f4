using System.Runtime.CompilerServices;
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
        CREATE TABLE IF NOT EXISTS nodes(nid INTEGER PRIMARY KEY, id TEXT NOT NULL, label TEXT NOT NULL, props TEXT, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS edges(eid INTEGER PRIMARY KEY, data BLOB NOT NULL);
        """;

    /// <summary>
    /// The fixed fields of a node or edge row, packed into one blob followed by the supporting record numbers: a restart
    /// reads millions of rows, and each column read through ADO.NET costs about as much as SQLite's whole row.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Packed
    {
        public int From;
        public int To;
        public int Kind;
        public int Marking;
        public long Start;
        public long End;
    }

    private const long NoTime = long.MinValue;

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

        // Most items rest on one record, and a record supports a few items: they share one array instead of one each.
        var single = new string[]?[state.Records.Count];
        foreach (var row in Rows("SELECT nid, id, label, props, data FROM nodes"))
        {
            var properties = row.IsDBNull(3) ? GraphNode.NoProperties : JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(3))!;
            var (packed, support) = Unpack(state, (byte[])row.GetValue(4), single);
            state.LoadNode(row.GetInt32(0), new GraphNode(
                row.GetString(1), (NodeKind)packed.Kind, row.GetString(2), properties, state.Markings[packed.Marking], Time(packed.Start), Time(packed.End), support));
        }

        // Read whole before linking, so every adjacency list is allocated once at its final size; the edges wait in
        // the state's own arrays rather than a list of their own, which would add a tenth to the peak of a restart.
        var degree = new int[state.Nodes.Length];
        foreach (var row in Rows("SELECT eid, data FROM edges"))
        {
            var (packed, support) = Unpack(state, (byte[])row.GetValue(1), single);
            state.PlaceEdge(row.GetInt32(0), packed.From, packed.To, new GraphEdge(
                state.Nodes[packed.From]!.Id, state.Nodes[packed.To]!.Id, (EdgeKind)packed.Kind, Time(packed.Start), Time(packed.End), state.Markings[packed.Marking], support));
            degree[packed.From]++;
            degree[packed.To]++;
        }

        state.ReserveAdjacency(degree);
        state.LinkPlacedEdges();
        state.CompleteLoad();

        // The page cache filled during the read is not needed again until the next write: give it back.
        Execute("PRAGMA shrink_memory;");
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
        using (var node = Prepare(transaction, "INSERT OR REPLACE INTO nodes(nid, id, label, props, data) VALUES ($0, $1, $2, $3, $4)", 5))
        {
            foreach (var index in state.DirtyNodes)
            {
                if (state.Nodes[index] is not { } n)
                {
                    Run(deleteNode, index);
                    continue;
                }

                var packed = new Packed { Kind = (int)n.Kind, Marking = state.MarkingIndex[n.Marking], Start = n.From?.UtcTicks ?? NoTime, End = n.To?.UtcTicks ?? NoTime };
                Run(node, index, n.Id, n.Label, n.Properties.Count == 0 ? null : JsonSerializer.Serialize(n.Properties), Pack(state, packed, n.SupportingRecordIds));
            }
        }

        using (var deleteEdge = Prepare(transaction, "DELETE FROM edges WHERE eid = $0", 1))
        using (var edge = Prepare(transaction, "INSERT OR REPLACE INTO edges(eid, data) VALUES ($0, $1)", 2))
        {
            foreach (var index in state.DirtyEdges)
            {
                if (state.Edges[index] is not { } e)
                {
                    Run(deleteEdge, index);
                    continue;
                }

                var packed = new Packed
                {
                    From = state.EdgeFrom[index], To = state.EdgeTo[index], Kind = (int)e.Kind, Marking = state.MarkingIndex[e.Marking],
                    Start = e.ValidFrom?.UtcTicks ?? NoTime, End = e.ValidTo?.UtcTicks ?? NoTime,
                };
                Run(edge, index, Pack(state, packed, e.SupportingRecordIds));
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

    private static DateTimeOffset? Time(long ticks) => ticks == NoTime ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private static (Packed Packed, string[] Support) Unpack(GraphState state, byte[] data, string[]?[] single)
    {
        var size = Unsafe.SizeOf<Packed>();
        var packed = MemoryMarshal.Read<Packed>(data);
        var ids = MemoryMarshal.Cast<byte, int>(data.AsSpan(size));
        if (ids.Length == 1)
        {
            return (packed, single[ids[0]] ??= [state.Records[ids[0]]]);
        }

        var support = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            support[i] = state.Records[ids[i]];
        }

        return (packed, support);
    }

    private static byte[] Pack(GraphState state, Packed packed, IReadOnlyList<string> support)
    {
        var size = Unsafe.SizeOf<Packed>();
        var data = new byte[size + support.Count * sizeof(int)];
        MemoryMarshal.Write(data, in packed);
        var ids = MemoryMarshal.Cast<byte, int>(data.AsSpan(size));
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = state.RecordIndex[support[i]];
        }

        return data;
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
