using k8s.Models;

namespace IntelShare.Deployment.Tests;

/// <summary>Reading the parts of a Deployment's pod template the conventions are about.</summary>
public static class PodSpecExtensions
{
    public const string GrpcPortName = "grpc";

    public static V1PodSpec PodSpec(this V1Deployment deployment) =>
        deployment.Spec?.Template?.Spec ?? throw new InvalidOperationException($"Deployment {deployment.Metadata?.Name} has no pod template spec.");

    public static IDictionary<string, string> PodLabels(this V1Deployment deployment) =>
        deployment.Spec?.Template?.Metadata?.Labels ?? new Dictionary<string, string>();

    /// <summary>The service's container: the one exposing the port named grpc (sidecars may exist alongside).</summary>
    public static V1Container ServiceContainer(this V1Deployment deployment)
    {
        var containers = deployment.PodSpec().Containers ?? [];
        var candidates = containers.Where(c => c.GrpcPort() is not null).ToList();
        Assert.True(candidates.Count == 1,
            $"Deployment {deployment.Metadata?.Name}: expected exactly one container exposing a port named '{GrpcPortName}', found {candidates.Count} " +
            $"(containers: {string.Join(", ", containers.Select(c => c.Name))}).");
        return candidates[0];
    }

    public static V1ContainerPort? GrpcPort(this V1Container container) =>
        container.Ports?.SingleOrDefault(p => p.Name == GrpcPortName);

    /// <summary>An environment variable's value: literal, or resolved from the ConfigMap it references. Null if unset.</summary>
    public static string? EnvValue(this V1Container container, string name, Manifests manifests)
    {
        var variable = container.Env?.LastOrDefault(e => e.Name == name);
        if (variable is null)
        {
            return null;
        }

        if (variable.ValueFrom?.ConfigMapKeyRef is { } reference)
        {
            var configMap = manifests.ConfigMaps.SingleOrDefault(c => c.Metadata?.Name == reference.Name);
            Assert.True(configMap?.Data?.ContainsKey(reference.Key) == true,
                $"Container {container.Name}: env {name} refers to ConfigMap {reference.Name} key {reference.Key}, which no manifest declares.");
            return configMap!.Data[reference.Key];
        }

        Assert.True(variable.ValueFrom is null, $"Container {container.Name}: env {name} must be a literal value or a configMapKeyRef.");
        return variable.Value;
    }

    public static V1Volume? Volume(this V1Deployment deployment, string name) =>
        deployment.PodSpec().Volumes?.SingleOrDefault(v => v.Name == name);

    public static V1VolumeMount? MountAt(this V1Container container, string mountPath) =>
        container.VolumeMounts?.SingleOrDefault(m => NormalizePath(m.MountPath) == NormalizePath(mountPath));

    private static string NormalizePath(string? path) => (path ?? string.Empty).TrimEnd('/');

    /// <summary>Whether a Service port leads to the container port (by the name grpc or by number; unset means same as port).</summary>
    public static bool TargetsContainerPort(this V1ServicePort servicePort, int containerPort)
    {
        var target = servicePort.TargetPort?.Value ?? servicePort.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return target == GrpcPortName
            || target == containerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
