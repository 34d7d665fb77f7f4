using IntelShare.Contracts.V1;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

public sealed class AuditVerifyTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly TemporaryDirectory _work = new();

    public void Dispose()
    {
        _data.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Audit_verify_passes_on_the_real_log_and_names_the_entry_after_one_byte_is_edited()
    {
        var head = Path.Combine(_work.Path, "head.json");
        await using (var platform = new PlatformFactory(_data.Path))
        {
            var records = (await platform.ChannelForAsync("contributor")).RecordsClient();
            for (var i = 0; i < 5; i++)
            {
                var created = await records.ContributeAsync(new ContributeRequest { Content = TestRecords.Person(TestRecords.UniqueRef("audit")) });
                await records.GetAsync(new GetRecordRequest { RecordId = created.RecordId, Justification = TestRecords.Because("verify test") });
            }

            var oversight = new CliRunner(platform, Path.Combine(_work.Path, "oversight-home"));
            Assert.Equal(0, await oversight.Run("login", "--user", "oversight", "--password", PlatformFactory.DemoPassword));
            Assert.Equal(0, await oversight.Run("audit", "verify", "--entries", "--save-head", head));
        }

        // One byte of the third entry's data, flipped on disk while the platform is down.
        var entries = Path.Combine(_data.Path, "audit", "entries.log");
        var offset = EntryDataOffset(entries, index: 2) + 5;
        await using (var file = new FileStream(entries, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset;
            var value = file.ReadByte();
            file.Position = offset;
            file.WriteByte((byte)(value ^ 0x20));
        }

        await using (var restarted = new PlatformFactory(_data.Path))
        {
            var oversight = new CliRunner(restarted, Path.Combine(_work.Path, "oversight-home"));
            var exit = await oversight.Run("audit", "verify", "--entries", "--previous-head", head);

            Assert.Equal(1, exit);
            Assert.Contains("entry 2", oversight.Output, StringComparison.OrdinalIgnoreCase);
            var auditLog = new AuditLogService.AuditLogServiceClient(await restarted.ChannelForAsync("oversight"));
            var served = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => auditLog.GetEntriesAsync(new GetEntriesRequest { Start = 0, Count = 10 }).ResponseAsync);
            Assert.Equal(Grpc.Core.StatusCode.DataLoss, served.StatusCode);
        }
    }

    /// <summary>entries.log: an 8-byte header, then per entry a 4-byte big-endian length, a 32-byte leaf hash and the data.</summary>
    private static long EntryDataOffset(string path, int index)
    {
        using var file = File.OpenRead(path);
        var position = 8L;
        Span<byte> length = stackalloc byte[4];
        for (var i = 0; ; i++)
        {
            file.Position = position;
            file.ReadExactly(length);
            if (i == index)
            {
                return position + 4 + 32;
            }

            position += 4 + 32 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(length);
        }
    }
}
