using System.Globalization;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using IntelShare.Policy;
using IntelShare.Search.Engine.Lucene;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace IntelShare.Search.Engine.Elasticsearch;

public sealed record ElasticsearchSearchIndexOptions
{
    public required Uri Server { get; init; }

    /// <summary>Name of the records index; the checkpoint lives in "{IndexName}-meta".</summary>
    public string IndexName { get; init; } = "intelshare-search";

    public NeedToKnowPolicyOptions Policy { get; init; } = NeedToKnowPolicyOptions.Default;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// The remote index: Elasticsearch, with the same fields, queries and need-to-know conditions as the embedded
/// index. Versions are external (the record version), so a replayed older write is refused by the server, and
/// a deletion leaves a tombstone holding its version. Each request is durable when acknowledged (translog
/// durability "request"); the checkpoint is written only after its batch was acknowledged, never ahead of it.
/// The typed client's query DSL is not used: the queries are translated from engine-independent conditions
/// into JSON, sent through the client's transport.
/// </summary>
public sealed class ElasticsearchSearchIndex : ISearchIndex
{
    private const string CheckpointId = "checkpoint";
    private const string SchemaField = "schema";

    /// <summary>
    /// Bumped whenever the indexed fields change. An index written under another is cleared when opened, checkpoint
    /// and all, so that the projection rebuilds it: its documents lack the new fields, which the need-to-know
    /// conditions may require (as the embedded index is recreated).
    /// </summary>
    public const string Schema = "2";
    private const string StoredMarking = "s_marking";
    private const string StoredPayload = "s_payload";
    private const string StoredNameCaveats = "s_ncav";
    private const string StoredTexts = "s_texts";
    private const int MaxFacetValues = 100;

    private readonly ElasticsearchClient _client;
    private readonly ElasticsearchSearchIndexOptions _options;
    private readonly HitFactory _hits;
    private readonly string _index;
    private readonly string _meta;

    private ElasticsearchSearchIndex(ElasticsearchClient client, ElasticsearchSearchIndexOptions options)
    {
        _client = client;
        _options = options;
        _index = options.IndexName;
        _meta = options.IndexName + "-meta";
        _hits = new HitFactory(new NeedToKnowPolicy(options.Policy));
    }

    /// <summary>Connects, and creates the index template and both indexes when missing.</summary>
    public static async Task<ElasticsearchSearchIndex> OpenAsync(ElasticsearchSearchIndexOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var index = new ElasticsearchSearchIndex(new ElasticsearchClient(new ElasticsearchClientSettings(options.Server)), options);
        await index.SendAsync(HttpMethod.PUT, "_index_template/" + options.IndexName, Template(options.IndexName), cancellationToken);
        foreach (var name in new[] { index._index, index._meta })
        {
            if ((await index.SendRawAsync(HttpMethod.HEAD, name, null, cancellationToken)).ApiCallDetails.HttpStatusCode == 404)
            {
                var created = await index.SendRawAsync(HttpMethod.PUT, name, null, cancellationToken);
                // Another node may have created it between the check and now.
                if (created.ApiCallDetails.HttpStatusCode is not (200 or 400))
                {
                    throw Failure("create index " + name, created);
                }
            }
        }

        // An index created before a field was added learns it here, or its strict mapping would refuse every
        // new document; the documents it holds gain the field when the projection rebuilds.
        await index.SendAsync(HttpMethod.PUT, index._index + "/_mapping", Mappings(), cancellationToken);
        if (await index.ReadMetaAsync(cancellationToken) is { } meta && meta[SchemaField]?.GetValue<string>() != Schema)
        {
            await index.ClearAsync(cancellationToken);
        }

        return index;
    }

    public async Task<UpsertResult> UpsertAsync(IReadOnlyList<SearchDocument> documents, string? checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);

        // Every document is checked before any is sent, so a bad one does not leave half a batch behind.
        var records = documents.Select(d => IndexedRecord.From(d, _options.Policy.Redactions)).ToArray();
        int applied = 0, stale = 0;
        if (records.Length > 0)
        {
            var lines = new List<string>(records.Length * 2);
            foreach (var record in records)
            {
                lines.Add(Action(record.Document.RecordId, record.Document.Version, "external"));
                lines.Add(Source(record).ToJsonString());
            }

            foreach (var status in await BulkAsync(lines, cancellationToken))
            {
                // A version conflict is an older (or equal) version than the one held: a replay, ignored.
                _ = status == 409 ? stale++ : applied++;
            }
        }

        await SaveCheckpointAsync(checkpoint, cancellationToken);
        return new UpsertResult(applied, stale);
    }

    public async Task<bool> DeleteAsync(string recordId, long? version = null, string? checkpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        bool deleted;
        if (version is { } v)
        {
            // Strictly newer than the held version, or nothing held: the tombstone replaces it.
            deleted = (await BulkAsync([Action(recordId, v, "external"), Tombstone(recordId, v)], cancellationToken))[0] != 409;
        }
        else
        {
            var held = await HeldAsync(recordId, cancellationToken);
            deleted = held is { Tombstone: false };
            if (deleted)
            {
                deleted = (await BulkAsync([Action(recordId, held!.Value.Version, "external_gte"), Tombstone(recordId, held.Value.Version)], cancellationToken))[0] != 409;
            }
        }

        await SaveCheckpointAsync(checkpoint, cancellationToken);
        return deleted;
    }

    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        var all = new JsonObject { ["query"] = new JsonObject { ["match_all"] = new JsonObject() } };
        await SendAsync(HttpMethod.POST, $"{_index},{_meta}/_delete_by_query?refresh=true&conflicts=proceed", all, cancellationToken);
    }

    public async Task<string?> GetCheckpointAsync(CancellationToken cancellationToken = default) =>
        (await ReadMetaAsync(cancellationToken))?["checkpoint"]?.GetValue<string>();

    /// <summary>The checkpoint document, with the schema it was written under; null before the first checkpoint.</summary>
    private async Task<JsonNode?> ReadMetaAsync(CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(HttpMethod.GET, $"{_meta}/_doc/{CheckpointId}", null, cancellationToken);
        return response.ApiCallDetails.HttpStatusCode == 404 ? null : Parse("read checkpoint", response)["_source"];
    }

    /// <summary>Every acknowledged write is already durable (translog durability "request").</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RefreshAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.POST, _index + "/_refresh", null, cancellationToken);

    public async Task<SearchResult> SearchAsync(SearchQuery query, SearchPrincipal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var problems = new List<string>();
        var plan = QueryPlan.Create(query, problems);
        return await RunAsync(plan, problems, principal, cancellationToken);
    }

    public async Task<CheckResult> CheckAsync(CheckQuery query, SearchPrincipal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var problems = new List<string>();
        var plan = QueryPlan.Create(query, problems);
        return new CheckResult((await RunAsync(plan, problems, principal, cancellationToken)).Hits);
    }

    public async Task<IReadOnlyDictionary<string, ResourceMarking>> MarkingsAsync(IReadOnlyCollection<string> recordIds, CancellationToken cancellationToken = default)
    {
        var markings = new Dictionary<string, ResourceMarking>(StringComparer.Ordinal);
        if (recordIds.Count == 0)
        {
            return markings;
        }

        var body = await SendAsync(HttpMethod.POST, $"{_index}/_mget?_source_includes={IndexFields.Kind},{StoredMarking}", new JsonObject { ["ids"] = Array(recordIds) }, cancellationToken);
        foreach (var doc in body["docs"]?.AsArray() ?? [])
        {
            if (doc?["_source"] is JsonObject source && source[IndexFields.Kind]?.GetValue<string>() == IndexFields.RecordKind)
            {
                markings[doc["_id"]!.GetValue<string>()] = MarkingCodec.Decode(Convert.FromBase64String(source[StoredMarking]!.GetValue<string>()));
            }
        }

        return markings;
    }

    public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var count = await SendAsync(HttpMethod.POST, _index + "/_count", new JsonObject { ["query"] = Clause(Cond.Term(IndexFields.Kind, IndexFields.RecordKind)) }, cancellationToken);
        var stats = await SendAsync(HttpMethod.GET, _index + "/_stats/store", null, cancellationToken);
        return new IndexStats(
            count["count"]?.GetValue<long>() ?? 0,
            stats["_all"]?["total"]?["store"]?["size_in_bytes"]?.GetValue<long>() ?? 0);
    }

    public void Dispose()
    {
        // The client holds pooled connections only; nothing to flush.
    }

    private async Task<SearchResult> RunAsync(QueryPlan plan, List<string> problems, SearchPrincipal principal, CancellationToken cancellationToken)
    {
        // The embedded parser validates free text, so both engines accept and reject the same queries.
        if (plan.Text is not null)
        {
            LuceneQueries.Text(plan.Text, problems);
        }

        if (problems.Count > 0)
        {
            throw new SearchQueryException(problems);
        }

        var now = _options.Time.GetUtcNow();
        var policy = PolicyConditions.For(principal, _options.Policy, now);
        var must = new List<JsonNode>();
        if (NameMatch.For(plan) is { } name)
        {
            must.Add(Name(name));
        }

        if (plan.DateOfBirth is { } dob)
        {
            must.Add(Constant(QueryPlan.DateOfBirthCompatible(dob), 0.1));
        }

        if (plan.Identifier is { } identifier)
        {
            must.Add(Constant(Cond.AnyOf(identifier.Field, identifier.Values), 1));
        }

        if (plan.Text is not null)
        {
            // Free text matches only where the caller may read every text field: a hit is itself a disclosure.
            var text = new JsonObject
            {
                ["query_string"] = new JsonObject
                {
                    ["query"] = plan.Text,
                    ["default_field"] = IndexFields.Text,
                    ["default_operator"] = "AND",
                    ["allow_leading_wildcard"] = false,
                },
            };
            must.Add(new JsonObject { ["bool"] = new JsonObject { ["must"] = text, ["filter"] = Clause(policy.TextMatchable(plan)) } });
        }

        var filter = Cond.And(
            policy.Visible,
            plan.HolderFilter,
            plan.ContentFilter == Cond.All ? Cond.All : Cond.And(policy.ContentCountable(plan), plan.ContentFilter));
        var body = new JsonObject
        {
            ["size"] = plan.PageSize + 1,
            ["track_total_hits"] = true,
            ["query"] = new JsonObject
            {
                ["bool"] = new JsonObject
                {
                    ["must"] = must.Count > 0 ? new JsonArray([.. must]) : new JsonArray(new JsonObject { ["match_all"] = new JsonObject() }),
                    ["filter"] = Clause(filter),
                },
            },
            ["sort"] = new JsonArray(new JsonObject { ["_score"] = "desc" }, new JsonObject { [IndexFields.Id] = "asc" }),
        };
        if (plan.After is { } after)
        {
            body["search_after"] = new JsonArray(after.Score, after.RecordId);
        }

        if (plan.Facets.Count > 0)
        {
            var aggregations = new JsonObject();
            foreach (var facet in plan.Facets)
            {
                // Holder facets count every match; content facets only those the caller may read.
                aggregations[facet] = new JsonObject
                {
                    ["filter"] = Clause(SearchFilterFields.IsHolderField(facet) ? Cond.All : policy.ContentCountable(plan)),
                    ["aggs"] = new JsonObject
                    {
                        ["values"] = new JsonObject { ["terms"] = new JsonObject { [$"field"] = IndexFields.ForFilter(facet), ["size"] = MaxFacetValues } },
                    },
                };
            }

            body["aggs"] = aggregations;
        }

        if (plan.Highlight && plan.Text is not null)
        {
            body["highlight"] = new JsonObject
            {
                ["pre_tags"] = new JsonArray("<em>"),
                ["post_tags"] = new JsonArray("</em>"),
                ["fields"] = new JsonObject { [IndexFields.Text] = new JsonObject { ["number_of_fragments"] = 3 } },
            };
        }

        var response = await SendAsync(HttpMethod.POST, _index + "/_search", body, cancellationToken);
        var found = response["hits"]?["hits"]?.AsArray() ?? [];
        var hits = new List<SearchHit>(Math.Min(found.Count, plan.PageSize));
        foreach (var node in found.Take(plan.PageSize))
        {
            var hit = node!.AsObject();
            var source = hit["_source"]!.AsObject();
            var fragments = hit["highlight"]?[IndexFields.Text]?.AsArray().Select(f => f!.GetValue<string>()).ToArray() ?? [];
            var created = _hits.Create(Read(source, Score(hit)), principal, plan, now, fragments.Length == 0 ? null : redacted => Highlights(source, fragments, redacted));
            if (created is not null)
            {
                hits.Add(created);
            }
        }

        string? next = null;
        if (found.Count > plan.PageSize)
        {
            var last = found[plan.PageSize - 1]!;
            next = new SearchCursor(Score(last), last["_source"]![IndexFields.Id]!.GetValue<string>()).Encode();
        }

        return new SearchResult
        {
            TotalHits = response["hits"]?["total"]?["value"]?.GetValue<long>() ?? 0,
            Hits = hits,
            Facets = plan.Facets.ToDictionary(
                f => f,
                f => (IReadOnlyList<FacetValue>)(response["aggregations"]?[f]?["values"]?["buckets"]?.AsArray() ?? [])
                    .Select(b => new FacetValue(b!["key"]!.GetValue<string>(), b["doc_count"]!.GetValue<long>()))
                    .OrderByDescending(v => v.Count)
                    .ThenBy(v => v.Value, StringComparer.Ordinal)
                    .ToArray()),
            NextCursor = next,
        };
    }

    /// <summary>The name part of a query as <see cref="NameMatch"/> describes it, in the embedded query's shape.</summary>
    private static JsonObject Name(NameMatch name)
    {
        var tokens = new List<JsonNode>();
        foreach (var token in name.Tokens)
        {
            // The best spelling counts, not their sum: a token found three ways is still one token.
            tokens.Add(new JsonObject { ["dis_max"] = new JsonObject { ["queries"] = new JsonArray([.. token.Spellings.Select(Spelling)]), ["tie_breaker"] = 0 } });
        }

        if (name.DateOfBirthTerm is { } dob)
        {
            tokens.Add(Constant(Cond.Term(IndexFields.DateOfBirth, dob), NameMatch.DateOfBirthBoost));
        }

        var matching = ElasticsearchConditions.Bool("should", tokens);
        matching["bool"]!["minimum_should_match"] = name.MinimumMatching;
        var query = new JsonObject { ["must"] = matching };
        var written = name.Written;
        if (written.Count > 1)
        {
            query["should"] = new JsonArray(
                new JsonObject { ["match_phrase"] = new JsonObject { [IndexFields.Name] = new JsonObject { ["query"] = string.Join(' ', written), ["boost"] = NameMatch.OrderBoost } } },
                new JsonObject
                {
                    ["bool"] = new JsonObject
                    {
                        ["must"] = new JsonArray(
                            new JsonObject { ["term"] = new JsonObject { [IndexFields.Given] = written[0] } },
                            new JsonObject { ["term"] = new JsonObject { [IndexFields.Family] = written[^1] } }),
                        ["boost"] = NameMatch.PlacementBoost,
                    },
                });
        }

        return new JsonObject { ["bool"] = query };
    }

    private static JsonNode Spelling(NameMatch.Spelling spelling) => spelling.Edits == 0
        ? new JsonObject { ["term"] = new JsonObject { [spelling.Field] = new JsonObject { ["value"] = spelling.Term, ["boost"] = spelling.Boost } } }
        : new JsonObject
        {
            ["fuzzy"] = new JsonObject
            {
                [spelling.Field] = new JsonObject
                {
                    ["value"] = spelling.Term,
                    ["fuzziness"] = spelling.Edits,
                    ["prefix_length"] = 0,
                    ["max_expansions"] = NameMatch.MaxExpansions,
                    ["transpositions"] = true,
                    ["boost"] = spelling.Boost,
                },
            },
        };

    private static JsonObject Clause(Cond cond) => ElasticsearchConditions.ToQuery(cond);

    private static JsonObject Constant(Cond cond, double boost) =>
        new() { ["constant_score"] = new JsonObject { ["filter"] = Clause(cond), ["boost"] = boost } };

    private static float Score(JsonNode hit) => hit["sort"]?[0]?.GetValue<float>() ?? hit["_score"]?.GetValue<float>() ?? 0f;

    private static StoredHit Read(JsonObject source, float score)
    {
        IndexFields.TryParseType(source[IndexFields.Type]?.GetValue<string>(), out var type);
        return new StoredHit(
            source[IndexFields.Id]!.GetValue<string>(),
            source[IndexFields.Version]?.GetValue<long>() ?? 0,
            type,
            MarkingCodec.Decode(Convert.FromBase64String(source[StoredMarking]!.GetValue<string>())),
            (Caveat)(source[StoredNameCaveats]?.GetValue<int>() ?? (int)CaveatNames.All),
            source[StoredPayload]?.GetValue<string>() is { } payload ? Convert.FromBase64String(payload) : ReadOnlyMemory<byte>.Empty,
            score);
    }

    /// <summary>Fragments come back for the text field as a whole; each is given to the body field whose text contains it.</summary>
    private static IReadOnlyList<SearchHighlight> Highlights(JsonObject source, string[] fragments, IReadOnlySet<string> redacted)
    {
        var texts = (source[StoredTexts]?.AsArray() ?? [])
            .Select(t => (Path: t!["path"]!.GetValue<string>(), Text: t["text"]!.GetValue<string>()))
            .ToArray();
        return fragments
            .Select(f => (Fragment: f, texts.FirstOrDefault(t => t.Text.Contains(f.Replace("<em>", "", StringComparison.Ordinal).Replace("</em>", "", StringComparison.Ordinal), StringComparison.Ordinal)).Path))
            .Where(f => f.Path is not null && !redacted.Contains(f.Path))
            .GroupBy(f => f.Path!, StringComparer.Ordinal)
            .Select(g => new SearchHighlight(g.Key, [.. g.Select(f => f.Fragment)]))
            .ToArray();
    }

    private static JsonObject Source(IndexedRecord record)
    {
        var d = record.Document;
        var m = d.Marking;
        var source = new JsonObject
        {
            [IndexFields.Kind] = IndexFields.RecordKind,
            [IndexFields.Id] = d.RecordId,
            [IndexFields.Version] = d.Version,
            [IndexFields.Type] = record.Type,
            [IndexFields.Originator] = m.OriginatorAgency,
            [IndexFields.Classification] = (long)m.Classification,
            [IndexFields.ClassificationName] = record.ClassificationName,
            [IndexFields.BodyCaveats] = record.BodyCaveats,
            [IndexFields.TextCaveats] = IndexFields.Mask(record.TextCaveats),
            [IndexFields.NameCaveats] = IndexFields.Mask(record.NameCaveats),
            [IndexFields.RecordedAt] = IndexFields.Millis(d.RecordedAt),
            [IndexFields.ReleasableTo] = Array(m.ReleasableTo),
            [IndexFields.CaseRef] = Array(m.CaseRefs),
            [IndexFields.Caveat] = Array(record.CaveatNames),
            [IndexFields.Name] = Array(record.Names),
            [IndexFields.NameKey] = Array(record.NameKeys),
            [IndexFields.Given] = Array(record.GivenTokens),
            [IndexFields.Family] = Array(record.FamilyTokens),
            [IndexFields.DateOfBirth] = Array(record.DateOfBirthTerms),
            [IndexFields.Identifier] = Array(record.IdentifierTerms),
            [IndexFields.IdentifierValue] = Array(record.IdentifierValues),
            [IndexFields.Nationality] = Array(record.Nationalities),
            [IndexFields.ExploitationForm] = Array(record.ExploitationForms),
            [IndexFields.Text] = Array(d.Texts.Select(t => t.Text)),
            [StoredTexts] = new JsonArray([.. d.Texts.Select(t => (JsonNode)new JsonObject { ["path"] = t.FieldPath, ["text"] = t.Text })]),
            [StoredNameCaveats] = (int)record.NameCaveats,
            [StoredMarking] = Convert.ToBase64String(MarkingCodec.Encode(m)),
        };
        Flag(source, IndexFields.AllPartners, m.ReleaseToAllPartners);
        Flag(source, IndexFields.Discoverable, m.Discoverable);
        Flag(source, IndexFields.Withdrawn, m.Withdrawn);
        if (!d.DisplayPayload.IsEmpty)
        {
            source[StoredPayload] = Convert.ToBase64String(d.DisplayPayload.Span);
        }

        if (d.EventFrom is { } from)
        {
            source[IndexFields.EventFrom] = IndexFields.Millis(from);
        }

        if ((d.EventTo ?? d.EventFrom) is { } to)
        {
            source[IndexFields.EventTo] = IndexFields.Millis(to);
        }

        return source;
    }

    private static string Tombstone(string recordId, long version) => new JsonObject
    {
        [IndexFields.Kind] = IndexFields.TombstoneKind,
        [IndexFields.Id] = recordId,
        [IndexFields.Version] = version,
    }.ToJsonString();

    private string Action(string recordId, long version, string versionType) => new JsonObject
    {
        ["index"] = new JsonObject { ["_index"] = _index, ["_id"] = recordId, ["version"] = version, ["version_type"] = versionType },
    }.ToJsonString();

    private static void Flag(JsonObject source, string field, bool value)
    {
        if (value)
        {
            source[field] = IndexFields.True;
        }
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    private async Task<(long Version, bool Tombstone)?> HeldAsync(string recordId, CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(HttpMethod.GET, $"{_index}/_doc/{Uri.EscapeDataString(recordId)}?_source_includes={IndexFields.Kind}", null, cancellationToken);
        if (response.ApiCallDetails.HttpStatusCode == 404)
        {
            return null;
        }

        var body = Parse("read version", response);
        return (body["_version"]!.GetValue<long>(), body["_source"]?[IndexFields.Kind]?.GetValue<string>() == IndexFields.TombstoneKind);
    }

    private async Task SaveCheckpointAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint is not null)
        {
            await SendAsync(HttpMethod.PUT, $"{_meta}/_doc/{CheckpointId}", new JsonObject { ["checkpoint"] = checkpoint, [SchemaField] = Schema }, cancellationToken);
        }
    }

    /// <summary>Sends action and source lines; returns each item's status, having thrown on any failure but a version conflict.</summary>
    private async Task<int[]> BulkAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        var response = await _client.Transport.RequestAsync<StringResponse>(new EndpointPath(HttpMethod.POST, "_bulk"), PostData.MultiJson(lines), cancellationToken);
        var body = Parse("bulk", response);
        var statuses = (body["items"]?.AsArray() ?? []).Select(i => i!["index"]!["status"]!.GetValue<int>()).ToArray();
        var failed = statuses.Where(s => s is not (200 or 201 or 409)).ToArray();
        if (failed.Length > 0)
        {
            throw new InvalidOperationException($"Elasticsearch bulk: {failed.Length} of {statuses.Length} writes failed (status {failed[0]}).");
        }

        return statuses;
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken) =>
        Parse(method + " " + path, await SendRawAsync(method, path, body, cancellationToken));

    private Task<StringResponse> SendRawAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken) =>
        _client.Transport.RequestAsync<StringResponse>(new EndpointPath(method, path), body is null ? PostData.Empty : PostData.String(body.ToJsonString()), cancellationToken);

    private static JsonNode Parse(string what, StringResponse response)
    {
        if (!response.ApiCallDetails.HasSuccessfulStatusCode)
        {
            throw Failure(what, response);
        }

        return string.IsNullOrEmpty(response.Body) ? new JsonObject() : JsonNode.Parse(response.Body) ?? new JsonObject();
    }

    private static InvalidOperationException Failure(string what, StringResponse response) =>
        new($"Elasticsearch {what}: HTTP {response.ApiCallDetails.HttpStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "none"} {response.Body}", response.ApiCallDetails.OriginalException);

    /// <summary>
    /// The mapping of the embedded index: exact keywords for markings and identifiers, whitespace-tokenised
    /// names (normalised before indexing), folded words for text, longs for ranges. Scores use neither
    /// document frequencies nor norms, as in the embedded index, so a cursor's score stays valid between pages.
    /// </summary>
    private static JsonObject Template(string index) => new()
    {
        ["index_patterns"] = new JsonArray(index),
        ["template"] = new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["index.refresh_interval"] = "1s",
                ["index.translog.durability"] = "request",
                ["analysis"] = new JsonObject
                {
                    ["analyzer"] = new JsonObject
                    {
                        ["names"] = new JsonObject { ["type"] = "custom", ["tokenizer"] = "whitespace" },
                        ["folded"] = new JsonObject { ["type"] = "custom", ["tokenizer"] = "standard", ["filter"] = new JsonArray("lowercase", "asciifolding") },
                    },
                },
                ["similarity"] = new JsonObject
                {
                    ["stable"] = new JsonObject
                    {
                        ["type"] = "scripted",
                        ["script"] = new JsonObject { ["source"] = "return query.boost * Math.sqrt(doc.freq);" },
                    },
                },
            },
            ["mappings"] = Mappings(),
        },
    };

    private static JsonObject Mappings()
    {
        JsonObject Keyword() => new() { ["type"] = "keyword" };
        JsonObject Long() => new() { ["type"] = "long" };
        JsonObject Names() => new() { ["type"] = "text", ["analyzer"] = "names", ["position_increment_gap"] = 100, ["similarity"] = "stable" };
        JsonObject Unindexed(string type) => new() { ["type"] = type, ["index"] = false, ["doc_values"] = false };

        var properties = new JsonObject
        {
            [IndexFields.Name] = Names(),
            [IndexFields.NameKey] = Names(),
            [IndexFields.Given] = Names(),
            [IndexFields.Family] = Names(),
            [IndexFields.Text] = new JsonObject { ["type"] = "text", ["analyzer"] = "folded", ["position_increment_gap"] = 100, ["similarity"] = "stable" },
            [IndexFields.Classification] = Long(),
            [IndexFields.RecordedAt] = Long(),
            [IndexFields.EventFrom] = Long(),
            [IndexFields.EventTo] = Long(),
            [IndexFields.Version] = Long(),
            [StoredNameCaveats] = Unindexed("integer"),
            [StoredMarking] = new JsonObject { ["type"] = "binary" },
            [StoredPayload] = new JsonObject { ["type"] = "binary" },
            [StoredTexts] = new JsonObject { ["type"] = "object", ["enabled"] = false },
        };
        foreach (var field in new[]
                 {
                     IndexFields.Kind, IndexFields.Id, IndexFields.Type, IndexFields.Originator, IndexFields.ReleasableTo,
                     IndexFields.AllPartners, IndexFields.Caveat, IndexFields.CaseRef, IndexFields.Discoverable, IndexFields.Withdrawn,
                     IndexFields.BodyCaveats, IndexFields.TextCaveats, IndexFields.NameCaveats, IndexFields.DateOfBirth, IndexFields.Identifier, IndexFields.IdentifierValue,
                     IndexFields.Nationality, IndexFields.ExploitationForm, IndexFields.ClassificationName,
                 })
        {
            properties[field] = Keyword();
        }

        return new JsonObject { ["dynamic"] = "strict", ["properties"] = properties };
    }
}
