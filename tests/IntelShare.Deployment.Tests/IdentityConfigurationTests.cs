namespace IntelShare.Deployment.Tests;

public sealed class IdentityConfigurationTests
{
    public const string KeysDirectoryVariable = "Identity__KeysDirectory";
    public const string AuthorityVariable = "Identity__Authority";
    public const string KeysSecretName = "intelshare-identity-keys";

    /// <summary>Deployables running the token server in-process: Identity, and the all-in-one Host.</summary>
    public static TheoryData<string> IdentityHosts() => DeploymentAssertions.Names(ServiceProjects.IdentityHosts);

    /// <summary>Deployables that validate tokens issued by a separate Identity deployment.</summary>
    public static TheoryData<string> StandaloneServices() =>
        DeploymentAssertions.Names(ServiceProjects.Deployables.Except(ServiceProjects.IdentityHosts));

    [Theory]
    [MemberData(nameof(IdentityHosts))]
    public void Identity_mounts_the_keys_secret_read_only_at_Identity_KeysDirectory(string projectName)
    {
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));
        var container = deployment.ServiceContainer();
        var name = deployment.Metadata.Name;

        var keysDirectory = container.EnvValue(KeysDirectoryVariable, Manifests.Current);
        Assert.True(keysDirectory is { Length: > 0 } && keysDirectory.StartsWith('/'),
            $"Deployment {name}: {KeysDirectoryVariable} must be set to an absolute path, was '{keysDirectory}'.");

        var mount = container.MountAt(keysDirectory!);
        Assert.True(mount is not null, $"Deployment {name}: nothing is mounted at {KeysDirectoryVariable}={keysDirectory}.");
        Assert.True(mount!.ReadOnlyProperty == true, $"Deployment {name}: the keys mount at {keysDirectory} must be read-only.");

        Assert.Equal(KeysSecretName, deployment.Volume(mount.Name)?.Secret?.SecretName);
        Assert.True(Manifests.Current.Secrets.Any(s => s.Metadata.Name == KeysSecretName && s.Metadata.NamespaceProperty == deployment.Metadata.NamespaceProperty),
            $"No manifest declares the Secret {KeysSecretName} that Deployment {name} mounts.");
    }

    [Fact]
    public void Identity_is_among_the_services_holding_the_signing_keys()
    {
        Assert.Contains("IntelShare.Identity", ServiceProjects.IdentityHosts.Select(p => p.Name));
    }

    [Theory]
    [MemberData(nameof(StandaloneServices))]
    public void Standalone_service_validates_tokens_against_the_identity_service(string projectName)
    {
        // Without Identity__Authority and without Identity in-process, the service has no signing keys and cannot start.
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));
        var authority = deployment.ServiceContainer().EnvValue(AuthorityVariable, Manifests.Current);
        var identity = DeploymentAssertions.DeploymentOf(ServiceProjects.Get("IntelShare.Identity"));
        var identityPort = DeploymentAssertions.GrpcContainerPort(identity);

        Assert.True(Uri.TryCreate(authority, UriKind.Absolute, out var uri),
            $"Deployment {deployment.Metadata.Name}: {AuthorityVariable} must be Identity's URL, was '{authority}'.");
        var service = Manifests.Current.Services.SingleOrDefault(s => s.Metadata.Name == uri!.Host);
        Assert.True(service is not null, $"Deployment {deployment.Metadata.Name}: {AuthorityVariable} host '{uri!.Host}' is not a declared Service.");
        Assert.True(service!.Spec.Selector?.All(l => identity.PodLabels().TryGetValue(l.Key, out var v) && v == l.Value) == true,
            $"Service {service.Metadata.Name} named by {AuthorityVariable} does not select the Identity pods.");
        Assert.True(service.Spec.Ports?.Any(p => p.Port == uri.Port && p.TargetsContainerPort(identityPort)) == true,
            $"Service {service.Metadata.Name} has no port {uri.Port} leading to Identity's grpc port.");
    }
}
