namespace IntelShare.Audit.Log.Merkle;

/// <summary>Which check of a verification failed; the CLI shows oversight the message, tests assert on the kind.</summary>
public enum VerificationFailure
{
    None,

    /// <summary>Index or sizes that no proof can be valid for (index outside the tree, size1 &gt; size2, negative).</summary>
    InvalidArguments,

    /// <summary>A hash (leaf, root or proof element) that is not 32 bytes.</summary>
    MalformedHash,

    /// <summary>The proof has more or fewer hashes than the index and sizes call for.</summary>
    WrongProofLength,

    /// <summary>The root rebuilt from the proof is not the root it was checked against (for consistency: root2).</summary>
    RootMismatch,

    /// <summary>Consistency only: the root rebuilt for the earlier tree is not root1, so the later tree does not extend it.</summary>
    OldRootMismatch,

    /// <summary>A tree head signature that does not verify under the given key.</summary>
    BadSignature,
}

public sealed record VerificationResult(VerificationFailure Failure, string Message)
{
    public static readonly VerificationResult Valid = new(VerificationFailure.None, "valid");

    public bool IsValid => Failure == VerificationFailure.None;

    public static VerificationResult Fail(VerificationFailure failure, string message) => new(failure, message);

    public override string ToString() => IsValid ? Message : $"{Failure}: {Message}";
}
