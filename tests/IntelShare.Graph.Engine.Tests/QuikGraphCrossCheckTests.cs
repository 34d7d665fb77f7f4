using IntelShare.Graph.Engine;
using QuikGraph;
using QuikGraph.Algorithms;

namespace IntelShare.Graph.Engine.Tests;

/// <summary>Shortest paths and connectivity on random graphs, checked against QuikGraph's.</summary>
public sealed class QuikGraphCrossCheckTests
{
    [Theory]
    [InlineData(1, 40, 45)]
    [InlineData(2, 60, 70)]
    [InlineData(3, 80, 160)]
    public async Task Shortest_paths_and_components_match_QuikGraph(int seed, int nodes, int edges)
    {
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, edges)
            .Select(_ => (random.Next(nodes), random.Next(nodes)))
            .Where(p => p.Item1 != p.Item2)
            .Select(p => ("n" + p.Item1, "n" + p.Item2))
            .ToArray();
        await using var graph = await TestGraph.WithEdgesAsync(pairs);
        var reference = new UndirectedGraph<string, TaggedUndirectedEdge<string, int>>(allowParallelEdges: true);
        foreach (var (a, b) in pairs)
        {
            reference.AddVerticesAndEdge(new TaggedUndirectedEdge<string, int>(string.CompareOrdinal(a, b) < 0 ? a : b, string.CompareOrdinal(a, b) < 0 ? b : a, 0));
        }

        var components = new Dictionary<string, int>();
        reference.ConnectedComponents(components);
        var vertices = reference.Vertices.Order(StringComparer.Ordinal).ToArray();
        foreach (var source in vertices.Take(10))
        {
            var distances = reference.ShortestPathsDijkstra(_ => 1, source);
            foreach (var target in vertices)
            {
                var result = await graph.Store.AllShortestPathsAsync(new PathQuery(source, target, MaxHops: GraphLimits.MaxHops, MaxPaths: 50), EverythingVisible.Instance);
                Assert.Equal(components[source] == components[target], result.Found);
                if (!result.Found)
                {
                    continue;
                }

                var expected = source == target ? 0 : (distances(target, out var path) ? path.Count() : -1);
                Assert.All(result.Paths, p => Assert.Equal(expected, p.Hops));
                Assert.Equal(result.Paths.Count, result.Paths.Select(p => string.Join('>', p.NodeIds)).Distinct().Count());
                foreach (var found in result.Paths)
                {
                    AssertIsPath(source, target, found);
                }
            }
        }
    }

    private static void AssertIsPath(string source, string target, GraphPath path)
    {
        Assert.Equal(source, path.NodeIds[0]);
        Assert.Equal(target, path.NodeIds[^1]);
        for (var i = 0; i < path.Hops; i++)
        {
            var edge = path.Edges[i];
            var ends = new[] { edge.From, edge.To }.Order(StringComparer.Ordinal);
            Assert.Equal(new[] { path.NodeIds[i], path.NodeIds[i + 1] }.Order(StringComparer.Ordinal), ends);
        }
    }
}
