using System.Text;
using IntelShare.Audit.Log.Signing;

namespace IntelShare.Audit.Log.Storage;

/// <summary>heads.log: the signed tree heads a log has issued, one text line each, oldest first.</summary>
internal static class SignedHeadFile
{
    public sealed record Contents(IReadOnlyList<SignedTreeHead> Heads, IReadOnlyList<string> Problems, bool HasTornLine);

    public static Contents Read(string path)
    {
        if (!File.Exists(path))
        {
            return new Contents([], [], false);
        }

        var text = File.ReadAllText(path, Encoding.ASCII);
        var lines = text.Split('\n');
        var heads = new List<SignedTreeHead>();
        var problems = new List<string>();

        // Split leaves the text after the last newline as the final element: empty unless a write was torn.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            if (SignedTreeHead.TryParse(lines[i], out var head, out var error))
            {
                heads.Add(head!);
            }
            else
            {
                problems.Add($"line {i + 1} of {LogFormat.HeadsFile} is not a signed tree head: {error}");
            }
        }

        return new Contents(heads, problems, lines[^1].Length > 0);
    }

    public static void Append(string path, SignedTreeHead head)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.ASCII.GetBytes(head.ToText() + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Cuts a line left half-written by a crash, so the next head starts on a line of its own.</summary>
    public static void RepairTornLine(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var bytes = File.ReadAllBytes(path);
        var keep = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (keep == bytes.Length)
        {
            return;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(keep);
        stream.Flush(flushToDisk: true);
    }
}
