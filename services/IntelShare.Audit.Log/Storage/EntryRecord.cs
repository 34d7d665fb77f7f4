using System.Buffers.Binary;
using IntelShare.Audit.Log.Merkle;

namespace IntelShare.Audit.Log.Storage;

/// <summary>One entry as stored: its data and the leaf hash written beside it when it was appended.</summary>
internal readonly record struct EntryRecord(long Offset, byte[] Data, byte[] StoredLeafHash)
{
    public long Length => LogFormat.RecordHeaderSize + Data.Length;

    public bool HashMatches(out byte[] leafHash)
    {
        leafHash = MerkleHash.LeafHash(Data);
        return leafHash.AsSpan().SequenceEqual(StoredLeafHash);
    }

    public static int Encode(ReadOnlySpan<byte> data, ReadOnlySpan<byte> leafHash, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)data.Length);
        leafHash.CopyTo(destination[4..]);
        data.CopyTo(destination[LogFormat.RecordHeaderSize..]);
        return LogFormat.RecordHeaderSize + data.Length;
    }
}

internal enum EntryReadStatus
{
    Entry,
    End,

    /// <summary>Bytes remain that are not a whole record: a torn write, or damage.</summary>
    Incomplete,
}

/// <summary>Reads records in file order; shared by recovery, range queries and the integrity check.</summary>
internal sealed class EntryFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _length;

    private EntryFileReader(FileStream stream, long offset)
    {
        _stream = stream;
        _length = stream.Length;
        Position = offset;
        stream.Position = offset;
    }

    /// <summary>Offset of the next record, or of the incomplete bytes once <see cref="EntryReadStatus.Incomplete"/> is returned.</summary>
    public long Position { get; private set; }

    public long Length => _length;

    public static EntryFileReader Open(string path, long offset) =>
        new(new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            // Below the large-object threshold: the index follower opens a reader for a few entries every few
            // milliseconds under load, and a 1 MiB buffer each time set off a full (gen2) collection every second or
            // two, pausing requests for up to 300 ms. The kernel's read-ahead serves long scans either way.
            BufferSize = 1 << 16,
            Options = FileOptions.SequentialScan,
        }), offset);

    /// <summary>Checks the file header; returns why it is not an entries file, or null.</summary>
    public string? CheckHeader()
    {
        Span<byte> magic = stackalloc byte[LogFormat.EntriesHeaderSize];
        _stream.Position = 0;
        var read = _stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        _stream.Position = Position;
        return read == magic.Length && magic.SequenceEqual(LogFormat.EntriesMagic)
            ? null
            : "the entries file does not start with the ISAUDLG1 header";
    }

    /// <summary>
    /// The next record; <see cref="EntryReadStatus.End"/> at the end of the file or where only zeros remain (space
    /// the log preallocated and has not written yet: a record never starts with a zero leaf hash).
    /// </summary>
    public EntryReadStatus ReadNext(out EntryRecord record)
    {
        record = default;
        var remaining = _length - Position;
        if (remaining == 0)
        {
            return EntryReadStatus.End;
        }

        Span<byte> header = stackalloc byte[LogFormat.RecordHeaderSize];
        var read = _stream.ReadAtLeast(header, (int)Math.Min(remaining, header.Length), throwOnEndOfStream: false);
        if (!header[..read].ContainsAnyExcept((byte)0))
        {
            if (RestIsZero())
            {
                return EntryReadStatus.End;
            }

            _stream.Position = Position;
            return EntryReadStatus.Incomplete;
        }

        if (read < header.Length)
        {
            _stream.Position = Position;
            return EntryReadStatus.Incomplete;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > remaining - header.Length)
        {
            // Checked before allocating, so a garbage length cannot make us allocate gigabytes.
            _stream.Position = Position;
            return EntryReadStatus.Incomplete;
        }

        var data = new byte[length];
        _stream.ReadExactly(data);
        record = new EntryRecord(Position, data, header[4..].ToArray());
        Position += record.Length;
        return EntryReadStatus.Entry;
    }

    private bool RestIsZero()
    {
        var buffer = new byte[1 << 16];
        int read;
        while ((read = _stream.Read(buffer)) > 0)
        {
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose() => _stream.Dispose();
}
