using System.Security.Cryptography;
using IntelShare.Audit.Log.Signing;
using IntelShare.Audit.Log.Storage;
using Google.Protobuf;
using AuditEntry = IntelShare.Contracts.V1.AuditEntry;
using IntelShare.Domain;

namespace IntelShare.Audit.Domain;

/// <summary>
/// The platform's audit trail: every access decision becomes a leaf of the Merkle log (<see cref="MerkleLog"/>),
/// signed tree heads and proofs let anyone check the log was not altered, and a SQLite index, which follows the
/// log and is rebuilt from it, answers oversight's questions.
/// </summary>
public sealed class AuditLog : IAuditTrail, IAsyncDisposable, IDisposable
{
    public const int DefaultEntriesPerRequest = 100;
    public const int MaxEntriesPerRequest = 1000;

    private readonly AuditLogOptions _options;
    private readonly TreeHeadSigner _signer;
    private readonly IndexFollower _follower;
    private readonly Lock _headsLock = new();
    private readonly Dictionary<long, SignedTreeHead> _headsBySize = [];
    private SignedTreeHead? _latestHead;
    private int _disposed;

    private AuditLog(AuditLogOptions options, MerkleLog log, TreeHeadSigner signer, AuditIndex index)
    {
        _options = options;
        Log = log;
        _signer = signer;
        Index = index;
        PublicKeyPem = signer.PublicKeyPem;
        KeyId = ComputeKeyId(signer.PublicKeyPem);
        foreach (var head in log.SignedTreeHeads())
        {
            Remember(head);
        }

        _follower = new IndexFollower(log, index, options.IndexGatherDelay);
    }

    /// <summary>The underlying log, for verification tools and measurements; appends go through <see cref="AppendAsync"/>.</summary>
    public MerkleLog Log { get; }

    /// <summary>Durable entries.</summary>
    public long Count => Log.Count;

    /// <summary>SubjectPublicKeyInfo PEM of the tree-head key.</summary>
    public string PublicKeyPem { get; }

    /// <summary>Lowercase hex SHA-256 of the DER public key (as RFC 6962 names a log by its key).</summary>
    public string KeyId { get; }

    /// <summary>What opening the log repaired after a crash; worth logging when <see cref="RecoveryReport.Repaired"/>.</summary>
    public RecoveryReport Recovery => Log.Recovery;

    internal AuditIndex Index { get; }

    /// <summary>Opens (or creates) the log, its signing key and its index; indexing of anything missing starts at once.</summary>
    public static AuditLog Open(AuditLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var log = MerkleLog.Open(options.Directory, options.Log);
        TreeHeadSigner? signer = null;
        AuditIndex? index = null;
        try
        {
            signer = TreeHeadSigner.OpenOrCreate(options.ResolvedKeyPath);
            index = AuditIndex.Open(options.ResolvedIndexPath);
            return new AuditLog(options, log, signer, index);
        }
        catch
        {
            index?.Dispose();
            signer?.Dispose();
            log.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends the events together, as consecutive entries made durable at once, and completes once every one is on disk.
    /// Throws <see cref="AuditLogUnavailableException"/> when any cannot be written. Cancellation only stops the
    /// waiting: an event already handed to the log may still be recorded, which errs on the side of the record.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var entries = new AuditEntry[events.Count];
        var encoded = new ReadOnlyMemory<byte>[events.Count];
        Task<long>? append = null;
        try
        {
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = AuditEntryCodec.ToEntry(events[i]);
                encoded[i] = entries[i].ToByteArray();
            }

            append = Log.AppendAllAsync(encoded);
            await append.WaitAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new AuditLogUnavailableException(
                $"The audit log could not record {events.Count} access decision(s), so the access must not proceed: {error.Message}", error);
        }
        finally
        {
            // Entries that became durable are handed to the index even when the caller stopped waiting.
            if (append is { IsCompletedSuccessfully: true })
            {
                for (var i = 0; i < entries.Length; i++)
                {
                    entries[i].Index = append.Result + i;
                    _follower.Offer(entries[i].Index, entries[i]);
                }
            }

            _follower.Notify();
        }
    }

    /// <summary>
    /// Tree size 0: the latest head, signed now if the log has grown since the last one (see
    /// <see cref="AuditLogOptions.MinHeadInterval"/>). Otherwise the head issued earlier for exactly that size, so
    /// a verifier can be handed the same head again; the current size is signed on demand.
    /// </summary>
    public SignedTreeHead GetSignedTreeHead(long treeSize = 0)
    {
        if (treeSize < 0)
        {
            throw Invalid("tree_size", "must not be negative (0 asks for the latest head)");
        }

        lock (_headsLock)
        {
            if (treeSize == 0)
            {
                return LatestHead();
            }

            if (_headsBySize.TryGetValue(treeSize, out var issued))
            {
                return issued;
            }

            // Signs whatever the log holds by then, which under concurrent appends may be more than was asked.
            if (treeSize == Log.Count && SignCurrent() is { } signed && signed.Head.TreeSize == treeSize)
            {
                return signed;
            }
        }

        return treeSize > Log.Count
            ? throw Invalid("tree_size", $"the log holds only {Log.Count} entries")
            : throw new NotFoundException("Signed tree head of size", treeSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Every head issued so far, oldest first.</summary>
    public IReadOnlyList<SignedTreeHead> SignedTreeHeads() => Log.SignedTreeHeads();

    /// <summary>The RFC 6962 audit path for a leaf in the tree of the given size.</summary>
    public IReadOnlyList<byte[]> GetInclusionProof(long leafIndex, long treeSize)
    {
        var count = Log.Count;
        var violations = new Violations();
        violations.Require(treeSize >= 1 && treeSize <= count, "tree_size", $"must be between 1 and the log's size, {count}");
        violations.Require(leafIndex >= 0 && leafIndex < Math.Max(treeSize, 0), "leaf_index", $"must be at least 0 and less than tree_size ({treeSize})");
        violations.ThrowIfAny();
        return Log.InclusionProof(leafIndex, treeSize);
    }

    /// <summary>The RFC 6962 proof that the tree of the second size extends the tree of the first.</summary>
    public IReadOnlyList<byte[]> GetConsistencyProof(long firstTreeSize, long secondTreeSize)
    {
        var count = Log.Count;
        var violations = new Violations();
        violations.Require(secondTreeSize >= 0 && secondTreeSize <= count, "second_tree_size", $"must be between 0 and the log's size, {count}");
        violations.Require(firstTreeSize >= 0 && firstTreeSize <= secondTreeSize, "first_tree_size", $"must be between 0 and second_tree_size ({secondTreeSize})");
        violations.ThrowIfAny();
        return Log.ConsistencyProof(firstTreeSize, secondTreeSize);
    }

    /// <summary>
    /// Raw leaves [start, start + count), the exact bytes that were hashed, for offline verification. Oversight
    /// only: the leaves say who read what.
    /// </summary>
    public IReadOnlyList<byte[]> GetEntries(Subject caller, long start, int count)
    {
        OversightQueries.RequireOversight(caller, "fetch raw audit entries");
        var size = Log.Count;
        var violations = new Violations();
        violations.Require(start >= 0 && start <= size, "start", $"must be between 0 and the log's size, {size}");
        violations.Require(count >= 0, "count", "must not be negative");
        violations.ThrowIfAny();

        var take = Math.Min(count == 0 ? DefaultEntriesPerRequest : Math.Min(count, MaxEntriesPerRequest), size - start);
        try
        {
            return [.. Log.ReadEntries(start, take).Select(entry => entry.Data)];
        }
        catch (LogCorruptedException corrupted)
        {
            throw new DataLossException($"The audit log is damaged: {corrupted.Message} Oversight should run the integrity check.");
        }
    }

    /// <summary>One entry as logged, with its index.</summary>
    public AuditEntry GetEntry(long index)
    {
        if (index < 0 || index >= Log.Count)
        {
            throw new NotFoundException("Audit entry", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return AuditEntryCodec.Decode(index, Log.GetEntry(index));
    }

    /// <summary>Waits until everything durable when called is indexed, so a query sees every completed append.</summary>
    internal async Task WaitUntilIndexedAsync(CancellationToken cancellationToken)
    {
        var target = Log.Count;
        try
        {
            await _follower.WaitUntilIndexedAsync(target, cancellationToken).WaitAsync(_options.IndexWaitTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new PreconditionFailedException(
                $"The audit index is still catching up with the log ({_follower.IndexedCount} of {target} entries); try again shortly.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _follower.DisposeAsync();
        Index.Dispose();
        await Log.DisposeAsync();
        _signer.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private SignedTreeHead LatestHead()
    {
        if (_latestHead is { } latest
            && (latest.Head.TreeSize == Log.Count || _options.Log.TimeProvider.GetUtcNow() - latest.Head.Timestamp < _options.MinHeadInterval))
        {
            return latest;
        }

        return SignCurrent();
    }

    private SignedTreeHead SignCurrent()
    {
        var signed = Log.SignTreeHead(_signer);
        Remember(signed);
        return signed;
    }

    private void Remember(SignedTreeHead head)
    {
        // The first head of a size stays the one handed out for it, so a size always names the same head.
        _headsBySize.TryAdd(head.Head.TreeSize, head);
        _latestHead = head;
    }

    private static string ComputeKeyId(string publicKeyPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    private static ValidationFailedException Invalid(string field, string description) => new([new FieldViolation(field, description)]);
}
