namespace IntelShare.Graph.Engine.Neo4j;

/// <summary>
/// Every Cypher statement the store sends, for one node label. Values always travel as parameters so the server
/// caches one plan per statement; only the label is spliced in, and <see cref="Neo4jOptions"/> allows only identifiers.
/// </summary>
internal sealed class Neo4jStatements(string label)
{
    public const string Link = "LINK";

    private readonly string checkpoint = label + "Checkpoint";

    public IEnumerable<string> Schema =>
    [
        $"CREATE CONSTRAINT {label}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE",
        $"CREATE INDEX {label}_kind IF NOT EXISTS FOR (n:{label}) ON (n.kind)",
        $"CREATE CONSTRAINT {checkpoint}_key IF NOT EXISTS FOR (c:{checkpoint}) REQUIRE c.key IS UNIQUE",
        $"MERGE (c:{checkpoint} {{key: 'graph'}}) ON CREATE SET c.value = 0",
    ];

    public IEnumerable<string> Drop =>
    [
        $"MATCH (n:{label}) DETACH DELETE n",
        $"MATCH (c:{checkpoint}) DELETE c",
        $"DROP CONSTRAINT {label}_id IF EXISTS",
        $"DROP INDEX {label}_kind IF EXISTS",
        $"DROP CONSTRAINT {checkpoint}_key IF EXISTS",
    ];

    public string ReadCheckpoint => $"OPTIONAL MATCH (c:{checkpoint} {{key: 'graph'}}) RETURN c.value AS value";

    public string WriteCheckpoint => $"MERGE (c:{checkpoint} {{key: 'graph'}}) SET c.value = $checkpoint";

    // Support is a set kept in first-seen order, as the embedded engine keeps it.
    public string UpsertNodes => $$"""
        UNWIND $rows AS row
        MERGE (n:{{label}} {id: row.id})
        SET n.kind = row.kind, n.label = row.label, n.marking = row.marking, n.properties = row.properties,
            n.from = row.from, n.to = row.to,
            n.support = coalesce(n.support, []) + [s IN row.support WHERE NOT s IN coalesce(n.support, [])]
        """;

    // Rows whose ends are missing drop out of the MATCH; the count tells the caller so it can name the missing node.
    // A link of a node to itself is matched (so its ends are checked) but not written, as in the embedded engine.
    public string UpsertEdges => $$"""
        UNWIND $rows AS row
        MATCH (a:{{label}} {id: row.from}), (b:{{label}} {id: row.to})
        FOREACH (_ IN CASE WHEN a <> b THEN [1] ELSE [] END |
            MERGE (a)-[r:{{Link}} {kind: row.kind}]->(b)
            SET r.marking = row.marking, r.validFrom = row.validFrom, r.validTo = row.validTo,
                r.support = coalesce(r.support, []) + [s IN row.support WHERE NOT s IN coalesce(r.support, [])])
        RETURN count(*) AS matched
        """;

    public string MissingNodes => $$"""
        UNWIND $ids AS id
        OPTIONAL MATCH (n:{{label}} {id: id})
        WITH id, n WHERE n IS NULL
        RETURN id
        """;

    public string RemoveEdgeSupport => $$"""
        MATCH (a:{{label}})-[r:{{Link}}]->(b:{{label}})
        WHERE any(s IN r.support WHERE s IN $records)
        SET r.support = [s IN r.support WHERE NOT s IN $records]
        WITH a, b, r WHERE size(r.support) = 0
        DELETE r
        RETURN a.id AS a, b.id AS b
        """;

    public string RemoveNodeSupport => $$"""
        MATCH (n:{{label}})
        WHERE any(s IN n.support WHERE s IN $records)
        SET n.support = [s IN n.support WHERE NOT s IN $records]
        RETURN n.id AS id
        """;

    public string CollectOrphans => $$"""
        UNWIND $ids AS id
        MATCH (n:{{label}} {id: id})
        WHERE size(n.support) = 0 AND NOT EXISTS { (n)-[:{{Link}}]-() }
        DELETE n
        """;

    // An edge between the two merged nodes goes (it would be a self-link); an edge that already exists on the target
    // gains the moved edge's support and keeps its own attributes; any other edge moves with its attributes.
    public string MergeInto => $$"""
        MATCH (s:{{label}} {id: $from}), (t:{{label}} {id: $into})
        CALL {
            WITH s, t
            MATCH (s)-[r:{{Link}}]->(o:{{label}}) WHERE o <> t
            MERGE (t)-[k:{{Link}} {kind: r.kind}]->(o)
            ON CREATE SET k.marking = r.marking, k.validFrom = r.validFrom, k.validTo = r.validTo, k.support = r.support
            ON MATCH SET k.support = k.support + [x IN r.support WHERE NOT x IN k.support]
            DELETE r
        }
        CALL {
            WITH s, t
            MATCH (o:{{label}})-[r:{{Link}}]->(s) WHERE o <> t
            MERGE (o)-[k:{{Link}} {kind: r.kind}]->(t)
            ON CREATE SET k.marking = r.marking, k.validFrom = r.validFrom, k.validTo = r.validTo, k.support = r.support
            ON MATCH SET k.support = k.support + [x IN r.support WHERE NOT x IN k.support]
            DELETE r
        }
        SET t.support = t.support + [x IN s.support WHERE NOT x IN t.support]
        DETACH DELETE s
        """;

    // Runs after MergeInto in the same transaction: if the target existed the source is gone by now, so this only
    // renames when it did not.
    public string Rename => $$"""
        MATCH (s:{{label}} {id: $from})
        WHERE NOT EXISTS { MATCH (t:{{label}} {id: $into}) }
        SET s.id = $into
        """;

    public string Nodes => $$"""
        UNWIND $ids AS id
        MATCH (n:{{label}} {id: id})
        RETURN properties(n) AS node
        """;

    /// <summary>A page of nodes in id order (the uniqueness constraint's index serves the order), optionally of one kind.</summary>
    public string NodePage => $$"""
        MATCH (n:{{label}})
        WHERE n.id > $after AND ($kind IS NULL OR n.kind = $kind)
        RETURN properties(n) AS node
        ORDER BY n.id
        LIMIT $limit
        """;

    /// <summary>Every link of the given nodes, in both directions, with the node at the other end.</summary>
    public string Adjacent => $$"""
        UNWIND $ids AS id
        MATCH (n:{{label}} {id: id})-[r:{{Link}}]-(m:{{label}})
        WHERE $kinds IS NULL OR r.kind IN $kinds
        RETURN startNode(r).id AS from, endNode(r).id AS to, properties(r) AS edge, properties(m) AS node
        """;

    public string Outgoing => $$"""
        UNWIND $ids AS id
        MATCH (n:{{label}} {id: id})-[r:{{Link}}]->(m:{{label}})
        RETURN n.id AS from, m.id AS to, properties(r) AS edge
        """;
}
