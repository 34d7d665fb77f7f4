namespace IntelShare.Audit.Log.Storage;

/// <summary>
/// The on-disk layout of a <see cref="MerkleLog"/> directory. Integers are unsigned big-endian.
/// <list type="bullet">
/// <item><c>entries.log</c>: the source of truth and the only file flushed on every append. The 8 bytes
/// "ISAUDLG1", then one record per entry: length (4) | leaf hash SHA-256(0x00 || data) (32) | data.
/// The stored leaf hash lets recovery tell a torn record from a whole one. While the log is open the file may
/// go on in zeros, space written ahead for the next appends; a record never starts with a zero leaf hash, so
/// readers take zeros to the end of the file as the end of the log.</item>
/// <item><c>entries.idx</c>: the byte offset (8) of every record, so an entry is found without a scan.</item>
/// <item><c>nodes/level-NN.hashes</c>: for level NN, the 32-byte root of every complete 2^NN-aligned subtree
/// in order; level 00 is the leaf hashes. Proofs read O(log n) of these.</item>
/// <item><c>checkpoint</c>: "ISCKPT01" | entry count (8) | entries.log length (8) | root (32) | SHA-256 of
/// the preceding 56 bytes (32). Says that entries.idx and nodes/ were fsynced up to that count, so after a
/// crash only the entries after it are re-read to rebuild them.</item>
/// <item><c>heads.log</c>: signed tree heads issued, one <see cref="Signing.SignedTreeHead.ToText"/> line each.</item>
/// <item><c>LOCK</c>: held exclusively while the log is open; <c>torn-&lt;offset&gt;-&lt;time&gt;.bin</c>: bytes cut off a
/// torn tail by recovery, kept as evidence rather than deleted.</item>
/// </list>
/// </summary>
public static class LogFormat
{
    public const string EntriesFile = "entries.log";
    public const string OffsetsFile = "entries.idx";
    public const string NodesDirectory = "nodes";
    public const string CheckpointFile = "checkpoint";
    public const string HeadsFile = "heads.log";
    public const string LockFile = "LOCK";

    public const int EntriesHeaderSize = 8;
    public const int RecordHeaderSize = 4 + 32;
    public const int OffsetSize = 8;

    public static ReadOnlySpan<byte> EntriesMagic => "ISAUDLG1"u8;

    public static string LevelFile(int level) => $"level-{level:D2}.hashes";
}
