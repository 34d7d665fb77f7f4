using IntelShare.Domain;
using Lucene.Net.Index;

namespace IntelShare.Search.Engine.Lucene;

/// <summary>
/// Merges segments on background-priority threads: a merge only makes later searches cheaper, and must not take
/// the CPU from the searches and intake running meanwhile (Lucene's own thread priority does nothing on Linux).
/// </summary>
internal sealed class BackgroundMergeScheduler : ConcurrentMergeScheduler
{
    protected override void DoMerge(MergePolicy.OneMerge merge)
    {
        BackgroundPriority.LowerCurrentThread();
        base.DoMerge(merge);
    }
}
