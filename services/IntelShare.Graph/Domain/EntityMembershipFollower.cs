using IntelShare.Domain;
using IntelShare.Graph.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.Graph.Domain;

/// <summary>
/// Keeps the graph's same_as edges in step with Resolution: merges, splits, analysts' decisions and re-runs move a
/// record to another entity without any change to the record itself. It follows Resolution's durable membership log
/// from the last change it applied, so a restart misses nothing; re-applying a change is harmless, as each one only
/// re-derives that record's edge from its current entity.
/// </summary>
public sealed partial class EntityMembershipFollower(
    IGraphStore store,
    GraphRecordIndex index,
    GraphWriteGate gate,
    ILogger<EntityMembershipFollower> logger,
    IEntityMembershipFeed? feed = null,
    IEntityDirectory? entities = null) : BackgroundService
{
    private const int BatchSize = 2_000;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(2);

    /// <summary>Applies what has changed since the last call; returns how many changes it applied.</summary>
    public async Task<int> CatchUpOnceAsync(CancellationToken cancellationToken)
    {
        if (feed is null || entities is null)
        {
            return 0;
        }

        var changes = await feed.ChangesAfterAsync(index.MembershipCheckpoint, BatchSize, cancellationToken);
        if (changes.Count == 0)
        {
            return 0;
        }

        using (await gate.EnterAsync(cancellationToken))
        {
            var operations = new List<GraphOperation>();
            var links = new List<(string, string?)>();
            var recordIds = changes.Select(c => c.RecordId).Distinct(StringComparer.Ordinal).ToList();
            var entityOf = entities.EntitiesOf(recordIds);
            foreach (var recordId in recordIds)
            {
                // Most changes are a new record joining its entity, which the projection linked as it wrote the record.
                var entity = entityOf.GetValueOrDefault(recordId);
                if (index.IsLinkedTo(recordId, entity))
                {
                    continue;
                }

                operations.Add(new RemoveSupport(GraphRecordMapper.SameAsSupport(recordId)));
                if (index.Find(recordId) is { MainNodeId: { } main } && await store.GetNodeAsync(main, cancellationToken) is { } node)
                {
                    var linked = GraphRecordMapper.SameAs(recordId, main, node.Kind, entity);
                    operations.AddRange(linked);
                    links.Add((recordId, linked.Count > 0 ? entity : null));
                }
            }

            if (operations.Count > 0)
            {
                // The batch keeps the Records checkpoint where the projection left it.
                await store.ApplyAsync(new GraphBatch(operations), await store.GetCheckpointAsync(cancellationToken), cancellationToken);
                index.NoteLinks(links);
            }
        }

        index.MembershipCheckpoint = changes[^1].Sequence;
        return changes.Count;
    }

    /// <summary>Like the projections, at background priority (<see cref="BackgroundPriority"/>).</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundPriority.Run("graph-membership", () => FollowAsync(stoppingToken), stoppingToken);

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        // Without Resolution in this process there are no entities to follow.
        while (feed is not null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await CatchUpOnceAsync(stoppingToken) == 0)
                {
                    await Task.Delay(IdlePoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                LogFailed(error, RetryAfterError.TotalSeconds);
                await Task.Delay(RetryAfterError, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying entity membership changes to the graph failed; retrying in {Seconds} s.")]
    private partial void LogFailed(Exception error, double seconds);
}
