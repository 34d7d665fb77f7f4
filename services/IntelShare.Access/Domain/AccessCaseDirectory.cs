using IntelShare.Domain;

namespace IntelShare.Access.Domain;

/// <summary>The case directory of Access, for services hosted in the same process.</summary>
public sealed class AccessCaseDirectory(AccessManager manager) : ICaseDirectory
{
    public Task<bool> IsOpenToAsync(Subject subject, string caseRef, CancellationToken cancellationToken) =>
        Task.FromResult(manager.IsKnownTo(subject, caseRef));
}
