using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IntelShare.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>What every IntelShare service needs: authentication, gRPC with error mapping, health, telemetry.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        // Plain-HTTP endpoints must speak HTTP/2 with prior knowledge for gRPC; TLS is terminated in front.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));

        builder.AddStructuredLogging();
        builder.AddIntelShareTelemetry();
        builder.AddIntelShareAuthentication();
        builder.AddIntelShareGrpc();
        builder.Services.AddGrpcHealthChecks().AddCheck("self", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        return builder;
    }

    /// <summary>Health and reflection are the only anonymous endpoints.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}
