using k8s.Models;

namespace IntelShare.Deployment.Tests;

public sealed class ServiceDeploymentTests
{
    public static TheoryData<string> DeployableServices() => DeploymentAssertions.Names(ServiceProjects.Deployables);

    [Fact]
    public void Discovery_finds_the_web_services_and_skips_the_libraries()
    {
        var deployables = ServiceProjects.Deployables.Select(p => p.Name).ToList();

        Assert.Contains("IntelShare.Identity", deployables);
        Assert.Contains("IntelShare.Records", deployables);
        foreach (var library in ServiceProjects.All.Where(p => p.Name is "IntelShare.Contracts" or "IntelShare.ServiceDefaults" or "IntelShare.Domain" or "IntelShare.Cli"))
        {
            Assert.DoesNotContain(library.Name, deployables);
        }
    }

    [Theory]
    [MemberData(nameof(DeployableServices))]
    public void Every_deployable_service_has_a_deployment_named_after_it(string projectName)
    {
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));

        var selector = deployment.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>();
        Assert.NotEmpty(selector);
        Assert.All(selector, label => Assert.True(deployment.PodLabels().TryGetValue(label.Key, out var value) && value == label.Value,
            $"Deployment {deployment.Metadata.Name}: selector {label.Key}={label.Value} does not match its pod template labels."));
    }

    [Theory]
    [MemberData(nameof(DeployableServices))]
    public void Deployment_exposes_a_grpc_port_equal_to_ASPNETCORE_HTTP_PORTS(string projectName)
    {
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));

        var port = DeploymentAssertions.GrpcContainerPort(deployment);

        Assert.InRange(port, 1, 65535);
    }

    [Theory]
    [MemberData(nameof(DeployableServices))]
    public void Deployment_readiness_and_liveness_probes_are_grpc_probes_on_the_grpc_port(string projectName)
    {
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));
        var container = deployment.ServiceContainer();
        var port = DeploymentAssertions.GrpcContainerPort(deployment);

        AssertGrpcProbe("readinessProbe", container.ReadinessProbe, required: true);
        AssertGrpcProbe("livenessProbe", container.LivenessProbe, required: true);
        AssertGrpcProbe("startupProbe", container.StartupProbe, required: false);

        void AssertGrpcProbe(string kind, V1Probe? probe, bool required)
        {
            if (probe is null)
            {
                Assert.False(required, $"Deployment {deployment.Metadata.Name}: container {container.Name} has no {kind}.");
                return;
            }

            Assert.True(probe.Grpc is not null,
                $"Deployment {deployment.Metadata.Name}: {kind} must be a grpc probe (the service speaks h2c only and implements grpc.health.v1).");
            Assert.True(probe.HttpGet is null && probe.TcpSocket is null && probe.Exec is null,
                $"Deployment {deployment.Metadata.Name}: {kind} must use only the grpc handler.");
            Assert.True(probe.Grpc!.Port == port,
                $"Deployment {deployment.Metadata.Name}: {kind} probes port {probe.Grpc.Port}, but the grpc port is {port}.");
        }
    }

    [Theory]
    [MemberData(nameof(DeployableServices))]
    public void Deployment_runs_the_intelshare_image_named_after_the_service(string projectName)
    {
        var project = ServiceProjects.Get(projectName);
        var container = DeploymentAssertions.DeploymentOf(project).ServiceContainer();

        Assert.Equal(project.ImageRepository, ImageRepository(container.Image));
    }

    [Theory]
    [MemberData(nameof(DeployableServices))]
    public void A_service_selects_the_deployment_pods_and_targets_the_grpc_port(string projectName)
    {
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));
        var port = DeploymentAssertions.GrpcContainerPort(deployment);
        var podLabels = deployment.PodLabels();

        var selecting = Manifests.Current.Services
            .Where(s => s.Metadata.NamespaceProperty == deployment.Metadata.NamespaceProperty)
            .Where(s => s.Spec?.Selector is { Count: > 0 } selector
                && selector.All(label => podLabels.TryGetValue(label.Key, out var value) && value == label.Value))
            .ToList();
        Assert.True(selecting.Count > 0, $"No Service selects the pods of Deployment {deployment.Metadata.Name} (labels: {string.Join(", ", podLabels)}).");

        var targeting = selecting.Where(s => s.Spec.Ports?.Any(p => p.TargetsContainerPort(port)) == true).ToList();
        Assert.True(targeting.Count > 0,
            $"Services {string.Join(", ", selecting.Select(s => s.Metadata.Name))} select Deployment {deployment.Metadata.Name} but none targets port '{PodSpecExtensions.GrpcPortName}' ({port}).");
    }

    [Theory]
    [MemberData(nameof(DeployableServices))]
    public void Deployment_runs_in_production_mode_non_root_with_resource_requests_and_limits(string projectName)
    {
        var deployment = DeploymentAssertions.DeploymentOf(ServiceProjects.Get(projectName));
        var pod = deployment.PodSpec();
        var container = deployment.ServiceContainer();
        var name = deployment.Metadata.Name;

        Assert.Equal("Production", container.EnvValue("ASPNETCORE_ENVIRONMENT", Manifests.Current));
        Assert.True((container.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot) == true, $"Deployment {name}: runAsNonRoot is not set.");
        Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"Deployment {name}: allowPrivilegeEscalation must be false.");
        foreach (var resource in new[] { "cpu", "memory" })
        {
            Assert.True(container.Resources?.Requests?.ContainsKey(resource) == true, $"Deployment {name}: no {resource} request.");
            Assert.True(container.Resources?.Limits?.ContainsKey(resource) == true, $"Deployment {name}: no {resource} limit.");
        }
    }

    /// <summary>"intelshare/records:latest" → "intelshare/records" (a registry port's colon is kept, a tag or digest dropped).</summary>
    private static string ImageRepository(string? image)
    {
        var withoutDigest = (image ?? string.Empty).Split('@')[0];
        var lastSlash = withoutDigest.LastIndexOf('/');
        var tagColon = withoutDigest.LastIndexOf(':');
        return tagColon > lastSlash ? withoutDigest[..tagColon] : withoutDigest;
    }
}
