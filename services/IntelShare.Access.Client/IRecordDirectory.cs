namespace IntelShare.Access.Client;

/// <summary>What Access needs to know of a record it is asked about: that it exists and who holds it.</summary>
public sealed record RecordHolder(string RecordId, string Agency);

/// <summary>Finds a record's holder; provided by the Records service where it runs in the same process.</summary>
public interface IRecordDirectory
{
    RecordHolder? Find(string recordId);
}
