// The shared-memory log of one IPC stream (aeron:ipc): a file in the transport's IPC directory, mapped by the publishing
// process and by the one subscribing process, so a message goes from one to the other by stores and loads, with no
// system call and no copy beyond the one into the terms. Aeron's IPC model (a publication's log buffer that its
// subscribers read in place), for processes that each embed their own transport instead of sharing a media driver.
//
// Layout: one page of metadata, then the three terms in Aeron's frame format.
//   0  magic, version, term length, mtu, initial term id, session id, stream id   (written once, before the file is named)
//  64  tail: the position after the last frame offered                           (publisher, release store after the frames)
// 128  end of stream: 1 once the publication closed                               (publisher)
// 192  claim: the subscription's (its process id and a number), 0 when none       (subscriber)
// 256  subscriber position: after the last frame consumed and zeroed             (subscriber, release store after zeroing)
// 320  subscriber heartbeat: NanoClock time of its last duty cycle's sign of life  (subscriber, every heartbeat interval)
// 384  parked: 1 while the subscriber's agent is about to park or parked          (subscriber sets it, publisher clears it)
//
// The doorbell: a subscriber that parks (a backoff idle strategy) is woken by no socket, so each subscription has a
// named pipe "<stream>.bell" beside its lock, which its parks wait on. Before parking it sets every image's parked word
// and looks at the tails once more (a full fence between: Dekker's handshake); a publisher that stores a tail and then
// finds the word set clears it and writes one byte to the pipe. A subscriber that spins never sets it, so a message
// costs no system call; one that parks costs the publisher a write, as a udp datagram would.
//
// A file appears under its final name only once its metadata is written (created under a temporary name and renamed).
// The publisher holds a shared flock on the file for its life: a subscriber that can take an exclusive one knows the
// publisher is gone (exited or killed), with no process-id reuse to mistake. A subscription holds an exclusive flock on
// "<stream>.sub" in the name's directory for its life, so a stream has at most one subscribing process, and a new
// subscriber knows any earlier one is gone.
using System.Runtime.InteropServices;

namespace Exchange.Transport;

internal sealed unsafe class IpcLog : IDisposable
{
    public const int MetadataLength = 4096;
    private const int Magic = 0x50495845; // "EXIP"
    private const int Version = 1;
    private const int TailOffset = 64, EndOfStreamOffset = 128, ClaimOffset = 192, SubscriberPositionOffset = 256, SubscriberHeartbeatOffset = 320,
        ParkedOffset = 384;

    private byte* _base;
    private readonly long _length;
    private int _fd;

    public string Path { get; }
    public int TermLength { get; }
    public int Mtu { get; }
    public int InitialTermId { get; }
    public int SessionId { get; }
    public int StreamId { get; }

    private IpcLog(string path, int fd, byte* address, long length, int termLength, int mtu, int initialTermId, int sessionId, int streamId)
    {
        Path = path;
        _fd = fd;
        _base = address;
        _length = length;
        TermLength = termLength;
        Mtu = mtu;
        InitialTermId = initialTermId;
        SessionId = sessionId;
        StreamId = streamId;
    }

    public byte* Terms => _base + MetadataLength;
    public long* Tail => (long*)(_base + TailOffset);
    public long* EndOfStream => (long*)(_base + EndOfStreamOffset);
    public long* Claim => (long*)(_base + ClaimOffset);
    public long* SubscriberPosition => (long*)(_base + SubscriberPositionOffset);
    public long* SubscriberHeartbeat => (long*)(_base + SubscriberHeartbeatOffset);
    public long* Parked => (long*)(_base + ParkedOffset);

    /// <summary>The file whose lock a stream's one subscription holds, in <paramref name="directory"/>.</summary>
    public static string LockPath(string directory, int streamId) => System.IO.Path.Combine(directory, $"{streamId}.sub");

    /// <summary>The doorbell of a stream's subscriber in <paramref name="directory"/>.</summary>
    public static string BellPath(string directory, int streamId) => System.IO.Path.Combine(directory, $"{streamId}.bell");

    public static long FileLength(int termLength) => MetadataLength + (long)termLength * Publication.PartitionCount;

    /// <summary>The file name a stream's session has in its name's directory.</summary>
    public static string FileName(int streamId, int sessionId) => $"{streamId}-{(uint)sessionId:x8}.log";

    /// <summary>Parses <see cref="FileName"/>: the stream id, or null for any other name.</summary>
    public static int? StreamOf(string fileName)
    {
        if (!fileName.EndsWith(".log", StringComparison.Ordinal)) return null;
        int dash = fileName.IndexOf('-');
        return dash > 0 && int.TryParse(fileName.AsSpan(0, dash), System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out int stream) ? stream : null;
    }

    /// <summary>The publisher's side: creates the file (owner-only), writes its metadata, takes the shared lock that says
    /// the publisher lives, and only then gives it its name, so a subscriber never sees a file half made.</summary>
    public static IpcLog Create(string directory, int streamId, int sessionId, int initialTermId, int termLength, int mtu)
    {
        string path = System.IO.Path.Combine(directory, FileName(streamId, sessionId));
        if (File.Exists(path)) throw new ArgumentException($"ipc stream {streamId} session {sessionId} already has a log in {directory}");
        string temporary = System.IO.Path.Combine(directory, $".{FileName(streamId, sessionId)}.{Environment.ProcessId}.tmp");
        long length = FileLength(termLength);
        int fd = IpcNative.open(temporary, IpcNative.OReadWrite | IpcNative.OCreate | IpcNative.OExclusive | IpcNative.OCloseOnExec, 0x180);
        // The directory may have gone since it was made (whoever left last removes it when empty): made again.
        for (int attempt = 0; fd < 0 && Marshal.GetLastPInvokeError() == IpcNative.ENoEnt && attempt < 10; attempt++)
        {
            IpcNative.MakePrivateDirectory(directory);
            fd = IpcNative.open(temporary, IpcNative.OReadWrite | IpcNative.OCreate | IpcNative.OExclusive | IpcNative.OCloseOnExec, 0x180);
        }
        if (fd < 0) throw new IOException($"{temporary}: cannot create the ipc log (errno {Marshal.GetLastPInvokeError()})");
        byte* address = null;
        try
        {
            if (IpcNative.ftruncate(fd, length) != 0) throw new IOException($"{temporary}: cannot size the ipc log to {length} bytes (errno {Marshal.GetLastPInvokeError()})");
            if (IpcNative.flock(fd, IpcNative.LockShared | IpcNative.LockNonBlocking) != 0) throw new IOException($"{temporary}: cannot lock the ipc log (errno {Marshal.GetLastPInvokeError()})");
            address = Map(fd, length, temporary);
            int* header = (int*)address;
            header[0] = Magic;
            header[1] = Version;
            header[2] = termLength;
            header[3] = mtu;
            header[4] = initialTermId;
            header[5] = sessionId;
            header[6] = streamId;
            header[7] = Environment.ProcessId;
            if (IpcNative.rename(temporary, path) != 0) throw new IOException($"{path}: cannot name the ipc log (errno {Marshal.GetLastPInvokeError()})");
            return new IpcLog(path, fd, address, length, termLength, mtu, initialTermId, sessionId, streamId);
        }
        catch
        {
            if (address != null) IpcNative.munmap((nint)address, (nuint)length);
            IpcNative.close(fd);
            IpcNative.unlink(temporary);
            throw;
        }
    }

    /// <summary>The subscriber's side: opens and maps a log another process (or this one) published, if it is one: its
    /// metadata must be whole and agree with the file's size and with <paramref name="streamId"/>, and its terms no longer
    /// than <paramref name="maxTermLength"/>. Null, with the reason, otherwise (the file is left alone).</summary>
    public static IpcLog? Open(string path, int streamId, int maxTermLength, out string? problem)
    {
        problem = null;
        int fd = IpcNative.open(path, IpcNative.OReadWrite | IpcNative.OCloseOnExec | IpcNative.ONoFollow, 0);
        if (fd < 0) { problem = $"cannot open (errno {Marshal.GetLastPInvokeError()})"; return null; }
        var header = stackalloc int[8];
        if (IpcNative.pread(fd, (byte*)header, 32, 0) != 32) { IpcNative.close(fd); problem = "metadata cut short"; return null; }
        int termLength = header[2], mtu = header[3];
        if (header[0] != Magic || header[1] != Version) problem = "not an ipc log of this version";
        else if (!TermPosition.IsValidTermLength(termLength) || termLength > maxTermLength) problem = $"term length {termLength} is not a power of two up to {maxTermLength}";
        else if (!Framing.IsValidMtu(mtu) || mtu > termLength / 2) problem = $"mtu {mtu} is not valid for its terms";
        else if (header[6] != streamId) problem = $"stream {header[6]}, not {streamId}";
        else if (IpcNative.FileSize(fd) != FileLength(termLength)) problem = "its size does not match its terms";
        if (problem != null) { IpcNative.close(fd); return null; }
        long length = FileLength(termLength);
        byte* address;
        try { address = Map(fd, length, path); }
        catch (IOException e) { IpcNative.close(fd); problem = e.Message; return null; }
        return new IpcLog(path, fd, address, length, termLength, mtu, header[4], header[5], streamId);
    }

    /// <summary>The subscriber's side, holding the stream's lock: takes the log on and says where to start. A first
    /// subscriber starts where the publisher started (what was offered before it came is delivered); one that follows a
    /// subscriber that died (its claim still set; it cannot live, since this one holds the stream's lock) starts at the
    /// tail, after zeroing what the dead one left unconsumed, perhaps half zeroed. Null with the reason if the positions
    /// are ones no publisher writes.</summary>
    public long? TryClaim(long claimant, out string? problem)
    {
        problem = null;
        long tail = Volatile.Read(ref *Tail), consumed = Volatile.Read(ref *SubscriberPosition), claim = Volatile.Read(ref *Claim);
        if (consumed < 0 || tail < consumed || tail - consumed > TermLength / 2 || !Framing.IsAligned((int)(consumed & (TermLength - 1))))
        {
            problem = $"positions {consumed} (consumed) and {tail} (tail) are not a publisher's";
            return null;
        }
        if (claim != 0)
        {
            int bitsToShift = TermPosition.PositionBitsToShift(TermLength);
            for (long from = consumed; from < tail;)
            {
                int termOffset = (int)(from & (TermLength - 1));
                int length = (int)Math.Min(tail - from, TermLength - termOffset);
                int partition = (int)((from >>> bitsToShift) % Publication.PartitionCount);
                new Span<byte>(Terms + (long)partition * TermLength + termOffset, length).Clear();
                from += length;
            }
            consumed = tail;
        }
        Volatile.Write(ref *SubscriberPosition, consumed);
        Volatile.Write(ref *SubscriberHeartbeat, NanoClock.Now());
        Volatile.Write(ref *Claim, claimant);
        return consumed;
    }

    /// <summary>Whether the publisher still holds its lock (it lives). A subscriber's test: taking the lock when it is free
    /// means the publisher is gone; the lock is then kept, which changes nothing.</summary>
    public bool PublisherAlive() => _fd >= 0 && IpcNative.flock(_fd, IpcNative.LockExclusive | IpcNative.LockNonBlocking) != 0;

    private static byte* Map(int fd, long length, string path)
    {
        nint address = IpcNative.mmap(0, (nuint)length, IpcNative.ProtRead | IpcNative.ProtWrite, IpcNative.MapShared, fd, 0);
        if (address == -1) throw new IOException($"{path}: cannot map the ipc log (errno {Marshal.GetLastPInvokeError()})");
        return (byte*)address;
    }

    /// <summary>Unmaps and closes (which lets go of the lock); the file stays unless <see cref="Unlink"/>.</summary>
    public void Dispose()
    {
        if (_base != null)
        {
            IpcNative.munmap((nint)_base, (nuint)_length);
            _base = null;
        }
        if (_fd >= 0)
        {
            IpcNative.close(_fd);
            _fd = -1;
        }
    }

    /// <summary>Removes the file, and its directory if nothing else is left there (a client's channel name goes with it).</summary>
    public void Unlink()
    {
        IpcNative.unlink(Path);
        IpcNative.rmdir(System.IO.Path.GetDirectoryName(Path)!);
    }
}

/// <summary>The libc calls behind the IPC logs: files created owner-only, sized, locked, mapped shared; a directory watched
/// for new logs (inotify, a descriptor a parked agent can also wait on).</summary>
internal static unsafe partial class IpcNative
{
    public const int OReadWrite = 2, OCreate = 0x40, OExclusive = 0x80, ONonBlocking = 0x800, ONoFollow = 0x20000, OCloseOnExec = 0x80000, ODirectory = 0x10000;
    public const int ProtRead = 1, ProtWrite = 2, MapShared = 1;
    public const int LockShared = 1, LockExclusive = 2, LockNonBlocking = 4, LockUnlock = 8;
    public const uint InMovedTo = 0x80, InCreate = 0x100, InOnlyDirectory = 0x01000000;
    public const int InNonBlocking = 0x800, InCloseOnExec = 0x80000;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pread(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int mkfifo(string path, int mode);

    public const int OWriteOnly = 1, EExist = 17;

    [LibraryImport("libc", SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(nint address, nuint length);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int rename(string from, string to);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int unlink(string path);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int rmdir(string path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fstat(int fd, byte* status);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int stat(string path, byte* status);

    public const int ENoEnt = 2;

    [LibraryImport("libc")]
    private static partial uint geteuid();

    /// <summary>Makes <paramref name="directory"/> (its parent must exist) owner-only if it is not there yet.</summary>
    public static void MakePrivateDirectory(string directory) =>
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>Throws unless <paramref name="directory"/> (not a symbolic link) belongs to this process's user and grants
    /// nothing to anyone else.</summary>
    public static void CheckPrivateDirectory(string directory)
    {
        var info = new DirectoryInfo(directory);
        if (info.LinkTarget != null) throw new IOException($"ipc directory {directory} is a symbolic link; remove it or choose another (TransportOptions.IpcDirectory, EXCHANGE_IPC_DIR)");
        byte* status = stackalloc byte[256];
        if (stat(directory, status) != 0) throw new IOException($"{directory}: cannot stat the ipc directory (errno {Marshal.GetLastPInvokeError()})");
        // struct stat's st_uid: at 28 on x86-64, at 24 on arm64 (the generic layout).
        uint owner = *(uint*)(status + (RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 28 : 24));
        if (owner != geteuid()) throw new IOException($"ipc directory {directory} belongs to user {owner}, not to this one ({geteuid()}): another account may read or write its logs");
        if ((info.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
            throw new IOException($"ipc directory {directory} is open to other users ({info.UnixFileMode}); it must be the owner's only (chmod 700)");
    }

    /// <summary>Whether <paramref name="path"/> names the file open as <paramref name="fd"/> (same device and inode: the
    /// first two fields of struct stat on 64-bit Linux).</summary>
    public static bool SameFile(int fd, string path)
    {
        byte* open = stackalloc byte[256], named = stackalloc byte[256];
        if (fstat(fd, open) != 0 || stat(path, named) != 0) return false;
        return ((long*)open)[0] == ((long*)named)[0] && ((long*)open)[1] == ((long*)named)[1];
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int inotify_init1(int flags);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int inotify_add_watch(int fd, string path, uint mask);

    /// <summary>The file's size (lseek to its end), or -1.</summary>
    public static long FileSize(int fd) => lseek(fd, 0, 2);
}
