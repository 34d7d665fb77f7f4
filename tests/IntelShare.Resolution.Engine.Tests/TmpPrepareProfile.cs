using System.Diagnostics;
using IntelShare.Resolution.Engine.Evaluation;
using IntelShare.Resolution.Engine.Model;
using Xunit.Abstractions;

namespace IntelShare.Resolution.Engine.Tests;

public sealed class TmpPrepareProfile(ITestOutputHelper output)
{
    [Fact]
    public void Profile()
    {
        var r = new SyntheticPeople(5).Generate(1_000_000).Records;
        void Time(string name, Action action)
        {
            var gc = GC.CollectionCount(2);
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            action();
            output.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:0.00} s wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s cpu, gen2 {GC.CollectionCount(2) - gc}");
        }

        Time("first 100", () => { for (var i = 0; i < 100; i++) { Preparation.Prepare(r[i]); } });
        var prepared = new PreparedRecord[r.Count];
        Time("parallel 1M", () => Parallel.For(0, r.Count, i => prepared[i] = Preparation.Prepare(r[i])));
    }
}
