using IntelShare.Domain;

namespace IntelShare.Access.Domain;

/// <summary>The case directory of Access, for services hosted in the same process.</summary>
public sealed class AccessCaseDirectory(AccessStore store) : ICaseDirectory
{
    public Task<string?> FindKnownAsync(Subject subject, string caseRef, CancellationToken cancellationToken) =>
        Task.FromResult(store.FindCaseKnownTo(subject, caseRef)?.CaseRef);
}
