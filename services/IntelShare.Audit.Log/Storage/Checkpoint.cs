using System.Buffers.Binary;
using System.Security.Cryptography;
using IntelShare.Audit.Log.Merkle;

namespace IntelShare.Audit.Log.Storage;

/// <summary>How far entries.idx and nodes/ are known to be durable; see <see cref="LogFormat"/>.</summary>
internal sealed record Checkpoint(long Count, long EntriesLength, byte[] Root)
{
    private const int BodySize = 8 + 8 + 8 + MerkleHash.Size;
    private const int FileSize = BodySize + MerkleHash.Size;

    private static ReadOnlySpan<byte> Magic => "ISCKPT01"u8;

    /// <summary>Null when there is no checkpoint or it is damaged; recovery then rebuilds from the first entry.</summary>
    public static Checkpoint? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != FileSize || !bytes.AsSpan(0, 8).SequenceEqual(Magic) ||
            !SHA256.HashData(bytes.AsSpan(0, BodySize)).AsSpan().SequenceEqual(bytes.AsSpan(BodySize)))
        {
            return null;
        }

        return new Checkpoint(
            BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(8)),
            BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(16)),
            bytes.AsSpan(24, MerkleHash.Size).ToArray());
    }

    /// <summary>Replaces the file atomically: a crash leaves either the old checkpoint or the new one.</summary>
    public void Write(string path)
    {
        var bytes = new byte[FileSize];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8), Count);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(16), EntriesLength);
        Root.CopyTo(bytes, 24);
        SHA256.HashData(bytes.AsSpan(0, BodySize), bytes.AsSpan(BodySize));

        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
