// Minor page faults a block of code takes on its own thread (getrusage(RUSAGE_THREAD)): what shows that a write lands in
// pages faulted in ahead of it (the journal's PrepareAhead, the transport's term prefault). Faults the kernel takes
// while populating pages on the thread's behalf (madvise) count too, so measure the writes alone.
using System.Runtime.InteropServices;

namespace Exchange.Testing;

public static partial class PageFaults
{
    public static long MinorFaults(Action block)
    {
        if (GetRUsage(RusageThread, out var before) != 0) throw new InvalidOperationException("getrusage failed");
        block();
        if (GetRUsage(RusageThread, out var after) != 0) throw new InvalidOperationException("getrusage failed");
        return after.MinorFaults - before.MinorFaults;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        public long MaxRss, IxRss, IdRss, IsRss, MinorFaults, MajorFaults, Swaps, InBlock, OutBlock, MsgSnd, MsgRcv, Signals, VoluntarySwitches, InvoluntarySwitches;
    }

    private const int RusageThread = 1;

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, out RUsage usage);
}
