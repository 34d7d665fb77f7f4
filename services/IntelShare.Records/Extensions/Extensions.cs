using IntelShare.Access.Client;
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
        // Projections hosted beside Records read its change log and markings directly rather than over gRPC.
        builder.Services.AddSingleton<RecordStoreChangeSource>();
        builder.Services.AddSingleton<IChangeSource>(services => services.GetRequiredService<RecordStoreChangeSource>());
        builder.Services.AddSingleton<IRecordMarkings>(services => services.GetRequiredService<RecordStoreChangeSource>());
        builder.AddAccessClient();
        return builder;
    }

    public static WebApplication MapRecordsEndpoints(this WebApplication app)
    {
        app.MapGrpcService<RecordsGrpcService>();
        return app;
    }
}
