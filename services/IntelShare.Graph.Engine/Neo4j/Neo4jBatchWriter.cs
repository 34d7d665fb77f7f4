namespace IntelShare.Graph.Engine.Neo4j;

/// <summary>
/// Turns a batch into UNWIND statements inside one transaction. Operations keep their order: each run of consecutive
/// operations of one type is written together, which gives the embedded engine's result because within a run the
/// operations commute once repeats of one node or edge are folded into one row (last attributes, union of support).
/// </summary>
internal sealed class Neo4jBatchWriter(Neo4jStatements cypher, int batchSize)
{
    public async Task WriteAsync(Neo4jTransaction tx, GraphBatch batch, long checkpoint, CancellationToken cancellation)
    {
        var operations = batch.Operations;
        for (var start = 0; start < operations.Count;)
        {
            var type = operations[start].GetType();
            var end = start + 1;
            while (end < operations.Count && operations[end].GetType() == type && type != typeof(MergeNodes))
            {
                end++;
            }

            var run = operations.Skip(start).Take(end - start).ToArray();
            await (operations[start] switch
            {
                UpsertNode => UpsertNodesAsync(tx, run.Cast<UpsertNode>(), cancellation),
                UpsertEdge => UpsertEdgesAsync(tx, [.. run.Cast<UpsertEdge>()], cancellation),
                RemoveSupport => RemoveSupportAsync(tx, [.. run.Cast<RemoveSupport>().Select(r => r.RecordId).Distinct(StringComparer.Ordinal)], cancellation),
                MergeNodes merge => MergeAsync(tx, merge, cancellation),
                var other => throw new ArgumentException($"Unknown graph operation {other.GetType().Name}.", nameof(batch)),
            });
            start = end;
        }

        await tx.RunAsync(cypher.WriteCheckpoint, new Dictionary<string, object?> { ["checkpoint"] = checkpoint }, cancellation);
    }

    private async Task UpsertNodesAsync(Neo4jTransaction tx, IEnumerable<UpsertNode> run, CancellationToken cancellation)
    {
        var rows = Fold(run, n =>
        {
            ArgumentException.ThrowIfNullOrEmpty(n.Id);
            return n.Id;
        }, n => n.SupportingRecordIds, (n, support) => new Dictionary<string, object?>
        {
            ["id"] = n.Id,
            ["kind"] = n.Kind.ToString(),
            ["label"] = n.Label,
            ["marking"] = n.Marking,
            ["properties"] = Neo4jMapping.PropertiesJson(n.Properties),
            ["from"] = Neo4jMapping.Time(n.From),
            ["to"] = Neo4jMapping.Time(n.To),
            ["support"] = support,
        });
        foreach (var chunk in rows.Chunk(batchSize))
        {
            await tx.RunAsync(cypher.UpsertNodes, new Dictionary<string, object?> { ["rows"] = chunk }, cancellation);
        }
    }

    private async Task UpsertEdgesAsync(Neo4jTransaction tx, UpsertEdge[] run, CancellationToken cancellation)
    {
        var rows = Fold(run, e => (e.From, e.To, e.Kind), e => [e.SupportingRecordId], (e, support) => new Dictionary<string, object?>
        {
            ["from"] = e.From,
            ["to"] = e.To,
            ["kind"] = e.Kind.ToString(),
            ["marking"] = e.Marking,
            ["validFrom"] = Neo4jMapping.Time(e.ValidFrom),
            ["validTo"] = Neo4jMapping.Time(e.ValidTo),
            ["support"] = support,
        });
        foreach (var chunk in rows.Chunk(batchSize))
        {
            var result = await tx.RunAsync(cypher.UpsertEdges, new Dictionary<string, object?> { ["rows"] = chunk }, cancellation);
            if (result.Rows.Count == 0 || result.Rows[0][0].GetInt64() < chunk.Length)
            {
                await ThrowMissingAsync(tx, run, cancellation);
            }
        }
    }

    /// <summary>Names the node the embedded engine would have named: the first missing end in operation order.</summary>
    private async Task ThrowMissingAsync(Neo4jTransaction tx, UpsertEdge[] run, CancellationToken cancellation)
    {
        var ends = run.SelectMany(e => new[] { e.From, e.To }).Distinct(StringComparer.Ordinal).ToArray();
        var result = await tx.RunAsync(cypher.MissingNodes, new Dictionary<string, object?> { ["ids"] = ends }, cancellation);
        var missing = result.Rows.Select(r => r[0].GetString()!).ToHashSet(StringComparer.Ordinal);
        throw new GraphNodeNotFoundException(ends.FirstOrDefault(missing.Contains) ?? ends[0]);
    }

    private async Task RemoveSupportAsync(Neo4jTransaction tx, string[] records, CancellationToken cancellation)
    {
        foreach (var chunk in records.Chunk(batchSize))
        {
            var parameters = new Dictionary<string, object?> { ["records"] = chunk };
            var edges = await tx.RunAsync(cypher.RemoveEdgeSupport, parameters, cancellation);
            var nodes = await tx.RunAsync(cypher.RemoveNodeSupport, parameters, cancellation);

            // Only a node this removal touched may be collected: one that was created without support is left alone.
            var touched = edges.Rows.SelectMany(r => r).Concat(nodes.Rows.Select(r => r[0])).Select(v => v.GetString()!).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var ids in touched.Chunk(batchSize))
            {
                await tx.RunAsync(cypher.CollectOrphans, new Dictionary<string, object?> { ["ids"] = ids }, cancellation);
            }
        }
    }

    private async Task MergeAsync(Neo4jTransaction tx, MergeNodes merge, CancellationToken cancellation)
    {
        if (merge.FromId == merge.IntoId)
        {
            return;
        }

        var parameters = new Dictionary<string, object?> { ["from"] = merge.FromId, ["into"] = merge.IntoId };
        await tx.RunAsync(cypher.MergeInto, parameters, cancellation);
        await tx.RunAsync(cypher.Rename, parameters, cancellation);
    }

    /// <summary>One row per key in first-seen order: the last operation's attributes with the union of all their support.</summary>
    private static List<Dictionary<string, object?>> Fold<T, TKey>(IEnumerable<T> run, Func<T, TKey> key, Func<T, IEnumerable<string>> support,
        Func<T, List<string>, Dictionary<string, object?>> row)
        where TKey : notnull
    {
        var order = new List<TKey>();
        var folded = new Dictionary<TKey, (T Last, List<string> Support)>();
        foreach (var item in run)
        {
            var k = key(item);
            if (!folded.TryGetValue(k, out var entry))
            {
                order.Add(k);
                entry = (item, []);
            }

            foreach (var record in support(item))
            {
                if (!entry.Support.Contains(record, StringComparer.Ordinal))
                {
                    entry.Support.Add(record);
                }
            }

            folded[k] = (item, entry.Support);
        }

        return [.. order.Select(k => row(folded[k].Last, folded[k].Support))];
    }
}
