using System.Globalization;
using System.Text.Json;

namespace IntelShare.Graph.Engine.Neo4j;

/// <summary>
/// How the model lies in Neo4j. Kinds are stored by name so Cypher written by hand reads them; times as round-trip
/// ISO strings, which keep the offset and compare in order; a node's properties as one JSON string, because Neo4j
/// properties cannot hold a map; supporting records as a list property.
/// </summary>
internal static class Neo4jMapping
{
    public static string? Time(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture);

    public static string? PropertiesJson(IReadOnlyDictionary<string, string>? properties) =>
        properties is { Count: > 0 } ? JsonSerializer.Serialize(properties) : null;

    public static GraphNode Node(JsonElement map) => new(
        map.GetProperty("id").GetString()!,
        Enum.Parse<NodeKind>(map.GetProperty("kind").GetString()!),
        String(map, "label") ?? "",
        String(map, "properties") is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json)! : GraphNode.NoProperties,
        String(map, "marking") ?? "",
        Time(map, "from"),
        Time(map, "to"),
        Support(map));

    public static GraphEdge Edge(string from, string to, JsonElement map) => new(
        from,
        to,
        Enum.Parse<EdgeKind>(map.GetProperty("kind").GetString()!),
        Time(map, "validFrom"),
        Time(map, "validTo"),
        String(map, "marking") ?? "",
        Support(map));

    private static string[] Support(JsonElement map) =>
        map.TryGetProperty("support", out var support) && support.ValueKind == JsonValueKind.Array ? [.. support.EnumerateArray().Select(s => s.GetString()!)] : [];

    private static string? String(JsonElement map, string name) =>
        map.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement map, string name) =>
        String(map, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;
}
