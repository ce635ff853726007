// The one thing .NET's file API cannot do: fsync a directory, which makes a newly created segment's name durable.
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

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedAttr
    {
        public uint Size, Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime, Deadline, Period;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long Syscall(long number, long tid, SchedAttr* attr, long flags);

    private const long SchedSetattr = 314; // x86-64

    /// <summary>Asks the kernel for a short time slice for the calling thread (an ordinary, unprivileged fair-scheduling
    /// request, Linux 6.12 or later): a thread that sleeps in fsync and then has a moment's work is then let in when it
    /// wakes instead of waiting behind a spinning thread's full slice. Returns errno, 0 when granted.</summary>
    public static unsafe int RequestShortSlice(long nanos)
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != Architecture.X64) return -1;
        var attr = new SchedAttr { Size = 48, Policy = 0, Runtime = (ulong)nanos };
        return Syscall(SchedSetattr, 0, &attr, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

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
