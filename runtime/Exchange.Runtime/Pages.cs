// Faulting memory in ahead of its writer: the journal's mapped segment and the transport's term buffers are written
// at the pace of the messages, and on a paravirtualized VM each first store into a page costs a fault of 11-25 us on
// that message's path. One madvise(MADV_POPULATE_WRITE) in a duty cycle with nothing else to do takes them off it.
using System.Runtime.InteropServices;

namespace Exchange.Runtime;

public static unsafe partial class Pages
{
    /// <summary>MADV_POPULATE_WRITE (Linux 5.14): fault pages in writable, as a store would, without storing.</summary>
    private const int PopulateWrite = 23;

    /// <summary>Faults in the pages of [<paramref name="address"/>, +<paramref name="length"/>) (page-aligned) as writable
    /// now, so the stores that come later do not each take a fault. False where the kernel cannot (older than 5.14):
    /// the pages then fault as they are written.</summary>
    public static bool PopulateForWrite(void* address, nuint length) =>
        OperatingSystem.IsLinux() && Madvise(address, length, PopulateWrite) == 0;

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(void* address, nuint length, int advice);
}
