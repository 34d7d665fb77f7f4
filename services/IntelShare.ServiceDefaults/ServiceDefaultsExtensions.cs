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
        // Last: every AddGrpc (AddGrpcHealthChecks makes one) registers grpc-dotnet's own binder again.
        builder.Services.BindServicesWithRequestParsingChecked();
        return builder;
    }

    /// <summary>
    /// Runs the service until it is stopped. One that cannot start (an unusable data directory, demo credentials in
    /// production) exits with code 1 once the host has logged why, instead of dying of the unhandled exception: an
    /// abort signal, a core dump where enabled, and the stack printed a second time after the log's.
    /// </summary>
    public static void RunService(this WebApplication app)
    {
        // Read before running: a host that failed to start has disposed the services the environment comes from.
        var service = app.Environment.ApplicationName;
        // Only as the process's own program: a test host running it in-process (WebApplicationFactory) needs the exception.
        var ownProcess = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == service;
        try
        {
            app.Run();
        }
        catch (Exception error) when (ownProcess)
        {
            Console.Error.WriteLine($"{service} did not start: {error.Message}");
            Environment.ExitCode = 1;
        }
    }

    /// <summary>Health and reflection are the only anonymous endpoints.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        MalformedRequests.EnsureServicesBoundChecked(app.Services);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}
