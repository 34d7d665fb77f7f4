using k8s;
using k8s.Models;

namespace IntelShare.Deployment.Tests;

public sealed class ManifestLoadingTests
{
    public static TheoryData<string> ManifestFileNames()
    {
        var data = new TheoryData<string>();
        foreach (var file in Manifests.ManifestFiles())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ManifestFileNames))]
    public void Manifest_file_loads_strictly_as_typed_kubernetes_objects(string fileName)
    {
        var objects = Manifests.Load(Path.Combine(RepositoryLayout.K8sDirectory, fileName));

        Assert.NotEmpty(objects);
        foreach (var item in objects)
        {
            var kubernetesObject = Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(item);
            Assert.False(string.IsNullOrWhiteSpace(kubernetesObject.Metadata?.Name), $"{fileName}: a {kubernetesObject.Kind} has no metadata.name.");
        }
    }

    [Fact]
    public void K8s_folder_contains_manifests_besides_the_kustomization()
    {
        Assert.True(Directory.Exists(RepositoryLayout.K8sDirectory), $"{RepositoryLayout.K8sDirectory} does not exist.");
        Assert.NotEmpty(Manifests.ManifestFiles());
    }

    [Fact]
    public void No_two_objects_of_the_same_kind_share_a_name_and_namespace()
    {
        var duplicates = Manifests.Current.Objects
            .Select(o => (o.File, Object: (IKubernetesObject<V1ObjectMeta>)o.Object))
            .GroupBy(o => (o.Object.Kind, o.Object.Metadata.NamespaceProperty, o.Object.Metadata.Name))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Kind} {g.Key.Name} in {string.Join(", ", g.Select(o => o.File))}")
            .ToList();

        Assert.True(duplicates.Count == 0, "Declared more than once: " + string.Join("; ", duplicates));
    }
}
