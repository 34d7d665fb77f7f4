using IntelShare.Audit.Domain;
using IntelShare.Domain;

namespace IntelShare.Audit.Tests;

/// <summary>A scratch directory deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "intelshare-audit-svc-" + Guid.NewGuid().ToString("N"));

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

internal static class Subjects
{
    public static Subject Oversight { get; } = Make("ovs-1", "IOPC", Roles.Oversight);

    public static Subject Analyst(string agency = "NCA", string userId = "analyst-1") => Make(userId, agency, Roles.Analyst);

    public static Subject Make(string userId, string agency, params string[] roles) =>
        new(userId, userId, agency, roles.ToHashSet(StringComparer.Ordinal), ClearanceLevel.Secret, new HashSet<string>(StringComparer.Ordinal));
}

/// <summary>Cases known to the agencies that own or are on them, as the Access service answers.</summary>
internal sealed class KnownCases(params (string CaseRef, string Agency)[] memberships) : ICaseDirectory
{
    public static KnownCases None { get; } = new();

    public Task<string?> FindKnownAsync(Subject subject, string caseRef, CancellationToken cancellationToken) =>
        Task.FromResult(memberships
            .Where(m => string.Equals(m.CaseRef, caseRef, StringComparison.OrdinalIgnoreCase) && m.Agency == subject.Agency)
            .Select(m => m.CaseRef)
            .FirstOrDefault());
}

internal static class Events
{
    public static readonly DateTimeOffset Day0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static AuditEvent Read(
        string userId = "analyst-1",
        string agency = "NCA",
        string resourceId = "R-1",
        string holder = "MPS",
        string caseRef = "OP-ALPHA",
        string effect = "PERMIT",
        DateTimeOffset? at = null,
        string[]? resourceCases = null,
        string action = "read") =>
        new(at ?? Day0, userId, $"User {userId}", agency, action, "record", resourceId, holder, caseRef,
            caseRef.Length > 0 ? "trafficking investigation" : "", "CRIMINAL_INVESTIGATION", effect, "releasable-to-agency",
            "10.0.0.7", "records", resourceCases ?? []);
}

internal static class AuditLogs
{
    public static AuditLog Open(string directory) => AuditLog.Open(new AuditLogOptions { Directory = directory });
}
