using System.Diagnostics;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Benchmarks;

/// <summary>Waits, through ProjectionsService.Status, until every projection has applied all of the change log.</summary>
public static class ProjectionWait
{
    /// <summary>
    /// Seconds on <paramref name="clock"/> at which each projection had applied everything; says every 15 s who is
    /// still behind, and throws past <paramref name="limit"/>.
    /// </summary>
    public static async Task<Dictionary<string, double>> UntilCaughtUpAsync(
        ProjectionsService.ProjectionsServiceClient projections, Stopwatch clock, TimeSpan limit, TimeSpan poll, CancellationToken cancellation)
    {
        var caughtUp = new Dictionary<string, double>();
        var waited = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        while (true)
        {
            var status = await projections.StatusAsync(new ProjectionStatusRequest(), cancellationToken: cancellation);
            foreach (var projection in status.Projections.Where(p => p.LagChanges == 0 && p.State == ProjectionState.ProjectionUpToDate))
            {
                caughtUp.TryAdd(projection.Name, clock.Elapsed.TotalSeconds);
            }

            var behind = status.Projections.Where(p => !caughtUp.ContainsKey(p.Name)).ToArray();
            if (behind.Length == 0)
            {
                return caughtUp;
            }

            var progress = string.Join(", ", behind.Select(p => $"{p.Name} ({p.LagChanges:N0} changes behind, {p.State}{(p.Error.Length > 0 ? ": " + p.Error : "")})"));
            if (waited.Elapsed > limit)
            {
                throw new BenchmarkException($"Projections did not catch up within {limit.TotalMinutes:N0} min: {progress}.");
            }

            if (waited.Elapsed - reported >= TimeSpan.FromSeconds(15))
            {
                reported = waited.Elapsed;
                AnsiConsole.MarkupLine(Markup.Escape($"  {waited.Elapsed.TotalSeconds:0} s: {progress}"));
            }

            await Task.Delay(poll, cancellation);
        }
    }
}
