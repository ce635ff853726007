// The journal's files hold every order of every account: only the engine's user may read them. Directories are
// created 0700 and files 0600 (a directory that exists already is tightened to 0700), and a directory the engine
// cannot write to is reported as what it is, not as a lock held elsewhere.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Exchange.Journal;

public static partial class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) as 0700, or tightens it to 0700 if it exists.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            if ((File.GetUnixFileMode(path) & ~DirectoryMode) == 0) return;
            // Only the owner may change the mode; a directory someone else prepared keeps theirs.
            try { File.SetUnixFileMode(path, DirectoryMode); }
            catch (UnauthorizedAccessException) { }
            catch (IOException) { }
            return;
        }
        Directory.CreateDirectory(path, DirectoryMode);
    }

    /// <summary>Why this process cannot create files in <paramref name="directory"/>, or null if it can.</summary>
    public static string? WhyNotWritable(string directory)
    {
        if (Access(directory, WriteOk | ExecuteOk) == 0) return null;
        int errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            ReadOnlyFileSystem => "it is on a read-only file system",
            AccessDenied => "this user may not write to it (permission denied)",
            _ => $"it is not writable (errno {errno})",
        };
    }

    /// <summary>Opens a file for writing, creating it 0600.</summary>
    public static FileStream OpenWrite(string path, System.IO.FileMode mode, FileShare share = FileShare.None, int bufferSize = 4096) =>
        new(path, new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = share, BufferSize = bufferSize, UnixCreateMode = FileMode });

    /// <summary>Opens a file's handle, making it 0600 (within a 0700 directory nobody else can look in meanwhile).</summary>
    public static SafeFileHandle OpenHandle(string path, System.IO.FileMode mode, FileShare share = FileShare.Read, long preallocationSize = 0)
    {
        var handle = File.OpenHandle(path, mode, FileAccess.ReadWrite, share, FileOptions.None, preallocationSize);
        try { File.SetUnixFileMode(handle, FileMode); }
        catch
        {
            handle.Dispose();
            throw;
        }
        return handle;
    }

    /// <summary>Writes a whole small file, 0600.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = OpenWrite(path, System.IO.FileMode.Create);
        file.Write(bytes);
    }

    /// <summary>Replaces a small file as a whole, durably: written beside it, fsynced, renamed over it, the directory
    /// fsynced; a crash leaves the old file or the new one, never a mix.</summary>
    public static void ReplaceDurably(string path, ReadOnlySpan<byte> bytes)
    {
        string temporary = path + ".new";
        using (var file = OpenWrite(temporary, System.IO.FileMode.Create))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        NativeFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private const int WriteOk = 2, ExecuteOk = 1, AccessDenied = 13, ReadOnlyFileSystem = 30;

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
