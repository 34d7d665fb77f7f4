namespace IntelShare.Domain;

/// <summary>
/// Which cases a caller may file records under. Membership of a case releases its records to the members, so a case
/// reference on a record must name a case that exists and that the contributor's agency owns or is on: else whoever
/// opened a case of that name later, in any agency, would be handed the records. Provided by Access where it runs in
/// the same process, else asked of the Access service.
/// </summary>
public interface ICaseDirectory
{
    /// <summary>Whether <paramref name="caseRef"/> is a case <paramref name="subject"/> knows of: its agency owns it, or it or its agency is a member.</summary>
    Task<bool> IsOpenToAsync(Subject subject, string caseRef, CancellationToken cancellationToken);
}
