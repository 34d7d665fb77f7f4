using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntelShare.Graph.Engine;
using IntelShare.Graph.Engine.Neo4j;
using static IntelShare.Graph.Engine.Tests.TestGraph;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>
/// The Cypher and JSON layer of <see cref="Neo4jGraphStore"/> against a FAKE of Neo4j's HTTP server, because no Neo4j
/// server can run on this machine: the fake records every request and answers with canned Query API responses. What
/// a real server does with the Cypher is covered by <see cref="Neo4jGraphStoreContractTests"/> where one is available.
/// </summary>
public sealed class Neo4jFakeServerTests
{
    private static readonly Neo4jOptions Options = new() { Uri = new Uri("http://neo4j.test:7474"), User = "neo4j", Password = "secret", BatchSize = 2 };

    [Fact]
    public async Task Fake_server_a_batch_goes_as_UNWIND_statements_in_one_transaction_with_its_checkpoint()
    {
        var server = new FakeNeo4jServer();
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);
        server.Requests.Clear();

        await store.ApplyAsync(new GraphBatch(
            Node("a", record: "r1"), Node("b"), Node("c"), Node("a", record: "r2"),
            Edge("a", "b"), Edge("b", "c"),
            new RemoveSupport("r9"), new MergeNodes("c", "d")), 7);

        var paths = server.Requests.Select(r => $"{r.Method} {r.Path}").ToArray();
        Assert.Equal("POST /db/neo4j/query/v2/tx", paths[0]);
        Assert.All(paths[1..^1], p => Assert.Equal("POST /db/neo4j/query/v2/tx/tx-1", p));
        Assert.Equal("POST /db/neo4j/query/v2/tx/tx-1/commit", paths[^1]);
        Assert.All(server.Requests.Skip(1), r => Assert.Equal("affinity-1", r.Affinity));
        Assert.All(server.Requests, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("neo4j:secret")), r.Authorization));

        var statements = server.Requests.Where(r => r.Statement is not null).ToArray();
        // Three distinct nodes in batches of two: two statements; "a" twice is folded into one row with both records.
        var nodeRows = statements.Where(s => s.Statement!.Contains("MERGE (n:GraphNode", StringComparison.Ordinal)).SelectMany(s => s.Parameters!["rows"]!.AsArray()).ToArray();
        Assert.Equal(2, statements.Count(s => s.Statement!.StartsWith("UNWIND $rows", StringComparison.Ordinal) && s.Statement.Contains("MERGE (n:", StringComparison.Ordinal)));
        Assert.Equal(["a", "b", "c"], nodeRows.Select(r => (string)r!["id"]!));
        Assert.Equal(["r1", "r2"], nodeRows[0]!["support"]!.AsArray().Select(s => (string)s!));
        Assert.Equal("Person", (string)nodeRows[0]!["kind"]!);
        var edgeStatement = Assert.Single(statements, s => s.Statement!.Contains("count(*) AS matched", StringComparison.Ordinal));
        Assert.Equal(2, edgeStatement.Parameters!["rows"]!.AsArray().Count);
        Assert.Contains(statements, s => s.Statement!.Contains("WHERE any(s IN r.support WHERE s IN $records)", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Statement!.Contains("DETACH DELETE s", StringComparison.Ordinal) && (string)s.Parameters!["into"]! == "d");

        // The checkpoint is the transaction's last statement, so it commits with the batch or not at all.
        Assert.Contains("GraphNodeCheckpoint", statements[^1].Statement, StringComparison.Ordinal);
        Assert.Equal(7, (long)statements[^1].Parameters!["checkpoint"]!);
    }

    [Fact]
    public async Task Fake_server_a_batch_naming_a_missing_node_is_rolled_back_and_names_it()
    {
        var server = new FakeNeo4jServer { Missing = ["ghost"] };
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);
        server.Requests.Clear();

        var failure = await Assert.ThrowsAsync<GraphNodeNotFoundException>(() => store.ApplyAsync(new GraphBatch(Node("a"), Edge("a", "ghost")), 3));

        Assert.Equal("ghost", failure.Id);
        Assert.Equal("DELETE /db/neo4j/query/v2/tx/tx-1", $"{server.Requests[^1].Method} {server.Requests[^1].Path}");
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/commit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fake_server_an_error_response_becomes_an_exception_with_neo4js_code_and_message()
    {
        var server = new FakeNeo4jServer();
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);
        server.Fail = ("Neo.ClientError.Security.Forbidden", "Read access to the database is not allowed.");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => store.GetCheckpointAsync());

        Assert.Equal("Neo.ClientError.Security.Forbidden", error.Code);
        Assert.Equal("Read access to the database is not allowed.", error.Neo4jMessage);
    }

    [Fact]
    public async Task Fake_server_a_node_is_read_back_from_a_query_api_response()
    {
        var server = new FakeNeo4jServer();
        server.Graph.Add(Map("p1", "Person", properties: "{\"dob\":\"1990-01-01\"}", from: "2025-03-03T09:00:00.0000000+01:00", support: ["r1", "r2"]));
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);

        var node = await store.GetNodeAsync("p1");

        Assert.Equal(("p1", NodeKind.Person, "Label p1", "OFFICIAL"), (node!.Id, node.Kind, node.Label, node.Marking));
        Assert.Equal("1990-01-01", node.Properties["dob"]);
        Assert.Equal(new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(1)), node.From);
        Assert.Equal(TimeSpan.FromHours(1), node.From!.Value.Offset);
        Assert.Null(node.To);
        Assert.Equal(["r1", "r2"], node.SupportingRecordIds);
        Assert.Null(await store.GetNodeAsync("nope"));
    }

    [Fact]
    public async Task Fake_server_a_walk_never_fetches_beyond_a_hidden_node_or_a_placeholder()
    {
        var server = new FakeNeo4jServer();
        foreach (var id in new[] { "a", "b", "c", "h", "x", "p", "y" })
        {
            server.Graph.Add(Map(id, "Person"));
        }

        server.Links.AddRange([("a", "b"), ("b", "c"), ("a", "h"), ("h", "x"), ("a", "p"), ("p", "y")]);
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);
        var visibility = new TestVisibility(hidden: ["h"], placeholders: ["p"]);

        var result = await store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 4), visibility);

        Assert.Equal(["a", "b", "c", "p"], result.Nodes.Select(n => n.Node.Id).Order());
        Assert.Equal((1, 1), (result.WithheldNodes, result.WithheldEdges));
        var expanded = server.Requests.Where(r => r.Statement?.Contains("-[r:LINK]-(m:", StringComparison.Ordinal) == true)
            .SelectMany(r => r.Parameters!["ids"]!.AsArray().Select(i => (string)i!)).ToArray();
        Assert.Equal(["a", "b", "c"], expanded.Order());
    }

    [Fact]
    public async Task Fake_server_a_node_the_caller_may_not_learn_of_is_not_counted_as_withheld()
    {
        var server = new FakeNeo4jServer();
        server.Graph.AddRange([Map("a", "Person"), Map("h", "Person"), Map("u", "Person")]);
        server.Links.AddRange([("a", "h"), ("a", "u")]);
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);

        var result = await store.NeighbourhoodAsync(new NeighbourhoodQuery(["a"], 2), new TestVisibility(hidden: ["h", "u"], undisclosed: ["u"]));

        Assert.Equal((1, 1), (result.WithheldNodes, result.WithheldEdges));
        Assert.Equal((1, 1), (result.UndisclosedNodes, result.UndisclosedEdges));
    }

    [Fact]
    public async Task Fake_server_common_associates_are_only_those_of_the_kinds_asked_for()
    {
        var server = new FakeNeo4jServer();
        server.Graph.AddRange([Map("a", "Person"), Map("b", "Person"), Map("m", "Person"), Map("phone", "Phone")]);
        server.Links.AddRange([("a", "m"), ("b", "m"), ("a", "phone"), ("phone", "b")]);
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);

        var all = await store.CommonAssociatesAsync(new CommonAssociatesQuery("a", "b"), EverythingVisible.Instance);
        var phones = await store.CommonAssociatesAsync(new CommonAssociatesQuery("a", "b", NodeKinds: new HashSet<NodeKind> { NodeKind.Phone }), EverythingVisible.Instance);

        Assert.Equal(["m", "phone"], all.Associates.Select(c => c.Node.Node.Id));
        Assert.Equal(["phone"], phones.Associates.Select(c => c.Node.Node.Id));
    }

    [Fact]
    public async Task Fake_server_without_the_query_api_the_older_transactional_endpoint_is_used()
    {
        var server = new FakeNeo4jServer { Legacy = true };
        await using var store = await Neo4jGraphStore.OpenAsync(Options, server);
        server.Requests.Clear();

        await store.ApplyAsync(new GraphBatch(Node("a")), 5);
        var checkpoint = await store.GetCheckpointAsync();

        Assert.True(store.UsesLegacyApi);
        Assert.Equal(5, checkpoint);
        Assert.Equal(["POST /db/neo4j/tx", "POST /db/neo4j/tx/17", "POST /db/neo4j/tx/17/commit", "POST /db/neo4j/tx/commit"], server.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    private static JsonObject Map(string id, string kind, string? properties = null, string? from = null, string[]? support = null)
    {
        var map = new JsonObject { ["id"] = id, ["kind"] = kind, ["label"] = "Label " + id, ["marking"] = "OFFICIAL", ["support"] = new JsonArray([.. (support ?? ["r-base"]).Select(s => JsonValue.Create(s))]) };
        if (properties is not null)
        {
            map["properties"] = properties;
        }

        if (from is not null)
        {
            map["from"] = from;
        }

        return map;
    }

    private sealed record Request(string Method, string Path, string? Statement, JsonObject? Parameters, string? Affinity, string? Authorization);

    /// <summary>
    /// Stands in for Neo4j's HTTP server: answers the statements the store sends from a small in-memory graph, opens
    /// transaction "tx-1" (or "17" on the older endpoint) and can be told to fail. It does not run Cypher.
    /// </summary>
    private sealed class FakeNeo4jServer : HttpMessageHandler
    {
        private long checkpoint;

        public List<Request> Requests { get; } = [];

        public List<JsonObject> Graph { get; } = [];

        public List<(string From, string To)> Links { get; } = [];

        public HashSet<string> Missing { get; init; } = [];

        public bool Legacy { get; init; }

        public (string Code, string Message)? Fail { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var body = request.Content is null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))?.AsObject();
            var statement = Legacy ? body?["statements"]?.AsArray().FirstOrDefault()?.AsObject() : body;
            Requests.Add(new Request(request.Method.Method, path, (string?)statement?["statement"], statement?["parameters"]?.AsObject(),
                request.Headers.TryGetValues("neo4j-cluster-affinity", out var a) ? a.First() : null, request.Headers.Authorization?.ToString()));

            if (Legacy && path.Contains("/query/v2", StringComparison.Ordinal))
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound);
            }

            if (Fail is { } fail)
            {
                return Json(HttpStatusCode.BadRequest, new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = fail.Code, ["message"] = fail.Message }) });
            }

            var (fields, rows) = Answer((string?)statement?["statement"], statement?["parameters"]?.AsObject());
            var response = Legacy
                ? new JsonObject { ["results"] = new JsonArray(new JsonObject { ["columns"] = fields, ["data"] = new JsonArray([.. rows.Select(r => new JsonObject { ["row"] = r })]) }), ["errors"] = new JsonArray() }
                : new JsonObject { ["data"] = new JsonObject { ["fields"] = fields, ["values"] = new JsonArray([.. rows]) } };
            var opens = Legacy ? path == "/db/neo4j/tx" : path == "/db/neo4j/query/v2/tx";
            if (opens)
            {
                if (Legacy)
                {
                    response["commit"] = "http://neo4j.test:7474/db/neo4j/tx/17/commit";
                }
                else
                {
                    response["transaction"] = new JsonObject { ["id"] = "tx-1", ["expires"] = "2030-01-01T00:00:00Z" };
                }
            }

            var message = Json(opens ? HttpStatusCode.Accepted : HttpStatusCode.OK, response);
            if (opens && !Legacy)
            {
                message.Headers.Add("neo4j-cluster-affinity", "affinity-1");
            }

            return message;
        }

        private (JsonArray Fields, List<JsonArray> Rows) Answer(string? statement, JsonObject? parameters)
        {
            var ids = parameters?["ids"]?.AsArray().Select(i => (string)i!).ToArray() ?? [];
            if (statement is null)
            {
                return ([], []);
            }

            if (statement.Contains("count(*) AS matched", StringComparison.Ordinal))
            {
                var rows = parameters!["rows"]!.AsArray();
                var matched = rows.Count(r => !Missing.Contains((string)r!["from"]!) && !Missing.Contains((string)r!["to"]!));
                return (["matched"], [new JsonArray(matched)]);
            }

            if (statement.Contains("WHERE n IS NULL", StringComparison.Ordinal))
            {
                return (["id"], [.. ids.Where(Missing.Contains).Select(i => new JsonArray(i))]);
            }

            if (statement.Contains("SET c.value = $checkpoint", StringComparison.Ordinal))
            {
                checkpoint = (long)parameters!["checkpoint"]!;
            }

            if (statement.Contains("RETURN c.value", StringComparison.Ordinal))
            {
                return (["value"], [new JsonArray(checkpoint)]);
            }

            if (statement.Contains("RETURN properties(n) AS node", StringComparison.Ordinal) && !statement.Contains("ORDER BY", StringComparison.Ordinal))
            {
                return (["node"], [.. ids.Select(Find).OfType<JsonObject>().Select(n => new JsonArray(n.DeepClone()))]);
            }

            if (statement.Contains("-[r:LINK]-(m:", StringComparison.Ordinal))
            {
                var rows = ids.SelectMany(id => Links.Where(l => l.From == id || l.To == id).Select(l => new JsonArray(
                    l.From, l.To,
                    new JsonObject { ["kind"] = "LinkedTo", ["marking"] = "OFFICIAL", ["support"] = new JsonArray("r-base") },
                    Find(l.From == id ? l.To : l.From)!.DeepClone())));
                return (["from", "to", "edge", "node"], [.. rows]);
            }

            return ([], []);
        }

        private JsonObject? Find(string id) => Graph.Find(n => (string)n["id"]! == id);

        private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body) =>
            new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
