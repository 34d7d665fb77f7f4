namespace IntelShare.Domain;

/// <summary>
/// The agencies taking part, as Identity registers them: what a marking's releasability or a case's membership may
/// name. Provided by Identity where it runs in the same process, else asked of the Identity service.
/// </summary>
public interface IAgencyDirectory
{
    /// <summary>
    /// The codes of the agencies known. When one of <paramref name="codes"/> is not among those last read, the list
    /// is read again first, so that an agency registered a moment ago counts.
    /// </summary>
    ValueTask<IReadOnlySet<string>> KnownAsync(IEnumerable<string> codes, CancellationToken cancellationToken);
}

/// <summary>
/// Holds the agency list between reads: it changes rarely, and a bulk intake asks about every row. A code not in the
/// list reads it again, but not more often than <see cref="MinRereadInterval"/>, so that a stream of rows naming the
/// same unknown agency costs one read.
/// </summary>
public sealed class CachedAgencyDirectory(Func<CancellationToken, Task<IReadOnlyCollection<string>>> read, TimeProvider clock) : IAgencyDirectory
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinRereadInterval = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private (IReadOnlySet<string> Codes, DateTimeOffset ReadAt)? _held;

    public async ValueTask<IReadOnlySet<string>> KnownAsync(IEnumerable<string> codes, CancellationToken cancellationToken)
    {
        var held = _held;
        var now = clock.GetUtcNow();
        if (held is { } current && now - current.ReadAt < MaxAge && (codes.All(current.Codes.Contains) || now - current.ReadAt < MinRereadInterval))
        {
            return current.Codes;
        }

        await _reading.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have read it while this one waited.
            if (_held is { } fresh && !ReferenceEquals(fresh.Codes, held?.Codes) && clock.GetUtcNow() - fresh.ReadAt < MinRereadInterval)
            {
                return fresh.Codes;
            }

            var codesRead = (await read(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            _held = (codesRead, clock.GetUtcNow());
            return codesRead;
        }
        finally
        {
            _reading.Release();
        }
    }
}
