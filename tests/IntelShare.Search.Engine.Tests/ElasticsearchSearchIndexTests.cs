using IntelShare.Search.Engine.Elasticsearch;

namespace IntelShare.Search.Engine.Tests;

/// <summary>The index contract against a real Elasticsearch server; skipped, with the reason, when none is configured.</summary>
[RequiresEnvironment(ServerVariable)]
public sealed class ElasticsearchSearchIndexContractTests : SearchIndexContract
{
    private const string ServerVariable = "ELASTICSEARCH_URL";

    // Each test gets its own index, so tests neither see nor clear each other's records.
    protected override ISearchIndex CreateIndex(TimeProvider time) =>
        ElasticsearchSearchIndex.OpenAsync(new ElasticsearchSearchIndexOptions
        {
            Server = new Uri(Environment.GetEnvironmentVariable(ServerVariable)!),
            IndexName = "intelshare-contract-" + Guid.NewGuid().ToString("N"),
            Time = time,
        }).GetAwaiter().GetResult();
}
