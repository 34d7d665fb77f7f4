using YamlDotNet.RepresentationModel;

namespace IntelShare.Deployment.Tests;

public sealed class KustomizationTests
{
    private static string KustomizationPath => Path.Combine(RepositoryLayout.K8sDirectory, Manifests.KustomizationFileName);

    /// <summary>The entries of the kustomization's resources list, read as plain YAML (it is not a Kubernetes object).</summary>
    private static IReadOnlyList<string> ListedResources()
    {
        Assert.True(File.Exists(KustomizationPath), $"{KustomizationPath} does not exist.");
        var stream = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(KustomizationPath)))
        {
            stream.Load(reader);
        }

        var root = Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
        Assert.True(root.Children.TryGetValue(new YamlScalarNode("resources"), out var resources), "kustomization.yaml has no resources list.");
        return Assert.IsType<YamlSequenceNode>(resources).Children
            .Select(node => Assert.IsType<YamlScalarNode>(node).Value ?? string.Empty)
            .ToList();
    }

    [Fact]
    public void Kustomization_lists_every_manifest_file_in_k8s()
    {
        var listed = ListedResources().Select(r => Path.GetFileName(r.TrimStart('.', '/'))).ToHashSet(StringComparer.Ordinal);
        var unlisted = Manifests.ManifestFiles().Select(Path.GetFileName).Where(f => !listed.Contains(f!)).ToList();

        Assert.True(unlisted.Count == 0, "k8s/kustomization.yaml does not list: " + string.Join(", ", unlisted));
    }

    [Fact]
    public void Kustomization_lists_only_existing_files_once_each()
    {
        var listed = ListedResources();
        var missing = listed.Where(r => !File.Exists(Path.Combine(RepositoryLayout.K8sDirectory, r)) && !Directory.Exists(Path.Combine(RepositoryLayout.K8sDirectory, r))).ToList();
        var repeated = listed.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(missing.Count == 0, "k8s/kustomization.yaml lists resources that do not exist: " + string.Join(", ", missing));
        Assert.True(repeated.Count == 0, "k8s/kustomization.yaml lists resources more than once: " + string.Join(", ", repeated));
    }
}
