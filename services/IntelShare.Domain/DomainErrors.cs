namespace IntelShare.Domain;

/// <summary>
/// Errors the domain raises; ServiceDefaults maps each kind to its gRPC status so that
/// domain code never depends on gRPC.
/// </summary>
public abstract class DomainException(string message, Exception? innerException = null) : Exception(message, innerException);

public sealed record FieldViolation(string Field, string Description);

public sealed class ValidationFailedException(IReadOnlyList<FieldViolation> violations)
    : DomainException(Describe(violations))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    private static string Describe(IReadOnlyList<FieldViolation> violations) =>
        "Invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
}

public sealed class NotFoundException(string what, string id) : DomainException($"{what} '{id}' was not found.");

public sealed class PermissionDeniedException(string message) : DomainException(message);

public sealed class PreconditionFailedException(string message) : DomainException(message);

/// <summary>Collects every problem of a request before failing, so the caller sees all of them at once.</summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    public IReadOnlyList<FieldViolation> Items => _items;

    public bool Any => _items.Count > 0;

    public void Add(string field, string description) => _items.Add(new FieldViolation(field, description));

    public void Require(bool condition, string field, string description)
    {
        if (!condition)
        {
            Add(field, description);
        }
    }

    public void ThrowIfAny()
    {
        if (_items.Count > 0)
        {
            throw new ValidationFailedException(_items.ToArray());
        }
    }
}

/// <summary>Stored data failed its own integrity check: unrecoverable, and never to be served as if intact.</summary>
public sealed class DataLossException(string message) : DomainException(message);

/// <summary>
/// A service this answer depends on could not be asked: the call is refused, to be retried, rather than answered with
/// less than it should say as if that were all.
/// </summary>
public sealed class UnavailableException(string message, Exception innerException) : DomainException(message, innerException);
