namespace IntelShare.Audit.Domain;

/// <summary>
/// Cases or operations recorded as compromised, and when. Implemented by the service that owns cases (Access);
/// declared here so Audit does not depend on it. Without one, LOOKUP_BEFORE_COMPROMISE finds nothing.
/// </summary>
public interface ICompromisedOperations
{
    IReadOnlyList<(string CaseRef, DateTimeOffset At)> List();
}
