using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace IntelShare.Benchmarks;

public sealed record Target(string Figure, string Goal, double? Measured, bool? Met)
{
    public static Target AtLeast(string figure, double goal, double? measured, string format = "N0") =>
        new(figure, ">= " + goal.ToString(format, CultureInfo.InvariantCulture), measured, measured is { } m && double.IsFinite(m) ? m >= goal : null);

    public static Target AtMost(string figure, double goal, double? measured, string format = "0.##") =>
        new(figure, "<= " + goal.ToString(format, CultureInfo.InvariantCulture), measured, measured is { } m && double.IsFinite(m) ? m <= goal : null);
}

/// <summary>What every benchmark prints alike: the machine and command, latency tables, targets and the JSON file.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The machine, the exact command and what is measured, in a panel headed <paramref name="title"/>.</summary>
    public static void WriteHeader(MachineInfo machine, string title, params (string Name, string Value)[] setup)
    {
        // Redirected output (a log, CI) otherwise gets 80 columns and wraps the tables.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("Command", Markup.Escape(machine.CommandLine));
        grid.AddRow("Build", Markup.Escape(machine.Configuration));
        grid.AddRow("Processors", $"{machine.ProcessorCount} (nproc: {Markup.Escape(machine.Nproc)}), {Markup.Escape(machine.Cpu)}");
        grid.AddRow("Memory", Markup.Escape(machine.Memory));
        grid.AddRow("OS", Markup.Escape(machine.Os));
        grid.AddRow(".NET", Markup.Escape(machine.Runtime));
        grid.AddRow("Load average at start", Markup.Escape(machine.LoadAverageAtStart));
        grid.AddRow("Kernel memory monitor", Markup.Escape(machine.MemoryMonitor));
        foreach (var (name, value) in setup)
        {
            grid.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        AnsiConsole.Write(new Panel(grid).Header(Markup.Escape(title)));
        if (machine.Configuration != "Release")
        {
            AnsiConsole.MarkupLine($"[yellow]Warning:[/] this is a {Markup.Escape(machine.Configuration)} build, and so is any host it starts: run with -c Release for figures worth quoting.");
        }
    }

    /// <summary>One row per run and the medians; the CPU column only where CPU time was measured.</summary>
    public static void WriteLatencyTable(string title, IEnumerable<(string Run, LatencyResult Result)> rows, LatencyMedian? median, string cpuColumn = "Host CPU µs per call (all host threads)")
    {
        var runs = rows.ToArray();
        var withCpu = runs.Any(r => r.Result.HostCpuMicrosecondsPerCall is not null);
        var withClientGc = runs.Any(r => r.Result.ClientGc is not null);
        var withKernelMonitor = runs.Any(r => r.Result.Cpu.KernelMonitorMilliseconds is not null);
        string[] columns = [
            "Run", "Calls", "p50", "p90", "p99", "max", "mean", .. withCpu ? new[] { cpuColumn } : [],
            .. withClientGc ? new[] { "Client's own GCs (ms paused)" } : [],
            .. withKernelMonitor ? new[] { "Kernel memory monitor CPU ms (kdamond)" } : []];
        var table = Table(title, columns);
        foreach (var (run, result) in runs)
        {
            table.AddRow([
                Markup.Escape(run), Text(result.Calls), Number(result.P50Ms, "0.000"), Number(result.P90Ms, "0.000"), Number(result.P99Ms, "0.000"),
                Number(result.MaxMs, "0.000"), Number(result.MeanMs, "0.000"), .. withCpu ? new[] { Number(result.HostCpuMicrosecondsPerCall, "N1") } : [],
                .. withClientGc ? new[] { result.ClientGc is { } gc ? Markup.Escape($"{gc.Collections:N0} ({gc.PauseMs:0.0})") : "" } : [],
                .. withKernelMonitor ? new[] { Number(result.Cpu.KernelMonitorMilliseconds, "N0") } : []]);
        }

        if (median is not null)
        {
            table.AddRow([
                "[bold]median[/]", "", Number(median.P50Ms, "0.000"), Number(median.P90Ms, "0.000"), Bold(Number(median.P99Ms, "0.000")),
                Number(median.MaxMs, "0.000"), Number(median.MeanMs, "0.000"), .. withCpu ? new[] { Number(median.HostCpuMicrosecondsPerCall, "N1") } : [],
                .. withClientGc ? new[] { "" } : [],
                .. withKernelMonitor ? new[] { "" } : []]);
        }

        AnsiConsole.Write(table);
    }

    /// <summary>The targets table, then the JSON file of <paramref name="summary"/>; returns the file's full path.</summary>
    public static string Conclude<T>(T summary, IEnumerable<Target> targets, string path)
    {
        var table = Table("Targets", "Figure", "Target", "Measured", "Met");
        foreach (var target in targets)
        {
            table.AddRow(Markup.Escape(target.Figure), Markup.Escape(target.Goal), Number(target.Measured, "#,##0.###"),
                target.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "not measured" });
        }

        AnsiConsole.Write(table);
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllText(fullPath, JsonSerializer.Serialize(summary, Json));
        AnsiConsole.MarkupLine($"Results written to [bold]{Markup.Escape(fullPath)}[/]");
        return fullPath;
    }

    public static Table Table(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)), Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn(Markup.Escape(columns[0])));
        foreach (var column in columns.Skip(1))
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        return table;
    }

    public static string Text(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static string Cpu(double? seconds, double? cores) =>
        seconds is null ? "-" : $"{Number(seconds, "0.00")} ({Number(cores, "0.00")})";

    public static string Bold(string text) => $"[bold]{text}[/]";
}
