using System.CommandLine;
using System.Diagnostics;
using IntelShare.Audit.Domain;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Storage;
using IntelShare.Policy;
using Spectre.Console;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record ProofsOptions(long Entries, int InFlight, int Proofs, int Rounds, int Seed, string Out, string? DataRoot);

/// <summary>Filling the log: appends with many in flight, so each fsync covers a large group.</summary>
public sealed record FillResult(long Entries, double Seconds, double DiskGiB, CpuUsage Cpu)
{
    public double PerSecond => Entries / Seconds;
}

public sealed record ProofRound(int Round, LatencyResult Inclusion, LatencyResult Consistency);

public sealed record ProofsSummary(
    MachineInfo Machine,
    ProofsOptions Options,
    FillResult Fill,
    IReadOnlyList<ProofRound> Rounds,
    LatencyMedian Inclusion,
    LatencyMedian Consistency,
    IReadOnlyList<Target> Targets)
{
    public const double P99TargetMs = 1;
}

/// <summary>
/// The "proofs" subcommand: inclusion and consistency proof latency on a large <see cref="MerkleLog"/>, read from
/// its node files as the audit service serves them. The log is filled first (which takes a while and a few GB),
/// and deleted at the end.
/// </summary>
public static class ProofsCommand
{
    /// <summary>Distinct audit entries generated; the fill cycles through them.</summary>
    private const int DistinctEntries = 100_000;

    /// <summary>Besides the entries: offset (8), record header (36) and about two node hashes (64) per entry.</summary>
    private const int OverheadBytesPerEntry = 8 + LogFormat.RecordHeaderSize + 2 * MerkleHash.Size;

    public static Command Create(string[] commandLine)
    {
        var entries = new Option<long>("--entries") { Description = "Entries in the log the proofs are made on.", DefaultValueFactory = _ => 10_000_000 };
        entries.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 2)
            {
                result.AddError("--entries must be at least 2.");
            }
        });
        var inFlight = CommonOptions.Positive(new Option<int>("--in-flight") { Description = "Appends in flight while filling: each group commit takes all that are queued.", DefaultValueFactory = _ => 65_536 });
        var proofs = CommonOptions.Positive(new Option<int>("--proofs") { Description = "Timed inclusion proofs, and as many consistency proofs, per round.", DefaultValueFactory = _ => 20_000 });
        var rounds = CommonOptions.Runs(3);
        var seed = CommonOptions.Seed("the generated entries and of the proofs asked");
        var output = CommonOptions.Out("proofs.json");
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("proofs", "Inclusion and consistency proof latency (p50/p99/max) on a Merkle log of --entries entries, filled first and deleted after.")
        {
            entries, inFlight, proofs, rounds, seed, output, dataRoot,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            new ProofsOptions(
                parse.GetValue(entries),
                parse.GetValue(inFlight),
                parse.GetValue(proofs),
                parse.GetValue(rounds),
                parse.GetValue(seed),
                parse.GetValue(output)!,
                parse.GetValue(dataRoot)),
            commandLine,
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(ProofsOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        var root = options.DataRoot ?? Path.GetTempPath();
        Report.WriteHeader(
            machine,
            "IntelShare Merkle proof benchmark",
            ("Platform", $"in-process MerkleLog in a fresh directory under {root}, deleted at the end"),
            ("Workload",
                $"fill with {options.Entries:N0} audit entries ({options.InFlight:N0} appends in flight), then per round {options.Proofs:N0} inclusion proofs " +
                $"(random leaf, whole tree) and {options.Proofs:N0} consistency proofs (random earlier size to the whole tree), one at a time; {options.Rounds} round(s)"));

        var workload = PolicyWorkload.Generate(options.Seed, DateTimeOffset.UtcNow, (int)Math.Min(DistinctEntries, options.Entries));
        var leaves = Array.ConvertAll(workload.AuditEvents(new NeedToKnowPolicy()), AuditEntryCodec.Encode);

        // Refuse before writing rather than fill the disk others build on.
        var needed = options.Entries * (leaves.Average(l => l.Length) + OverheadBytesPerEntry);
        var available = new DriveInfo(Path.GetFullPath(root)).AvailableFreeSpace;
        AnsiConsole.MarkupLine(Markup.Escape($"The log will take about {needed / (1 << 30):0.0} GiB; {available / (double)(1 << 30):0.0} GiB are free under {root}."));
        if (needed > available * 0.8)
        {
            AnsiConsole.MarkupLine("[red]Not enough free space:[/] give --data-root on a larger disk, or fewer --entries.");
            return 1;
        }

        var directory = ScratchDirectory.Create(options.DataRoot);
        try
        {
            await using var log = MerkleLog.Open(Path.Combine(directory.FullName, "log"));
            var fill = await FillAsync(log, leaves, options, directory, cancellation);
            AnsiConsole.MarkupLine(Markup.Escape($"Filled {fill.Entries:N0} entries in {fill.Seconds:0.0} s ({fill.PerSecond:N0} appends/s, {fill.DiskGiB:0.00} GiB on disk)."));

            var random = new Random(options.Seed);
            var size = log.Count;
            var rounds = new List<ProofRound>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                var inclusion = LatencyMeter.Measure(warmup: 1_000, options.Proofs, () => log.InclusionProof(random.NextInt64(size), size));
                var consistency = LatencyMeter.Measure(warmup: 1_000, options.Proofs, () => log.ConsistencyProof(random.NextInt64(1, size), size));
                rounds.Add(new ProofRound(round, inclusion, consistency));
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"Round {round}: inclusion p50 {inclusion.P50Ms * 1000:N0} µs, p99 {inclusion.P99Ms * 1000:N0} µs; consistency p50 {consistency.P50Ms * 1000:N0} µs, p99 {consistency.P99Ms * 1000:N0} µs"));
            }

            Verify(log, random);
            var inclusionMedian = LatencyMedian.Of(rounds.Select(r => r.Inclusion))!;
            var consistencyMedian = LatencyMedian.Of(rounds.Select(r => r.Consistency))!;
            Target[] targets =
            [
                Target.AtMost($"Inclusion proof p99 on {size:N0} entries, ms (median of rounds)", ProofsSummary.P99TargetMs, inclusionMedian.P99Ms),
                Target.AtMost($"Consistency proof p99 on {size:N0} entries, ms (median of rounds)", ProofsSummary.P99TargetMs, consistencyMedian.P99Ms),
            ];
            var summary = new ProofsSummary(machine, options, fill, rounds, inclusionMedian, consistencyMedian, targets);
            WriteLatencyTable($"Inclusion proofs on {size:N0} entries, ms", rounds.Select(r => (Text(r.Round), r.Inclusion)), inclusionMedian, "CPU µs per proof");
            WriteLatencyTable($"Consistency proofs on {size:N0} entries, ms", rounds.Select(r => (Text(r.Round), r.Consistency)), consistencyMedian, "CPU µs per proof");
            Conclude(summary, targets, options.Out);
            return 0;
        }
        finally
        {
            AnsiConsole.MarkupLine(Markup.Escape($"Deleting {directory.FullName}..."));
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Keeps <see cref="ProofsOptions.InFlight"/> appends queued so the writer always finds a large group to commit,
    /// awaiting each slot's previous append before reusing it.
    /// </summary>
    private static async Task<FillResult> FillAsync(MerkleLog log, byte[][] leaves, ProofsOptions options, DirectoryInfo directory, CancellationToken cancellation)
    {
        var window = new Task<long>[Math.Min(options.InFlight, options.Entries)];
        var cpu = CpuMeter.Start(Environment.ProcessId);
        var start = Stopwatch.GetTimestamp();
        var lastReport = start;
        for (long i = 0; i < options.Entries; i++)
        {
            var slot = i % window.Length;
            if (window[slot] is { } previous)
            {
                await previous;
            }

            window[slot] = log.AppendAsync(leaves[i % leaves.Length]);
            if (Stopwatch.GetElapsedTime(lastReport).TotalSeconds >= 10)
            {
                cancellation.ThrowIfCancellationRequested();
                lastReport = Stopwatch.GetTimestamp();
                var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"  {log.Count:N0} of {options.Entries:N0} durable ({100.0 * log.Count / options.Entries:0}%) after {elapsed:0} s, {log.Count / elapsed:N0} appends/s"));
            }
        }

        await Task.WhenAll(window.Where(t => t is not null));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var usage = cpu.Stop();
        if (log.Count != options.Entries)
        {
            throw new BenchmarkException($"The log holds {log.Count:N0} entries after appending {options.Entries:N0}.");
        }

        var bytes = directory.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        return new FillResult(log.Count, seconds, bytes / (double)(1 << 30), usage);
    }

    /// <summary>Timing proofs that are wrong would prove nothing: a sample is checked against the roots.</summary>
    private static void Verify(MerkleLog log, Random random)
    {
        var size = log.Count;
        var root = log.Root();
        for (var i = 0; i < 100; i++)
        {
            var leaf = random.NextInt64(size);
            var inclusion = ProofVerifier.VerifyInclusion(leaf, size, log.LeafHash(leaf), log.InclusionProof(leaf, size), root);
            var earlier = random.NextInt64(1, size);
            var consistency = ProofVerifier.VerifyConsistency(earlier, size, log.Root(earlier), root, log.ConsistencyProof(earlier, size));
            if (!inclusion.IsValid || !consistency.IsValid)
            {
                throw new BenchmarkException($"A proof does not verify: inclusion of {leaf}: {inclusion}; consistency from {earlier}: {consistency}.");
            }
        }
    }
}
