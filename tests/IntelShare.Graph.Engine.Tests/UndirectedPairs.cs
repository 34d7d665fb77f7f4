namespace IntelShare.Graph.Engine.Tests;

/// <summary>An undirected graph given as named pairs, as the reference algorithms in the tests walk it.</summary>
internal static class UndirectedPairs
{
    /// <summary>The node names in order of first appearance, and each node's neighbours by index.</summary>
    public static (string[] Names, HashSet<int>[] Neighbours) Adjacency((string A, string B)[] pairs)
    {
        var names = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().ToArray();
        var index = names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        var neighbours = names.Select(_ => new HashSet<int>()).ToArray();
        foreach (var (a, b) in pairs)
        {
            neighbours[index[a]].Add(index[b]);
            neighbours[index[b]].Add(index[a]);
        }

        return (names, neighbours);
    }
}
