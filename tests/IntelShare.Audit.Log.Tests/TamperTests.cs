using IntelShare.Audit.Log.Integrity;
using IntelShare.Audit.Log.Merkle;
using IntelShare.Audit.Log.Signing;
using IntelShare.Audit.Log.Storage;
using static IntelShare.Audit.Log.Integrity.IntegrityProblemKind;
using static IntelShare.Audit.Log.Tests.TestData;

namespace IntelShare.Audit.Log.Tests;

/// <summary>Someone with write access to the disk changes the log; the offline check must say what and where.</summary>
public sealed class TamperTests : IDisposable
{
    private const int Size = 20;

    private readonly TempDirectory _temp = new();
    private readonly TreeHeadSigner _signer;
    private readonly TreeHeadVerifier _verifier;

    public TamperTests()
    {
        _signer = TreeHeadSigner.OpenOrCreate(_temp.Sub("key.pem"));
        _verifier = _signer.CreateVerifier();
    }

    public void Dispose()
    {
        _verifier.Dispose();
        _signer.Dispose();
        _temp.Dispose();
    }

    /// <summary>Entries of equal length, so records can be swapped in place.</summary>
    private static byte[] FixedEntry(int i) => System.Text.Encoding.UTF8.GetBytes($"access {i:D6} by analyst-{i % 7} to record R-{i % 13:D2}");

    private static readonly int EntryLength = FixedEntry(0).Length;

    /// <summary>A log of <see cref="Size"/> entries with heads signed at sizes 10 and 20.</summary>
    private async Task<(string Directory, SignedTreeHead At10, SignedTreeHead At20)> SignedLog(string name, Func<int, byte[]>? entry = null)
    {
        var directory = _temp.Sub(name);
        await using var log = MerkleLog.Open(directory);
        for (var i = 0; i < Size; i++)
        {
            await log.AppendAsync((entry ?? FixedEntry)(i));
            if (i == 9)
            {
                _ = log.SignTreeHead(_signer);
            }
        }

        var heads = log.SignedTreeHeads();
        return (directory, heads[0], log.SignTreeHead(_signer));
    }

    private IntegrityReport Check(string directory, params SignedTreeHead[] trusted) =>
        LogIntegrityCheck.CheckDirectory(directory, new IntegrityCheckOptions { Verifier = _verifier, TrustedHeads = trusted });

    [Fact]
    public async Task Untouched_log_is_intact()
    {
        var (directory, at10, _) = await SignedLog("log");

        var report = Check(directory, at10);
        Assert.True(report.IsIntact, report.ToString());
        Assert.Equal(Size, report.EntryCount);
    }

    [Fact]
    public async Task Edited_byte_in_an_entry_is_found_at_its_index()
    {
        var (directory, _, _) = await SignedLog("log");
        LogFiles.Edit(LogFiles.Entries(directory), LogFiles.DataOffset(7, EntryLength) + 3, b => (byte)(b ^ 1));

        var report = Check(directory);
        var edited = Assert.Single(report.Of(EditedEntry));
        Assert.Equal([7L], edited.Indices);
        Assert.Contains("entry 7", edited.Message);
        Assert.Equal(2, report.Of(HeadRootMismatch).Count());
    }

    [Fact]
    public async Task Entry_edited_together_with_its_stored_hash_is_still_found()
    {
        var (directory, _, _) = await SignedLog("log");
        var entries = LogFiles.Entries(directory);
        var record = LogFiles.DataOffset(12, EntryLength) - LogFormat.RecordHeaderSize;
        var forged = FixedEntry(12);
        forged[0] ^= 1;
        LogFiles.Edit(entries, record + LogFormat.RecordHeaderSize, b => (byte)(b ^ 1));
        var hash = MerkleHash.LeafHash(forged);
        for (var i = 0; i < hash.Length; i++)
        {
            var value = hash[i];
            LogFiles.Edit(entries, record + 4 + i, _ => value);
        }

        var report = Check(directory);
        Assert.Empty(report.Of(EditedEntry));
        Assert.Equal([12L], Assert.Single(report.Of(NodeFileMismatch)).Indices);
        Assert.Contains(report.Of(HeadRootMismatch), problem => problem.Message.Contains("entries 10 to 19"));
    }

    [Fact]
    public async Task Truncated_entries_file_is_reported_with_both_sizes()
    {
        var (directory, _, _) = await SignedLog("log");
        var entries = LogFiles.Entries(directory);
        LogFiles.Truncate(entries, LogFiles.DataOffset(17, EntryLength) - LogFormat.RecordHeaderSize);

        var report = Check(directory);
        Assert.Equal(17, report.EntryCount);
        Assert.Contains(report.Of(TruncatedLog), problem => problem.Message.Contains("covers 20 entries but the log holds 17"));
        Assert.Contains(report.Of(TruncatedLog), problem => problem.Message.Contains("holds 17 entries but entries.idx indexes 20"));
    }

    [Fact]
    public async Task Swapped_entries_are_reported_as_reordered_with_their_indices()
    {
        var (directory, _, _) = await SignedLog("log");
        var entries = LogFiles.Entries(directory);
        var recordLength = LogFormat.RecordHeaderSize + EntryLength;
        var bytes = File.ReadAllBytes(entries);
        var (a, b) = (LogFiles.DataOffset(3, EntryLength) - LogFormat.RecordHeaderSize, LogFiles.DataOffset(11, EntryLength) - LogFormat.RecordHeaderSize);
        var recordA = bytes.AsSpan((int)a, recordLength).ToArray();
        bytes.AsSpan((int)b, recordLength).CopyTo(bytes.AsSpan((int)a));
        recordA.CopyTo(bytes.AsSpan((int)b));
        File.WriteAllBytes(entries, bytes);

        var report = Check(directory);
        Assert.Empty(report.Of(EditedEntry));
        Assert.Equal([3L, 11L], Assert.Single(report.Of(ReorderedEntries)).Indices);
        Assert.NotEmpty(report.Of(HeadRootMismatch));
    }

    [Fact]
    public async Task Node_file_that_disagrees_with_the_entries_is_found()
    {
        var (directory, _, _) = await SignedLog("log");
        LogFiles.Edit(Path.Combine(directory, LogFormat.NodesDirectory, LogFormat.LevelFile(2)), 32 + 5, b => (byte)(b ^ 0x80));

        var report = Check(directory);
        var problem = Assert.Single(report.Of(NodeFileMismatch));
        Assert.Contains("node 1 of node file level 2", problem.Message);
    }

    [Fact]
    public async Task Rewritten_history_fails_the_consistency_check_against_an_earlier_head()
    {
        var (_, at10, at20) = await SignedLog("original");

        // The same number of entries with an old one changed, and heads freshly signed over it by the key holder.
        var (rewritten, _, forged20) = await SignedLog("rewritten", i => i == 3 ? [.. FixedEntry(3).Reverse()] : FixedEntry(i));
        Assert.True(Check(rewritten).IsIntact, "on its own, a consistently rewritten log looks fine");

        var report = Check(rewritten, at10);
        Assert.Contains(report.Of(InconsistentHeads), problem => problem.Message.Contains("trusted head of size 10"));

        using var log = MerkleLog.Open(rewritten);
        var fromEarlier = ProofVerifier.VerifyConsistency(10, Size, at10.Head.RootHash, forged20.Head.RootHash, log.ConsistencyProof(10, Size));
        Assert.Equal(VerificationFailure.OldRootMismatch, fromEarlier.Failure);
        var sameSize = ProofVerifier.VerifyConsistency(Size, Size, at20.Head.RootHash, log.Root(), log.ConsistencyProof(Size, Size));
        Assert.Equal(VerificationFailure.RootMismatch, sameSize.Failure);
    }

    [Fact]
    public async Task Successive_heads_in_the_heads_file_must_be_consistent()
    {
        var (_, at10, _) = await SignedLog("original");
        var (rewritten, _, _) = await SignedLog("rewritten", i => i == 3 ? [.. FixedEntry(3).Reverse()] : FixedEntry(i));
        var heads = Path.Combine(rewritten, LogFormat.HeadsFile);
        File.WriteAllText(heads, at10.ToText() + "\n" + File.ReadAllText(heads));

        var report = Check(rewritten);
        Assert.Contains(report.Of(InconsistentHeads), problem => problem.Message.Contains("does not extend head 1"));
        Assert.Contains(report.Of(HeadRootMismatch), problem => problem.Message.Contains("head 1"));
    }

    [Fact]
    public async Task Head_signed_by_another_key_is_rejected()
    {
        var (directory, _, _) = await SignedLog("log");
        using var other = TreeHeadSigner.OpenOrCreate(_temp.Sub("other.pem"));
        using var otherVerifier = other.CreateVerifier();

        var report = LogIntegrityCheck.CheckDirectory(directory, new IntegrityCheckOptions { Verifier = otherVerifier });
        Assert.Equal(2, report.Of(BadHeadSignature).Count());
    }

    [Fact]
    public async Task Exported_entries_are_checked_against_a_signed_head()
    {
        var (_, at10, at20) = await SignedLog("log");
        var entries = Enumerable.Range(0, Size).Select(FixedEntry).ToList();

        Assert.True(LogIntegrityCheck.CheckEntries(entries, at20, _verifier).IsIntact);
        Assert.True(LogIntegrityCheck.CheckEntries(entries, at10, _verifier).IsIntact);

        entries[4] = [.. entries[4].Reverse()];
        Assert.Single(LogIntegrityCheck.CheckEntries(entries, at20, _verifier).Of(HeadRootMismatch));
        Assert.Single(LogIntegrityCheck.CheckEntries(entries.Take(15), at20, _verifier).Of(TruncatedLog));
    }
}
