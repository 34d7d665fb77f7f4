using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace IntelShare.Graph.Engine;

/// <summary>
/// The durable copy of <see cref="GraphState"/>: one row per node keyed by its in-memory index, edges in pages of
/// <see cref="EdgePageSize"/> consecutive slots, strings that repeat (markings, record ids) stored once and
/// referenced by number. A batch and its checkpoint commit in one transaction with synchronous=FULL, so an
/// acknowledged write survives power loss and a projector resumes exactly.
/// </summary>
internal sealed class GraphLog : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS records(rid INTEGER PRIMARY KEY, id TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS markings(mid INTEGER PRIMARY KEY, payload TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS nodes(nid INTEGER PRIMARY KEY, id TEXT NOT NULL, label TEXT NOT NULL, props TEXT, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS edge_pages(page INTEGER PRIMARY KEY, data BLOB NOT NULL);
        """;

    /// <summary>
    /// Edges per page row. Millions of edge rows cost more in SQLite's and ADO.NET's per-row work than in their bytes,
    /// both to write and to read back at a restart; a page rewritten whole for one changed edge is about 20 KB, and
    /// new edges take consecutive slots, so a bulk load fills page after page.
    /// </summary>
    private const int EdgePageSize = 512;

    /// <summary>
    /// The fixed fields of a node or edge, packed into a blob with the supporting record numbers: a restart reads
    /// millions of them, and each column read through ADO.NET costs about as much as SQLite's whole row. A node row's
    /// blob is one of these followed by its record numbers; an edge page is described at <see cref="EncodePage"/>.
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
        // An edge table of one row per edge is the layout before edge pages: read once, then rewritten as pages.
        var legacy = Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'edges'") > 0;
        var edgeSlots = legacy ? Scalar("SELECT coalesce(max(eid) + 1, 0) FROM edges") : Scalar("SELECT coalesce(max(page) + 1, 0) FROM edge_pages") * EdgePageSize;
        state.PrepareForLoad(Scalar("SELECT coalesce(max(nid) + 1, 0) FROM nodes"), edgeSlots, Scalar("SELECT count(*) FROM records"));
        foreach (var row in Rows("SELECT mid, payload FROM markings ORDER BY mid"))
        {
            Expect(state.InternMarking(row.GetString(1)), row.GetInt32(0), "markings");
        }

        foreach (var row in Rows("SELECT rid, id FROM records ORDER BY rid"))
        {
            Expect(state.InternRecord(row.GetString(1)), row.GetInt32(0), "records");
        }

        // Most nodes rest on one record, and a record supports a few nodes: they share one array instead of one each.
        var single = new string[]?[state.Records.Count];
        foreach (var row in Rows("SELECT nid, id, label, props, data FROM nodes"))
        {
            var properties = row.IsDBNull(3) ? GraphNode.NoProperties : JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(3))!;
            var data = (byte[])row.GetValue(4);
            var packed = MemoryMarshal.Read<Packed>(data);
            state.LoadNode(row.GetInt32(0), new GraphNode(
                row.GetString(1), (NodeKind)packed.Kind, row.GetString(2), properties, state.Markings[packed.Marking],
                GraphState.Time(packed.Start), GraphState.Time(packed.End), Support(state, RecordNumbers(data), single)), packed.Marking);
        }

        if (legacy)
        {
            foreach (var row in Rows("SELECT eid, data FROM edges"))
            {
                var data = (byte[])row.GetValue(1);
                var packed = MemoryMarshal.Read<Packed>(data);
                state.PlaceEdge(row.GetInt32(0), packed.From, packed.To, (EdgeKind)packed.Kind, packed.Marking, packed.Start, packed.End, RecordNumbers(data));
                state.DirtyEdges.Add(row.GetInt32(0));
            }
        }
        else
        {
            foreach (var row in Rows("SELECT page, data FROM edge_pages"))
            {
                DecodePage(state, row.GetInt32(0) * EdgePageSize, (byte[])row.GetValue(1));
            }
        }

        state.LinkPlacedEdges();
        state.CompleteLoad();
        if (legacy)
        {
            Commit(state, ReadCheckpoint(), "DROP TABLE edges");
        }

        // The page cache filled during the read is not needed again until the next write: give it back.
        Execute("PRAGMA shrink_memory;");
    }

    /// <summary>Writes what <paramref name="state"/> marked dirty, and the checkpoint, in one durable transaction.</summary>
    public void Commit(GraphState state, long checkpoint) => Commit(state, checkpoint, null);

    private void Commit(GraphState state, long checkpoint, string? alsoRun)
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

                var packed = new Packed { Kind = (int)n.Kind, Marking = state.NodeMarking[index], Start = GraphState.Ticks(n.From), End = GraphState.Ticks(n.To) };
                Run(node, index, n.Id, n.Label, n.Properties.Count == 0 ? null : JsonSerializer.Serialize(n.Properties), PackNode(state, packed, n.SupportingRecordIds));
            }
        }

        using (var page = Prepare(transaction, "INSERT OR REPLACE INTO edge_pages(page, data) VALUES ($0, $1)", 2))
        {
            foreach (var number in state.DirtyEdges.Select(e => e / EdgePageSize).Distinct().Order())
            {
                Run(page, number, EncodePage(state, number * EdgePageSize));
            }
        }

        using (var meta = Prepare(transaction, "INSERT OR REPLACE INTO meta(key, value) VALUES ('checkpoint', $0)", 1))
        {
            Run(meta, checkpoint);
        }

        if (alsoRun is not null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = alsoRun;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        state.DirtyNodes.Clear();
        state.DirtyEdges.Clear();
        state.PersistedMarkings = state.Markings.Count;
        state.PersistedRecords = state.Records.Count;
    }

    /// <summary>
    /// The page of edge slots from <paramref name="first"/> to the highest slot in use: the slot count, then each
    /// slot's <see cref="Packed"/> (from = <see cref="GraphState.FreeEdge"/> for a free one), then each slot's number of
    /// supporting records, then all those record numbers in slot order.
    /// </summary>
    private static byte[] EncodePage(GraphState state, int first)
    {
        var slots = Math.Min(EdgePageSize, state.EdgeHigh - first);
        var supports = new int[slots][];
        var total = 0;
        for (var i = 0; i < slots; i++)
        {
            supports[i] = state.HasEdge(first + i) ? state.EdgeRecords(first + i) : [];
            total += supports[i].Length;
        }

        var size = Unsafe.SizeOf<Packed>();
        var data = new byte[sizeof(int) + slots * (size + sizeof(int)) + total * sizeof(int)];
        MemoryMarshal.Write(data, slots);
        var fixedPart = MemoryMarshal.Cast<byte, Packed>(data.AsSpan(sizeof(int), slots * size));
        var counts = MemoryMarshal.Cast<byte, int>(data.AsSpan(sizeof(int) + slots * size, slots * sizeof(int)));
        var records = MemoryMarshal.Cast<byte, int>(data.AsSpan(sizeof(int) + slots * (size + sizeof(int))));
        var written = 0;
        for (var i = 0; i < slots; i++)
        {
            ref readonly var e = ref state.Edges[first + i];
            fixedPart[i] = new Packed { From = e.From, To = e.To, Kind = (int)e.Kind, Marking = e.Marking, Start = e.ValidFrom, End = e.ValidTo };
            counts[i] = supports[i].Length;
            supports[i].CopyTo(records[written..]);
            written += supports[i].Length;
        }

        return data;
    }

    private static void DecodePage(GraphState state, int first, byte[] data)
    {
        var size = Unsafe.SizeOf<Packed>();
        var slots = MemoryMarshal.Read<int>(data);
        var fixedPart = MemoryMarshal.Cast<byte, Packed>(data.AsSpan(sizeof(int), slots * size));
        var counts = MemoryMarshal.Cast<byte, int>(data.AsSpan(sizeof(int) + slots * size, slots * sizeof(int)));
        var records = MemoryMarshal.Cast<byte, int>(data.AsSpan(sizeof(int) + slots * (size + sizeof(int))));
        var read = 0;
        for (var i = 0; i < slots; i++)
        {
            ref readonly var packed = ref fixedPart[i];
            if (packed.From != GraphState.FreeEdge)
            {
                state.PlaceEdge(first + i, packed.From, packed.To, (EdgeKind)packed.Kind, packed.Marking, packed.Start, packed.End, records.Slice(read, counts[i]));
            }

            read += counts[i];
        }
    }

    private static ReadOnlySpan<int> RecordNumbers(byte[] data) => MemoryMarshal.Cast<byte, int>(data.AsSpan(Unsafe.SizeOf<Packed>()));

    private static string[] Support(GraphState state, ReadOnlySpan<int> ids, string[]?[] single)
    {
        if (ids.Length == 1)
        {
            return single[ids[0]] ??= [state.Records[ids[0]]];
        }

        var support = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            support[i] = state.Records[ids[i]];
        }

        return support;
    }

    private static byte[] PackNode(GraphState state, Packed packed, IReadOnlyList<string> support)
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
