// How ipc subscriptions find their publications: each watches its channel's directory (inotify: a log appears by being
// renamed into place, whole) and scans it once when it starts. The agent reads the watch at most every
// IpcScanIntervalNanos, one non-blocking read(2) that allocates nothing when nothing happened, so a busy-spinning duty
// cycle does not pay a system call per cycle for it. A new log becomes an image once it proves to be a log of the
// subscription's stream whose publisher lives; a crashed publisher's leftover file is removed.
using System.Runtime.InteropServices;

namespace Exchange.Transport;

internal sealed unsafe class IpcWatch(Transport transport) : IDisposable
{
    private const int BufferLength = 16 * 1024;
    private const uint QueueOverflow = 0x4000;

    private int _fd = -1;
    private byte* _buffer;
    private readonly Dictionary<int, string> _directories = [];
    private readonly List<Subscription> _watched = [];
    private long _nextRead;

    /// <summary>Any thread, under the transport's registry lock: takes the stream's exclusive lock in
    /// <paramref name="directory"/>, or throws if another subscription (in any process) holds it.</summary>
    public void Lock(Subscription subscription, string directory)
    {
        SweepStale(Path.GetDirectoryName(directory)!);
        string path = IpcLog.LockPath(directory, subscription.StreamId);
        // The lock file is removed by the subscription that leaves (Unwatch), so the file locked must still be the one
        // named: otherwise it was removed meanwhile, and the lock says nothing to the next subscriber. The directory
        // itself may go between its creation and the open (a publisher that left removes it when empty): made again.
        for (int attempt = 0; ; attempt++)
        {
            IpcNative.MakePrivateDirectory(directory);
            int fd = IpcNative.open(path, IpcNative.OReadWrite | IpcNative.OCreate | IpcNative.OCloseOnExec | IpcNative.ONoFollow, 0x180);
            if (fd < 0)
            {
                if (Marshal.GetLastPInvokeError() == IpcNative.ENoEnt && attempt < 10) continue;
                throw new IOException($"{path}: cannot open the stream's lock (errno {Marshal.GetLastPInvokeError()})");
            }
            // Held: by a live subscriber, or for a moment by another process's sweep (SweepStale) testing it.
            bool locked = false;
            for (int tries = 0; tries < 5 && !(locked = IpcNative.flock(fd, IpcNative.LockExclusive | IpcNative.LockNonBlocking) == 0); tries++)
                Thread.Sleep(1);
            if (!locked)
            {
                IpcNative.close(fd);
                throw new ArgumentException($"ipc stream {subscription.StreamId} of '{subscription.Channel.IpcName}' already has a subscriber (an ipc stream has one)");
            }
            if (!IpcNative.SameFile(fd, path) && attempt < 10)
            {
                IpcNative.close(fd);
                continue;
            }
            subscription.IpcDirectory = directory;
            subscription.IpcLockDescriptor = fd;
            subscription.IpcBellDescriptor = OpenBell(directory, subscription.StreamId, out subscription.IpcBellWriter);
            return;
        }
    }

    /// <summary>What processes killed before they closed left in the ipc directory: lock files and doorbells of
    /// subscriptions whose lock nobody holds, logs whose publisher's lock nobody holds, and the channel directories that
    /// leaves empty (a killed client's channel is its own, and nobody would ever remove it). Run when a subscription
    /// starts (rarely), a few system calls a file. A process between creating its lock file and locking it finds the file
    /// gone and makes it again (<see cref="Lock"/>); a publisher names its log only once it holds its lock.</summary>
    private static void SweepStale(string root)
    {
        string[] channels;
        try { channels = Directory.GetDirectories(root); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (string channel in channels)
        {
            string[] files;
            try { files = Directory.GetFiles(channel); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (string file in files)
            {
                string name = Path.GetFileName(file);
                if (name.EndsWith(".sub", StringComparison.Ordinal) || name.EndsWith(".log", StringComparison.Ordinal))
                {
                    if (!Abandoned(file)) continue;
                    IpcNative.unlink(file);
                    if (name.EndsWith(".sub", StringComparison.Ordinal)) IpcNative.unlink(Path.ChangeExtension(file, ".bell"));
                }
                else if (name.EndsWith(".bell", StringComparison.Ordinal) && !File.Exists(Path.ChangeExtension(file, ".sub")))
                {
                    IpcNative.unlink(file);
                }
            }
            IpcNative.rmdir(channel); // only if nothing is left
        }
    }

    /// <summary>Whether nobody holds the lock on <paramref name="path"/> (its owner is gone).</summary>
    private static bool Abandoned(string path)
    {
        int fd = IpcNative.open(path, IpcNative.OReadWrite | IpcNative.OCloseOnExec | IpcNative.ONoFollow | IpcNative.ONonBlocking, 0);
        if (fd < 0) return false;
        bool free = IpcNative.flock(fd, IpcNative.LockExclusive | IpcNative.LockNonBlocking) == 0;
        IpcNative.close(fd);
        return free;
    }

    /// <summary>The subscription's doorbell (a named pipe, owner-only), opened to read without blocking; made anew, since
    /// one left by an earlier subscriber may still be open for writing by publishers that rang it.</summary>
    private static int OpenBell(string directory, int streamId, out int keepOpen)
    {
        string path = IpcLog.BellPath(directory, streamId);
        IpcNative.unlink(path);
        if (IpcNative.mkfifo(path, 0x180) != 0 && Marshal.GetLastPInvokeError() != IpcNative.EExist)
            throw new IOException($"{path}: cannot make the stream's doorbell (errno {Marshal.GetLastPInvokeError()})");
        int fd = IpcNative.open(path, IpcNative.ONonBlocking | IpcNative.OCloseOnExec, 0);
        if (fd < 0) throw new IOException($"{path}: cannot open the stream's doorbell (errno {Marshal.GetLastPInvokeError()})");
        // Held open for writing too: a pipe whose last writer closed reads as hung up, and a park on it would return at
        // once, every time, until a publisher opened it again.
        keepOpen = IpcNative.open(path, IpcNative.OWriteOnly | IpcNative.ONonBlocking | IpcNative.OCloseOnExec, 0);
        if (keepOpen < 0)
        {
            IpcNative.close(fd);
            throw new IOException($"{path}: cannot hold the stream's doorbell open (errno {Marshal.GetLastPInvokeError()})");
        }
        return fd;
    }

    /// <summary>Agent side, as its agent is about to park: empties the doorbell, then arms every image of the
    /// subscription (<see cref="Image.ArmDoorbell"/>). The park waits on the doorbell, or does not wait at all when an
    /// image already holds data the subscriber has not taken.</summary>
    public static void AddParkDescriptors(Subscription subscription, DescriptorParker into)
    {
        int bell = subscription.IpcBellDescriptor;
        if (bell < 0) return;
        byte* drain = stackalloc byte[64];
        while (IpcNative.read(bell, drain, 64) == 64) { }
        bool pending = false;
        foreach (var image in subscription.ImagesForAgent) pending |= image.ArmDoorbell();
        if (pending) into.Wake();
        into.Add(bell);
    }

    /// <summary>Agent side: starts watching the subscription's directory and takes on the logs already there.</summary>
    public void Watch(Subscription subscription)
    {
        string directory = subscription.IpcDirectory!;
        if (_fd < 0)
        {
            _fd = IpcNative.inotify_init1(IpcNative.InNonBlocking | IpcNative.InCloseOnExec);
            if (_fd < 0) throw new IOException($"cannot watch ipc directories (inotify: errno {Marshal.GetLastPInvokeError()})");
            _buffer = (byte*)NativeMemory.Alloc(BufferLength);
        }
        int watch = IpcNative.inotify_add_watch(_fd, directory, IpcNative.InMovedTo | IpcNative.InOnlyDirectory);
        if (watch < 0) throw new IOException($"{directory}: cannot watch (inotify: errno {Marshal.GetLastPInvokeError()})");
        _directories[watch] = directory;
        _watched.Add(subscription);
        Scan(subscription);
    }

    /// <summary>Agent side (or disposal): stops taking logs on for the subscription and lets go of its stream's lock.</summary>
    public void Unwatch(Subscription subscription)
    {
        _watched.Remove(subscription);
        if (subscription.IpcLockDescriptor < 0) return;
        // Removed while still held (a subscriber that opened it meanwhile finds it is no longer the named one and retries),
        // and the directory with it when nothing else is left there: a client's channel name is its own, and it goes.
        IpcNative.unlink(IpcLog.LockPath(subscription.IpcDirectory!, subscription.StreamId));
        IpcNative.unlink(IpcLog.BellPath(subscription.IpcDirectory!, subscription.StreamId));
        IpcNative.close(subscription.IpcLockDescriptor);
        subscription.IpcLockDescriptor = -1;
        if (subscription.IpcBellDescriptor >= 0) IpcNative.close(subscription.IpcBellDescriptor);
        if (subscription.IpcBellWriter >= 0) IpcNative.close(subscription.IpcBellWriter);
        subscription.IpcBellDescriptor = subscription.IpcBellWriter = -1;
        IpcNative.rmdir(subscription.IpcDirectory!);
    }

    public int DoWork(long now)
    {
        if (_fd < 0 || _watched.Count == 0 || now < _nextRead) return 0;
        _nextRead = now + transport.Options.IpcScanIntervalNanos;
        int work = 0;
        while (true)
        {
            nint read = IpcNative.read(_fd, _buffer, BufferLength);
            if (read <= 0) return work;
            for (nint at = 0; at + 16 <= read;)
            {
                int watch = *(int*)(_buffer + at);
                uint mask = *(uint*)(_buffer + at + 4);
                int nameLength = *(int*)(_buffer + at + 12);
                if ((mask & QueueOverflow) != 0)
                {
                    foreach (var subscription in _watched.ToArray()) Scan(subscription);
                    work++;
                }
                else if (nameLength > 0 && _directories.TryGetValue(watch, out string? directory))
                {
                    string name = Marshal.PtrToStringUTF8((nint)(_buffer + at + 16)) ?? "";
                    foreach (var subscription in _watched.ToArray())
                        if (subscription.IpcDirectory == directory) work += TryJoin(subscription, name);
                }
                at += 16 + nameLength;
            }
        }
    }

    private void Scan(Subscription subscription)
    {
        foreach (string path in Directory.EnumerateFiles(subscription.IpcDirectory!, $"{subscription.StreamId}-*.log"))
            TryJoin(subscription, Path.GetFileName(path));
    }

    /// <summary>Makes an image of the log <paramref name="name"/> if it is one of the subscription's stream, not already
    /// taken on, readable, and its publisher lives. Returns 1 if it did.</summary>
    private int TryJoin(Subscription subscription, string name)
    {
        if (IpcLog.StreamOf(name) != subscription.StreamId || subscription.IpcRefused.Contains(name)) return 0;
        var counters = transport.Counters;
        string path = Path.Combine(subscription.IpcDirectory!, name);
        var log = IpcLog.Open(path, subscription.StreamId, transport.Options.MaxReceiverTermLength, out string? problem);
        if (log == null)
        {
            if (!File.Exists(path)) return 0; // gone meanwhile (its publisher finished)
            subscription.IpcRefused.Add(name);
            counters.Drop(DropReason.InvalidIpcLog);
            return 0;
        }
        bool known = subscription.FindImage(log.SessionId) != null;
        if (known || name != IpcLog.FileName(log.StreamId, log.SessionId))
        {
            if (!known) { subscription.IpcRefused.Add(name); counters.Drop(DropReason.InvalidIpcLog); }
            log.Dispose();
            return 0;
        }
        if (!log.PublisherAlive())
        {
            // A publisher killed before it closed: nobody will write this log again.
            log.Dispose();
            log.Unlink();
            return 0;
        }
        long? join = log.TryClaim(subscription.IpcClaim, out problem);
        if (join == null)
        {
            subscription.IpcRefused.Add(name);
            counters.Drop(DropReason.InvalidIpcLog);
            log.Dispose();
            return 0;
        }
        subscription.AddImage(new Image(transport, subscription, log, join.Value, transport.Options.Clock.NanoTime()));
        counters.ImagesAddedValue++;
        return 1;
    }

    public void Dispose()
    {
        if (_fd >= 0) IpcNative.close(_fd);
        _fd = -1;
        if (_buffer != null) NativeMemory.Free(_buffer);
        _buffer = null;
    }
}
