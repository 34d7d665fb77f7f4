using IntelShare.Audit.Domain;

namespace IntelShare.Access.Domain;

/// <summary>Tells the audit anomaly detector which operations were compromised, and when.</summary>
public sealed class CompromisedCaseList(AccessStore store) : ICompromisedOperations
{
    public IReadOnlyList<(string CaseRef, DateTimeOffset At)> List() =>
        store.CompromisedCases().Select(c => (c.CaseRef, c.CompromisedAt!.Value)).ToList();
}
