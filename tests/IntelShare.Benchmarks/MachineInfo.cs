using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace IntelShare.Benchmarks;

/// <summary>What the figures were measured on: without it a number cannot be compared with another.</summary>
public sealed record MachineInfo(
    string CommandLine,
    string Configuration,
    int ProcessorCount,
    string Nproc,
    string Cpu,
    string Memory,
    string Os,
    string Runtime,
    string LoadAverageAtStart,
    string MemoryMonitor,
    DateTimeOffset StartedAt)
{
    public static MachineInfo Collect(string[] arguments)
    {
        var configuration = typeof(MachineInfo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
        return new MachineInfo(
            $"dotnet run -c {configuration} --project tests/IntelShare.Benchmarks -- {string.Join(' ', Redacted(arguments).Select(Quote))}",
            configuration,
            Environment.ProcessorCount,
            Run("nproc"),
            ProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            ProcLine("/proc/meminfo", "MemTotal") ?? "unknown",
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            ReadOrUnknown("/proc/loadavg"),
            KernelMemoryMonitor(),
            DateTimeOffset.Now);
    }

    /// <summary>The command line goes into reports and files that get shared; passwords must not.</summary>
    private static IEnumerable<string> Redacted(string[] arguments)
    {
        for (var i = 0; i < arguments.Length; i++)
        {
            var argument = arguments[i];
            if (argument is "--password" or "--admin-password" && i + 1 < arguments.Length)
            {
                yield return argument;
                yield return "***";
                i++;
            }
            else if (argument.StartsWith("--password=", StringComparison.Ordinal) || argument.StartsWith("--admin-password=", StringComparison.Ordinal))
            {
                yield return argument[..(argument.IndexOf('=') + 1)] + "***";
            }
            else
            {
                yield return argument;
            }
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '$' or '&' or ';') ? argument : $"'{argument.Replace("'", "'\\''")}'";

    private static string Run(string program)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unavailable";
        }
    }

    private static string? ProcLine(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim();
    }

    /// <summary>
    /// The kernel's data access monitor (DAMON), which some virtual machines run to give cold memory back to their
    /// host. Every sampling interval it clears the accessed bits of pages across memory, those of the measured
    /// processes too. On the 2-core guest these benchmarks were tuned on, 13 of the 14 Gets slower than 10 ms in a perf
    /// capture of the whole machine fell in such a burst (10–50 ms about every half second; the other one, in perf's own
    /// writing). Said here so that such a tail is read for what it is.
    /// </summary>
    private static string KernelMemoryMonitor()
    {
        if (!Directory.Exists(KernelMonitorCpu.Kdamonds))
        {
            return "none";
        }

        try
        {
            return RunningMonitors(KernelMonitorCpu.Kdamonds);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A header line is not worth failing a benchmark over.
            return $"unreadable ({error.Message})";
        }
    }

    private static string RunningMonitors(string kdamonds)
    {
        var running = new List<string>();
        foreach (var kdamond in Directory.GetDirectories(kdamonds))
        {
            if (ReadOrUnknown(Path.Combine(kdamond, "state")) != "on")
            {
                continue;
            }

            var contexts = Path.Combine(kdamond, "contexts");
            foreach (var context in Directory.Exists(contexts) ? Directory.GetDirectories(contexts) : [])
            {
                var sampleMicroseconds = ReadOrUnknown(Path.Combine(context, "monitoring_attrs", "intervals", "sample_us"));
                var actions = Directory.Exists(Path.Combine(context, "schemes"))
                    ? Directory.GetDirectories(Path.Combine(context, "schemes")).Select(scheme => ReadOrUnknown(Path.Combine(scheme, "action")))
                    : [];
                var sampling = long.TryParse(sampleMicroseconds, out var us) ? $"{us / 1000.0:0.###} ms" : sampleMicroseconds;
                running.Add($"DAMON ({ReadOrUnknown(Path.Combine(context, "operations"))}) sampling every {sampling}, schemes: {string.Join(", ", actions.DefaultIfEmpty("none"))}");
            }
        }

        return running.Count == 0 ? "none running" : string.Join("; ", running);
    }

    private static string ReadOrUnknown(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "unknown";
}
