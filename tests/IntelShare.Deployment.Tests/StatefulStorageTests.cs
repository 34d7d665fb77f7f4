namespace IntelShare.Deployment.Tests;

public sealed class StatefulStorageTests
{
    public const string DataDirectoryVariable = "IntelShare__DataDirectory";

    public static TheoryData<string> StatefulServices() => DeploymentAssertions.Names(ServiceProjects.StatefulDeployables);

    [Theory]
    [MemberData(nameof(StatefulServices))]
    public void Stateful_service_mounts_a_declared_persistent_volume_claim_at_its_data_directory(string projectName)
    {
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));
        var container = deployment.ServiceContainer();
        var name = deployment.Metadata.Name;

        var dataDirectory = container.EnvValue(DataDirectoryVariable, Manifests.Current);
        Assert.True(dataDirectory is { Length: > 0 } && dataDirectory.StartsWith('/'),
            $"Deployment {name}: {DataDirectoryVariable} must be set to an absolute path, was '{dataDirectory}'.");

        var mount = container.MountAt(dataDirectory!);
        Assert.True(mount is not null, $"Deployment {name}: nothing is mounted at {DataDirectoryVariable}={dataDirectory}.");
        Assert.True(mount!.ReadOnlyProperty != true, $"Deployment {name}: the data directory {dataDirectory} is mounted read-only.");

        var claimName = deployment.Volume(mount.Name)?.PersistentVolumeClaim?.ClaimName;
        Assert.True(claimName is not null, $"Deployment {name}: volume '{mount.Name}' mounted at {dataDirectory} is not a persistentVolumeClaim.");
        Assert.True(Manifests.Current.PersistentVolumeClaims.Any(c => c.Metadata.Name == claimName && c.Metadata.NamespaceProperty == deployment.Metadata.NamespaceProperty),
            $"Deployment {name} mounts PersistentVolumeClaim {claimName}, which no manifest declares.");
    }

    [Theory]
    [MemberData(nameof(StatefulServices))]
    public void Stateful_deployment_runs_one_replica_and_recreates_it_on_rollout(string projectName)
    {
        // A ReadWriteOnce claim with an embedded (SQLite, Lucene) store admits one writer: a rolling update
        // would start the new pod while the old one still holds the volume.
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));

        Assert.True((deployment.Spec.Replicas ?? 1) <= 1, $"Deployment {deployment.Metadata.Name} runs {deployment.Spec.Replicas} replicas of an embedded store.");
        Assert.Equal("Recreate", deployment.Spec.Strategy?.Type);
    }

    [Fact]
    public void Stateful_services_include_identity_and_records()
    {
        var stateful = ServiceProjects.StatefulDeployables.Select(p => p.Name).ToList();

        Assert.Contains("IntelShare.Identity", stateful);
        Assert.Contains("IntelShare.Records", stateful);
    }
}
