using System.CommandLine;
using System.Diagnostics;
using System.Threading.Channels;
using IntelShare.Graph.Engine;
using Spectre.Console;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

/// <param name="Store">A directory kept between runs, reused when it already holds a graph (the load then goes unmeasured).</param>
/// <param name="Only">The analytics to run (pagerank, louvain, betweenness); all when null.</param>
public sealed record GraphOptions(int Nodes, int Edges, int Queries, int BatchSize, int Seed, string? DataRoot, string Out, string? Store = null, IReadOnlySet<string>? Only = null)
{
    public bool Runs(string figure) => Only is null || Only.Contains(figure);
}

public sealed record GraphFigures(
    int Nodes,
    int Edges,
    double LoadSeconds,
    double RestartSeconds,
    double RssMiBAfterLoad,
    double RssMiBAfterRestart,
    double StoreMiB,
    LatencyResult Neighbourhood,
    double NeighbourhoodMeanNodes,
    GcUsage NeighbourhoodGc,
    LatencyResult Path,
    LatencyResult FilteredPath,
    LatencyResult RevealAllPath,
    GcUsage PathGc,
    double PathsFound,
    double FilteredPathsFound,
    FilterOverhead Overhead,
    double PageRankSeconds,
    int PageRankIterations,
    double LouvainSeconds,
    double Modularity,
    int Communities,
    double BetweennessSeconds,
    int BetweennessNodes,
    int BetweennessEdges,
    IReadOnlyDictionary<string, double> CpuSeconds);

/// <summary>
/// The need-to-know filter's cost in four comparisons of mean latency with the unfiltered query: over all pairs;
/// over the pairs both connect (a filtered search that finds no path explores everything within the hop limit, which
/// says more about the filter's reach than its cost); over the pairs both connect by paths of the same length (a
/// detour around what is withheld is a longer search, on a small-world graph a much larger one: the same query, but
/// not the same work); and with a filter of the same cost that withholds nothing, so both walk the same graph and only
/// the callbacks differ.
/// </summary>
public sealed record FilterOverhead(
    double AllPairsPercent,
    double BothConnectedPercent,
    int BothConnectedPairs,
    double SameLengthPercent,
    int SameLengthPairs,
    double RevealAllPercent);

public sealed record GraphSummary(MachineInfo Machine, GraphOptions Options, GraphFigures Figures, IReadOnlyList<Target> Targets);

/// <summary>
/// The "graph" subcommand: the embedded graph engine in-process on a generated trafficking-like network — load,
/// restart, memory, traversal latencies with and without need-to-know filtering, and the whole-graph analytics.
/// </summary>
public static class GraphCommand
{
    private const int Warmup = 100;

    // A service answering queries all day runs its hot code fully optimised; 100 queries end before the JIT has
    // replaced its first quick compilation, so the untimed ones repeat until this has passed.
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    public static Command Create(string[] commandLine)
    {
        var nodes = CommonOptions.Positive(new Option<int>("--nodes") { Description = "Nodes generated.", DefaultValueFactory = _ => 1_000_000 });
        var edges = CommonOptions.Positive(new Option<int>("--edges") { Description = "Distinct links generated (no two join the same pair of nodes, no self-links).", DefaultValueFactory = _ => 5_000_000 });
        var queries = CommonOptions.Positive(new Option<int>("--queries") { Description = "Timed queries per traversal figure.", DefaultValueFactory = _ => 1_000 });
        var batch = CommonOptions.Positive(new Option<int>("--batch-size") { Description = "Operations per applied batch while loading.", DefaultValueFactory = _ => 50_000 });
        var seed = CommonOptions.Seed("the generated graph and queries");
        var dataRoot = CommonOptions.DataRoot();
        var output = CommonOptions.Out("graph.json");
        var store = new Option<string?>("--store")
        {
            Description = "Keep the store in this directory and reuse it when it already holds a graph, skipping the load: for iterating on the query figures. Reported figures come from a fresh store.",
        };
        var only = new Option<string?>("--only")
        {
            Description = "Comma-separated subset of pagerank, louvain, betweenness to measure after the traversals (default: all).",
        };
        var command = new Command("graph", "The embedded graph engine in-process: load, restart, memory, traversal latency and analytics on a generated network.")
        {
            nodes, edges, queries, batch, seed, dataRoot, output, store, only,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            new GraphOptions(
                parse.GetValue(nodes), parse.GetValue(edges), parse.GetValue(queries), parse.GetValue(batch), parse.GetValue(seed), parse.GetValue(dataRoot), parse.GetValue(output)!,
                parse.GetValue(store), parse.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)),
            commandLine,
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(GraphOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        WriteHeader(machine, "IntelShare embedded graph engine benchmark",
            ("Platform", "in-process EmbeddedGraphStore (SQLite WAL, synchronous=FULL, in-memory adjacency); the load's batches generated on another thread, two ahead"),
            ("Workload", $"{options.Nodes:N0} nodes, {options.Edges:N0} distinct links, communities of {GraphWorkload.CommunitySize}, Pareto degrees; {options.Queries:N0} timed queries per figure after {Warmup} untimed (repeated for {WarmupTime.TotalSeconds:0} s); neighbourhoods with the default limits (500 nodes, 2,000 edges)"));
        var workload = new GraphWorkload(options.Nodes, options.Edges, options.Seed);
        var directory = options.Store is { } kept ? Directory.CreateDirectory(kept) : ScratchDirectory.Create(options.DataRoot);
        try
        {
            var figures = await MeasureAsync(workload, options, directory.FullName, cancellation);
            Target[] targets =
            [
                Target.AtMost("Load into a fresh store (s)", 60, figures.LoadSeconds),
                Target.AtMost("Restart to ready (s)", 20, figures.RestartSeconds),
                Target.AtMost("Resident memory after restart (MiB)", 3 * 1024, figures.RssMiBAfterRestart, "N0"),
                Target.AtMost("2-hop neighbourhood p99 (ms)", 1, figures.Neighbourhood.P99Ms),
                Target.AtMost("Shortest path p99 (ms)", 20, figures.Path.P99Ms),
                // The filter's own cost: the same walk with the same callbacks. Pairs that both connect differ also by the
                // detours around what is withheld (longer paths, larger searches), which the report shows beside it.
                Target.AtMost("Filtered shortest path mean over unfiltered, same-cost filter withholding nothing (%)", 30, figures.Overhead.RevealAllPercent),
                Target.AtMost("PageRank, whole graph (s)", 6, figures.PageRankSeconds),
                Target.AtMost("Betweenness, 10,000-node subgraph (s)", 1.5, figures.BetweennessSeconds),
            ];
            Conclude(new GraphSummary(machine, options, figures, targets), targets, options.Out);
            return 0;
        }
        finally
        {
            if (options.Store is null)
            {
                directory.Delete(recursive: true);
            }
        }
    }

    private static async Task<GraphFigures> MeasureAsync(GraphWorkload workload, GraphOptions options, string directory, CancellationToken cancellation)
    {
        // Wall-clock figures on a shared machine say little without the CPU time the process actually got.
        var cpuSeconds = new Dictionary<string, double>();
        var cpu = Cpu();
        var start = Stopwatch.GetTimestamp();
        var store = await EmbeddedGraphStore.OpenAsync(directory, cancellation);
        var reused = store.NodeCount > 0;
        long checkpoint = 0;
        await foreach (var batch in reused ? AsyncEnumerable.Empty<GraphBatch>() : Generated(workload, options.BatchSize, cancellation))
        {
            await store.ApplyAsync(batch, ++checkpoint, cancellation);
        }

        var loadSeconds = reused ? double.NaN : Stopwatch.GetElapsedTime(start).TotalSeconds;
        cpuSeconds["load"] = Cpu() - cpu;
        var (nodes, edges) = (store.NodeCount, store.EdgeCount);
        var loadedRss = Rss();
        AnsiConsole.MarkupLine(Markup.Escape($"Loaded {nodes:N0} nodes and {edges:N0} edges in {loadSeconds:0.0} s ({cpuSeconds["load"]:0.0} s CPU); resident {loadedRss:N0} MiB"));

        await store.DisposeAsync();
        store = null;
        Rss();
        cpu = Cpu();
        start = Stopwatch.GetTimestamp();
        store = await EmbeddedGraphStore.OpenAsync(directory, cancellation);
        var restartSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        cpuSeconds["restart"] = Cpu() - cpu;
        var restartRss = Rss();
        var storeMiB = new DirectoryInfo(directory).EnumerateFiles().Sum(f => f.Length) / 1048576.0;
        AnsiConsole.MarkupLine(Markup.Escape($"Restarted in {restartSeconds:0.0} s ({cpuSeconds["restart"]:0.0} s CPU); resident {restartRss:N0} MiB; {storeMiB:N0} MiB on disk"));

        await using (store)
        {
            var all = EverythingVisible.Instance;
            var filtered = new MarkingVisibility(workload.Markings);
            var seeds = workload.RandomIds(options.Queries + Warmup, 1);
            var sizes = new List<int>();
            var (neighbourhood, neighbourhoodGc) = await Latency(seeds, async id => sizes.Add((await store.NeighbourhoodAsync(new NeighbourhoodQuery([id], 2), all)).Nodes.Count));
            var from = workload.RandomIds(options.Queries + Warmup, 2);
            var to = workload.RandomIds(options.Queries + Warmup, 3);
            var pathRuns = await PathLatencies(store, from, to, [all, filtered, new MarkingVisibility(workload.Markings, revealAll: true)]);
            var (unfilteredRun, filteredRun, revealAllRun) = (pathRuns.Runs[0], pathRuns.Runs[1], pathRuns.Runs[2]);
            var (path, filteredPath, revealAllPath) = (unfilteredRun.Result, filteredRun.Result, revealAllRun.Result);
            var both = Enumerable.Range(0, unfilteredRun.Hops.Length).Where(i => unfilteredRun.Hops[i] >= 0 && filteredRun.Hops[i] >= 0).ToArray();
            var sameLength = both.Where(i => unfilteredRun.Hops[i] == filteredRun.Hops[i]).ToArray();
            var overhead = new FilterOverhead(
                Percent(filteredRun.Latencies.Average(), unfilteredRun.Latencies.Average()),
                MeanPercent(both, filteredRun.Latencies, unfilteredRun.Latencies),
                both.Length,
                MeanPercent(sameLength, filteredRun.Latencies, unfilteredRun.Latencies),
                sameLength.Length,
                Percent(revealAllRun.Latencies.Average(), unfilteredRun.Latencies.Average()));
            var (found, filteredFound) = (unfilteredRun.Hops.Count(h => h >= 0), filteredRun.Hops.Count(h => h >= 0));
            WriteLatencyTable("Traversal latency (ms)", [("2-hop neighbourhood", neighbourhood), ("shortest path", path), ("shortest path, need-to-know filtered", filteredPath), ("shortest path, same-cost filter withholding nothing", revealAllPath)], null);
            AnsiConsole.MarkupLine(Markup.Escape(
                $"Per query CPU (ms): 2-hop {CpuMs(neighbourhood):0.000}; a pair's three path queries (unfiltered, filtered, withholding nothing) {CpuMs(path):0.000} together. " +
                $"Paths found: {found:N0} unfiltered, {filteredFound:N0} filtered of {from.Length - Warmup:N0}. Filter overhead on the mean: all pairs {overhead.AllPairsPercent:+0;-0}%, " +
                $"the {overhead.BothConnectedPairs:N0} pairs both connect {overhead.BothConnectedPercent:+0;-0}% (their paths {both.DefaultIfEmpty().Average(i => unfilteredRun.Hops[i]):0.00} hops unfiltered, {both.DefaultIfEmpty().Average(i => filteredRun.Hops[i]):0.00} filtered), " +
                $"the {overhead.SameLengthPairs:N0} of them with paths of the same length {overhead.SameLengthPercent:+0;-0}%, " +
                $"same-cost filter withholding nothing {overhead.RevealAllPercent:+0;-0}%"));
            AnsiConsole.MarkupLine(Markup.Escape(
                $"Garbage collection while timed: 2-hop {Collected(neighbourhoodGc, neighbourhood.Calls)}; path queries {Collected(pathRuns.Gc, path.Calls * pathRuns.Runs.Length)}"));

            var (pageRank, pageRankSeconds) = await Timed("pagerank", options, cpuSeconds, () => store.CentralityAsync(new CentralityQuery(CentralityMeasure.PageRank, Top: 10), all));
            var (communities, louvainSeconds) = await Timed("louvain", options, cpuSeconds, () => store.CommunitiesAsync(new CommunityQuery(MaxBridgeEdges: 100), all));
            var subgraph = await store.NeighbourhoodAsync(new NeighbourhoodQuery(workload.RandomIds(1, 4), 4, MaxNodes: 10_000, MaxEdges: 50_000), all);
            var subgraphIds = subgraph.Nodes.Select(n => n.Node.Id).ToArray();
            var (betweenness, betweennessSeconds) = await Timed("betweenness", options, cpuSeconds, () => store.CentralityAsync(new CentralityQuery(CentralityMeasure.Betweenness, subgraphIds, Top: 10), all));

            var analytics = Table("Analytics", "Figure", "Seconds", "CPU seconds", "Detail");
            analytics.AddRow("PageRank, whole graph", Number(pageRankSeconds, "0.00"), Number(cpuSeconds["pagerank"], "0.00"), Markup.Escape(pageRank is null ? "-" : $"{pageRank.Iterations} iterations, {pageRank.NodesScored:N0} nodes, converged: {!pageRank.Truncated}"));
            analytics.AddRow("Louvain, whole graph", Number(louvainSeconds, "0.00"), Number(cpuSeconds["louvain"], "0.00"), Markup.Escape(communities is null ? "-" : $"modularity {communities.Modularity:0.000}, {communities.Communities.Count:N0} communities"));
            analytics.AddRow("Betweenness (exact), subgraph", Number(betweennessSeconds, "0.00"), Number(cpuSeconds["betweenness"], "0.00"), Markup.Escape(betweenness is null ? "-" : $"{betweenness.NodesScored:N0} nodes, {betweenness.EdgesScored:N0} links (4 hops around a random node, at most 10,000)"));
            AnsiConsole.Write(analytics);

            return new GraphFigures(
                nodes, edges, loadSeconds, restartSeconds, loadedRss, restartRss, storeMiB,
                neighbourhood, sizes.Skip(Warmup).Average(), neighbourhoodGc, path, filteredPath, revealAllPath, pathRuns.Gc, found / (double)(from.Length - Warmup), filteredFound / (double)(from.Length - Warmup), overhead,
                pageRankSeconds, pageRank?.Iterations ?? 0, louvainSeconds, communities?.Modularity ?? double.NaN, communities?.Communities.Count ?? 0, betweennessSeconds,
                betweenness?.NodesScored ?? 0, betweenness?.EdgesScored ?? 0, cpuSeconds);
        }
    }

    /// <summary>
    /// The workload's batches, generated on another thread a couple of batches ahead of the store, as an import reads
    /// its next batch while the last is written: drawing five million heavy-tailed links is no part of the load.
    /// </summary>
    private static IAsyncEnumerable<GraphBatch> Generated(GraphWorkload workload, int batchSize, CancellationToken cancellation)
    {
        var batches = Channel.CreateBounded<GraphBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in workload.Batches(batchSize))
                {
                    await batches.Writer.WriteAsync(batch, cancellation);
                }

                batches.Writer.Complete();
            }
            catch (Exception error)
            {
                batches.Writer.Complete(error);
            }
        }, cancellation);
        return batches.Reader.ReadAllAsync(cancellation);
    }

    /// <summary>Each query timed alone, one after another, after <see cref="Warmup"/> untimed ones, repeated for <see cref="WarmupTime"/>.</summary>
    private static async Task<(LatencyResult Latency, GcUsage Gc)> Latency<T>(T[] arguments, Func<T, Task> query)
    {
        await WarmUpAsync(i => query(arguments[i]));
        var latencies = new double[arguments.Length - Warmup];
        var gc = GcMeter.Start();
        var cpu = CpuMeter.Start(null);
        for (var i = Warmup; i < arguments.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await query(arguments[i]);
            latencies[i - Warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        var usage = cpu.Stop();
        return (LatencyResult.Of(latencies, usage), gc.Stop());
    }

    /// <summary>
    /// Each pair's shortest path under every visibility in turn, the order rotating, so all of them meet the same
    /// machine: timed one visibility after another, a busy minute on this shared machine could land on one of them
    /// and pass for the filter's cost. The CPU reported with each is that of all of them together.
    /// </summary>
    /// <returns>Per visibility, the latencies and each pair's path length in hops (-1: no path found).</returns>
    private static async Task<((LatencyResult Result, double[] Latencies, int[] Hops)[] Runs, GcUsage Gc)> PathLatencies(
        IGraphStore store, string[] from, string[] to, IGraphVisibility[] visibilities)
    {
        var hops = visibilities.Select(_ => new int[from.Length]).ToArray();
        async Task Ask(int visibility, int pair) =>
            hops[visibility][pair] = (await store.ShortestPathAsync(new PathQuery(from[pair], to[pair]), visibilities[visibility])).Paths is [var path, ..] ? path.Hops : -1;

        await WarmUpAsync(async pair =>
        {
            for (var v = 0; v < visibilities.Length; v++)
            {
                await Ask(v, pair);
            }
        });
        var latencies = visibilities.Select(_ => new double[from.Length - Warmup]).ToArray();
        var gc = GcMeter.Start();
        var cpu = CpuMeter.Start(null);
        for (var pair = Warmup; pair < from.Length; pair++)
        {
            for (var k = 0; k < visibilities.Length; k++)
            {
                var v = (pair + k) % visibilities.Length;
                var start = Stopwatch.GetTimestamp();
                await Ask(v, pair);
                latencies[v][pair - Warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        var usage = cpu.Stop();
        var collected = gc.Stop();
        return ([.. Enumerable.Range(0, visibilities.Length).Select(v => (LatencyResult.Of([.. latencies[v]], usage), latencies[v], hops[v][Warmup..]))], collected);
    }

    private static async Task WarmUpAsync(Func<int, Task> query)
    {
        var warming = Stopwatch.GetTimestamp();
        do
        {
            for (var i = 0; i < Warmup; i++)
            {
                await query(i);
            }
        }
        while (Stopwatch.GetElapsedTime(warming) < WarmupTime);
    }

    private static string Collected(GcUsage gc, int calls) =>
        $"{gc.Collections:N0} collections, {gc.PauseMs:0.0} ms paused, {gc.AllocatedKiBPer(calls):N0} KiB allocated per query";

    private static double Percent(double measured, double baseline) => (measured / baseline - 1) * 100;

    /// <summary>Mean latency over some pairs against the baseline's over the same pairs; NaN (unmeasured) for no pairs.</summary>
    private static double MeanPercent(int[] pairs, double[] measured, double[] baseline) =>
        pairs.Length == 0 ? double.NaN : Percent(pairs.Average(i => measured[i]), pairs.Average(i => baseline[i]));

    private static double CpuMs(LatencyResult latency) => latency.Cpu.ClientCpuSeconds * 1000 / latency.Calls;

    /// <summary>A figure left out by --only reads as no result in NaN seconds, which the targets report as unmeasured.</summary>
    private static async Task<(T? Result, double Seconds)> Timed<T>(string name, GraphOptions options, Dictionary<string, double> cpuSeconds, Func<Task<T>> run)
        where T : class
    {
        if (!options.Runs(name))
        {
            cpuSeconds[name] = double.NaN;
            return (null, double.NaN);
        }

        var cpu = Cpu();
        var start = Stopwatch.GetTimestamp();
        var result = await run();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        cpuSeconds[name] = Cpu() - cpu;
        return (result, seconds);
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>Resident memory once garbage is gone: what the graph itself holds.</summary>
    private static double Rss()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return HostMemory.Read(Environment.ProcessId).RssMiB;
    }
}
