using System.Runtime.CompilerServices;

namespace IntelShare.Graph.Engine;

/// <summary>One end of an edge as seen from a node: enough to filter by kind and walk on without touching the edge.</summary>
internal struct Adjacency
{
    public int Neighbour;
    public int Edge;
    public EdgeKind Kind;
    public bool Outgoing;
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

internal readonly record struct EdgeKey(int From, int To, EdgeKind Kind);

/// <summary>
/// The whole graph in memory with dense int indices, which the SQLite tables use as their keys too, so a restart
/// rebuilds it without looking up a single string. Not thread-safe: the store guards it with a reader-writer lock.
/// Indices of removed nodes and edges are reused.
/// </summary>
internal sealed class GraphState
{
    private const int NodeItem = 0;
    private const int EdgeItem = 1;

    private readonly Stack<int> freeNodes = new();
    private readonly Stack<int> freeEdges = new();

    public GraphNode?[] Nodes = new GraphNode?[16];
    public InlineList<Adjacency>[] Adjacency = new InlineList<Adjacency>[16];
    public int NodeHigh;
    public readonly Dictionary<string, int> NodeIndex = new(StringComparer.Ordinal);

    public GraphEdge?[] Edges = new GraphEdge?[16];
    public int[] EdgeFrom = new int[16];
    public int[] EdgeTo = new int[16];
    public int EdgeHigh;
    public readonly Dictionary<EdgeKey, int> EdgeIndex = new();

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

    public int NodeCount => NodeIndex.Count;

    public int EdgeCount => EdgeIndex.Count;

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

    public void LoadNode(int index, GraphNode node)
    {
        GrowNodes(index + 1);
        Nodes[index] = node;
        NodeHigh = Math.Max(NodeHigh, index + 1);
        NodeIndex.Add(node.Id, index);
        foreach (var record in node.SupportingRecordIds)
        {
            RecordItems[RecordIndex[record]].Add(index * 2 + NodeItem);
        }
    }

    /// <summary>Puts a loaded edge in its slot without linking it; <see cref="LinkPlacedEdges"/> links them all.</summary>
    public void PlaceEdge(int index, int from, int to, GraphEdge edge)
    {
        GrowEdges(index + 1);
        EdgeHigh = Math.Max(EdgeHigh, index + 1);
        Edges[index] = edge;
        EdgeFrom[index] = from;
        EdgeTo[index] = to;
    }

    public void LinkPlacedEdges()
    {
        for (var index = 0; index < EdgeHigh; index++)
        {
            if (Edges[index] is not { } edge)
            {
                continue;
            }

            Link(index, EdgeFrom[index], EdgeTo[index], edge);
            foreach (var record in edge.SupportingRecordIds)
            {
                RecordItems[RecordIndex[record]].Add(index * 2 + EdgeItem);
            }
        }
    }

    public void ReserveAdjacency(int[] degree)
    {
        for (var i = 0; i < degree.Length; i++)
        {
            if (degree[i] > 0)
            {
                Adjacency[i].Items = new Adjacency[degree[i]];
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
            if (Edges[i] is null)
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
        EdgeIndex.EnsureCapacity(edges);
        RecordIndex.EnsureCapacity(records);
    }

    private void UpsertNode(UpsertNode op)
    {
        ArgumentException.ThrowIfNullOrEmpty(op.Id);
        var marking = Markings[InternMarking(op.Marking)];
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

        var marking = Markings[InternMarking(op.Marking)];
        if (EdgeIndex.TryGetValue(new EdgeKey(from, to, op.Kind), out var index))
        {
            var old = Edges[index]!;
            Edges[index] = old with { ValidFrom = op.ValidFrom, ValidTo = op.ValidTo, Marking = marking, SupportingRecordIds = AddSupport(SupportList.Of(old.SupportingRecordIds), op.SupportingRecordId, index * 2 + EdgeItem) };
        }
        else
        {
            index = freeEdges.Count > 0 ? freeEdges.Pop() : EdgeHigh++;
            GrowEdges(index + 1);
            var edge = new GraphEdge(Nodes[from]!.Id, Nodes[to]!.Id, op.Kind, op.ValidFrom, op.ValidTo, marking, AddSupport(SupportList.Empty, op.SupportingRecordId, index * 2 + EdgeItem));
            Link(index, from, to, edge);
        }

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
                var edge = Edges[index]!;
                var support = Without(edge.SupportingRecordIds, recordId);
                if (support.Length == 0)
                {
                    Unlink(index);
                }
                else
                {
                    Edges[index] = edge with { SupportingRecordIds = support };
                    DirtyEdges.Add(index);
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
            var old = Edges[edge]!;
            var other = adjacency.Neighbour;
            Unlink(edge, collect: false, release: false);
            if (other == into)
            {
                Release(edge);
                continue;
            }

            var (newFrom, newTo) = adjacency.Outgoing ? (into, other) : (other, into);
            if (EdgeIndex.TryGetValue(new EdgeKey(newFrom, newTo, old.Kind), out var existing))
            {
                Release(edge);
                var kept = Edges[existing]!;
                Edges[existing] = kept with { SupportingRecordIds = AddSupport(kept.SupportingRecordIds, old.SupportingRecordIds, existing * 2 + EdgeItem) };
                DirtyEdges.Add(existing);
            }
            else
            {
                // Same index, so the records that support it still point at it.
                Link(edge, newFrom, newTo, old with { From = Nodes[newFrom]!.Id, To = Nodes[newTo]!.Id });
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

    private void Rename(int index, string newId)
    {
        NodeIndex.Remove(Nodes[index]!.Id);
        NodeIndex.Add(newId, index);
        Nodes[index] = Nodes[index]! with { Id = newId };
        DirtyNodes.Add(index);
        foreach (ref readonly var adjacency in Adjacency[index].Span)
        {
            var edge = Edges[adjacency.Edge]!;
            Edges[adjacency.Edge] = adjacency.Outgoing ? edge with { From = newId } : edge with { To = newId };
            DirtyEdges.Add(adjacency.Edge);
        }
    }

    private void Link(int index, int from, int to, GraphEdge edge)
    {
        Edges[index] = edge;
        EdgeFrom[index] = from;
        EdgeTo[index] = to;
        EdgeIndex.Add(new EdgeKey(from, to, edge.Kind), index);
        Adjacency[from].Add(new Adjacency { Neighbour = to, Edge = index, Kind = edge.Kind, Outgoing = true });
        Adjacency[to].Add(new Adjacency { Neighbour = from, Edge = index, Kind = edge.Kind, Outgoing = false });
    }

    /// <summary>Takes the edge out of the index and both adjacency lists; <paramref name="release"/> also frees its slot.</summary>
    private void Unlink(int index, bool collect = true, bool release = true)
    {
        var edge = Edges[index]!;
        var from = EdgeFrom[index];
        var to = EdgeTo[index];
        EdgeIndex.Remove(new EdgeKey(from, to, edge.Kind));
        RemoveAdjacency(from, index);
        RemoveAdjacency(to, index);
        DirtyEdges.Add(index);
        if (release)
        {
            Edges[index] = null;
            freeEdges.Push(index);
        }

        if (collect)
        {
            CollectIfOrphan(from);
            CollectIfOrphan(to);
        }
    }

    private void Release(int edge)
    {
        DropSupport(Edges[edge]!.SupportingRecordIds, edge * 2 + EdgeItem);
        Edges[edge] = null;
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
            result = AddSupport(result, recordId, item);
        }

        return result;
    }

    private SupportList AddSupport(SupportList current, string recordId, int item)
    {
        if (RecordIndex.TryGetValue(recordId, out var record) && Supports(record, current, item))
        {
            return current;
        }

        record = InternRecord(recordId);
        RecordItems[record].Add(item);
        return current.Add(Records[record]);
    }

    /// <summary>
    /// Searched from the shorter side: a link seen in thousands of reports has thousands of records, and one bulk
    /// report can support thousands of items, but rarely both.
    /// </summary>
    private bool Supports(int record, SupportList support, int item)
    {
        var items = RecordItems[record].Span;
        if (items.Length <= support.Count)
        {
            return items.Contains(item);
        }

        var id = Records[record];
        foreach (var existing in support)
        {
            if (string.Equals(existing, id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void DropSupport(IReadOnlyList<string> support, int item)
    {
        foreach (var recordId in support)
        {
            ref var items = ref RecordItems[RecordIndex[recordId]];
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
    }

    private static string[] Without(IReadOnlyList<string> support, string recordId) =>
        [.. support.Where(r => !string.Equals(r, recordId, StringComparison.Ordinal))];

    private void GrowNodes(int size)
    {
        Grow(ref Nodes, size);
        Grow(ref Adjacency, size);
    }

    private void GrowEdges(int size)
    {
        Grow(ref Edges, size);
        Grow(ref EdgeFrom, size);
        Grow(ref EdgeTo, size);
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
