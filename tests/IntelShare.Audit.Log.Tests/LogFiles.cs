using IntelShare.Audit.Log.Storage;

namespace IntelShare.Audit.Log.Tests;

/// <summary>Direct access to a log's files, for simulating crashes and tampering the way an attacker with disk access would.</summary>
internal static class LogFiles
{
    public static string Entries(string directory) => Path.Combine(directory, LogFormat.EntriesFile);

    /// <summary>Offset of the data of entry <paramref name="index"/> when all entries have <paramref name="entryLength"/> bytes.</summary>
    public static long DataOffset(long index, int entryLength) =>
        LogFormat.EntriesHeaderSize + index * (LogFormat.RecordHeaderSize + entryLength) + LogFormat.RecordHeaderSize;

    public static void Edit(string path, long offset, Func<byte, byte> change)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Position = offset;
        var value = (byte)stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte(change(value));
    }

    public static void Append(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(bytes);
    }

    public static void WriteAt(string path, long offset, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        stream.Position = offset;
        stream.Write(bytes);
    }

    public static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        stream.SetLength(length);
    }

    /// <summary>
    /// Copies a log's files while it is open: what a machine losing power at this moment would find, as far
    /// as the page cache goes, with the checkpoint as old as it is now.
    /// </summary>
    public static void CopyWhileOpen(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == LogFormat.LockFile)
            {
                continue;
            }

            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            using var from = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var to = File.Create(destination);
            from.CopyTo(to);
        }
    }
}
