namespace IntelShare.Projections;

/// <summary>Every projection hosted in this process, by name.</summary>
public sealed class ProjectionRegistry(IEnumerable<ProjectionRunner> runners)
{
    private readonly IReadOnlyList<ProjectionRunner> _runners = [.. runners];

    public IReadOnlyList<ProjectionRunner> All => _runners;

    public ProjectionRunner? Find(string name) =>
        _runners.FirstOrDefault(runner => string.Equals(runner.Name, name, StringComparison.OrdinalIgnoreCase));
}
