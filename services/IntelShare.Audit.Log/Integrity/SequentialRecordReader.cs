namespace IntelShare.Audit.Log.Integrity;

/// <summary>Streams a fixed-record file front to back; the check reads whole files, so one buffered pass beats random reads.</summary>
internal sealed class SequentialRecordReader : IDisposable
{
    private readonly FileStream? _stream;
    private readonly int _recordSize;

    public SequentialRecordReader(string path, int recordSize)
    {
        _recordSize = recordSize;
        if (File.Exists(path))
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            Count = _stream.Length / recordSize;
        }
    }

    /// <summary>Whole records in the file; 0 when the file does not exist.</summary>
    public long Count { get; }

    public bool TryRead(Span<byte> destination) =>
        _stream is not null && _stream.ReadAtLeast(destination[.._recordSize], _recordSize, throwOnEndOfStream: false) == _recordSize;

    public void Dispose() => _stream?.Dispose();
}
