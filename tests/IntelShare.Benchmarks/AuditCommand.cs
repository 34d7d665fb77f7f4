using System.CommandLine;
using System.Diagnostics;
using IntelShare.Audit.Domain;
using IntelShare.Audit.Log.Storage;
using IntelShare.Domain;
using IntelShare.Policy;
using Spectre.Console;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

/// <param name="ProofsPerSecond">Inclusion proofs each proof reader asks for per second; 0 asks back to back.</param>
/// <param name="QueriesPerSecond">Oversight queries each query reader makes per second; 0 asks back to back.</param>
public sealed record AuditOptions(int Appenders, int Appends, int Warmup, int Readers, double ProofsPerSecond, double QueriesPerSecond, int Runs, int Seed, string Out, string? DataRoot);

/// <summary>Appends that all completed, i.e. were durable, over the wall time from the first to the last.</summary>
/// <param name="Latency">Each append's wait, as the service request behind it would wait; its CPU is this whole process's.</param>
public sealed record AppendRate(long Appends, double Seconds, LatencyResult Latency)
{
    public double PerSecond => Appends / Seconds;
}

/// <summary>What the concurrent readers got done while the appends were timed.</summary>
public sealed record ReaderActivity(long TreeHeads, long InclusionProofs, long ConsistencyProofs, long Queries, long EntriesReturned, long Failures, string? FirstFailure, double Seconds)
{
    public double ProofsPerSecond => (InclusionProofs + ConsistencyProofs) / Seconds;

    public double QueriesPerSecond => Queries / Seconds;
}

/// <param name="Audited">The figure asked for: AuditLog appends with the readers running.</param>
/// <param name="Unread">AuditLog appends with no readers, to tell the readers' cost from the log's.</param>
public sealed record AuditRun(int Run, AppendRate Audited, ReaderActivity Readers, AppendRate Unread, AppendRate Bare);

public sealed record AuditMedian(
    double AuditedPerSecond,
    LatencyMedian AuditedLatency,
    double ProofsPerSecond,
    double QueriesPerSecond,
    double UnreadPerSecond,
    LatencyMedian UnreadLatency,
    double BarePerSecond,
    LatencyMedian BareLatency);

public sealed record AuditSummary(MachineInfo Machine, AuditOptions Options, LatencyResult DiskFsync, IReadOnlyList<AuditRun> Runs, AuditMedian Median, IReadOnlyList<Target> Targets)
{
    public const double TargetPerSecond = 20_000;
}

/// <summary>
/// The "audit" subcommand: durable audit appends per second in-process, through <see cref="AuditLog"/> as the
/// services append (encoding, Merkle log with group commit and fsync, index follower), from concurrent appenders
/// each awaiting its own append as a request would, while readers fetch signed heads and proofs and query as
/// oversight does. Then, for comparison, the same appends without readers, and on the bare <see cref="MerkleLog"/>
/// (no encoding, no index): the ceiling the log itself sets.
/// </summary>
public static class AuditCommand
{
    private const int ProofsPerHead = 100;

    public static Command Create(string[] commandLine)
    {
        var appenders = CommonOptions.Positive(new Option<int>("--appenders") { Description = "Concurrent appenders, each awaiting its own append before the next, as concurrent requests do.", DefaultValueFactory = _ => 64 });
        var appends = CommonOptions.Positive(new Option<int>("--appends") { Description = "Timed appends per run (each log).", DefaultValueFactory = _ => 100_000 });
        var warmup = CommonOptions.NotNegative(new Option<int>("--warmup") { Description = "Untimed appends before the timed ones (each log).", DefaultValueFactory = _ => 2_000 });
        var readers = CommonOptions.NotNegative(new Option<int>("--readers") { Description = "Reader threads during the audited appends, alternately fetching proofs and querying.", DefaultValueFactory = _ => 2 });
        var proofRate = CommonOptions.NotNegative(new Option<double>("--proofs-per-second") { Description = "Inclusion proofs per second each proof reader asks for, as verifiers checking every access would; 0 asks back to back, which measures how the machine's cores are shared rather than the log.", DefaultValueFactory = _ => 2_000 });
        var queryRate = CommonOptions.NotNegative(new Option<double>("--queries-per-second") { Description = "Oversight queries per second each query reader makes; 0 asks back to back.", DefaultValueFactory = _ => 20 });
        var runs = CommonOptions.Runs(3);
        var seed = CommonOptions.Seed("the generated access decisions");
        var output = CommonOptions.Out("audit.json");
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("audit", "In-process durable audit appends per second from concurrent appenders, with concurrent proof and query readers; and the bare Merkle log's rate.")
        {
            appenders, appends, warmup, readers, proofRate, queryRate, runs, seed, output, dataRoot,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            new AuditOptions(
                parse.GetValue(appenders),
                parse.GetValue(appends),
                parse.GetValue(warmup),
                parse.GetValue(readers),
                parse.GetValue(proofRate),
                parse.GetValue(queryRate),
                parse.GetValue(runs),
                parse.GetValue(seed),
                parse.GetValue(output)!,
                parse.GetValue(dataRoot)),
            commandLine,
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AuditOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        Report.WriteHeader(
            machine,
            "IntelShare audit log benchmark",
            ("Platform", $"in-process AuditLog (Merkle log, fsync per group commit, SQLite index) in a fresh directory per run under {options.DataRoot ?? Path.GetTempPath()}"),
            ("Workload",
                $"{options.Appends:N0} audit events of mixed access decisions per run after {options.Warmup:N0} warm-up, from {options.Appenders} appenders; " +
                $"{options.Readers} reader(s) meanwhile (signed head and {ProofsPerHead} inclusion proofs + 1 consistency proof, {Rate(options.ProofsPerSecond)} proofs/s; oversight queries, {Rate(options.QueriesPerSecond)}/s); " +
                $"then the same without readers, and on the bare MerkleLog; a fresh log each; {options.Runs} run(s)"));

        var fsync = FsyncProbe.Measure(options.DataRoot);
        var workload = PolicyWorkload.Generate(options.Seed, DateTimeOffset.UtcNow, options.Warmup + options.Appends);
        var events = workload.AuditEvents(new NeedToKnowPolicy());
        var leaves = Array.ConvertAll(events, AuditEntryCodec.Encode);
        AnsiConsole.MarkupLine(Markup.Escape($"Audit entries of {leaves.Min(l => l.Length)}-{leaves.Max(l => l.Length)} bytes, {leaves.Average(l => l.Length):0} on average."));

        var runs = new List<AuditRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            AnsiConsole.MarkupLine($"[grey]Run {run}/{options.Runs}...[/]");
            var directory = ScratchDirectory.Create(options.DataRoot);
            try
            {
                var (audited, readers) = await AuditedAsync(Path.Combine(directory.FullName, "audit"), events, workload, options, options.Readers, run, cancellation);
                var (unread, _) = await AuditedAsync(Path.Combine(directory.FullName, "unread"), events, workload, options, 0, run, cancellation);
                var bare = await BareAsync(Path.Combine(directory.FullName, "bare"), leaves, options);
                runs.Add(new AuditRun(run, audited, readers, unread, bare));
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"Run {run}: AuditLog {audited.PerSecond:N0} appends/s (p99 wait {audited.Latency.P99Ms:0.00} ms) with {readers.ProofsPerSecond:N0} proofs/s and {readers.QueriesPerSecond:N0} queries/s; " +
                    $"without readers {unread.PerSecond:N0}/s; bare MerkleLog {bare.PerSecond:N0}/s"));
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }

        var median = new AuditMedian(
            Statistics.Median(runs.Select(r => r.Audited.PerSecond)),
            LatencyMedian.Of(runs.Select(r => r.Audited.Latency))!,
            Statistics.Median(runs.Select(r => r.Readers.ProofsPerSecond)),
            Statistics.Median(runs.Select(r => r.Readers.QueriesPerSecond)),
            Statistics.Median(runs.Select(r => r.Unread.PerSecond)),
            LatencyMedian.Of(runs.Select(r => r.Unread.Latency))!,
            Statistics.Median(runs.Select(r => r.Bare.PerSecond)),
            LatencyMedian.Of(runs.Select(r => r.Bare.Latency))!);
        Target[] targets =
        [
            Target.AtLeast($"Durable audit appends/s, AuditLog, {options.Appenders} appenders, {options.Readers} readers (median of runs)", AuditSummary.TargetPerSecond, median.AuditedPerSecond),
        ];
        var summary = new AuditSummary(machine, options, fsync, runs, median, targets);
        WriteSummary(summary);
        Conclude(summary, targets, options.Out);
        return 0;
    }

    private static string Rate(double perSecond) => perSecond > 0 ? perSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "as many";

    private static async Task<(AppendRate, ReaderActivity)> AuditedAsync(
        string directory, AuditEvent[] events, PolicyWorkload workload, AuditOptions options, int readerCount, int run, CancellationToken cancellation)
    {
        await using var log = AuditLog.Open(new AuditLogOptions { Directory = directory });
        await AppendConcurrentlyAsync(options.Appenders, 0, options.Warmup, i => log.AppendAsync([events[i]], cancellation));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var counters = new ReaderCounters();
        var queries = new OversightQueries(log, new AnomalyDetector());
        var readers = Enumerable.Range(0, readerCount).Select(r =>
        {
            var random = new Random(options.Seed + run * 31 + r);
            Action read = r % 2 == 0
                ? () => ReadProofs(log, random, counters, new Pace(options.ProofsPerSecond), stop.Token)
                : () => Query(queries, workload, random, counters, new Pace(options.QueriesPerSecond), stop.Token);

            // Threads of their own: a reader that never yields would otherwise hold a pool thread the appenders' continuations need.
            return Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }).ToArray();

        var start = Stopwatch.GetTimestamp();
        var rate = await AppendConcurrentlyAsync(options.Appenders, options.Warmup, options.Appends, i => log.AppendAsync([events[i]], cancellation));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        return (rate, counters.Snapshot(seconds));
    }

    private static async Task<AppendRate> BareAsync(string directory, byte[][] leaves, AuditOptions options)
    {
        await using var log = MerkleLog.Open(directory);
        await AppendConcurrentlyAsync(options.Appenders, 0, options.Warmup, i => log.AppendAsync(leaves[i]));
        return await AppendConcurrentlyAsync(options.Appenders, options.Warmup, options.Appends, i => log.AppendAsync(leaves[i]));
    }

    /// <summary>Appends items [first, first + count) from <paramref name="appenders"/> concurrent loops, each awaiting its own append.</summary>
    private static async Task<AppendRate> AppendConcurrentlyAsync(int appenders, int first, int count, Func<int, Task> append)
    {
        var latencies = new double[count];
        var next = -1;
        var cpu = CpuMeter.Start(Environment.ProcessId);
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(appenders, Math.Max(count, 1))).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var began = Stopwatch.GetTimestamp();
                await append(first + i);
                latencies[i] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return count == 0 ? new AppendRate(0, seconds, LatencyResult.Of([0], cpu.Stop())) : new AppendRate(count, seconds, LatencyResult.Of(latencies, cpu.Stop()));
    }

    /// <summary>As a verifier does: the latest signed head, then inclusion proofs of entries in it and its consistency with the previous head.</summary>
    private static void ReadProofs(AuditLog log, Random random, ReaderCounters counters, Pace pace, CancellationToken stop)
    {
        long previous = 0;
        while (!stop.IsCancellationRequested)
        {
            var size = log.GetSignedTreeHead().Head.TreeSize;
            Interlocked.Increment(ref counters.TreeHeads);
            for (var k = 0; k < ProofsPerHead && !stop.IsCancellationRequested; k++)
            {
                pace.Wait(stop);
                log.GetInclusionProof(random.NextInt64(size), size);
                Interlocked.Increment(ref counters.InclusionProofs);
            }

            if (previous > 0 && previous < size)
            {
                log.GetConsistencyProof(previous, size);
                Interlocked.Increment(ref counters.ConsistencyProofs);
            }

            previous = size;
        }
    }

    /// <summary>As oversight does: who read a record, what a user did, which attempts were denied; each waits for the index to reach the log.</summary>
    private static void Query(OversightQueries queries, PolicyWorkload workload, Random random, ReaderCounters counters, Pace pace, CancellationToken stop)
    {
        var oversight = new Subject("bench-oversight", "Benchmark oversight officer", PolicyWorkload.OversightAgency,
            new HashSet<string>([Roles.Oversight], StringComparer.Ordinal), ClearanceLevel.TopSecret, new HashSet<string>(CaveatNames.Names(CaveatNames.All), StringComparer.Ordinal));
        var page = new PeriodQuery(PageSize: 50);
        for (var q = 0; !stop.IsCancellationRequested; q++)
        {
            try
            {
                pace.Wait(stop);
                var found = (q % 3) switch
                {
                    0 => queries.ActivityAsync(oversight, workload.Subjects[random.Next(workload.Subjects.Length)].UserId, null, page, stop),
                    1 => queries.WhoAccessedAsync(oversight, workload.Resources[workload.ResourceOf[random.Next(workload.Decisions)]].ResourceId, null, page, stop),
                    _ => queries.DeniedAttemptsAsync(oversight, page, stop),
                };
                var entries = found.GetAwaiter().GetResult().Entries.Count;
                Interlocked.Increment(ref counters.Queries);
                Interlocked.Add(ref counters.EntriesReturned, entries);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is DomainException or IOException)
            {
                // Counted and shown rather than ending the run: a query timing out on a lagging index is a finding.
                if (Interlocked.Increment(ref counters.Failures) == 1)
                {
                    counters.FirstFailure = error.Message;
                }
            }
        }
    }

    /// <summary>
    /// Holds a reader to a rate: it sleeps while ahead of it and catches up in a burst when a sleep ran long,
    /// so the rate holds although sleeps are only about a millisecond fine. A rate of 0 never waits.
    /// </summary>
    private sealed class Pace(double perSecond)
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private long _done;

        public void Wait(CancellationToken stop)
        {
            if (perSecond <= 0)
            {
                return;
            }

            var due = TimeSpan.FromSeconds(_done++ / perSecond) - Stopwatch.GetElapsedTime(_start);
            if (due > TimeSpan.Zero)
            {
                stop.WaitHandle.WaitOne(due);
            }
        }
    }

    private sealed class ReaderCounters
    {
        public long TreeHeads;
        public long InclusionProofs;
        public long ConsistencyProofs;
        public long Queries;
        public long EntriesReturned;
        public long Failures;
        public string? FirstFailure;

        public ReaderActivity Snapshot(double seconds) =>
            new(TreeHeads, InclusionProofs, ConsistencyProofs, Queries, EntriesReturned, Failures, FirstFailure, seconds);
    }

    private static void WriteSummary(AuditSummary summary)
    {
        var table = Table("Durable appends (an append counts when its task completes, i.e. after the fsync of its group)",
            "Run", "Log", "Appends", "Wall s", "Appends/s", "Wait p50 ms", "p99 ms", "max ms", "Process CPU s (cores)");
        foreach (var run in summary.Runs)
        {
            foreach (var (name, rate) in new[] { ("AuditLog + readers", run.Audited), ("AuditLog, no readers", run.Unread), ("bare MerkleLog", run.Bare) })
            {
                table.AddRow(Text(run.Run), Markup.Escape(name), Text(rate.Appends), Number(rate.Seconds, "0.00"), Number(rate.PerSecond, "N0"),
                    Number(rate.Latency.P50Ms, "0.00"), Number(rate.Latency.P99Ms, "0.00"), Number(rate.Latency.MaxMs, "0.00"),
                    Cpu(rate.Latency.Cpu.HostCpuSeconds, rate.Latency.Cpu.HostCpuSeconds / rate.Seconds));
            }
        }

        var median = summary.Median;
        table.AddRow("[bold]median[/]", "AuditLog + readers", "", "", Bold(Number(median.AuditedPerSecond, "N0")),
            Number(median.AuditedLatency.P50Ms, "0.00"), Number(median.AuditedLatency.P99Ms, "0.00"), Number(median.AuditedLatency.MaxMs, "0.00"), "");
        table.AddRow("[bold]median[/]", "AuditLog, no readers", "", "", Bold(Number(median.UnreadPerSecond, "N0")),
            Number(median.UnreadLatency.P50Ms, "0.00"), Number(median.UnreadLatency.P99Ms, "0.00"), Number(median.UnreadLatency.MaxMs, "0.00"), "");
        table.AddRow("[bold]median[/]", "bare MerkleLog", "", "", Bold(Number(median.BarePerSecond, "N0")),
            Number(median.BareLatency.P50Ms, "0.00"), Number(median.BareLatency.P99Ms, "0.00"), Number(median.BareLatency.MaxMs, "0.00"), "");
        AnsiConsole.Write(table);

        var readers = Table("Readers during the AuditLog appends", "Run", "Signed heads", "Inclusion proofs", "Consistency proofs", "Proofs/s", "Queries", "Queries/s", "Entries returned", "Failures");
        foreach (var run in summary.Runs)
        {
            var r = run.Readers;
            readers.AddRow(Text(run.Run), Text(r.TreeHeads), Text(r.InclusionProofs), Text(r.ConsistencyProofs), Number(r.ProofsPerSecond, "N0"),
                Text(r.Queries), Number(r.QueriesPerSecond, "N1"), Text(r.EntriesReturned), Text(r.Failures));
        }

        AnsiConsole.Write(readers);
        foreach (var failure in summary.Runs.Where(r => r.Readers.FirstFailure is not null))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"Run {failure.Run}: first reader failure: {failure.Readers.FirstFailure}"));
        }

        WriteLatencyTable($"For comparison: one {FsyncProbe.AppendBytes}-byte append + fsync on the data disk, ms", [("probe", summary.DiskFsync)], null, "CPU µs per call");
    }
}
