using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IntelShare.Graph.Engine;

/// <summary>
/// One end of an edge as seen from a node: enough to filter by kind and by the edge's and the neighbour's markings, and
/// walk on, without touching the edge or the neighbour, each a cache miss on a large graph.
/// </summary>
internal struct Adjacency
{
    /// <summary>In a marking field: the marking id does not fit, read it from the edge or the neighbour.</summary>
    public const ushort MarkingNotInline = ushort.MaxValue;

    public int Neighbour;
    public int Edge;
    public EdgeKind Kind;
    public bool Outgoing;

    /// <summary>The edge's marking id, or <see cref="MarkingNotInline"/>; fits in what was padding, so costs no memory.</summary>
    public ushort Marking;

    /// <summary>
    /// The neighbour's marking id, or <see cref="MarkingNotInline"/>. A filtered walk decides every neighbour it meets,
    /// and reading the marking from the node's slot made it a third slower than an unfiltered one.
    /// </summary>
    public ushort NeighbourMarking;

    public static ushort Compact(int marking) => marking < MarkingNotInline ? (ushort)marking : MarkingNotInline;
}

/// <summary>A growable list of structs kept inline in a per-node array, so a million nodes cost a million small arrays and no list objects.</summary>
internal struct InlineList<T>
    where T : struct
{
    public T[]? Items;
    public int Count;

    public readonly ReadOnlySpan<T> Span => Items.AsSpan(0, Count);

    public void Add(T item)
    {
        if (Items is null || Count == Items.Length)
        {
            Array.Resize(ref Items, Math.Max(2, Count * 2));
        }

        Items[Count++] = item;
    }

    /// <summary>Order is not kept: removal swaps the last item in.</summary>
    public void RemoveAt(int index)
    {
        Items![index] = Items[--Count];
        Items[Count] = default;
    }
}

/// <summary>
/// A node's or edge's supporting records: an immutable snapshot, since readers keep the <see cref="GraphNode"/> or
/// <see cref="GraphEdge"/> they were given, but one that grows in amortised constant time. Snapshots share a buffer,
/// and only the longest may append in place; the slots past a snapshot's count are never read through it.
/// </summary>
internal sealed class SupportList : IReadOnlyList<string>
{
    public static readonly SupportList Empty = new(new Buffer([]), 0);

    private readonly Buffer buffer;

    private SupportList(Buffer buffer, int count)
    {
        this.buffer = buffer;
        Count = count;
    }

    public int Count { get; }

    public string this[int index] => (uint)index < (uint)Count ? buffer.Items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public static SupportList Of(IReadOnlyList<string> support)
    {
        if (support is SupportList list)
        {
            return list;
        }

        var items = new string[support.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = support[i];
        }

        return new SupportList(new Buffer(items) { Used = items.Length }, items.Length);
    }

    public SupportList Add(string item)
    {
        var target = buffer;
        if (Count != target.Used || Count == target.Items.Length)
        {
            target = new Buffer(new string[Math.Max(2, Count * 2)]) { Used = Count };
            Array.Copy(buffer.Items, target.Items, Count);
        }

        target.Items[Count] = item;
        target.Used = Count + 1;
        return new SupportList(target, Count + 1);
    }

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return buffer.Items[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Buffer(string[] items)
    {
        public readonly string[] Items = items;
        public int Used;
    }
}
/// <summary>
/// An edge's own fields in one struct, so building a result edge or checking its time or marking is one cache miss.
/// Nearly every link rests on a single record, so that one sits here too and only further ones go to a side table:
/// a list object per link would cost millions of objects.
/// </summary>
internal struct EdgeSlot
{
    public int From;
    public int To;
    public int Marking;

    /// <summary>The first supporting record, or <see cref="GraphState.NoRecord"/>.</summary>
    public int Record;
    public long ValidFrom;
    public long ValidTo;
    public EdgeKind Kind;
}

/// <summary>A query's buffers for <see cref="GraphState.MakeEdges"/>, kept between queries.</summary>
internal sealed class EdgeGather
{
    public EdgeSlot[] Slots = [];
    public GraphNode[] Ends = [];
    public string[] Ids = [];
    public string?[] Records = [];

    public void Ensure(int count)
    {
        if (Slots.Length < count)
        {
            var size = Math.Max(count, Slots.Length * 2);
            Slots = new EdgeSlot[size];
            Ends = new GraphNode[2 * size];
            Ids = new string[2 * size];
            Records = new string?[size];
        }
    }

    /// <summary>Lets go of the nodes and strings, which the graph may drop while this waits in the pool.</summary>
    public void Clear(int count)
    {
        Ends.AsSpan(0, 2 * count).Clear();
        Ids.AsSpan(0, 2 * count).Clear();
        Records.AsSpan(0, count).Clear();
    }
}

/// <summary>
/// The whole graph in memory with dense int indices, which the SQLite tables use as their keys too, so a restart
/// rebuilds it without looking up a single string. Nodes are objects; edges, five for every node, are columns of
/// plain arrays (a <see cref="GraphEdge"/> is made only when a result or the caller's policy needs one) and are
/// found by their ends' adjacency rather than a dictionary of their own. Not thread-safe: the store guards it with a
/// reader-writer lock. Indices of removed nodes and edges are reused.
/// </summary>
internal sealed class GraphState
{
    /// <summary>Edge times as UTC ticks, this for an open end: no <see cref="DateTimeOffset"/> has negative ticks.</summary>
    public const long NoTime = long.MinValue;

    public const int NoRecord = -1;

    private const int NodeItem = 0;
    private const int EdgeItem = 1;
    public const int FreeEdge = -1;

    private readonly Stack<int> freeNodes = new();
    private readonly Stack<int> freeEdges = new();

    public GraphNode?[] Nodes = new GraphNode?[16];
    public int[] NodeMarking = new int[16];
    public InlineList<Adjacency>[] Adjacency = new InlineList<Adjacency>[16];
    public int NodeHigh;
    public readonly Dictionary<string, int> NodeIndex = new(StringComparer.Ordinal);

    /// <summary>A free slot has <see cref="EdgeSlot.From"/> = <see cref="FreeEdge"/>.</summary>
    public EdgeSlot[] Edges = [];
    public int EdgeHigh;

    public readonly List<string> Records = [];
    public readonly Dictionary<string, int> RecordIndex = new(StringComparer.Ordinal);

    /// <summary>Per record, what it supports: node index * 2, or edge index * 2 + 1. RemoveSupport would otherwise scan every edge.</summary>
    public InlineList<int>[] RecordItems = new InlineList<int>[16];

    public readonly List<string> Markings = [];
    public readonly Dictionary<string, int> MarkingIndex = new(StringComparer.Ordinal);

    public readonly HashSet<int> DirtyNodes = [];
    public readonly HashSet<int> DirtyEdges = [];
    public int PersistedRecords;
    public int PersistedMarkings;

    /// <summary>Per edge with more than one supporting record, those after <see cref="EdgeSlot.Record"/>.</summary>
    private readonly Dictionary<int, List<int>> moreEdgeRecords = [];
    private int edgeCount;

    public GraphState() => GrowEdges(16);

    public int NodeCount => NodeIndex.Count;

    public int EdgeCount => edgeCount;

    public bool HasEdge(int index) => Edges[index].From != FreeEdge;

    /// <summary>The edge as callers see it, made afresh: what a reader keeps never changes under it.</summary>
    public GraphEdge Edge(int index)
    {
        ref readonly var edge = ref Edges[index];
        return MakeEdge(edge, Nodes[edge.From]!.Id, Nodes[edge.To]!.Id, FirstRecord(edge), MoreRecords(index));
    }

    /// <summary>
    /// Many edges made as <see cref="Edge"/> makes one. On a large graph an edge is several cache misses (its slot,
    /// then its ends and its record, then the ends' ids), each waiting on the one before; made one field at a time
    /// across all the edges, the misses of a loop wait on nothing and overlap. A neighbourhood's result is most of its cost.
    /// </summary>
    public void MakeEdges(ReadOnlySpan<int> indices, Span<GraphEdge> into, EdgeGather gather)
    {
        var count = indices.Length;
        gather.Ensure(count);
        var (slots, ends, ids, records) = (gather.Slots, gather.Ends, gather.Ids, gather.Records);
        for (var k = 0; k < count; k++)
        {
            slots[k] = Edges[indices[k]];
        }

        for (var k = 0; k < count; k++)
        {
            ref readonly var slot = ref slots[k];
            ends[2 * k] = Nodes[slot.From]!;
            ends[2 * k + 1] = Nodes[slot.To]!;
            records[k] = FirstRecord(slot);
        }

        for (var k = 0; k < 2 * count; k++)
        {
            ids[k] = ends[k].Id;
        }

        var anyMore = moreEdgeRecords.Count > 0;
        for (var k = 0; k < count; k++)
        {
            into[k] = MakeEdge(slots[k], ids[2 * k], ids[2 * k + 1], records[k], anyMore ? MoreRecords(indices[k]) : null);
        }

        gather.Clear(count);
    }

    private string? FirstRecord(in EdgeSlot edge) => edge.Record == NoRecord ? null : Records[edge.Record];

    private List<int>? MoreRecords(int edge) => moreEdgeRecords.GetValueOrDefault(edge);

    private GraphEdge MakeEdge(in EdgeSlot edge, string from, string to, string? first, List<int>? more)
    {
        string[] support;
        if (first is null)
        {
            support = [];
        }
        else if (more is null)
        {
            support = [first];
        }
        else
        {
            support = new string[1 + more.Count];
            support[0] = first;
            for (var i = 0; i < more.Count; i++)
            {
                support[i + 1] = Records[more[i]];
            }
        }

        return new GraphEdge(from, to, edge.Kind, Time(edge.ValidFrom), Time(edge.ValidTo), Markings[edge.Marking], support);
    }

    /// <summary>The edge's supporting records by number, in the order they came.</summary>
    public int[] EdgeRecords(int edge)
    {
        var first = Edges[edge].Record;
        if (first == NoRecord)
        {
            return [];
        }

        return moreEdgeRecords.TryGetValue(edge, out var more) ? [first, .. more] : [first];
    }

    /// <summary>
    /// The edge (from, to, kind), or -1: searched in the adjacency of the end with fewer links, which is short unless
    /// both ends are hubs.
    /// </summary>
    public int FindEdge(int from, int to, EdgeKind kind)
    {
        var outgoing = Adjacency[from].Count <= Adjacency[to].Count;
        var (near, far) = outgoing ? (from, to) : (to, from);
        foreach (ref readonly var adjacency in Adjacency[near].Span)
        {
            if (adjacency.Neighbour == far && adjacency.Kind == kind && adjacency.Outgoing == outgoing)
            {
                return adjacency.Edge;
            }
        }

        return -1;
    }

    public static long Ticks(DateTimeOffset? time) => time?.UtcTicks ?? NoTime;

    public static DateTimeOffset? Time(long ticks) => ticks == NoTime ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    public void Apply(GraphOperation operation)
    {
        switch (operation)
        {
            case UpsertNode node:
                UpsertNode(node);
                break;
            case UpsertEdge edge:
                UpsertEdge(edge);
                break;
            case RemoveSupport remove:
                RemoveSupport(remove.RecordId);
                break;
            case MergeNodes merge:
                Merge(merge.FromId, merge.IntoId);
                break;
            default:
                throw new ArgumentException($"Unknown graph operation {operation.GetType().Name}.", nameof(operation));
        }
    }

    public int InternMarking(string marking)
    {
        if (!MarkingIndex.TryGetValue(marking, out var id))
        {
            id = Markings.Count;
            Markings.Add(marking);
            MarkingIndex.Add(marking, id);
        }

        return id;
    }

    public int InternRecord(string recordId)
    {
        if (!RecordIndex.TryGetValue(recordId, out var id))
        {
            id = Records.Count;
            Records.Add(recordId);
            RecordIndex.Add(recordId, id);
            Grow(ref RecordItems, id + 1);
        }

        return id;
    }

    public void LoadNode(int index, GraphNode node, int marking)
    {
        GrowNodes(index + 1);
        Nodes[index] = node;
        NodeMarking[index] = marking;
        NodeHigh = Math.Max(NodeHigh, index + 1);
        NodeIndex.Add(node.Id, index);
        foreach (var record in node.SupportingRecordIds)
        {
            RecordItems[RecordIndex[record]].Add(index * 2 + NodeItem);
        }
    }

    /// <summary>Puts a loaded edge in its slot without linking it; <see cref="LinkPlacedEdges"/> links them all.</summary>
    public void PlaceEdge(int index, int from, int to, EdgeKind kind, int marking, long validFrom, long validTo, ReadOnlySpan<int> records)
    {
        GrowEdges(index + 1);
        EdgeHigh = Math.Max(EdgeHigh, index + 1);
        SetEdge(index, from, to, kind, marking, validFrom, validTo);
        foreach (var record in records)
        {
            AddEdgeRecord(index, record);
        }
    }

    /// <summary>Links every placed edge, each node's adjacency allocated once at its final size.</summary>
    public void LinkPlacedEdges()
    {
        var degree = new int[NodeHigh];
        for (var index = 0; index < EdgeHigh; index++)
        {
            if (HasEdge(index))
            {
                degree[Edges[index].From]++;
                degree[Edges[index].To]++;
            }
        }

        for (var i = 0; i < degree.Length; i++)
        {
            Adjacency[i] = degree[i] > 0 ? new InlineList<Adjacency> { Items = new Adjacency[degree[i]] } : default;
        }

        for (var index = 0; index < EdgeHigh; index++)
        {
            if (!HasEdge(index))
            {
                continue;
            }

            Link(index, Edges[index].From, Edges[index].To, Edges[index].Kind);
            foreach (var record in EdgeRecords(index))
            {
                RecordItems[record].Add(index * 2 + EdgeItem);
            }
        }
    }

    /// <summary>After a load: the gaps left by removals become free slots.</summary>
    public void CompleteLoad()
    {
        for (var i = NodeHigh - 1; i >= 0; i--)
        {
            if (Nodes[i] is null)
            {
                freeNodes.Push(i);
            }
        }

        for (var i = EdgeHigh - 1; i >= 0; i--)
        {
            if (!HasEdge(i))
            {
                freeEdges.Push(i);
            }
        }

        PersistedRecords = Records.Count;
        PersistedMarkings = Markings.Count;
    }

    public void PrepareForLoad(int nodes, int edges, int records)
    {
        GrowNodes(nodes);
        GrowEdges(edges);
        Grow(ref RecordItems, records);
        NodeIndex.EnsureCapacity(nodes);
        RecordIndex.EnsureCapacity(records);
        Records.Capacity = Math.Max(Records.Capacity, records);
    }

    private void UpsertNode(UpsertNode op)
    {
        ArgumentException.ThrowIfNullOrEmpty(op.Id);
        var markingIndex = InternMarking(op.Marking);
        var marking = Markings[markingIndex];
        var properties = op.Properties is { Count: > 0 } p ? new Dictionary<string, string>(p, StringComparer.Ordinal) : GraphNode.NoProperties;
        if (NodeIndex.TryGetValue(op.Id, out var index))
        {
            var old = Nodes[index]!;
            Nodes[index] = new GraphNode(old.Id, op.Kind, op.Label, properties, marking, op.From, op.To, AddSupport(old.SupportingRecordIds, op.SupportingRecordIds, index * 2 + NodeItem));
        }
        else
        {
            index = freeNodes.Count > 0 ? freeNodes.Pop() : NodeHigh++;
            GrowNodes(index + 1);
            NodeIndex.Add(op.Id, index);
            Adjacency[index] = default;
            Nodes[index] = new GraphNode(op.Id, op.Kind, op.Label, properties, marking, op.From, op.To, AddSupport(SupportList.Empty, op.SupportingRecordIds, index * 2 + NodeItem));
        }

        if (NodeMarking[index] != markingIndex)
        {
            NodeMarking[index] = markingIndex;
            SetNeighbourMarking(index);
        }

        DirtyNodes.Add(index);
    }

    private void UpsertEdge(UpsertEdge op)
    {
        var from = NodeIndex.TryGetValue(op.From, out var f) ? f : throw new GraphNodeNotFoundException(op.From);
        var to = NodeIndex.TryGetValue(op.To, out var t) ? t : throw new GraphNodeNotFoundException(op.To);
        if (from == to)
        {
            // A link of an entity to itself carries nothing a network view can show; resolution merges produce them routinely.
            return;
        }

        var marking = InternMarking(op.Marking);
        var index = FindEdge(from, to, op.Kind);
        if (index < 0)
        {
            index = freeEdges.Count > 0 ? freeEdges.Pop() : EdgeHigh++;
            GrowEdges(index + 1);
            SetEdge(index, from, to, op.Kind, marking, Ticks(op.ValidFrom), Ticks(op.ValidTo));
            Link(index, from, to, op.Kind);
        }
        else
        {
            var remarked = Edges[index].Marking != marking;
            SetEdge(index, from, to, op.Kind, marking, Ticks(op.ValidFrom), Ticks(op.ValidTo));
            if (remarked)
            {
                SetAdjacencyMarking(from, index, marking);
                SetAdjacencyMarking(to, index, marking);
            }
        }

        AddEdgeSupport(index, op.SupportingRecordId);
        DirtyEdges.Add(index);
    }

    private void RemoveSupport(string recordId)
    {
        if (!RecordIndex.TryGetValue(recordId, out var record))
        {
            return;
        }

        var items = RecordItems[record].Span.ToArray();
        RecordItems[record] = default;
        foreach (var item in items)
        {
            var index = item >> 1;
            if ((item & 1) == EdgeItem)
            {
                RemoveEdgeRecord(index, record);
                DirtyEdges.Add(index);
                if (Edges[index].Record == NoRecord)
                {
                    Unlink(index);
                }
            }
            else if (Nodes[index] is { } node)
            {
                Nodes[index] = node with { SupportingRecordIds = Without(node.SupportingRecordIds, recordId) };
                DirtyNodes.Add(index);
                CollectIfOrphan(index);
            }
        }
    }

    private void Merge(string fromId, string intoId)
    {
        if (fromId == intoId || !NodeIndex.TryGetValue(fromId, out var from))
        {
            // Already merged: re-applying the batch must change nothing.
            return;
        }

        if (!NodeIndex.TryGetValue(intoId, out var into))
        {
            Rename(from, intoId);
            return;
        }

        foreach (var adjacency in Adjacency[from].Span.ToArray())
        {
            var edge = adjacency.Edge;
            var other = adjacency.Neighbour;
            Unlink(edge, collect: false, release: false);
            if (other == into)
            {
                Release(edge);
                continue;
            }

            var (newFrom, newTo) = adjacency.Outgoing ? (into, other) : (other, into);
            var existing = FindEdge(newFrom, newTo, adjacency.Kind);
            if (existing >= 0)
            {
                foreach (var record in EdgeRecords(edge))
                {
                    AddEdgeSupport(existing, Records[record]);
                }

                Release(edge);
                DirtyEdges.Add(existing);
            }
            else
            {
                // Same index, so the records that support it still point at it.
                Edges[edge].From = newFrom;
                Edges[edge].To = newTo;
                Link(edge, newFrom, newTo, adjacency.Kind);
                DirtyEdges.Add(edge);
            }
        }

        var source = Nodes[from]!;
        DropSupport(source.SupportingRecordIds, from * 2 + NodeItem);
        var target = Nodes[into]!;
        Nodes[into] = target with { SupportingRecordIds = AddSupport(target.SupportingRecordIds, source.SupportingRecordIds, into * 2 + NodeItem) };
        DirtyNodes.Add(into);
        RemoveNode(from);
    }

    /// <summary>Edges name their ends by index, so they follow a renamed node without being touched.</summary>
    private void Rename(int index, string newId)
    {
        NodeIndex.Remove(Nodes[index]!.Id);
        NodeIndex.Add(newId, index);
        Nodes[index] = Nodes[index]! with { Id = newId };
        DirtyNodes.Add(index);
    }

    /// <summary>Sets every field but the support, which the edge keeps.</summary>
    private void SetEdge(int index, int from, int to, EdgeKind kind, int marking, long validFrom, long validTo)
    {
        ref var edge = ref Edges[index];
        (edge.From, edge.To, edge.Kind, edge.Marking, edge.ValidFrom, edge.ValidTo) = (from, to, kind, marking, validFrom, validTo);
    }

    /// <summary>Adds a record the edge does not have yet.</summary>
    private void AddEdgeRecord(int edge, int record)
    {
        ref var slot = ref Edges[edge];
        if (slot.Record == NoRecord)
        {
            slot.Record = record;
            return;
        }

        ref var more = ref CollectionsMarshal.GetValueRefOrAddDefault(moreEdgeRecords, edge, out _);
        (more ??= []).Add(record);
    }

    private void RemoveEdgeRecord(int edge, int record)
    {
        ref var slot = ref Edges[edge];
        moreEdgeRecords.TryGetValue(edge, out var more);
        if (slot.Record == record)
        {
            slot.Record = more is { Count: > 0 } ? more[0] : NoRecord;
            more?.RemoveAt(0);
        }
        else
        {
            more?.Remove(record);
        }

        if (more is { Count: 0 })
        {
            moreEdgeRecords.Remove(edge);
        }
    }

    private int EdgeRecordCount(int edge) =>
        Edges[edge].Record == NoRecord ? 0 : 1 + (moreEdgeRecords.TryGetValue(edge, out var more) ? more.Count : 0);

    /// <summary>Adds the edge to both ends' adjacency, with the marking its slot holds.</summary>
    private void Link(int index, int from, int to, EdgeKind kind)
    {
        edgeCount++;
        var marking = Engine.Adjacency.Compact(Edges[index].Marking);
        Adjacency[from].Add(new Adjacency
        {
            Neighbour = to, Edge = index, Kind = kind, Outgoing = true, Marking = marking, NeighbourMarking = Engine.Adjacency.Compact(NodeMarking[to]),
        });
        Adjacency[to].Add(new Adjacency
        {
            Neighbour = from, Edge = index, Kind = kind, Outgoing = false, Marking = marking, NeighbourMarking = Engine.Adjacency.Compact(NodeMarking[from]),
        });
    }

    /// <summary>A re-marked node's new marking, in every neighbour's link to it.</summary>
    private void SetNeighbourMarking(int node)
    {
        var marking = Engine.Adjacency.Compact(NodeMarking[node]);
        foreach (ref readonly var link in Adjacency[node].Span)
        {
            LinkOf(link.Neighbour, link.Edge).NeighbourMarking = marking;
        }
    }

    private void SetAdjacencyMarking(int node, int edge, int marking) => LinkOf(node, edge).Marking = Engine.Adjacency.Compact(marking);

    /// <summary>The node's adjacency entry for the edge, which must be linked at that node.</summary>
    private ref Adjacency LinkOf(int node, int edge)
    {
        foreach (ref var adjacency in Adjacency[node].Items.AsSpan(0, Adjacency[node].Count))
        {
            if (adjacency.Edge == edge)
            {
                return ref adjacency;
            }
        }

        throw new InvalidOperationException($"Edge {edge} is not linked at node {node}.");
    }

    /// <summary>Takes the edge out of both adjacency lists; <paramref name="release"/> also frees its slot.</summary>
    private void Unlink(int index, bool collect = true, bool release = true)
    {
        var (from, to) = (Edges[index].From, Edges[index].To);
        edgeCount--;
        RemoveAdjacency(from, index);
        RemoveAdjacency(to, index);
        DirtyEdges.Add(index);
        if (release)
        {
            Free(index);
        }

        if (collect)
        {
            CollectIfOrphan(from);
            CollectIfOrphan(to);
        }
    }

    private void Release(int edge)
    {
        foreach (var record in EdgeRecords(edge))
        {
            RemoveItem(record, edge * 2 + EdgeItem);
        }

        Free(edge);
    }

    private void Free(int edge)
    {
        Edges[edge] = new EdgeSlot { From = FreeEdge, Record = NoRecord };
        moreEdgeRecords.Remove(edge);
        freeEdges.Push(edge);
    }

    private void RemoveAdjacency(int node, int edge)
    {
        ref var list = ref Adjacency[node];
        var span = list.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i].Edge == edge)
            {
                list.RemoveAt(i);
                return;
            }
        }
    }

    private void CollectIfOrphan(int node)
    {
        if (Nodes[node] is { SupportingRecordIds.Count: 0 } && Adjacency[node].Count == 0)
        {
            RemoveNode(node);
        }
    }

    private void RemoveNode(int index)
    {
        NodeIndex.Remove(Nodes[index]!.Id);
        Nodes[index] = null;
        Adjacency[index] = default;
        freeNodes.Push(index);
        DirtyNodes.Add(index);
    }

    /// <summary>The union of the two supports, registering <paramref name="item"/> with each record it gains.</summary>
    private SupportList AddSupport(IReadOnlyList<string> current, IReadOnlyList<string> added, int item)
    {
        var result = SupportList.Of(current);
        foreach (var recordId in added)
        {
            if (RecordIndex.TryGetValue(recordId, out var record) && (SupportsByRecord(record, result.Count, item) ?? result.Contains(Records[record], StringComparer.Ordinal)))
            {
                continue;
            }

            record = InternRecord(recordId);
            RecordItems[record].Add(item);
            result = result.Add(Records[record]);
        }

        return result;
    }

    private void AddEdgeSupport(int edge, string recordId)
    {
        var item = edge * 2 + EdgeItem;
        if (RecordIndex.TryGetValue(recordId, out var record) && (SupportsByRecord(record, EdgeRecordCount(edge), item) ?? EdgeRecords(edge).Contains(record)))
        {
            return;
        }

        record = InternRecord(recordId);
        RecordItems[record].Add(item);
        AddEdgeRecord(edge, record);
    }

    /// <summary>
    /// Whether the record supports the item, when the record's list is the shorter to search; null when the item's
    /// own support is. A link seen in thousands of reports has thousands of records, and one bulk report can support
    /// thousands of items, but rarely both.
    /// </summary>
    private bool? SupportsByRecord(int record, int supportCount, int item)
    {
        var items = RecordItems[record].Span;
        return items.Length <= supportCount ? items.Contains(item) : null;
    }

    private void DropSupport(IReadOnlyList<string> support, int item)
    {
        foreach (var recordId in support)
        {
            RemoveItem(RecordIndex[recordId], item);
        }
    }

    private void RemoveItem(int record, int item)
    {
        ref var items = ref RecordItems[record];
        var span = items.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == item)
            {
                items.RemoveAt(i);
                break;
            }
        }
    }

    private static string[] Without(IReadOnlyList<string> support, string recordId) =>
        [.. support.Where(r => !string.Equals(r, recordId, StringComparison.Ordinal))];

    private void GrowNodes(int size)
    {
        Grow(ref Nodes, size);
        Grow(ref NodeMarking, size);
        Grow(ref Adjacency, size);
    }

    private void GrowEdges(int size)
    {
        var old = Edges.Length;
        Grow(ref Edges, size);
        Edges.AsSpan(old).Fill(new EdgeSlot { From = FreeEdge, Record = NoRecord });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Grow<T>(ref T[] array, int size)
    {
        if (array.Length < size)
        {
            Array.Resize(ref array, Math.Max(size, array.Length * 2));
        }
    }
}
