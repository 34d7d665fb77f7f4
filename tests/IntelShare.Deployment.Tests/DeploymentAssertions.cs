using k8s.Models;

namespace IntelShare.Deployment.Tests;

/// <summary>Theory data and lookups shared by the per-service tests.</summary>
public static class DeploymentAssertions
{
    public const string HttpPortsVariable = "ASPNETCORE_HTTP_PORTS";

    public static TheoryData<string> Names(IEnumerable<ServiceProject> projects)
    {
        var data = new TheoryData<string>();
        foreach (var project in projects)
        {
            data.Add(project.Name);
        }

        return data;
    }

    /// <summary>The Deployment a deployable project must have; fails the test if k8s/ declares none.</summary>
    public static V1Deployment DeploymentOf(ServiceProject project)
    {
        var deployment = Manifests.Current.FindDeployment(project.DeploymentName);
        Assert.True(deployment is not null,
            $"services/{project.Name} is deployable (Sdk=\"Microsoft.NET.Sdk.Web\") but k8s/ declares no Deployment named {project.DeploymentName}.");
        return deployment!;
    }

    /// <summary>The container port named grpc, checked to equal the ASPNETCORE_HTTP_PORTS the service listens on.</summary>
    public static int GrpcContainerPort(V1Deployment deployment)
    {
        var container = deployment.ServiceContainer();
        var port = container.GrpcPort()!.ContainerPort;
        var httpPorts = container.EnvValue(HttpPortsVariable, Manifests.Current);
        Assert.True(httpPorts is not null, $"Deployment {deployment.Metadata.Name}: container {container.Name} does not set {HttpPortsVariable}.");
        Assert.True(int.TryParse(httpPorts, out var listening),
            $"Deployment {deployment.Metadata.Name}: {HttpPortsVariable}='{httpPorts}' must be the single port the service listens on.");
        Assert.True(listening == port,
            $"Deployment {deployment.Metadata.Name}: port '{PodSpecExtensions.GrpcPortName}' is {port} but the service listens on {HttpPortsVariable}={listening}.");
        return port;
    }
}
