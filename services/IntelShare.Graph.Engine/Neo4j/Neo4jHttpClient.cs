using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IntelShare.Graph.Engine.Neo4j;

/// <summary>A statement Neo4j refused, with Neo4j's status code (e.g. Neo.ClientError.Statement.SyntaxError).</summary>
public sealed class Neo4jException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;

    public string Neo4jMessage { get; } = message;
}

/// <summary>The rows of one statement; values are plain JSON, cloned so they outlive the response.</summary>
public sealed record CypherResult(IReadOnlyList<string> Fields, IReadOnlyList<JsonElement[]> Rows)
{
    public static readonly CypherResult Empty = new([], []);
}

/// <summary>
/// Cypher over HTTP without a driver (no Neo4j driver package is available to this build). Speaks the Query API
/// (Neo4j 5.19+) and falls back to the older transactional endpoint when the server has no Query API.
/// </summary>
internal sealed class Neo4jHttpClient : IDisposable
{
    private const string AffinityHeader = "neo4j-cluster-affinity";

    private readonly HttpClient http;
    private readonly string database;

    public Neo4jHttpClient(Neo4jOptions options, HttpMessageHandler? handler)
    {
        var root = options.Uri.ToString();
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(root.EndsWith('/') ? root : root + "/");
        http.Timeout = options.RequestTimeout;
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.User is not null)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Password}"));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        database = "db/" + Uri.EscapeDataString(options.Database);
    }

    /// <summary>True once the server turned out to predate the Query API.</summary>
    public bool Legacy { get; private set; }

    /// <summary>Where a statement runs in its own transaction.</summary>
    private string Implicit => Legacy ? database + "/tx/commit" : database + "/query/v2";

    /// <summary>Where explicit transactions are opened; each then lives at its id under it.</summary>
    private string Transactions => Legacy ? database + "/tx" : database + "/query/v2/tx";

    public void Dispose() => http.Dispose();

    /// <summary>Runs a trivial statement, which also finds out which API the server speaks.</summary>
    public async Task ConnectAsync(CancellationToken cancellation)
    {
        try
        {
            await RunAsync("RETURN 1", null, cancellation);
        }
        catch (Neo4jException e) when (e.Code == NotFoundCode && !Legacy)
        {
            Legacy = true;
            await RunAsync("RETURN 1", null, cancellation);
        }
    }

    /// <summary>One statement in its own (implicit) transaction.</summary>
    public async Task<CypherResult> RunAsync(string statement, object? parameters, CancellationToken cancellation)
    {
        var (body, _) = await SendAsync(HttpMethod.Post, Implicit, Request(statement, parameters), null, cancellation);
        return body;
    }

    public Neo4jTransaction Begin() => new(this);

    internal async Task<(CypherResult Result, string Id, string? Affinity)> OpenAsync(string statement, object? parameters, CancellationToken cancellation)
    {
        using var response = await SendRawAsync(HttpMethod.Post, Transactions, Request(statement, parameters), null, cancellation);
        using var json = await ReadAsync(response, cancellation);
        var id = Legacy ? LegacyTransactionId(json.RootElement) : json.RootElement.GetProperty("transaction").GetProperty("id").GetString()!;
        var affinity = response.Headers.TryGetValues(AffinityHeader, out var values) ? values.FirstOrDefault() : null;
        return (Parse(json.RootElement), id, affinity);
    }

    internal async Task<CypherResult> RunInAsync(string id, string? affinity, string statement, object? parameters, CancellationToken cancellation) =>
        (await SendAsync(HttpMethod.Post, $"{Transactions}/{id}", Request(statement, parameters), affinity, cancellation)).Result;

    internal Task CommitAsync(string id, string? affinity, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Post, $"{Transactions}/{id}/commit", Legacy ? new { statements = Array.Empty<object>() } : null, affinity, cancellation);

    internal Task RollbackAsync(string id, string? affinity, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Delete, $"{Transactions}/{id}", null, affinity, cancellation);

    private object Request(string statement, object? parameters)
    {
        var one = new Dictionary<string, object?> { ["statement"] = statement, ["parameters"] = parameters ?? new Dictionary<string, object?>() };
        return Legacy ? new { statements = new[] { one } } : one;
    }

    private async Task<(CypherResult Result, HttpStatusCode Status)> SendAsync(HttpMethod method, string path, object? body, string? affinity, CancellationToken cancellation)
    {
        using var response = await SendRawAsync(method, path, body, affinity, cancellation);
        using var json = await ReadAsync(response, cancellation);
        return (Parse(json.RootElement), response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, string? affinity, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (affinity is not null)
        {
            // A cluster routes the requests of one explicit transaction to the member that opened it by this header.
            request.Headers.TryAddWithoutValidation(AffinityHeader, affinity);
        }

        return await http.SendAsync(request, cancellation);
    }

    private const string NotFoundCode = "HTTP.404";

    /// <summary>The response as JSON, or a <see cref="Neo4jException"/> carrying the server's first error code and every message.</summary>
    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var text = await response.Content.ReadAsStringAsync(cancellation);
        JsonDocument? json = null;
        try
        {
            json = string.IsNullOrWhiteSpace(text) ? JsonDocument.Parse("{}") : JsonDocument.Parse(text);
        }
        catch (JsonException) when (!response.IsSuccessStatusCode)
        {
            throw new Neo4jException($"HTTP.{(int)response.StatusCode}", Truncate(text));
        }

        // The older endpoint reports a failed statement with 200 and an error list, so the list is checked first.
        if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("errors", out var errors)
            && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            var list = errors.EnumerateArray().Select(e => (Code: Text(e, "code") ?? "Neo.Unknown", Message: Text(e, "message") ?? "")).ToArray();
            json.Dispose();
            throw new Neo4jException(list[0].Code, string.Join("; ", list.Select(e => e.Message)));
        }

        if (!response.IsSuccessStatusCode)
        {
            json.Dispose();
            throw new Neo4jException($"HTTP.{(int)response.StatusCode}", Truncate(text));
        }

        return json;
    }

    /// <summary>Reads either API's result: the Query API's data.fields/values or the older results[0].columns/data[].row.</summary>
    internal static CypherResult Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return CypherResult.Empty;
        }

        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            return new CypherResult(
                [.. data.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!)],
                [.. data.GetProperty("values").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray())]);
        }

        if (root.TryGetProperty("results", out var results) && results.GetArrayLength() > 0)
        {
            var result = results[results.GetArrayLength() - 1];
            return new CypherResult(
                [.. result.GetProperty("columns").EnumerateArray().Select(f => f.GetString()!)],
                [.. result.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("row").EnumerateArray().Select(v => v.Clone()).ToArray())]);
        }

        return CypherResult.Empty;
    }

    private static string LegacyTransactionId(JsonElement root)
    {
        // The transaction is named only by its commit address, .../tx/{id}/commit.
        var commit = root.GetProperty("commit").GetString()!;
        var segments = new Uri(commit, UriKind.Absolute).Segments;
        return segments[^2].TrimEnd('/');
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];
}

/// <summary>
/// An explicit transaction, opened by its first statement (one round trip fewer) and rolled back on dispose unless
/// committed, so a failed batch leaves nothing behind.
/// </summary>
internal sealed class Neo4jTransaction(Neo4jHttpClient client) : IAsyncDisposable
{
    private string? id;
    private string? affinity;
    private bool finished;

    public async Task<CypherResult> RunAsync(string statement, object? parameters, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        if (id is not null)
        {
            return await client.RunInAsync(id, affinity, statement, parameters, cancellation);
        }

        (var result, id, affinity) = await client.OpenAsync(statement, parameters, cancellation);
        return result;
    }

    public async Task CommitAsync(CancellationToken cancellation)
    {
        finished = true;
        if (id is not null)
        {
            await client.CommitAsync(id, affinity, cancellation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (finished || id is null)
        {
            return;
        }

        finished = true;
        try
        {
            await client.RollbackAsync(id, affinity, CancellationToken.None);
        }
        catch (Exception e) when (e is Neo4jException or HttpRequestException or TaskCanceledException)
        {
            // The server already rolls back a transaction whose statement failed, and expires an abandoned one.
        }
    }
}
