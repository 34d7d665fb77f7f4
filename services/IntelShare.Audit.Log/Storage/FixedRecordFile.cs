using Microsoft.Win32.SafeHandles;

namespace IntelShare.Audit.Log.Storage;

/// <summary>
/// An array of fixed-size records in a file, read and written positionally so that proof readers and the
/// single writer share one handle without locks.
/// </summary>
internal sealed class FixedRecordFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly int _recordSize;
    private readonly string _path;

    private FixedRecordFile(SafeFileHandle handle, int recordSize, string path)
    {
        _handle = handle;
        _recordSize = recordSize;
        _path = path;
        Count = RandomAccess.GetLength(handle) / recordSize;
    }

    /// <summary>Whole records in the file; a partial record at the end (torn write) is not counted.</summary>
    public long Count { get; private set; }

    public static FixedRecordFile Open(string path, int recordSize, bool writable)
    {
        var handle = File.OpenHandle(
            path,
            writable ? FileMode.OpenOrCreate : FileMode.Open,
            writable ? FileAccess.ReadWrite : FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete);
        return new FixedRecordFile(handle, recordSize, path);
    }

    public void Read(long index, Span<byte> destination)
    {
        var read = RandomAccess.Read(_handle, destination[.._recordSize], index * _recordSize);
        if (read != _recordSize)
        {
            throw new LogCorruptedException($"{_path} has no record {index}.");
        }
    }

    public long ReadInt64(long index)
    {
        Span<byte> bytes = stackalloc byte[8];
        Read(index, bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes);
    }

    public void Append(ReadOnlySpan<byte> records)
    {
        RandomAccess.Write(_handle, records, Count * _recordSize);
        Count += records.Length / _recordSize;
    }

    public void TruncateTo(long count)
    {
        if (RandomAccess.GetLength(_handle) != count * _recordSize)
        {
            RandomAccess.SetLength(_handle, count * _recordSize);
        }

        Count = count;
    }

    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}
