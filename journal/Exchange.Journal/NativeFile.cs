// What .NET's file API cannot do: fsync a directory (a newly created segment's name made durable), and the eventfd the
// sync thread signals (SyncSignal).
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

/// <summary>An eventfd that the journal's sync thread sets after each fsync (<see cref="JournalOptions.DurableSignal"/>),
/// so a thread parked on its sockets can also wake for new durability. Owned by whoever creates it: it outlives a
/// journal reopened under it.</summary>
public sealed partial class SyncSignal : IDisposable
{
    private const int EfdNonblock = 0x800, EfdCloexec = 0x80000;

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "write")]
    private static unsafe partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "read")]
    private static unsafe partial nint Read(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>The descriptor to poll for reading; -1 where the system has no eventfd (then nobody is woken: a parked
    /// thread finds the new position when its park ends).</summary>
    public int Descriptor { get; private set; } = OperatingSystem.IsLinux() ? EventFd(0, EfdNonblock | EfdCloexec) : -1;

    public unsafe void Set()
    {
        if (Descriptor < 0) return;
        ulong one = 1;
        Write(Descriptor, &one, 8);
    }

    /// <summary>Clears it (already clear is fine).</summary>
    public unsafe void Clear()
    {
        if (Descriptor < 0) return;
        ulong value;
        Read(Descriptor, &value, 8);
    }

    public void Dispose()
    {
        if (Descriptor >= 0) Close(Descriptor);
        Descriptor = -1;
    }
}
