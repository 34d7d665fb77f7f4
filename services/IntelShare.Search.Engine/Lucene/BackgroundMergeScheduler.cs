using IntelShare.Domain;
using Lucene.Net.Index;
using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// Merges segments on background-priority threads: a merge only makes later searches cheaper, and must not take
/// the CPU from the searches and intake running meanwhile (Lucene's own thread priority does nothing on Linux).
/// </summary>
internal sealed class BackgroundMergeScheduler : ConcurrentMergeScheduler
{
    /// <summary>
    /// The directory the writer writes through: between two buffers a merge or a flush on a background thread writes,
    /// it stands back from the calls being served (<see cref="BackgroundPriority.YieldToCalls"/>). A merge of a large
    /// index runs for seconds, inside Lucene, where no other step of ours comes between.
    /// </summary>
    public static LuceneDirectory YieldingToCalls(LuceneDirectory directory)
    {
        var wrapped = new RateLimitedDirectoryWrapper(directory);
        wrapped.SetRateLimiter(CallYielder.Instance, IOContext.UsageContext.MERGE);
        wrapped.SetRateLimiter(CallYielder.Instance, IOContext.UsageContext.FLUSH);
        return wrapped;
    }

    protected override void DoMerge(MergePolicy.OneMerge merge)
    {
        BackgroundPriority.LowerCurrentThread();
        base.DoMerge(merge);
    }

    /// <summary>Limits no rate: Lucene calls it after each buffer written, which is where a merge can pause.</summary>
    private sealed class CallYielder : RateLimiter
    {
        public static readonly CallYielder Instance = new();

        public override double MbPerSec => double.PositiveInfinity;

        public override void SetMbPerSec(double mbPerSec) =>
            throw new NotSupportedException("Background writes are not rate-limited; they stand back from calls.");

        public override long Pause(long bytes)
        {
            BackgroundPriority.YieldToCalls();
            return 0;
        }
    }
}
