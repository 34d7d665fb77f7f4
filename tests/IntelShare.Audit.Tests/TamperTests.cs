using IntelShare.Audit.Domain;
using IntelShare.Audit.Log.Integrity;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Signing;
using IntelShare.Audit.Log.Storage;
using IntelShare.Domain;
using static IntelShare.Audit.Log.Integrity.IntegrityProblemKind;

namespace IntelShare.Audit.Tests;

/// <summary>
/// Someone with access to the disk alters the audit log the service wrote. The offline check (what
/// <c>intelshare audit verify</c> runs) and the proofs the service hands out must expose it and say what changed.
/// </summary>
public sealed class TamperTests : IDisposable
{
    private const int Size = 20;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string KeyPath => _temp.Sub("key.pem");

    /// <summary>Entries differ in length (ids and cases vary), as real ones do.</summary>
    private static AuditEvent Event(int i) => Events.Read(
        userId: $"analyst-{i % 4}",
        resourceId: $"R-{i * 37}",
        caseRef: i % 3 == 0 ? "" : $"OP-{i % 5}",
        at: Events.Day0.AddMinutes(i),
        resourceCases: i % 2 == 0 ? [$"OP-{i % 5}"] : []);

    /// <summary>A service-written log with heads issued at sizes 10 and 20, closed, and the leaves it holds.</summary>
    private async Task<(string Directory, SignedTreeHead At10, SignedTreeHead At20, List<byte[]> Leaves)> ServiceLog(string name, Func<int, AuditEvent>? make = null)
    {
        var directory = _temp.Sub(name);
        await using var log = AuditLog.Open(new AuditLogOptions { Directory = directory, KeyPath = KeyPath });
        await log.AppendAsync([.. Enumerable.Range(0, 10).Select(make ?? Event)], CancellationToken.None);
        var at10 = log.GetSignedTreeHead();
        await log.AppendAsync([.. Enumerable.Range(10, Size - 10).Select(make ?? Event)], CancellationToken.None);
        var at20 = log.GetSignedTreeHead();
        return (directory, at10, at20, [.. log.GetEntries(Subjects.Oversight, 0, Size)]);
    }

    private IntegrityReport Check(string directory, params SignedTreeHead[] trusted)
    {
        using var verifier = new TreeHeadVerifier(PublicKey());
        return LogIntegrityCheck.CheckDirectory(directory, new IntegrityCheckOptions { Verifier = verifier, TrustedHeads = trusted });
    }

    private string PublicKey()
    {
        using var signer = TreeHeadSigner.OpenOrCreate(KeyPath);
        return signer.PublicKeyPem;
    }

    /// <summary>Byte offset of record <paramref name="index"/> (its length field) in entries.log.</summary>
    private static long RecordOffset(List<byte[]> leaves, int index) =>
        LogFormat.EntriesHeaderSize + leaves.Take(index).Sum(leaf => (long)(LogFormat.RecordHeaderSize + leaf.Length));

    private static string EntriesFile(string directory) => Path.Combine(directory, LogFormat.EntriesFile);

    [Fact]
    public async Task Untouched_service_log_passes_the_check()
    {
        var (directory, at10, at20, _) = await ServiceLog("log");

        var report = Check(directory, at10, at20);
        Assert.True(report.IsIntact, report.ToString());
        Assert.Equal(Size, report.EntryCount);
    }

    [Fact]
    public async Task One_edited_byte_is_named_by_its_entry_and_the_service_refuses_to_serve_it()
    {
        var (directory, _, _, leaves) = await ServiceLog("log");
        var bytes = File.ReadAllBytes(EntriesFile(directory));
        bytes[RecordOffset(leaves, 7) + LogFormat.RecordHeaderSize + 5] ^= 0x01;
        File.WriteAllBytes(EntriesFile(directory), bytes);

        var report = Check(directory);
        var edited = Assert.Single(report.Of(EditedEntry));
        Assert.Equal([7L], edited.Indices);
        Assert.Contains("entry 7", edited.Message);
        Assert.Equal(2, report.Of(HeadRootMismatch).Count());

        await using var log = AuditLog.Open(new AuditLogOptions { Directory = directory, KeyPath = KeyPath });
        var refused = Assert.Throws<IntelShare.Domain.DataLossException>(() => log.GetEntries(Subjects.Oversight, 0, Size));
        Assert.Contains("Entry 7", refused.Message);
        Assert.Throws<LogCorruptedException>(() => log.GetEntry(7));
    }

    [Fact]
    public async Task Entry_rewritten_with_a_matching_stored_hash_fails_its_inclusion_proof()
    {
        var (directory, _, at20, leaves) = await ServiceLog("log");
        var forged = AuditEntryCodec.ToEntry(Event(7));
        forged.UserId = "analyst-X";
        var forgedBytes = Google.Protobuf.MessageExtensions.ToByteArray(forged);
        Assert.Equal(leaves[7].Length, forgedBytes.Length);

        var bytes = File.ReadAllBytes(EntriesFile(directory));
        var record = RecordOffset(leaves, 7);
        MerkleHash.LeafHash(forgedBytes).CopyTo(bytes, record + 4);
        forgedBytes.CopyTo(bytes, record + LogFormat.RecordHeaderSize);
        File.WriteAllBytes(EntriesFile(directory), bytes);

        await using var log = AuditLog.Open(new AuditLogOptions { Directory = directory, KeyPath = KeyPath });
        var served = log.GetEntries(Subjects.Oversight, 7, 1)[0];
        Assert.Equal("analyst-X", Contracts.V1.AuditEntry.Parser.ParseFrom(served).UserId);
        var result = ProofVerifier.VerifyInclusion(7, Size, MerkleHash.LeafHash(served), log.GetInclusionProof(7, Size), at20.Head.RootHash);
        Assert.Equal(VerificationFailure.RootMismatch, result.Failure);

        Assert.Single(LogIntegrityCheck.CheckEntries(log.GetEntries(Subjects.Oversight, 0, Size), at20).Of(HeadRootMismatch));
    }

    [Fact]
    public async Task Truncated_log_is_reported_with_both_sizes_and_will_not_open()
    {
        var (directory, _, _, leaves) = await ServiceLog("log");
        using (var stream = new FileStream(EntriesFile(directory), FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(RecordOffset(leaves, 17));
        }

        var report = Check(directory);
        Assert.Equal(17, report.EntryCount);
        Assert.Contains(report.Of(TruncatedLog), problem => problem.Message.Contains("covers 20 entries but the log holds 17"));

        var refused = Assert.Throws<LogCorruptedException>(() => AuditLog.Open(new AuditLogOptions { Directory = directory, KeyPath = KeyPath }));
        Assert.Contains("entries were removed", refused.Message);
    }

    [Fact]
    public async Task Two_swapped_entries_are_reported_as_reordered()
    {
        var (directory, _, _, leaves) = await ServiceLog("log");
        Assert.NotEqual(leaves[4].Length, leaves[5].Length);
        var bytes = File.ReadAllBytes(EntriesFile(directory));
        var (start, middle, end) = (RecordOffset(leaves, 4), RecordOffset(leaves, 5), RecordOffset(leaves, 6));
        var swapped = bytes[(int)middle..(int)end].Concat(bytes[(int)start..(int)middle]).ToArray();
        swapped.CopyTo(bytes, start);
        File.WriteAllBytes(EntriesFile(directory), bytes);

        var report = Check(directory);
        Assert.Empty(report.Of(EditedEntry));
        Assert.Equal([4L, 5L], Assert.Single(report.Of(ReorderedEntries)).Indices);
        Assert.NotEmpty(report.Of(HeadRootMismatch));
    }

    [Fact]
    public async Task Consistency_proof_from_an_earlier_head_exposes_a_rewritten_history()
    {
        // Oversight kept the head of size 10 it was given.
        var (_, kept10, _, _) = await ServiceLog("original");

        // The key holder rebuilds the log with entry 3 changed and signs fresh heads over it.
        var (rewritten, _, forged20, _) = await ServiceLog("rewritten", i => i == 3 ? Event(3) with { UserId = "someone-else" } : Event(i));
        Assert.True(Check(rewritten).IsIntact, "on its own, a consistently rewritten log looks fine");

        await using var log = AuditLog.Open(new AuditLogOptions { Directory = rewritten, KeyPath = KeyPath });
        using var verifier = new TreeHeadVerifier(log.PublicKeyPem);
        Assert.True(verifier.Verify(forged20).IsValid);

        var proof = log.GetConsistencyProof(10, Size);
        var result = ProofVerifier.VerifyConsistency(10, Size, kept10.Head.RootHash, forged20.Head.RootHash, proof);
        Assert.Equal(VerificationFailure.OldRootMismatch, result.Failure);
        Assert.Contains("does not extend", result.Message);

        var report = Check(rewritten, kept10);
        Assert.Contains(report.Of(InconsistentHeads), problem => problem.Message.Contains("trusted head of size 10"));
    }
}
