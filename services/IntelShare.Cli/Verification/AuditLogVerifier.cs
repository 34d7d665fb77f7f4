using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Signing;
using IntelShare.Cli.Output;
using IntelShare.Contracts.V1;
using ServedHead = IntelShare.Contracts.V1.SignedTreeHead;
using SignedHead = IntelShare.Audit.Log.Signing.SignedTreeHead;

namespace IntelShare.Cli.Verification;

/// <summary>One line of the checklist: what was checked and whether it held. A note qualifies a check that held.</summary>
internal sealed record CheckOutcome(bool Passed, string Text, string? Note = null);

internal sealed record VerifyRequest
{
    /// <summary>A PEM public key obtained out of band; without it the server's own key is used.</summary>
    public string? KeyFile { get; init; }

    public string? PreviousHeadFile { get; init; }

    /// <summary>Fetch every leaf and rebuild the tree (oversight only: leaves are the audit entries themselves).</summary>
    public bool Entries { get; init; }

    /// <summary>Entries besides the first and the last whose inclusion proofs are checked, picked at random.</summary>
    public int RandomSamples { get; init; } = 5;

    public int PageSize { get; init; } = 1000;
}

/// <summary>The verified head and whether every check held; only then is the head worth keeping for next time.</summary>
internal sealed record VerifyResult(bool AllPassed, int Checks, int Failures, SignedHead? Head, string? KeyId);

/// <summary>
/// Checks the audit log as an outsider would: the signed tree head against the log's public key, the
/// history against an earlier head (consistency proof), and with <see cref="VerifyRequest.Entries"/> the
/// leaves against the signed root (recomputed root, inclusion proofs). The server only supplies data; all
/// the hashing and signature checks run here, with the log's own verification library.
/// Each check is reported as it completes, and a failed check does not stop the others: together they
/// tell a forged head from a rewritten history from an edited or reordered entry.
/// </summary>
internal sealed class AuditLogVerifier(AuditLogService.AuditLogServiceClient log, Action<CheckOutcome> report)
{
    // Statuses with which a server declines to prove something: a failed check, not a failed command.
    private static readonly HashSet<StatusCode> ProofRefusals =
        [StatusCode.InvalidArgument, StatusCode.OutOfRange, StatusCode.FailedPrecondition, StatusCode.NotFound, StatusCode.Internal, StatusCode.DataLoss, StatusCode.Unknown];

    private int _checks;
    private int _failures;

    public async Task<VerifyResult> RunAsync(VerifyRequest request, CancellationToken ct)
    {
        // The user's own file goes first, so that a wrong path stops the command before anything is checked.
        var previous = request.PreviousHeadFile is { } previousFile ? SavedTreeHead.Load(previousFile) : null;
        var (key, keyName, keyId) = await LoadKeyAsync(request.KeyFile, ct);
        using var verifier = key;

        var served = await log.GetSignedTreeHeadAsync(new GetSignedTreeHeadRequest(), cancellationToken: ct);
        if (!TryConvert(served, out var head, out var malformed))
        {
            // Without a well-formed head there is no root to check anything else against.
            Check(false, $"the latest tree head (size {served.TreeSize}) is malformed: {malformed}");
            return Result(null, keyId);
        }

        CheckSignature(verifier, head, "tree head", keyName);
        if (previous is not null)
        {
            CheckSignature(verifier, previous, $"saved tree head ({request.PreviousHeadFile})", keyName);
            await CheckConsistencyAsync(previous, head, ct);
        }

        if (request.Entries)
        {
            await CheckEntriesAsync(head, request, ct);
        }

        return Result(head, keyId);
    }

    private VerifyResult Result(SignedHead? head, string? keyId) => new(_failures == 0, _checks, _failures, head, keyId);

    /// <summary>The key to check heads with, and how to name it in a failure; a key that cannot be read fails its check.</summary>
    private async Task<(TreeHeadVerifier? Verifier, string Name, string? KeyId)> LoadKeyAsync(string? keyFile, CancellationToken ct)
    {
        string pem, name;
        string? keyId = null;
        string? note = null;
        if (keyFile is not null)
        {
            pem = await File.ReadAllTextAsync(InputFiles.Require(keyFile), ct);
            name = $"key {keyFile}";
        }
        else
        {
            var published = await log.GetPublicKeyAsync(new GetPublicKeyRequest(), cancellationToken: ct);
            pem = published.PublicKeyPem;
            keyId = published.KeyId;
            name = "the key the server publishes";
            note = "The key came from the server being checked: pass --key with a copy obtained out of band to rule out a substituted key and log.";
        }

        try
        {
            var verifier = new TreeHeadVerifier(pem);
            name = $"{name} ({Fingerprint(pem)})";
            Check(true, $"using {name}", note);
            return (verifier, name, keyId);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            Check(false, $"{name} is not a P-256 public key in PEM: {e.Message}");
            return (null, name, keyId);
        }
    }

    private void CheckSignature(TreeHeadVerifier? verifier, SignedHead signed, string what, string keyName)
    {
        var size = signed.Head.TreeSize;
        if (verifier is null)
        {
            Check(false, $"signature on {what} of size {size} not checked: no usable public key");
            return;
        }

        var valid = verifier.Verify(signed).IsValid;
        Check(valid, valid
            ? $"signature on {what} of size {size} ({Describe(signed.Head)}) verifies with {keyName}"
            : $"signature on {what} of size {size} does not verify with {keyName}");
    }

    /// <summary>The new head must extend the old one: RFC 6962 consistency, or equal roots at equal sizes.</summary>
    private async Task CheckConsistencyAsync(SignedHead previous, SignedHead latest, CancellationToken ct)
    {
        long first = previous.Head.TreeSize, second = latest.Head.TreeSize;
        var what = $"consistency proof from size {first} to {second}";
        if (first > second)
        {
            Check(false, $"{what} impossible: the log shrank from {first} entries (saved head) to {second} (latest head): entries were removed or the history rewritten");
            return;
        }

        IReadOnlyList<byte[]> proof = [];
        // Equal sizes and an empty old tree need no hashes: the roots alone decide.
        if (first > 0 && first < second)
        {
            try
            {
                var served = await log.GetConsistencyProofAsync(
                    new GetConsistencyProofRequest { FirstTreeSize = first, SecondTreeSize = second },
                    cancellationToken: ct);
                proof = Hashes(served.Hashes);
            }
            catch (RpcException e) when (ProofRefusals.Contains(e.StatusCode))
            {
                Check(false, $"{what} fails: the server gave none ({e.StatusCode}: {e.Status.Detail})");
                return;
            }
        }

        var result = ProofVerifier.VerifyConsistency(first, second, previous.Head.RootHash, latest.Head.RootHash, proof);
        Check(result.IsValid, result.IsValid
            ? first == second ? $"{what}: the latest head has the saved head's root" : $"{what} verifies: the latest head extends the saved one"
            : $"{what} fails: {result.Message}");
    }

    /// <summary>
    /// Every leaf fetched and hashed, the root rebuilt and compared with the signed one, and inclusion proofs
    /// checked for the first, the last and a few random entries. When the root differs, consistency proofs
    /// from prefixes of the fetched entries locate the first entry that is not as signed.
    /// </summary>
    private async Task CheckEntriesAsync(SignedHead head, VerifyRequest request, CancellationToken ct)
    {
        var size = head.Head.TreeSize;
        var signedRoot = head.Head.RootHash.ToArray();
        var tree = new InMemoryMerkleTree();
        var unreadable = new List<long>();
        while (tree.Count < size)
        {
            var leaves = await FetchLeavesAsync(tree.Count, (int)Math.Min(request.PageSize, size - tree.Count), ct);
            if (leaves is null)
            {
                return;
            }

            foreach (var leaf in leaves)
            {
                if (!IsAuditEntry(leaf))
                {
                    unreadable.Add(tree.Count);
                }

                tree.AppendLeafHash(MerkleHash.LeafHash(leaf.Span));
            }
        }

        Check(unreadable.Count == 0, unreadable.Count == 0
            ? $"{size} entries fetched, each an audit entry"
            : $"{unreadable.Count} of {size} entries are not audit entries (damaged): {Indexes(unreadable)}");
        var root = tree.Root();
        var rootMatches = root.AsSpan().SequenceEqual(signedRoot);
        Check(rootMatches, rootMatches
            ? $"root recomputed from {size} entries matches the signed root"
            : $"root recomputed from {size} entries differs from the signed root (recomputed {Short(root)}, signed {Short(signedRoot)})");
        if (!rootMatches)
        {
            await LocateFirstDifferenceAsync(tree, signedRoot, ct);
        }

        foreach (var index in Sample(size, request.RandomSamples))
        {
            await CheckInclusionAsync(index, size, tree.GetNode(0, index), signedRoot, ct);
        }
    }

    /// <summary>
    /// Leaves [start, start + count) in as many pages as the server cuts them into. A page the server cannot
    /// read is fetched again entry by entry, so that the failure names the entry; null then (no root can be
    /// rebuilt without every entry).
    /// </summary>
    private async Task<List<ByteString>?> FetchLeavesAsync(long start, int count, CancellationToken ct)
    {
        try
        {
            var page = await log.GetEntriesAsync(new GetEntriesRequest { Start = start, Count = count }, cancellationToken: ct);
            if (page.Leaves.Count == 0)
            {
                Check(false, $"entries incomplete: the server returned none from index {start}, although the signed head counts more");
                return null;
            }

            return page.Leaves.Take(count).ToList();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            Check(false, $"entries not checked: the server refused them ({e.Status.Detail})");
            return null;
        }
        catch (RpcException e) when (ProofRefusals.Contains(e.StatusCode))
        {
            for (var index = start; count > 1 && index < start + count; index++)
            {
                try
                {
                    await log.GetEntriesAsync(new GetEntriesRequest { Start = index, Count = 1 }, cancellationToken: ct);
                }
                catch (RpcException single) when (ProofRefusals.Contains(single.StatusCode))
                {
                    Check(false, $"entry {index} cannot be fetched: the server answered {single.StatusCode}: {single.Status.Detail}");
                    return null;
                }
            }

            Check(false, $"{(count == 1 ? $"entry {start}" : $"entries from index {start}")} cannot be fetched: the server answered {e.StatusCode}: {e.Status.Detail}");
            return null;
        }
    }

    /// <summary>
    /// Bisects for the longest prefix of the fetched entries that a consistency proof ties to the signed root.
    /// Only the proven part is asserted: a proof that verifies cannot be forged, one that fails may also be
    /// the server's fault, so the entry after the proven prefix is named as "not proven".
    /// </summary>
    private async Task LocateFirstDifferenceAsync(InMemoryMerkleTree tree, byte[] signedRoot, CancellationToken ct)
    {
        long proven = 0, unproven = tree.Count;
        while (unproven - proven > 1)
        {
            var middle = proven + (unproven - proven) / 2;
            if (await ProvesPrefixAsync(tree, middle, signedRoot, ct))
            {
                proven = middle;
            }
            else
            {
                unproven = middle;
            }
        }

        Check(false, proven == 0
            ? "entry 0 is the first that differs from the signed log: no prefix of the entries is proven by a consistency proof to the signed root"
            : $"entry {proven} is the first that differs from the signed log: consistency proofs to the signed root prove {(proven == 1 ? "entry 0" : $"entries 0 to {proven - 1}")}, not entry {proven}");
    }

    private async Task<bool> ProvesPrefixAsync(InMemoryMerkleTree tree, long prefix, byte[] signedRoot, CancellationToken ct)
    {
        try
        {
            var served = await log.GetConsistencyProofAsync(
                new GetConsistencyProofRequest { FirstTreeSize = prefix, SecondTreeSize = tree.Count },
                cancellationToken: ct);
            return ProofVerifier.VerifyConsistency(prefix, tree.Count, tree.Root(prefix), signedRoot, Hashes(served.Hashes)).IsValid;
        }
        catch (RpcException e) when (ProofRefusals.Contains(e.StatusCode))
        {
            return false;
        }
    }

    private static bool IsAuditEntry(ByteString leaf)
    {
        try
        {
            AuditEntry.Parser.ParseFrom(leaf);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static string Indexes(IReadOnlyList<long> indexes)
    {
        const int shown = 5;
        var text = string.Join(", ", indexes.Take(shown));
        return indexes.Count > shown ? $"{text} and {indexes.Count - shown} more" : text;
    }

    private async Task CheckInclusionAsync(long index, long size, byte[] leafHash, byte[] root, CancellationToken ct)
    {
        var what = $"inclusion proof for entry {index}";
        IReadOnlyList<byte[]> proof;
        try
        {
            var served = await log.GetInclusionProofAsync(new GetInclusionProofRequest { LeafIndex = index, TreeSize = size }, cancellationToken: ct);
            proof = Hashes(served.Hashes);
        }
        catch (RpcException e) when (ProofRefusals.Contains(e.StatusCode))
        {
            Check(false, $"{what} fails: the server gave none ({e.StatusCode}: {e.Status.Detail})");
            return;
        }

        var result = ProofVerifier.VerifyInclusion(index, size, leafHash, proof, root);
        Check(result.IsValid, result.IsValid ? $"{what} verifies against the signed root" : $"{what} fails: {result.Message}");
    }

    private void Check(bool passed, string text, string? note = null)
    {
        _checks++;
        if (!passed)
        {
            _failures++;
        }

        report(new CheckOutcome(passed, text, passed ? note : null));
    }

    private static bool TryConvert(ServedHead served, out SignedHead head, out string problem)
    {
        head = null!;
        if (served.Timestamp is null)
        {
            problem = "it has no timestamp";
            return false;
        }

        try
        {
            head = new SignedHead(new TreeHead(served.TreeSize, served.Timestamp.ToDateTimeOffset(), served.RootHash.Span), served.Signature.ToByteArray());
            problem = "";
            return true;
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>The first and last entries, where truncation and appends show, and a few random ones in between.</summary>
    private static SortedSet<long> Sample(long size, int random)
    {
        var samples = new SortedSet<long>();
        if (size == 0)
        {
            return samples;
        }

        samples.Add(0);
        samples.Add(size - 1);
        var wanted = Math.Min(size, 2L + random);
        while (samples.Count < wanted)
        {
            samples.Add(Random.Shared.NextInt64(size));
        }

        return samples;
    }

    private static List<byte[]> Hashes(IEnumerable<ByteString> hashes) => hashes.Select(h => h.ToByteArray()).ToList();

    /// <summary>SHA-256 of the key's DER, so two people can compare the key they hold by reading it out.</summary>
    private static string Fingerprint(string pem)
    {
        var fields = PemEncoding.Find(pem);
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        return "SHA-256 " + Convert.ToHexStringLower(SHA256.HashData(der))[..16];
    }

    private static string Describe(TreeHead head) => $"{Display.Time(head.Timestamp)}, root {Short(head.RootHash)}";

    private static string Short(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash)[..16] + "…";
}
