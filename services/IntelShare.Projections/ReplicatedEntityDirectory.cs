using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.ServiceDefaults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.Projections;

/// <summary>
/// Resolution's record-to-entity map, for a read model deployed without Resolution beside it (the graph's same_as
/// links, search hits grouped by entity): replicated in memory from the Resolution service's membership log, read
/// from the start at each start-up and followed from there, on this service's own account.
/// </summary>
public sealed partial class ReplicatedEntityDirectory(
    ResolutionService.ResolutionServiceClient resolution,
    ServiceCredentials credentials,
    ILogger<ReplicatedEntityDirectory> logger) : BackgroundService, IEntityDirectory, IEntityMembershipFeed
{
    private const int PageSize = 10_000;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(2);

    private readonly EntityMembership _membership = new();
    private long _applied;

    /// <summary>The last membership change applied to this replica.</summary>
    public long AppliedSequence => Interlocked.Read(ref _applied);

    public string? EntityOf(string recordId) => _membership.EntityOf(recordId);

    public IReadOnlyDictionary<string, string> EntitiesOf(IEnumerable<string> recordIds) => _membership.EntitiesOf(recordIds);

    public IReadOnlyList<string> RecordsOf(string entityId) => _membership.RecordsOf(entityId);

    /// <summary>
    /// Only changes this replica has applied already, so that <see cref="EntitiesOf"/> answers for each of them with
    /// an entity at least as new as the change.
    /// </summary>
    public async Task<IReadOnlyList<MembershipChange>> ChangesAfterAsync(long sequence, int limit, CancellationToken cancellationToken)
    {
        var applied = AppliedSequence;
        if (sequence >= applied)
        {
            return [];
        }

        var page = await ReadAsync(sequence, Math.Min(limit, PageSize), cancellationToken);
        return page.Changes.Where(c => c.Sequence <= applied).Select(c => new MembershipChange(c.Sequence, c.RecordId)).ToList();
    }

    /// <summary>Applies what Resolution has logged since the last call; returns how many changes it applied.</summary>
    public async Task<int> CatchUpOnceAsync(CancellationToken cancellationToken)
    {
        var page = await ReadAsync(AppliedSequence, PageSize, cancellationToken);
        foreach (var change in page.Changes)
        {
            _membership.Set(change.RecordId, change.EntityId);
        }

        if (page.Changes.Count > 0)
        {
            Interlocked.Exchange(ref _applied, page.Changes[^1].Sequence);
        }

        return page.Changes.Count;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundPriority.Run("entity-replica", () => FollowAsync(stoppingToken), stoppingToken);

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
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
            catch (Exception error) when (error is RpcException or HttpRequestException or InvalidOperationException)
            {
                LogFollowFailed(logger, error, AppliedSequence);
                await Task.Delay(RetryAfterError, stoppingToken);
            }
        }
    }

    private async Task<MembershipChanges> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        await resolution.ReadMembershipsAsync(
            new ReadMembershipsRequest { AfterSequence = afterSequence, Limit = limit },
            await credentials.HeadersAsync(cancellationToken),
            cancellationToken: cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read Resolution's membership log after change {Sequence}; retrying")]
    private static partial void LogFollowFailed(ILogger logger, Exception error, long sequence);
}
