namespace IntelShare.Domain;

/// <summary>
/// Which resolved entity a record belongs to, for services that group or join by entity (search hits grouped by
/// person). Provided by Resolution where it runs in the same process; absent otherwise.
/// </summary>
public interface IEntityDirectory
{
    string? EntityOf(string recordId);
}
