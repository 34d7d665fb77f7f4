using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;
using IntelShare.Testing;

namespace IntelShare.Platform.Tests;

public sealed class CrashTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Killing_the_host_mid_import_loses_no_acknowledged_record_and_a_rerun_completes_without_duplicates()
    {
        const int total = 20_000;
        const int batchSize = 1_000;
        var acknowledged = 0;
        await using (var host = await HostProcess.StartAsync(_data.Path))
        {
            var records = host.Channel(await host.SignInAsync("contributor")).RecordsClient();
            var import = Task.Run(async () =>
            {
                for (var start = 0; start < total; start += batchSize)
                {
                    var response = await SendBatch(records, start, batchSize);
                    Interlocked.Add(ref acknowledged, (int)response.Accepted);
                }
            });

            while (Volatile.Read(ref acknowledged) < 3 * batchSize && !import.IsCompleted)
            {
                await Task.Delay(10);
            }

            host.Kill();
            var interrupted = await Xunit.Record.ExceptionAsync(() => import);
            // The kill surfaces as a gRPC status or, mid-write of the request stream, as the connection dropping.
            Assert.True(interrupted is null or RpcException or IOException or HttpRequestException, $"Unexpected failure: {interrupted}");
            Assert.True(acknowledged < total, "The import finished before the kill: nothing was tested.");
        }

        await using var restarted = await HostProcess.StartAsync(_data.Path);
        var changeLog = restarted.Channel(await restarted.SignInAsPlatformServicesAsync()).RecordsClient();
        var survivedBeforeRerun = (await CreatedChanges(changeLog)).Count;
        Assert.True(survivedBeforeRerun >= acknowledged, $"{acknowledged} acknowledged but {survivedBeforeRerun} survived the kill.");

        var contributor = restarted.Channel(await restarted.SignInAsync("contributor")).RecordsClient();
        long duplicates = 0;
        for (var start = 0; start < total; start += batchSize)
        {
            duplicates += (await SendBatch(contributor, start, batchSize)).Duplicates;
        }

        var created = await CreatedChanges(changeLog);
        Assert.Equal(total, created.Count);
        Assert.Equal(total, created.Distinct().Count());
        Assert.Equal(survivedBeforeRerun, duplicates);
    }

    private static async Task<ContributeStreamResponse> SendBatch(RecordsService.RecordsServiceClient records, int start, int count)
    {
        using var call = records.ContributeStream();
        for (var i = start; i < start + count; i++)
        {
            await call.RequestStream.WriteAsync(new ContributeRequest { Content = TestRecords.Person($"crash-{i}", given: $"Given{i}") });
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private static async Task<List<string>> CreatedChanges(RecordsService.RecordsServiceClient changeLog)
    {
        using var call = changeLog.ReadChanges(new ReadChangesRequest());
        var created = new List<string>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var change = call.ResponseStream.Current;
            Assert.NotEqual(ChangeKind.RecordAmended, change.Kind);
            if (change.Kind == ChangeKind.RecordCreated)
            {
                created.Add(change.Record.Content.SourceRef);
            }
        }

        return created;
    }
}
