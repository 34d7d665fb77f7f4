namespace IntelShare.Benchmarks;

/// <summary>
/// This process's garbage collections over one phase: in-process latencies whose tail is a collection's pause say so
/// here, not in the code under test.
/// </summary>
public sealed class GcMeter
{
    private readonly int _collections = GC.CollectionCount(0);
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();
    private readonly long _allocated = GC.GetTotalAllocatedBytes();

    private GcMeter()
    {
    }

    public static GcMeter Start() => new();

    public GcUsage Stop() => new(GC.CollectionCount(0) - _collections, (GC.GetTotalPauseDuration() - _paused).TotalMilliseconds, GC.GetTotalAllocatedBytes() - _allocated);
}

/// <param name="Collections">Collections of any generation (each includes generation 0).</param>
public sealed record GcUsage(int Collections, double PauseMs, long AllocatedBytes)
{
    public double AllocatedKiBPer(int calls) => AllocatedBytes / 1024.0 / calls;
}
