namespace IntelShare.Benchmarks;

public static class Statistics
{
    /// <summary>Nearest-rank percentile of ascending values: a latency that was actually observed, never an interpolation.</summary>
    public static double Percentile(IReadOnlyList<double> ascending, double fraction)
    {
        var rank = (int)Math.Ceiling(fraction * ascending.Count);
        return ascending[Math.Clamp(rank - 1, 0, ascending.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Median of the values that are present; null when none is (e.g. no host process to measure).</summary>
    public static double? Median(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToArray();
        return present.Length == 0 ? null : Median(present);
    }
}
