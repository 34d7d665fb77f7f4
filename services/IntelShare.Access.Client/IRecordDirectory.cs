using IntelShare.Domain;
using IntelShare.Policy;

namespace IntelShare.Access.Client;

/// <summary>What Access needs to know of a record it is asked about: that it exists and who holds it.</summary>
public sealed record RecordHolder(string RecordId, string Agency);

/// <summary>
/// Finds a record's holder for someone who asks for access to it: the Records service's own store where it runs in
/// the same process, otherwise the Records service over gRPC (<see cref="RemoteRecordDirectory"/>).
/// </summary>
public interface IRecordDirectory
{
    /// <summary>
    /// The record's holder, or null when it does not exist (or is withdrawn) as far as <paramref name="asker"/> may know:
    /// a look-up the need-to-know check decides and the audit log records, as a read.
    /// </summary>
    Task<RecordHolder?> FindAsync(Subject asker, string recordId, ReadJustification justification, CancellationToken cancellationToken);
}
