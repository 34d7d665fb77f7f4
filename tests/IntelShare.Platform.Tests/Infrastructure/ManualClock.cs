namespace IntelShare.Platform.Tests.Infrastructure;

/// <summary>A clock a test sets by hand.</summary>
public sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}
