// What .NET's file API cannot do: fsync a directory (a newly created segment's name made durable), and map a segment
// into memory so records are written by plain stores (JournalWriter).
using System.Runtime.InteropServices;

namespace Exchange.Journal;

internal static partial class NativeFile
{
    private const int ReadOnly = 0, Directory = 0x10000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private const int ProtRead = 1, ProtWrite = 2, SharedMapping = 1;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);


    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="file"/> from its start, shared and writable: a store
    /// there is a store into the file's page cache (what a write(2) would have put there), visible to readers of the file
    /// at once and made durable by an fsync of the file. Pages past the file's end must not be touched (SIGBUS).</summary>
    public static unsafe byte* MapShared(Microsoft.Win32.SafeHandles.SafeFileHandle file, long length, string path)
    {
        nint address = Mmap(0, (nuint)length, ProtRead | ProtWrite, SharedMapping, (int)file.DangerousGetHandle(), 0);
        if (address == -1) throw new IOException($"{path}: cannot map the segment ({length} bytes) into memory (errno {Marshal.GetLastPInvokeError()})");
        return (byte*)address;
    }

    public static unsafe void Unmap(byte* address, long length) => Munmap((nint)address, (nuint)length);

    /// <summary>Faults in [<paramref name="address"/>, +<paramref name="length"/>) of a shared mapping as writable now
    /// (<see cref="Pages.PopulateForWrite"/>). Returns false where the kernel cannot (older than 5.14).</summary>
    public static unsafe bool PopulateForWrite(byte* address, long length) => Pages.PopulateForWrite(address, (nuint)length);

    public static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(path, ReadOnly | Directory);
        if (fd < 0) throw new IOException($"cannot open directory {path} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of directory {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            Close(fd);
        }
    }
}
