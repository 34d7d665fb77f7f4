using System.Text.Json.Nodes;

namespace IntelShare.Search.Engine.Elasticsearch;

/// <summary>Conditions as non-scoring Elasticsearch query clauses (query DSL as JSON).</summary>
internal sealed class ElasticsearchConditions : ICondVisitor<JsonObject>
{
    private static readonly ElasticsearchConditions Instance = new();

    public static JsonObject ToQuery(Cond cond) => cond.Accept(Instance);

    public JsonObject All() => new() { ["match_all"] = new JsonObject() };

    public JsonObject None() => new() { ["match_none"] = new JsonObject() };

    public JsonObject Term(string field, string value) => new() { ["term"] = new JsonObject { [field] = value } };

    public JsonObject Terms(string field, IReadOnlyList<string> values) =>
        new() { ["terms"] = new JsonObject { [field] = new JsonArray([.. values.Select(v => (JsonNode)v)]) } };

    public JsonObject Range(string field, long? min, long? max)
    {
        var bounds = new JsonObject();
        if (min is { } from)
        {
            bounds["gte"] = from;
        }

        if (max is { } to)
        {
            bounds["lte"] = to;
        }

        return new JsonObject { ["range"] = new JsonObject { [field] = bounds } };
    }

    public JsonObject And(IReadOnlyList<JsonObject> parts) => Bool("filter", parts);

    public JsonObject Or(IReadOnlyList<JsonObject> parts)
    {
        var query = Bool("should", parts);
        query["bool"]!["minimum_should_match"] = 1;
        return query;
    }

    // Unlike Lucene, a bool query of must_not clauses alone matches everything else.
    public JsonObject Not(JsonObject part) => Bool("must_not", [part]);

    public static JsonObject Bool(string occur, IEnumerable<JsonNode?> parts) =>
        new() { ["bool"] = new JsonObject { [occur] = new JsonArray([.. parts]) } };
}
