using IntelShare.Access.Client;
using IntelShare.Projections;
using IntelShare.Search.Domain;
using IntelShare.Search.Engine;
using IntelShare.Search.Engine.Elasticsearch;
using IntelShare.Search.Engine.Lucene;
using IntelShare.Search.Grpc;
using IntelShare.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.Search.Extensions;

public static class Extensions
{
    /// <summary>
    /// Search over records in {DataDirectory}/search on the embedded Lucene index, projected from the Records change
    /// log. A missing or damaged index is recreated empty and rebuilt from Records, with a log line saying why.
    /// Records and Access are those in this process, or else the services at Records:Address and Access:Address.
    /// </summary>
    public static IHostApplicationBuilder AddSearchServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddRecordsChangeSource();
        builder.AddAccessClient();
        builder.AddResolutionReplica();
        builder.Services.AddSingleton<ISearchIndex>(services =>
        {
            // Elasticsearch when Search:Index is "elasticsearch" (Elasticsearch:Url, Elasticsearch:Index); the same
            // projection, queries and need-to-know conditions run against either.
            var engine = configuration["Search:Index"] ?? "lucene";
            if (string.Equals(engine, "elasticsearch", StringComparison.OrdinalIgnoreCase))
            {
                var url = configuration["Elasticsearch:Url"] is { Length: > 0 } configured
                    ? new Uri(configured)
                    : throw new InvalidOperationException("Search:Index is elasticsearch but Elasticsearch:Url is not set: give the cluster's address, e.g. http://localhost:9200.");
                return ElasticsearchSearchIndex.OpenAsync(new ElasticsearchSearchIndexOptions
                {
                    Server = url,
                    IndexName = configuration["Elasticsearch:Index"] ?? "intelshare-search",
                    Time = services.GetRequiredService<TimeProvider>(),
                }).GetAwaiter().GetResult();
            }

            if (!string.Equals(engine, "lucene", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Search:Index is '{engine}': use lucene (the default) or elasticsearch.");
            }

            var path = DataDirectory.Resolve(configuration, "search");
            var opened = LuceneSearchIndex.Open(path, new LuceneSearchIndexOptions
            {
                Time = services.GetRequiredService<TimeProvider>(),
                CommitInterval = configuration.GetValue("Search:CommitInterval", TimeSpan.FromSeconds(5)),
            });
            if (opened.NeedsRebuild)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger("IntelShare.Search")
                    .LogWarning("Search index in {Path}: {Status} ({Reason}); rebuilding it from the Records change log", path, opened.Status, opened.Reason);
            }

            return opened.Index;
        });
        builder.Services.AddSingleton<SearchProjection>();
        builder.Services.AddProjection<SearchProjection>();
        return builder;
    }

    public static WebApplication MapSearchEndpoints(this WebApplication app)
    {
        app.MapGrpcService<SearchGrpcService>();
        return app;
    }
}
