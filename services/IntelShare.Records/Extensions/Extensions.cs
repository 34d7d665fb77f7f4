using IntelShare.Access.Client;
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
        return builder;
    }

    public static WebApplication MapRecordsEndpoints(this WebApplication app)
    {
        app.MapGrpcService<RecordsGrpcService>();
        return app;
    }
}
