namespace IntelShare.Audit.Log.Merkle;

/// <summary>
/// Hashes of complete subtrees: <c>GetNode(level, index)</c> is the root of the perfect subtree over leaves
/// [index·2^level, (index+1)·2^level); level 0 is the leaf hashes. Proof generation only asks for
/// subtrees that lie entirely inside the tree size it was given, so a source that only knows
/// complete subtrees is enough to serve proofs for every size it holds.
/// </summary>
public interface INodeHashSource
{
    byte[] GetNode(int level, long index);
}
