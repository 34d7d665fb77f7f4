using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntelShare.Contracts.V1;
using IntelShare.Domain;
using IntelShare.ServiceDefaults;

namespace IntelShare.Projections;

public sealed class ProjectionsGrpcService(ProjectionRegistry registry) : ProjectionsService.ProjectionsServiceBase
{
    public override async Task<ProjectionStatusResponse> Status(ProjectionStatusRequest request, ServerCallContext context)
    {
        // Lag is operational, not intelligence: any signed-in user may see it (and see why results look stale).
        _ = context.GetSubject();
        var response = new ProjectionStatusResponse();
        foreach (var runner in registry.All)
        {
            response.Projections.Add(ToMessage(await runner.SnapshotAsync(context.CancellationToken)));
        }

        return response;
    }

    public override async Task Rebuild(RebuildProjectionRequest request, IServerStreamWriter<RebuildProgress> responseStream, ServerCallContext context)
    {
        var subject = context.GetSubject();
        if (!subject.HasRole(Roles.Admin))
        {
            throw new PermissionDeniedException("Rebuilding a projection needs the admin role.");
        }

        var violations = new Violations();
        violations.Require(!string.IsNullOrWhiteSpace(request.Name), "name", $"is required: one of {string.Join(", ", registry.All.Select(r => r.Name))}");
        violations.ThrowIfAny();
        var runner = registry.Find(request.Name)
            ?? throw new NotFoundException("Projection", request.Name);

        // Progress is reported from the rebuild loop; the stream writes at most one message at a time.
        var latest = (Applied: 0L, Target: 0L);
        var reported = new SemaphoreSlim(0);
        var rebuild = runner.RebuildAsync(
            new Progress<(long Applied, long Target)>(value =>
            {
                latest = value;
                reported.Release();
            }),
            context.CancellationToken);
        while (!rebuild.IsCompleted)
        {
            await Task.WhenAny(rebuild, reported.WaitAsync(TimeSpan.FromMilliseconds(250), context.CancellationToken));
            await responseStream.WriteAsync(new RebuildProgress { Name = runner.Name, AppliedSequence = latest.Applied, TargetSequence = latest.Target });
        }

        await rebuild;

        // Progress<T> reports on the thread pool and may not have delivered the last one yet: the end is read from the runner.
        var done = runner.Snapshot();
        await responseStream.WriteAsync(new RebuildProgress { Name = runner.Name, AppliedSequence = done.AppliedSequence, TargetSequence = Math.Max(done.AppliedSequence, latest.Target), Done = true });
    }

    private static ProjectionStatus ToMessage(ProjectionSnapshot snapshot) => new()
    {
        Name = snapshot.Name,
        State = snapshot.State,
        AppliedSequence = snapshot.AppliedSequence,
        HeadSequence = snapshot.HeadSequence,
        LagChanges = snapshot.LagChanges,
        LagSeconds = snapshot.Lag.TotalSeconds,
        Error = snapshot.Error,
        LastAppliedAt = snapshot.LastAppliedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };
}
