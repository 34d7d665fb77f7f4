using System.Globalization;

namespace IntelShare.Benchmarks;

/// <summary>
/// CPU time of the kernel's data access monitor threads (kdamond, see <see cref="MachineInfo"/>) over one phase. On
/// a 2-core guest such a thread runs in bursts of tens of milliseconds that the kernel does not preempt, and a call
/// whose thread was queued behind one waits for the whole burst: the time measured here is time the calls did not
/// have the whole machine, for a reader to set beside their tail.
/// </summary>
public static class KernelMonitorCpu
{
    /// <summary>DAMON's sysfs interface: one directory per monitor, whose pid file names its running thread (-1 when off).</summary>
    public const string Kdamonds = "/sys/kernel/mm/damon/admin/kdamonds";

    // /proc/<pid>/stat counts in USER_HZ ticks, which Linux fixes at 100 per second for user space on every architecture.
    private const double MillisecondsPerTick = 10;

    /// <summary>The running monitor threads' CPU time so far, in ms; null where none runs (or it cannot be read).</summary>
    public static double? TotalMilliseconds()
    {
        if (!Directory.Exists(Kdamonds))
        {
            return null;
        }

        double? total = null;
        foreach (var kdamond in Directory.EnumerateDirectories(Kdamonds))
        {
            try
            {
                if (int.TryParse(File.ReadAllText(Path.Combine(kdamond, "pid")).Trim(), CultureInfo.InvariantCulture, out var pid) && pid > 0)
                {
                    total = (total ?? 0) + Ticks(File.ReadAllText($"/proc/{pid}/stat")) * MillisecondsPerTick;
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // The monitor stopped while being read: it does not run now.
            }
        }

        return total;
    }

    /// <summary>utime + stime: fields 14 and 15, counted after the command name, which is in parentheses and may hold spaces.</summary>
    private static long Ticks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
