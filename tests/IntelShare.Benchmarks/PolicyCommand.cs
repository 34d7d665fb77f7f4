using System.CommandLine;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using IntelShare.Policy;
using Spectre.Console;
using static IntelShare.Benchmarks.Report;

namespace IntelShare.Benchmarks;

public sealed record PolicyOptions(int Decisions, int BatchSize, int Runs, int Seed, string Out);

/// <summary>One timed pass: <see cref="Decisions"/> decisions on one thread.</summary>
public sealed record PolicyRun(int Run, string Mode, long Decisions, double Seconds, double CpuSeconds)
{
    public double PerSecond => Decisions / Seconds;

    /// <summary>Decisions per second of this process's CPU time: what the thread does when it has a core to itself.</summary>
    public double PerCpuSecond => Decisions / CpuSeconds;
}

public sealed record PolicyMedian(string Mode, double PerSecond, double PerCpuSecond);

/// <summary>How the workload's decisions came out, to show the rate is not that of one rule's short-circuit.</summary>
public sealed record DecisionShare(string Outcome, long Count, double Percent);

public sealed record PolicySummary(
    MachineInfo Machine,
    PolicyOptions Options,
    IReadOnlyList<DecisionShare> Effects,
    IReadOnlyList<DecisionShare> Rules,
    IReadOnlyList<PolicyRun> Runs,
    IReadOnlyList<PolicyMedian> Median,
    IReadOnlyList<Target> Targets)
{
    public const double TargetPerSecond = 1_000_000;
}

/// <summary>
/// The "policy" subcommand: need-to-know decisions per second on one core, in-process, both one at a time
/// (<see cref="NeedToKnowPolicy.Decide"/>, as Records.Get asks) and in batches for one reader
/// (<see cref="NeedToKnowPolicy.DecideMany(IntelShare.Domain.Subject, AccessContext, ReadOnlySpan{ResourceMarking}, ReadJustification, DateTimeOffset, Span{AccessDecision})"/>,
/// as BatchGet and CheckBatch ask).
/// </summary>
public static class PolicyCommand
{
    private const string Single = "Decide";

    /// <summary>Distinct questions generated; a run cycles through them (more than fit the CPU caches).</summary>
    private const int WorkloadSize = 1 << 20;

    public static Command Create(string[] commandLine)
    {
        var decisions = CommonOptions.Positive(new Option<int>("--decisions") { Description = "Timed decisions per run and mode.", DefaultValueFactory = _ => 5_000_000 });
        var batchSize = CommonOptions.Positive(new Option<int>("--batch-size") { Description = "Resources per DecideMany call (one reader, one justification).", DefaultValueFactory = _ => 50 });
        var runs = CommonOptions.Runs(5);
        var seed = CommonOptions.Seed("the generated readers, records and questions");
        var output = CommonOptions.Out("policy.json");
        var command = new Command("policy", "In-process need-to-know decisions per second on one core, over a mixed, pregenerated workload.")
        {
            decisions, batchSize, runs, seed, output,
        };
        command.SetAction(parse => Run(
            new PolicyOptions(parse.GetValue(decisions), parse.GetValue(batchSize), parse.GetValue(runs), parse.GetValue(seed), parse.GetValue(output)!),
            commandLine));
        return command;
    }

    private static int Run(PolicyOptions options, string[] commandLine)
    {
        var machine = MachineInfo.Collect(commandLine);
        var many = $"DecideMany x{options.BatchSize}";
        var workload = PolicyWorkload.Generate(options.Seed, DateTimeOffset.UtcNow, WorkloadSize);
        Report.WriteHeader(
            machine,
            "IntelShare need-to-know policy benchmark",
            ("Platform", "in-process, one thread, NeedToKnowPolicy with the default options"),
            ("Workload",
                $"{workload.Decisions:N0} pregenerated questions ({workload.Subjects.Length:N0} readers of {workload.Subjects.Select(s => s.Agency).Distinct().Count()} agencies " +
                $"with cases and grants, {workload.Resources.Length:N0} records, {workload.Justifications.Length} justifications), cycled; " +
                $"{options.Decisions:N0} timed decisions per mode and run after one untimed pass; {options.Runs} run(s)"));

        var policy = new NeedToKnowPolicy();
        var batch = new Batched(workload, options.BatchSize);

        // The untimed pass: shows what the workload decides, and brings the policy to its optimised tier.
        var (effects, rules) = Mix(policy, workload);
        Decide(policy, workload, WorkloadSize);
        DecideMany(policy, batch, WorkloadSize);

        var runs = new List<PolicyRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            runs.Add(Time(run, Single, options.Decisions, () => Decide(policy, workload, options.Decisions)));
            runs.Add(Time(run, many, options.Decisions, () => DecideMany(policy, batch, options.Decisions)));
            AnsiConsole.MarkupLine(Markup.Escape(
                $"Run {run}: {runs[^2].PerSecond:N0} decisions/s one at a time, {runs[^1].PerSecond:N0}/s in batches of {options.BatchSize}"));
        }

        PolicyMedian[] median =
        [
            .. new[] { Single, many }.Select(mode => new PolicyMedian(
                mode,
                Statistics.Median(runs.Where(r => r.Mode == mode).Select(r => r.PerSecond)),
                Statistics.Median(runs.Where(r => r.Mode == mode).Select(r => r.PerCpuSecond)))),
        ];
        Target[] targets =
        [
            .. median.Select(m => Target.AtLeast($"{m.Mode}: decisions/s on one core (median of runs, wall clock)", PolicySummary.TargetPerSecond, m.PerSecond)),
        ];
        var summary = new PolicySummary(machine, options, effects, rules, runs, median, targets);
        WriteSummary(summary);
        Conclude(summary, targets, options.Out);
        return 0;
    }

    private static PolicyRun Time(int run, string mode, int decisions, Func<long> decide)
    {
        // Nothing of the generation or of the previous mode is left to be collected while this one is timed.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpu = CpuMeter.Start(Environment.ProcessId);
        var start = Stopwatch.GetTimestamp();
        var permitted = decide();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var usage = cpu.Stop();
        if (permitted <= 0 || permitted >= decisions)
        {
            throw new BenchmarkException($"{mode} permitted {permitted} of {decisions} decisions: the workload is not mixed.");
        }

        return new PolicyRun(run, mode, decisions, seconds, usage.HostCpuSeconds ?? double.NaN);
    }

    /// <summary>
    /// Counts permits, so the decisions are used and the JIT cannot drop them. The loop itself is compiled
    /// optimised at once (it runs only a few times, too few to tier up); the policy tiers up as in a service.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Decide(NeedToKnowPolicy policy, PolicyWorkload workload, int decisions)
    {
        var subjects = workload.Subjects;
        var contexts = workload.Contexts;
        var resources = workload.Resources;
        var justifications = workload.Justifications;
        var subjectOf = workload.SubjectOf;
        var resourceOf = workload.ResourceOf;
        var justificationOf = workload.JustificationOf;
        var now = workload.Now;
        long permitted = 0;
        for (var i = 0; i < decisions; i++)
        {
            var q = i & (WorkloadSize - 1);
            var s = subjectOf[q];
            if (policy.Decide(subjects[s], contexts[s], resources[resourceOf[q]], justifications[justificationOf[q]], now).IsPermitted)
            {
                permitted++;
            }
        }

        return permitted;
    }

    /// <summary>The same questions cut into batches: each batch is asked by the reader and justification of its first question.</summary>
    private sealed class Batched(PolicyWorkload workload, int size)
    {
        public PolicyWorkload Workload { get; } = workload;

        public int Size { get; } = size;

        /// <summary>The records in question order, so a batch is a slice.</summary>
        public ResourceMarking[] Resources { get; } = Array.ConvertAll(workload.ResourceOf, r => workload.Resources[r]);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long DecideMany(NeedToKnowPolicy policy, Batched batched, int decisions)
    {
        var workload = batched.Workload;
        var decided = new AccessDecision[batched.Size];
        long permitted = 0;
        for (var done = 0; done < decisions;)
        {
            var q = done & (WorkloadSize - 1);
            var size = Math.Min(Math.Min(batched.Size, decisions - done), WorkloadSize - q);
            var s = workload.SubjectOf[q];
            policy.DecideMany(
                workload.Subjects[s], workload.Contexts[s], batched.Resources.AsSpan(q, size), workload.Justifications[workload.JustificationOf[q]], workload.Now, decided);
            for (var i = 0; i < size; i++)
            {
                if (decided[i].IsPermitted)
                {
                    permitted++;
                }
            }

            done += size;
        }

        return permitted;
    }

    private static (IReadOnlyList<DecisionShare> Effects, IReadOnlyList<DecisionShare> Rules) Mix(NeedToKnowPolicy policy, PolicyWorkload workload)
    {
        var effects = new Dictionary<string, long>();
        var rules = new Dictionary<string, long>();
        for (var q = 0; q < workload.Decisions; q++)
        {
            var s = workload.SubjectOf[q];
            var decision = policy.Decide(workload.Subjects[s], workload.Contexts[s], workload.Resources[workload.ResourceOf[q]], workload.Justifications[workload.JustificationOf[q]], workload.Now);
            effects[decision.Effect.ToString()] = effects.GetValueOrDefault(decision.Effect.ToString()) + 1;
            rules[decision.Rule.Id] = rules.GetValueOrDefault(decision.Rule.Id) + 1;
        }

        return (Shares(effects, workload.Decisions), Shares(rules, workload.Decisions));
    }

    private static DecisionShare[] Shares(Dictionary<string, long> counts, int total) =>
        [.. counts.OrderByDescending(c => c.Value).Select(c => new DecisionShare(c.Key, c.Value, 100.0 * c.Value / total))];

    private static void WriteSummary(PolicySummary summary)
    {
        var mix = Table("What the workload decides (one pass)", "Outcome", "Share %");
        foreach (var (kind, shares) in new[] { ("effect", summary.Effects), ("rule", summary.Rules) })
        {
            foreach (var share in shares)
            {
                mix.AddRow(Markup.Escape($"{kind} {share.Outcome}"), Number(share.Percent, "0.0"));
            }
        }

        AnsiConsole.Write(mix);

        var table = Table("Need-to-know decisions on one thread", "Run", "Mode", "Decisions", "Wall s", "Decisions/s", "Decisions per CPU-second");
        foreach (var run in summary.Runs)
        {
            table.AddRow(Text(run.Run), Markup.Escape(run.Mode), Text(run.Decisions), Number(run.Seconds, "0.000"), Number(run.PerSecond, "N0"), Number(run.PerCpuSecond, "N0"));
        }

        foreach (var median in summary.Median)
        {
            table.AddRow("[bold]median[/]", Markup.Escape(median.Mode), "", "", Bold(Number(median.PerSecond, "N0")), Number(median.PerCpuSecond, "N0"));
        }

        AnsiConsole.Write(table);
    }
}
