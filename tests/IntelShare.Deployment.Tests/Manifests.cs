using k8s;
using k8s.Models;

namespace IntelShare.Deployment.Tests;

/// <summary>One Kubernetes object and the manifest file it came from.</summary>
public sealed record ManifestObject(string File, object Object);

/// <summary>The objects declared in k8s/*.yaml, loaded with KubernetesClient's typed YAML loader.</summary>
public sealed class Manifests
{
    public const string KustomizationFileName = "kustomization.yaml";

    private static readonly Lazy<Manifests> LazyCurrent = new(() => new Manifests(ManifestFiles().SelectMany(f => Load(f).Select(o => new ManifestObject(Path.GetFileName(f), o))).ToList()));

    private Manifests(IReadOnlyList<ManifestObject> objects) => Objects = objects;

    /// <summary>Everything in k8s/ (kustomization excluded). Throws if any file does not load.</summary>
    public static Manifests Current => LazyCurrent.Value;

    public IReadOnlyList<ManifestObject> Objects { get; }

    public IEnumerable<V1Deployment> Deployments => Objects.Select(o => o.Object).OfType<V1Deployment>();

    public IEnumerable<V1Service> Services => Objects.Select(o => o.Object).OfType<V1Service>();

    public IEnumerable<V1PersistentVolumeClaim> PersistentVolumeClaims => Objects.Select(o => o.Object).OfType<V1PersistentVolumeClaim>();

    public IEnumerable<V1Secret> Secrets => Objects.Select(o => o.Object).OfType<V1Secret>();

    public IEnumerable<V1ConfigMap> ConfigMaps => Objects.Select(o => o.Object).OfType<V1ConfigMap>();

    /// <summary>The manifest files directly under k8s/ (*.yaml, *.yml) except the kustomization, by full path.</summary>
    public static IReadOnlyList<string> ManifestFiles()
    {
        var directory = RepositoryLayout.K8sDirectory;
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory, "*.*", SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Where(f => !IsKustomization(f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
    }

    public static bool IsKustomization(string file) =>
        Path.GetFileName(file) is var name
        && (name.Equals("kustomization.yaml", StringComparison.OrdinalIgnoreCase)
            || name.Equals("kustomization.yml", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Kustomization", StringComparison.Ordinal));

    /// <summary>
    /// Loads every document of a manifest file as its typed model (V1Deployment, V1Service, ...).
    /// Strict: an unknown apiVersion/kind, an unknown field (a typo) or a duplicate key throws.
    /// (LoadAllFromFileAsync does not pass strict through, so the text is read first.)
    /// </summary>
    public static IReadOnlyList<object> Load(string file) =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(file), typeMap: null, strict: true);

    public V1Deployment? FindDeployment(string name) => Deployments.SingleOrDefault(d => d.Metadata?.Name == name);
}
