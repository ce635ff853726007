// Waiting on file descriptors without blocking forever: an eventfd another thread sets (WakeSignal), and a set of
// descriptors gathered from several owners that an agent parks on (DescriptorParker): a process whose one agent
// drives many sockets (the FIX gateway: its TCP connections and every engine client's transport) backs off without
// sleeping through the traffic that would have woken it.
using System.Runtime.InteropServices;

namespace Exchange.Runtime;

/// <summary>An eventfd: a thread parked on it (among other descriptors) wakes when another thread sets it. Owned by
/// whoever creates it. Where the system has no eventfd, <see cref="Descriptor"/> is -1 and nobody is woken: a parked
/// thread finds the news when its park ends. A set racing with <see cref="Dispose"/> (an operation finishing as its
/// owner shuts down) writes to the eventfd before it is closed or not at all, never to a descriptor number the system
/// has since given to another file.</summary>
public sealed unsafe partial class WakeSignal : IDisposable
{
    private const int EfdNonblock = 0x800, EfdCloexec = 0x80000;

    private int _descriptor = OperatingSystem.IsLinux() ? EventFd(0, EfdNonblock | EfdCloexec) : -1;
    /// <summary>Threads inside a write or read of the descriptor; Dispose closes it only once none is.</summary>
    private int _users;

    /// <summary>Runs between a set's reading the descriptor and its write (tests: a set held there while the signal is disposed).</summary>
    internal static Action<WakeSignal>? BeforeWriteForTests;

    /// <summary>The descriptor to poll for reading (-1 once disposed).</summary>
    public int Descriptor => Volatile.Read(ref _descriptor);

    private long _sets;

    /// <summary>How many times it has been set, ever: an agent reads it before a duty cycle, to tell at its park whether
    /// a set came after what the cycle looked at (<see cref="Rearm"/>).</summary>
    public long Sets => Volatile.Read(ref _sets);

    /// <summary>Sets it; from any thread.</summary>
    public void Set()
    {
        Interlocked.Increment(ref _sets);
        Touch(set: true);
    }

    /// <summary>Writes to the eventfd (a set) or reads it (a clear) unless it is closed; Dispose waits for a touch in
    /// progress, so neither reaches a descriptor number the system has since given to another file.</summary>
    private void Touch(bool set)
    {
        Interlocked.Increment(ref _users);
        try
        {
            int descriptor = Volatile.Read(ref _descriptor);
            if (descriptor < 0) return;
            ulong value = 1;
            if (set)
            {
                BeforeWriteForTests?.Invoke(this);
                Write(descriptor, &value, 8);
            }
            else Read(descriptor, &value, 8);
        }
        finally
        {
            Interlocked.Decrement(ref _users);
        }
    }

    /// <summary>Clears it before a park, unless it was set after <paramref name="seen"/> (<see cref="Sets"/> as read before
    /// the duty cycle that found nothing to do): such a set is news the cycle may have missed, so the park must end at
    /// once. By the thread that parks.</summary>
    public void Rearm(long seen)
    {
        Clear();
        if (Sets != seen) Touch(set: true);
    }

    /// <summary>Clears it (already clear is fine); by the thread that waits on it.</summary>
    public void Clear() => Touch(set: false);

    public void Dispose()
    {
        int descriptor = Interlocked.Exchange(ref _descriptor, -1);
        if (descriptor < 0) return;
        // A write that read the descriptor before the exchange finishes before the close.
        var wait = new SpinWait();
        while (Volatile.Read(ref _users) != 0) wait.SpinOnce();
        Close(descriptor);
    }

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "write")]
    private static partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint Read(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

/// <summary>Whoever has descriptors a parked agent should wake for.</summary>
public interface IParkSource
{
    /// <summary>Adds this owner's descriptors, each with the events (<see cref="DescriptorParker.Readable"/>,
    /// <see cref="DescriptorParker.Writable"/>) that are work for it.</summary>
    void AddParkDescriptors(DescriptorParker into);
}

/// <summary>Parks on the descriptors of its sources (gathered afresh at each park, since connections come and go): the
/// park ends when one of them is ready or the time is up. One thread, the agent's. A park with no descriptors sleeps.</summary>
public sealed unsafe partial class DescriptorParker(params IParkSource[] sources) : IParker
{
    public const short Readable = 0x1, Writable = 0x4;

    private PollFd[] _set = new PollFd[16];
    private int _count;

    /// <summary>Descriptors in the last park's set.</summary>
    public int Count => _count;

    /// <summary>Adds one descriptor to the set being gathered (called by the sources); negative ones are left out.</summary>
    public void Add(int descriptor, short events = Readable)
    {
        if (descriptor < 0) return;
        if (_count == _set.Length) Array.Resize(ref _set, _set.Length * 2);
        _set[_count++] = new PollFd { Descriptor = descriptor, Events = events };
    }

    /// <summary>Called by a source while descriptors are gathered: it has work already (data that arrived where no
    /// descriptor tells of it), so this park returns at once.</summary>
    public void Wake() => _wake = true;

    private bool _wake;

    public void Park(long nanos)
    {
        _count = 0;
        _wake = false;
        foreach (var source in sources) source.AddParkDescriptors(this);
        if (_wake) return;
        if (_count == 0 || !OperatingSystem.IsLinux()) { BackoffIdleStrategy.Sleep(nanos); return; }
        var timeout = new BackoffIdleStrategy.TimeSpec { Seconds = nanos / NanoClock.Second, Nanoseconds = nanos % NanoClock.Second };
        fixed (PollFd* descriptors = _set) ppoll(descriptors, (nuint)_count, &timeout, null);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ppoll(PollFd* descriptors, nuint count, BackoffIdleStrategy.TimeSpec* timeout, void* signalMask);
}
