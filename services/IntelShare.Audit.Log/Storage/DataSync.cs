using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace IntelShare.Audit.Log.Storage;

/// <summary>
/// Makes a file's written data durable without also writing its timestamps. Overwriting preallocated space
/// leaves nothing else to record, so on Linux this is the data blocks and a cache flush, where fsync also
/// writes the inode (changed mtime): one device write fewer per commit. The size, when a write grew the
/// file, is made durable either way.
/// </summary>
internal static class DataSync
{
    private const int Interrupted = 4;

    public static void Flush(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }

        var referenced = false;
        try
        {
            file.DangerousAddRef(ref referenced);
            var descriptor = (int)file.DangerousGetHandle();
            while (FDataSync(descriptor) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error != Interrupted)
                {
                    throw new IOException($"fdatasync failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
                }
            }
        }
        finally
        {
            if (referenced)
            {
                file.DangerousRelease();
            }
        }
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FDataSync(int descriptor);
}
