using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Grpc.Core;
using IntelShare.Contracts.V1;
using Spectre.Console;
using static IntelShare.Benchmarks.CommonOptions;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record GraphGrpcOptions(
    int Records,
    int BatchSize,
    int Queries,
    int Warmup,
    int Rounds,
    int Runs,
    int Seed,
    int CatchUpMinutes,
    string Out,
    string? DataRoot,
    RemoteTarget? Server,
    [property: JsonIgnore] string Password,
    string AnalystUser,
    string OpenUser,
    string AdminUser,
    string CaseOwnerUser);

/// <summary>One reader's timed calls of one kind in one round, with what the answers held on average.</summary>
public sealed record ReaderFigures(string Query, string User, LatencyResult Latency, double MeanNodes, double MeanEdges, double MeanWithheld, double FoundFraction);

/// <summary>
/// The analyst's cost over the open reader's on the same queries: mean latency (for paths, over the pairs both
/// connect, since a search that finds nothing explores all it may within the hop limit) and host CPU per call.
/// </summary>
public sealed record FilterCost(string Query, double LatencyPercent, double? HostCpuPercent, int PairedQueries);

public sealed record GraphGrpcRound(int Round, IReadOnlyList<ReaderFigures> Figures, IReadOnlyList<FilterCost> Costs);

public sealed record GraphGrpcRun(int Run, string Target, int Records, int Cells, double IntakeSeconds, double GraphCaughtUpSeconds, double AllCaughtUpSeconds, IReadOnlyList<GraphGrpcRound> Rounds);

public sealed record GraphGrpcSummary(MachineInfo Machine, GraphGrpcOptions Options, IReadOnlyList<GraphGrpcRun> Runs, IReadOnlyList<Target> Targets);

/// <summary>
/// The "graph-grpc" subcommand: the Graph service over gRPC with the need-to-know policy deciding every node and edge.
/// Five agencies contribute a linked network through ContributeStream, the graph projection catches up, then an
/// analyst of another agency (much withheld) and an open reader (little withheld) ask the same 2-hop neighbourhoods
/// and shortest paths between people every reader may read.
/// </summary>
public static class GraphGrpcCommand
{
    private const string Neighbourhood = "2-hop neighbourhood";
    private const string ShortestPath = "shortest path";

    public static Command Create(string[] commandLine)
    {
        var records = Positive(new Option<int>("--records") { Description = "Records contributed per run (rounded up to whole cells of the network).", DefaultValueFactory = _ => 120_000 });
        var batchSize = Positive(new Option<int>("--batch-size") { Description = "Records per ContributeStream call.", DefaultValueFactory = _ => 10_000 });
        var queries = Positive(new Option<int>("--queries") { Description = "Timed calls per reader, query kind and round.", DefaultValueFactory = _ => 1_000 });
        var warmup = NotNegative(new Option<int>("--warmup") { Description = "Untimed calls per reader and query kind before the first round.", DefaultValueFactory = _ => 200 });
        var rounds = Positive(new Option<int>("--rounds") { Description = "Measurement rounds on the loaded network, readers taking turns to go first; figures are medians over rounds.", DefaultValueFactory = _ => 3 });
        var runs = CommonOptions.Runs(1);
        var seed = CommonOptions.Seed("the generated network and of the queries");
        var catchUp = Positive(new Option<int>("--catch-up-minutes") { Description = "How long the projections may take to catch up with the intake.", DefaultValueFactory = _ => 20 });
        var output = CommonOptions.Out("graph-grpc.json");
        var platform = new PlatformOptions();
        var analystUser = new Option<string>("--analyst-user") { Description = "Reader of another agency than most of the network's, whose queries the policy filters.", DefaultValueFactory = _ => "border.analyst" };
        var openUser = new Option<string>("--open-user") { Description = "Reader of the agency that holds most of the network, with every caveat entitlement: the policy withholds little.", DefaultValueFactory = _ => "supervisor" };
        var adminUser = new Option<string>("--admin-user") { Description = "Account that follows projection status (record ids are read from the change log as the platform services client).", DefaultValueFactory = _ => "admin" };
        var caseOwnerUser = new Option<string>("--case-owner-user")
        {
            Description = $"Analyst of {NetworkGenerator.CaseOwnerAgency} who opens the cells' cases its records are filed under.", DefaultValueFactory = _ => "analyst",
        };
        var command = new Command("graph-grpc", "The Graph service over gRPC with the policy on: 2-hop neighbourhood and shortest path latency on a contributed network, as a filtered and an open reader.")
        {
            records, batchSize, queries, warmup, rounds, runs, seed, catchUp, output, analystUser, openUser, adminUser, caseOwnerUser,
        };
        platform.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync(
            new GraphGrpcOptions(
                parse.GetValue(records), parse.GetValue(batchSize), parse.GetValue(queries), parse.GetValue(warmup), parse.GetValue(rounds), parse.GetValue(runs),
                parse.GetValue(seed), parse.GetValue(catchUp), parse.GetValue(output)!, parse.GetValue(platform.DataRoot), platform.Remote(parse),
                parse.GetValue(platform.Password)!, parse.GetValue(analystUser)!, parse.GetValue(openUser)!, parse.GetValue(adminUser)!,
                parse.GetValue(caseOwnerUser)!),
            commandLine,
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(GraphGrpcOptions options, string[] commandLine, CancellationToken cancellation)
    {
        var machine = MachineInfo.Collect(commandLine);
        WriteHeader(
            machine,
            "IntelShare Graph service over gRPC, need-to-know on",
            ("Platform", options.Server is null ? "a fresh host process and data directory per run, on loopback, embedded graph engine" : options.Server.ToString()),
            ("Network", $"{options.Records:N0} records of five agencies in cells of {NetworkGenerator.RecordsPerCell} (people sharing phones and addresses, events, vehicles, accounts, shared premises), mixed markings"),
            ("Queries", $"{options.Queries:N0} timed calls per reader, kind and round after {options.Warmup:N0} untimed; {options.Rounds} round(s); sequential, one connection per reader; " +
                $"seeds and path ends are people every reader may read in full, the two ends of a path in one region of {NetworkGenerator.CellsPerRegion} cells (one investigation's network)"),
            ("Readers", $"{options.AnalystUser} (policy filters much) and {options.OpenUser} (policy withholds little)"));
        var runs = await PlatformOptions.RunEachAsync(
            options.Runs, options.Server, options.DataRoot,
            (run, target) => RunOnceAsync(run, target, options, cancellation),
            WriteRun,
            cancellation);
        if (runs is null)
        {
            return 1;
        }

        var rounds = runs.SelectMany(r => r.Rounds).ToArray();
        double? P99(string query, string user) => Statistics.Median(rounds.SelectMany(r => r.Figures).Where(f => f.Query == query && f.User == user).Select(f => (double?)f.Latency.P99Ms));
        double? Cost(string query) => Statistics.Median(rounds.SelectMany(r => r.Costs).Where(c => c.Query == query).Select(c => (double?)c.LatencyPercent));
        Target[] targets =
        [
            Target.AtMost($"2-hop neighbourhood p99 over gRPC, policy on, as {options.AnalystUser} (ms, median of rounds)", 10, P99(Neighbourhood, options.AnalystUser)),
            Target.AtMost($"Shortest path p99 over gRPC, policy on, as {options.AnalystUser} (ms, median of rounds)", 50, P99(ShortestPath, options.AnalystUser)),
            Target.AtMost($"Shortest path mean as {options.AnalystUser} over {options.OpenUser}, pairs both connect (%, median of rounds)", 30, Cost(ShortestPath)),
        ];
        Conclude(new GraphGrpcSummary(machine, options, runs, targets), targets, options.Out);
        return 0;
    }

    /// <summary>Opens the cases the network's records are filed under, a few at a time.</summary>
    private static async Task OpenCasesAsync(AccessService.AccessServiceClient access, IReadOnlyList<string> caseRefs, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"Opening {caseRefs.Count:N0} cases"));
        await Parallel.ForEachAsync(caseRefs, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellation }, async (caseRef, ct) =>
            await access.CreateCaseAsync(new CreateCaseRequest { CaseRef = caseRef, Title = "Graph benchmark cell" }, cancellationToken: ct));
    }

    private static async Task<GraphGrpcRun> RunOnceAsync(int run, IBenchmarkTarget target, GraphGrpcOptions options, CancellationToken cancellation)
    {
        var prefix = $"graph-{Guid.NewGuid():N}";
        var network = NetworkGenerator.Generate(options.Records, prefix, options.Seed + run);
        var admin = await target.ConnectAsync(options.AdminUser, options.Password);
        var projections = new ProjectionsService.ProjectionsServiceClient(admin);
        AnsiConsole.MarkupLine(Markup.Escape($"Contributing {network.Count:N0} records in {network.Cells:N0} cells as {network.Agencies.Count} agencies"));

        await OpenCasesAsync(new AccessService.AccessServiceClient(await target.ConnectAsync(options.CaseOwnerUser, options.Password)), network.CaseRefs, cancellation);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(network.Agencies.Select(async agency =>
        {
            var records = new RecordsService.RecordsServiceClient(await target.ConnectAsync(agency.User, options.Password));
            await IntakeBenchmark.RunAsync(records, agency.Requests, options.BatchSize, parallel: 1, cancellation);
        }));
        var intakeSeconds = clock.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLine(Markup.Escape($"Contributed in {intakeSeconds:0.0} s; waiting for the projections"));
        var caughtUp = await ProjectionWait.UntilCaughtUpAsync(projections, clock, TimeSpan.FromMinutes(options.CatchUpMinutes), TimeSpan.FromMilliseconds(250), cancellation);
        var graphSeconds = caughtUp.GetValueOrDefault("graph", double.NaN) - intakeSeconds;
        var allSeconds = caughtUp.Values.Max() - intakeSeconds;
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Caught up after the intake: {string.Join(", ", caughtUp.Select(p => $"{p.Key} {p.Value - intakeSeconds:0.0} s"))}"));

        var people = await OpenPersonIdsAsync(new RecordsService.RecordsServiceClient(await target.ConnectAsPlatformServicesAsync()), prefix, network.OpenPeople, cancellation);
        var readers = new[] { options.AnalystUser, options.OpenUser };
        var clients = new Dictionary<string, GraphService.GraphServiceClient>();
        foreach (var user in readers)
        {
            clients[user] = new GraphService.GraphServiceClient(await target.ConnectAsync(user, options.Password));
        }

        var random = new Random(options.Seed + run);
        var (warmupSeeds, warmupOthers) = Pairs(random, people, options.Warmup);
        foreach (var user in readers)
        {
            await MeasureAsync(clients[user], warmupSeeds, warmupOthers, null, cancellation);
        }

        var rounds = new List<GraphGrpcRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var (seeds, others) = Pairs(random, people, options.Queries);
            // Each reader goes first in turn, so neither always meets the caches (and the machine's load) the other left.
            var order = round % 2 == 1 ? readers : [readers[1], readers[0]];
            var measured = new Dictionary<string, (Measured Neighbourhood, Measured Path)>();
            foreach (var user in order)
            {
                measured[user] = await MeasureAsync(clients[user], seeds, others, target.ProcessId, cancellation);
            }

            var (analyst, open) = (measured[options.AnalystUser], measured[options.OpenUser]);
            var figures = readers.SelectMany(user => new[] { measured[user].Neighbourhood.Figures(Neighbourhood, user), measured[user].Path.Figures(ShortestPath, user) }).ToArray();
            var costs = new[] { Measured.Cost(Neighbourhood, analyst.Neighbourhood, open.Neighbourhood), Measured.Cost(ShortestPath, analyst.Path, open.Path) };
            var result = new GraphGrpcRound(round, figures, costs);
            WriteRound(result);
            rounds.Add(result);
        }

        return new GraphGrpcRun(run, target.Description, network.Count, network.Cells, intakeSeconds, graphSeconds, allSeconds, rounds);
    }

    /// <summary>
    /// Random people and, for each, another of the same region: an analyst asks how two people of one investigation
    /// are linked, not two people picked from the whole database, who are mostly not linked within the hop limit.
    /// </summary>
    private static (string[] Seeds, string[] Others) Pairs(Random random, IReadOnlyList<(string Id, int Region)> people, int count)
    {
        var byRegion = people.GroupBy(p => p.Region).ToDictionary(g => g.Key, g => g.Select(p => p.Id).ToArray());
        var seeds = new string[count];
        var others = new string[count];
        for (var i = 0; i < count; i++)
        {
            var (id, region) = people[random.Next(people.Count)];
            var neighbours = byRegion[region];
            (seeds[i], others[i]) = (id, neighbours[random.Next(neighbours.Length)]);
        }

        return (seeds, others);
    }

    /// <summary>One reader's neighbourhoods of <paramref name="seeds"/>, then its paths from each seed to the other at the same index.</summary>
    private static async Task<(Measured Neighbourhood, Measured Path)> MeasureAsync(
        GraphService.GraphServiceClient graph, string[] seeds, string[] others, int? hostProcessId, CancellationToken cancellation)
    {
        var justification = new Justification { Reason = "benchmark: the suspect's network", Purpose = Purpose.IntelligenceAnalysis };
        var neighbourhood = await Measured.TimeAsync(seeds.Length, hostProcessId, async i =>
        {
            var subgraph = await graph.NeighbourhoodAsync(
                new NeighbourhoodRequest { EntityIds = { seeds[i] }, Depth = 2, Justification = justification }, cancellationToken: cancellation);
            return new Answer(subgraph.Nodes.Count, subgraph.Edges.Count, subgraph.WithheldNodes + subgraph.WithheldEdges, subgraph.Nodes.Count > 0);
        });
        var path = await Measured.TimeAsync(seeds.Length, hostProcessId, async i =>
        {
            var response = await graph.ShortestPathAsync(
                new PathRequest { FromId = seeds[i], ToId = others[i], Justification = justification }, cancellationToken: cancellation);
            var subgraph = response.Subgraph ?? new Subgraph();
            return new Answer(subgraph.Nodes.Count, subgraph.Edges.Count, subgraph.WithheldNodes + subgraph.WithheldEdges, response.Found);
        });
        return (neighbourhood, path);
    }

    /// <summary>The record ids of the people every reader may read, from the change log (ContributeStream answers with counts only).</summary>
    private static async Task<IReadOnlyList<(string Id, int Region)>> OpenPersonIdsAsync(
        RecordsService.RecordsServiceClient changeLog, string prefix, IReadOnlyList<OpenPerson> open, CancellationToken cancellation)
    {
        var regions = open.ToDictionary(p => (p.Agency, p.SourceRef), p => p.Region);
        var ids = new List<(string, int)>(open.Count);
        using var call = changeLog.ReadChanges(new ReadChangesRequest(), cancellationToken: cancellation);
        await foreach (var change in call.ResponseStream.ReadAllAsync(cancellation))
        {
            var content = change.Record?.Content;
            if (change.Kind == ChangeKind.RecordCreated && content is not null && content.SourceRef.StartsWith(prefix, StringComparison.Ordinal)
                && regions.TryGetValue((content.Marking.OriginatorAgency, content.SourceRef), out var region))
            {
                ids.Add((change.RecordId, region));
            }
        }

        return ids.Count == open.Count
            ? ids
            : throw new BenchmarkException($"The change log lists {ids.Count:N0} of the {open.Count:N0} open people contributed.");
    }

    private static void WriteRun(GraphGrpcRun run) =>
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Run {run.Run}: {run.Records:N0} records contributed in {run.IntakeSeconds:0.0} s; graph caught up {run.GraphCaughtUpSeconds:0.0} s later, every projection {run.AllCaughtUpSeconds:0.0} s later"));

    private static void WriteRound(GraphGrpcRound round)
    {
        var table = Table($"Round {round.Round}: latency over gRPC (ms)", "Query", "Reader", "Calls", "p50", "p90", "p99", "max", "mean", "Host CPU µs per call", "Nodes", "Edges", "Withheld", "Found");
        foreach (var figure in round.Figures)
        {
            var latency = figure.Latency;
            table.AddRow(
                Markup.Escape(figure.Query), Markup.Escape(figure.User), Text(latency.Calls), Number(latency.P50Ms, "0.000"), Number(latency.P90Ms, "0.000"),
                Bold(Number(latency.P99Ms, "0.000")), Number(latency.MaxMs, "0.000"), Number(latency.MeanMs, "0.000"), Number(latency.HostCpuMicrosecondsPerCall, "N0"),
                Number(figure.MeanNodes, "0.0"), Number(figure.MeanEdges, "0.0"), Number(figure.MeanWithheld, "0.0"), Number(figure.FoundFraction, "0%"));
        }

        AnsiConsole.Write(table);
        foreach (var cost in round.Costs)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"  {cost.Query}: filtered reader's mean latency {cost.LatencyPercent:+0;-0}% over the open reader's ({cost.PairedQueries:N0} paired queries), host CPU per call {cost.HostCpuPercent:+0;-0}%"));
        }
    }

    private readonly record struct Answer(int Nodes, int Edges, int Withheld, bool Found);

    /// <summary>One reader's timed calls, each latency kept with its query's index so two readers' calls can be paired.</summary>
    private sealed record Measured(double[] Latencies, Answer[] Answers, CpuUsage Cpu)
    {
        public static async Task<Measured> TimeAsync(int calls, int? hostProcessId, Func<int, Task<Answer>> call)
        {
            var latencies = new double[calls];
            var answers = new Answer[calls];
            var cpu = CpuMeter.Start(hostProcessId);
            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                answers[i] = await call(i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            return new Measured(latencies, answers, cpu.Stop());
        }

        public ReaderFigures Figures(string query, string user) => new(
            query, user, LatencyResult.Of([.. Latencies], Cpu),
            Answers.Average(a => a.Nodes), Answers.Average(a => a.Edges), Answers.Average(a => a.Withheld), Answers.Average(a => a.Found ? 1.0 : 0.0));

        /// <summary>Over the queries both readers got an answer to: a search that finds nothing costs what its hop limit lets it explore.</summary>
        public static FilterCost Cost(string query, Measured filtered, Measured open)
        {
            var paired = Enumerable.Range(0, filtered.Latencies.Length).Where(i => filtered.Answers[i].Found && open.Answers[i].Found).ToArray();
            var latency = paired.Length == 0 ? double.NaN : (paired.Average(i => filtered.Latencies[i]) / paired.Average(i => open.Latencies[i]) - 1) * 100;
            var filteredCpu = filtered.Cpu.HostCpuSeconds / filtered.Latencies.Length;
            var openCpu = open.Cpu.HostCpuSeconds / open.Latencies.Length;
            return new FilterCost(query, latency, (filteredCpu / openCpu - 1) * 100, paired.Length);
        }
    }
}
