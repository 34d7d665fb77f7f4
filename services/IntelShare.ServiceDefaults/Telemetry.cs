using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace IntelShare.ServiceDefaults;

public static class TelemetryExtensions
{
    /// <summary>Name of the ActivitySource and Meter that IntelShare's own code reports through.</summary>
    public const string SourceName = "IntelShare";

    public static IHostApplicationBuilder AddIntelShareTelemetry(this IHostApplicationBuilder builder)
    {
        // Trace and measure only where a collector is configured, so that a laptop run needs nothing else. Without
        // one, the instrumentation would still build a span and record histograms for every call, for nobody.
        // dotnet-counters and other in-process listeners see the meters either way.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(SourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health")))
            .WithMetrics(metrics => metrics
                .AddMeter(SourceName)
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel", "Grpc.AspNetCore.Server"))
            .UseOtlpExporter();
        return builder;
    }
}
