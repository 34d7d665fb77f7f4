using Grpc.Net.Client;
using IntelShare.Access.Client;
using IntelShare.Contracts.V1;
using IntelShare.Projections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using IntelShare.Records.Domain;
using IntelShare.Records.Grpc;
using IntelShare.ServiceDefaults;

namespace IntelShare.Records.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddRecordsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new RecordStore(
            Path.Combine(DataDirectory.Resolve(builder.Configuration), "records.db"),
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IRecordDirectory, RecordDirectory>();
        // Projections hosted beside Records read its change log directly rather than over gRPC.
        builder.Services.AddSingleton<IChangeSource, RecordStoreChangeSource>();
        builder.Services.AddHttpContextAccessor();
        // Where Access runs in this process it has registered the audited in-process checker already;
        // otherwise decisions are asked of the Access service, on the caller's own token.
        builder.Services.TryAddSingleton<IAccessChecker>(services =>
        {
            var address = builder.Configuration["Access:Address"] is { Length: > 0 } configured
                ? configured
                : throw new InvalidOperationException("Records needs the Access service: set Access:Address to its URL, or host Access in this process.");
            var accessor = services.GetRequiredService<IHttpContextAccessor>();
            var client = new AccessService.AccessServiceClient(GrpcChannel.ForAddress(address));
            return new RemoteAccessChecker(client, () => accessor.HttpContext?.Request.Headers.Authorization.ToString());
        });
        return builder;
    }

    public static WebApplication MapRecordsEndpoints(this WebApplication app)
    {
        app.MapGrpcService<RecordsGrpcService>();
        return app;
    }
}
