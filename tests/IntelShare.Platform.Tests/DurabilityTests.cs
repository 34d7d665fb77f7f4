using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

public sealed class DurabilityTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Records_and_tokens_survive_a_restart()
    {
        string token;
        string recordId;
        await using (var first = new PlatformFactory(_data.Path))
        {
            token = await first.SignInAsync("contributor");
            var records = first.Channel(token).RecordsClient();
            recordId = (await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person("durable-1") })).RecordId;
            await records.AmendAsync(new AmendRequest { RecordId = recordId, Content = TestRecords.Person("", family: "Amended") });
        }

        await using var second = new PlatformFactory(_data.Path);
        // The token issued before the restart still validates: the signing key was persisted.
        var after = second.Channel(token).RecordsClient();
        var history = await after.HistoryAsync(new HistoryRequest { RecordId = recordId, Justification = TestRecords.Because() });
        var again = await after.ContributeAsync(new ContributeRequest { Content = TestRecords.Person("durable-1", family: "Amended") });

        Assert.Equal([1L, 2L], history.Versions.Select(v => v.Version));
        Assert.Equal(ContributeOutcome.Duplicate, again.Outcome);
        Assert.Equal(recordId, again.RecordId);
    }

    [Fact]
    public async Task Production_refuses_to_start_with_demo_credentials()
    {
        await using (var development = new PlatformFactory(_data.Path))
        {
            _ = development.Server;
        }

        await using var production = new PlatformFactory(_data.Path, environment: "Production");

        var error = Assert.ThrowsAny<Exception>(() => production.Server);
        Assert.Contains("demo", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
