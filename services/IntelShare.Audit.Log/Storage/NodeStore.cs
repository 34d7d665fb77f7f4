using System.Buffers;
using IntelShare.Audit.Log.Merkle;

namespace IntelShare.Audit.Log.Storage;

/// <summary>
/// The nodes/ directory: one file of 32-byte hashes per tree level. New nodes are staged in memory while a
/// batch is built and written with one positional write per level.
/// </summary>
internal sealed class NodeStore : INodeHashSource, IDisposable
{
    private const int MaxLevels = 64;

    private readonly string _directory;
    private readonly bool _writable;
    private readonly FixedRecordFile?[] _levels = new FixedRecordFile?[MaxLevels];
    private readonly ArrayBufferWriter<byte>?[] _staged = new ArrayBufferWriter<byte>?[MaxLevels];

    private NodeStore(string directory, bool writable)
    {
        _directory = directory;
        _writable = writable;
    }

    public static NodeStore Open(string directory, bool writable)
    {
        if (writable)
        {
            Directory.CreateDirectory(directory);
        }

        var store = new NodeStore(directory, writable);
        for (var level = 0; level < MaxLevels && File.Exists(store.PathOf(level)); level++)
        {
            store._levels[level] = FixedRecordFile.Open(store.PathOf(level), MerkleHash.Size, writable);
        }

        return store;
    }

    public long CountAt(int level) => Volatile.Read(ref _levels[level])?.Count ?? 0;

    public byte[] GetNode(int level, long index)
    {
        var file = Volatile.Read(ref _levels[level]) ?? throw new LogCorruptedException($"There is no node file for level {level}.");
        var hash = new byte[MerkleHash.Size];
        file.Read(index, hash);
        return hash;
    }

    /// <summary>Every level holds exactly the complete subtrees of the first <paramref name="leafCount"/> leaves or more.</summary>
    public bool Covers(long leafCount)
    {
        for (var level = 0; level < MaxLevels && leafCount >> level > 0; level++)
        {
            if (CountAt(level) < leafCount >> level)
            {
                return false;
            }
        }

        return true;
    }

    public void Stage(int level, long index, byte[] hash) =>
        (_staged[level] ??= new ArrayBufferWriter<byte>()).Write(hash);

    public void WriteStaged()
    {
        for (var level = 0; level < MaxLevels; level++)
        {
            if (_staged[level] is not { WrittenCount: > 0 } staged)
            {
                continue;
            }

            OpenForAppend(level).Append(staged.WrittenSpan);
            staged.ResetWrittenCount();
        }
    }

    /// <summary>Drops every node that is not a complete subtree of the first <paramref name="leafCount"/> leaves.</summary>
    public void TruncateTo(long leafCount)
    {
        for (var level = 0; level < MaxLevels; level++)
        {
            _levels[level]?.TruncateTo(leafCount >> level);
        }
    }

    public void Flush()
    {
        foreach (var file in _levels)
        {
            file?.Flush();
        }
    }

    public void Dispose()
    {
        foreach (var file in _levels)
        {
            file?.Dispose();
        }
    }

    private FixedRecordFile OpenForAppend(int level)
    {
        if (_levels[level] is { } file)
        {
            return file;
        }

        if (!_writable)
        {
            throw new InvalidOperationException("The node store was opened read-only.");
        }

        file = FixedRecordFile.Open(PathOf(level), MerkleHash.Size, writable: true);
        Volatile.Write(ref _levels[level], file);
        return file;
    }

    private string PathOf(int level) => Path.Combine(_directory, LogFormat.LevelFile(level));
}
