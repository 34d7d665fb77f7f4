using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
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

        // Over HTTP/2 Kestrel hands every request to the thread pool itself, so the connection's frame reading and
        // writing need not be handed over again. On two cores each hand-over is a thread wake-up that costs more than
        // the frames it carries; without them a Get takes about a fifth less CPU and its tail shortens.
        if (builder.Configuration.GetValue("Kestrel:InlineTransportScheduling", true))
        {
            builder.Services.Configure<SocketTransportOptions>(transport => transport.UnsafePreferInlineScheduling = true);
        }

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
