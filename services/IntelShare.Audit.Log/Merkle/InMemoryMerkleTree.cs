namespace IntelShare.Audit.Log.Merkle;

/// <summary>
/// Every complete subtree kept in memory. Meant for small trees: tests, the CLI checking an exported
/// range, benchmarks that need a reference to compare a store against.
/// </summary>
public sealed class InMemoryMerkleTree : INodeHashSource
{
    private readonly List<List<byte[]>> _levels = [];
    private readonly MerkleFrontier _frontier = new();

    public long Count => _frontier.Count;

    public static InMemoryMerkleTree FromEntries(IEnumerable<byte[]> entries)
    {
        var tree = new InMemoryMerkleTree();
        foreach (var entry in entries)
        {
            tree.AppendLeafHash(MerkleHash.LeafHash(entry));
        }

        return tree;
    }

    public void AppendLeafHash(byte[] leafHash) => _frontier.Append(leafHash, Keep);

    public byte[] GetNode(int level, long index) => _levels[level][checked((int)index)];

    public byte[] Root() => _frontier.Root();

    public byte[] Root(long size) => MerkleRoot.Compute(this, RequireSize(size));

    public IReadOnlyList<byte[]> InclusionProof(long leafIndex, long treeSize) =>
        Merkle.InclusionProof.Generate(this, leafIndex, RequireSize(treeSize));

    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2) =>
        Merkle.ConsistencyProof.Generate(this, size1, RequireSize(size2));

    private void Keep(int level, long index, byte[] hash)
    {
        if (level == _levels.Count)
        {
            _levels.Add([]);
        }

        _levels[level].Add(hash);
    }

    private long RequireSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Count);
        return size;
    }
}
