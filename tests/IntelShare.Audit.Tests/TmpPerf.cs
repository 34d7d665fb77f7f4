using System.Diagnostics;
using IntelShare.Audit.Domain;
using IntelShare.Audit.Log.Storage;
using Xunit.Abstractions;

namespace IntelShare.Audit.Tests;

public sealed class TmpPerf(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();
    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(64, false, 0)]
    [InlineData(64, true, 0)]
    [InlineData(256, true, 0)]
    [InlineData(64, true, 2)]
    [InlineData(256, true, 2)]
    public async Task Throughput(int writers, bool audit, int readerCount)
    {
        var dir = _temp.Sub($"a{writers}{audit}{readerCount}");
        await using var log = AuditLogs.Open(dir);
        var bytes = AuditEntryCodec.Encode(Events.Read(resourceCases: ["OP-1"]));
        var ev = new[] { Events.Read(resourceCases: ["OP-1"]) };
        var stop = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(4);
        long count = 0;
        var readers = Enumerable.Range(0, readerCount).Select(_ => Task.Run(async () =>
        {
            long proofs = 0;
            while (stop.Elapsed < duration)
            {
                var n = log.Count;
                if (n > 1) { log.GetInclusionProof(n / 2, n); proofs++; }
                if (proofs % 16 == 0) await Task.Delay(1);
            }
            return proofs;
        })).ToArray();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (stop.Elapsed < duration)
            {
                if (audit) await log.AppendAsync(ev, CancellationToken.None);
                else await log.Log.AppendAsync(bytes);
                Interlocked.Increment(ref count);
            }
        })));
        var elapsed = stop.Elapsed.TotalSeconds;
        var proofs = (await Task.WhenAll(readers)).Sum();
        var sw = Stopwatch.StartNew();
        await new OversightQueries(log, new AnomalyDetector()).DeniedAttemptsAsync(Subjects.Oversight, new PeriodQuery(), CancellationToken.None);
        output.WriteLine($"writers {writers} audit {audit} readers {readerCount}: {count / elapsed:N0} appends/s, {proofs / elapsed:N0} proofs/s; index caught up {log.Count} in {sw.ElapsedMilliseconds} ms after");
    }
}
