namespace IntelShare.Domain;

/// <summary>
/// Which cases a caller may file records under. Membership of a case releases its records to the members, so a case
/// reference on a record must name a case that exists and that the contributor's agency owns or is on: else whoever
/// opened a case of that name later, in any agency, would be handed the records. Provided by Access where it runs in
/// the same process, else asked of the Access service.
/// </summary>
public interface ICaseDirectory
{
    /// <summary>
    /// The reference of the case <paramref name="caseRef"/> names, spelt as it was opened (references are compared
    /// regardless of letter case), if <paramref name="subject"/> knows of it: its agency owns it, or it or its agency
    /// is a member. Null for any other case, as for one that does not exist.
    /// </summary>
    Task<string?> FindKnownAsync(Subject subject, string caseRef, CancellationToken cancellationToken);
}

/// <summary>What a caller is told of a case reference they may not name.</summary>
public static class UnknownCase
{
    /// <summary>
    /// The same for a case that exists and one that does not: a case reference names an operation, and the answer must
    /// not tell an outsider which operations exist.
    /// </summary>
    public static string Message(string caseRef) => $"'{caseRef}' is not a case you are on or your agency owns";
}
