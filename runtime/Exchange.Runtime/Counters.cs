// Counters every process publishes for operators, in a memory-mapped file per process (Aeron's CnC counters are the
// model): the hot path writes a counter with a plain store into the mapped page, without a lock, an allocation or a
// system call, and `exchange-stat` (or a metrics endpoint) on the same host maps the file read-only and reads them live.
//
// One file per process, named <process>-<pid>.counters in the counters directory (EXCHANGE_COUNTERS_DIR, else
// /dev/shm/exchange-<uid>, else the temp directory). Layout, little-endian:
//   header   256 bytes  magic "EXCNTR01", version, pid, start time, capacity, counters in use, process name, heartbeat
//   metadata capacity × 512 bytes, one per counter: state, kind, then name, labels and help as length-prefixed UTF-8
//   values   capacity × 64 bytes, one long per cache line (no false sharing between writers of different counters)
// A counter's metadata is written before its state flips to allocated and the header's count moves (release order),
// so a reader that sees the count sees whole metadata. Each counter has one writer thread.
using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;

namespace Exchange.Runtime;

/// <summary>What a counter's value means, for the way it is shown and exported.</summary>
public enum CounterKind
{
    /// <summary>Only goes up (Prometheus counter).</summary>
    Total = 1,
    /// <summary>A level that goes up and down (Prometheus gauge).</summary>
    Gauge = 2,
    /// <summary>A bucket, sum or count of a <see cref="CounterHistogram"/> (Prometheus histogram).</summary>
    Histogram = 3,
}

/// <summary>One counter's value in the mapped file (or in private memory when the process publishes none). Single writer.</summary>
public readonly unsafe struct Counter
{
    private readonly long* _value;

    internal Counter(long* value) => _value = value;

    public bool IsValid => _value != null;

    /// <summary>The value, for the writer and for in-process readers (a reader on another thread sees a recent value).</summary>
    public long Value => Volatile.Read(ref *_value);

    /// <summary>The value by reference: the hot path adds to it in place (<c>counter.Ref += n</c>).</summary>
    public ref long Ref => ref *_value;

    public void Increment() => Volatile.Write(ref *_value, *_value + 1);
    public void Add(long delta) => Volatile.Write(ref *_value, *_value + delta);
    public void Set(long value) => Volatile.Write(ref *_value, value);
}

/// <summary>A process's counters file, created at start-up and removed at exit. Adding counters allocates (start-up
/// only); writing them does not. A counter's memory lives as long as its file object: keep a reference to it.</summary>
public sealed unsafe class CountersFile : IDisposable
{
    public const long Magic = 0x3130_5254_4E43_5845; // "EXCNTR01"
    public const int Version = 1;
    public const int HeaderLength = 256;
    public const int MetadataLength = 512;
    public const int ValueLength = 64;
    public const int MaxNameBytes = 100;
    public const int MaxLabelsBytes = 150;
    public const int MaxHelpBytes = MetadataLength - 16 - MaxNameBytes - MaxLabelsBytes - 3;
    internal const int PidOffset = 12, StartOffset = 16, CapacityOffset = 24, CountOffset = 28, NameOffset = 64, HeartbeatOffset = 192;
    internal const int StateAllocated = 1;

    // Where things are in a file of a given capacity: the one description of the layout, for writer and reader.
    internal static long FileLength(int capacity) => HeaderLength + (long)capacity * (MetadataLength + ValueLength);
    internal static long MetadataOffset(int index) => HeaderLength + (long)index * MetadataLength;
    internal static long ValueOffset(int capacity, int index) => HeaderLength + (long)capacity * MetadataLength + (long)index * ValueLength;

    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    /// <summary>Private counters' memory, and that of counters beyond a full file: pinned, alive as long as this object.</summary>
    private readonly List<long[]> _pinned = [];
    private readonly byte* _base;
    private readonly int _capacity;
    private int _count;
    private readonly object _addLock = new();
    private bool _disposed;

    /// <summary>The file's path (null for private counters).</summary>
    public string? Path { get; }

    public int Capacity => _capacity;
    public int Count => Volatile.Read(ref _count);

    private CountersFile(string? path, MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* @base, int capacity)
    {
        Path = path;
        _file = file;
        _view = view;
        _base = @base;
        _capacity = capacity;
    }

    /// <summary>The directory the processes of this host publish their counters in.</summary>
    public static string DefaultDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("EXCHANGE_COUNTERS_DIR");
        if (!string.IsNullOrEmpty(configured)) return configured;
        string user = Environment.UserName;
        return Directory.Exists("/dev/shm") ? System.IO.Path.Combine("/dev/shm", "exchange-" + user) : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "exchange-counters-" + user);
    }

    /// <summary>Creates this process's counters file in <paramref name="directory"/> (default: <see cref="DefaultDirectory"/>),
    /// removing files left there by processes that are gone.</summary>
    public static CountersFile Create(string processName, int capacity = 1024, string? directory = null)
    {
        directory ??= DefaultDirectory();
        Directory.CreateDirectory(directory);
        RemoveStale(directory);
        int pid = Environment.ProcessId;
        string path = System.IO.Path.Combine(directory, $"{Sanitize(processName)}-{pid}.counters");
        long length = FileLength(capacity);
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Create, null, length, MemoryMappedFileAccess.ReadWrite);
        var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        byte* @base = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref @base);
        @base += view.PointerOffset;
        var header = new Span<byte>(@base, HeaderLength);
        header.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[PidOffset..], pid);
        BinaryPrimitives.WriteInt64LittleEndian(header[StartOffset..], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(header[CapacityOffset..], capacity);
        WriteText(header[NameOffset..], processName, 120);
        Volatile.Write(ref *(long*)@base, Magic); // last: a reader takes the file once the magic is there
        return new CountersFile(path, file, view, @base, capacity);
    }

    /// <summary>Counters in private memory, for a process (or a test) that publishes none: the same code writes them.</summary>
    public static CountersFile Private(int capacity = 256)
    {
        long length = FileLength(capacity);
        var memory = GC.AllocateArray<long>((int)(length / sizeof(long)), pinned: true);
        var @base = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref memory[0]);
        *(long*)@base = Magic;
        var file = new CountersFile(null, null, null, @base, capacity);
        file._pinned.Add(memory);
        return file;
    }

    /// <summary>Adds a counter (start-up, or when a new connection or peer appears; allocates and takes a lock, never on
    /// the hot path). A full file gives a counter in private memory: counted, not published.</summary>
    public Counter Add(string name, CounterKind kind, string help, string labels = "")
    {
        lock (_addLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_count == _capacity)
            {
                var memory = GC.AllocateArray<long>(8, pinned: true);
                _pinned.Add(memory);
                return new Counter((long*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref memory[0]));
            }
            int index = _count;
            var metadata = new Span<byte>(_base + MetadataOffset(index), MetadataLength);
            metadata.Clear();
            BinaryPrimitives.WriteInt32LittleEndian(metadata[4..], (int)kind);
            int offset = 16;
            offset += WriteText(metadata[offset..], name, MaxNameBytes);
            offset += WriteText(metadata[offset..], labels, MaxLabelsBytes);
            WriteText(metadata[offset..], help, MaxHelpBytes);
            long* value = ValuePointer(index);
            *value = 0;
            Volatile.Write(ref *(int*)(_base + MetadataOffset(index)), StateAllocated);
            Volatile.Write(ref _count, index + 1);
            Volatile.Write(ref *(int*)(_base + CountOffset), index + 1);
            return new Counter(value);
        }
    }

    /// <summary>Says the process is alive (unix milliseconds); a reader shows how long ago it last did.</summary>
    public void Heartbeat(long unixMillis) => Volatile.Write(ref *(long*)(_base + HeartbeatOffset), unixMillis);

    private long* ValuePointer(int index) => (long*)(_base + ValueOffset(_capacity, index));

    /// <summary>Length-prefixed (one byte) UTF-8, cut at a character boundary to fit; returns the bytes used.</summary>
    private static int WriteText(Span<byte> destination, string text, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        int length = Math.Min(bytes.Length, Math.Min(maxBytes, 255));
        while (length < bytes.Length && length > 0 && (bytes[length] & 0xC0) == 0x80) length--;
        destination[0] = (byte)length;
        bytes.AsSpan(0, length).CopyTo(destination[1..]);
        return 1 + length;
    }

    private static string Sanitize(string name)
    {
        var text = new StringBuilder();
        foreach (char c in name) text.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return text.Length == 0 ? "process" : text.ToString();
    }

    /// <summary>Removes counters files whose process has gone (killed before it could remove its own).</summary>
    public static void RemoveStale(string directory)
    {
        if (!Directory.Exists("/proc")) return;
        foreach (var path in Directory.EnumerateFiles(directory, "*.counters"))
        {
            int pid = CountersReader.PidFromName(path);
            if (pid > 0 && !Directory.Exists($"/proc/{pid}"))
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public void Dispose()
    {
        lock (_addLock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        if (_view == null) return; // private memory stays: counters handed out may still be written
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file!.Dispose();
        try { File.Delete(Path!); } catch (IOException) { }
    }
}

/// <summary>One counter as a reader sees it.</summary>
public readonly record struct CounterValue(string Name, string Labels, string Help, CounterKind Kind, long Value);

/// <summary>Reads a process's counters file (read-only map): the process's identity and its counters' current values.</summary>
public sealed unsafe class CountersReader : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly int _capacity;

    public string Path { get; }
    public int Pid { get; }
    public string ProcessName { get; }
    public DateTimeOffset Started { get; }

    private CountersReader(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* @base)
    {
        Path = path;
        _file = file;
        _view = view;
        _base = @base;
        var header = new ReadOnlySpan<byte>(@base, CountersFile.HeaderLength);
        Pid = BinaryPrimitives.ReadInt32LittleEndian(header[CountersFile.PidOffset..]);
        Started = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(header[CountersFile.StartOffset..]));
        _capacity = BinaryPrimitives.ReadInt32LittleEndian(header[CountersFile.CapacityOffset..]);
        ProcessName = ReadText(header[CountersFile.NameOffset..], out _);
    }

    /// <summary>Opens a counters file; null when it is not one (yet), or is gone.</summary>
    public static CountersReader? TryOpen(string path)
    {
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            long length = new FileInfo(path).Length;
            if (length < CountersFile.HeaderLength) return null;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* @base = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref @base);
            @base += view.PointerOffset;
            if (Volatile.Read(ref *(long*)@base) != CountersFile.Magic || BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(@base + 8, 4)) != CountersFile.Version)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
                file.Dispose();
                return null;
            }
            int capacity = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(@base + CountersFile.CapacityOffset, 4));
            if (capacity < 0 || CountersFile.FileLength(capacity) > length)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
                file.Dispose();
                return null;
            }
            return new CountersReader(path, file, view, @base);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            view?.Dispose();
            file?.Dispose();
            return null;
        }
    }

    /// <summary>Every counters file in <paramref name="directory"/> whose process is alive.</summary>
    public static List<CountersReader> OpenAll(string directory)
    {
        var readers = new List<CountersReader>();
        if (!Directory.Exists(directory)) return readers;
        foreach (var path in Directory.EnumerateFiles(directory, "*.counters").Order(StringComparer.Ordinal))
        {
            int pid = PidFromName(path);
            if (pid > 0 && Directory.Exists("/proc") && !Directory.Exists($"/proc/{pid}")) continue;
            if (TryOpen(path) is { } reader) readers.Add(reader);
        }
        return readers;
    }

    internal static int PidFromName(string path)
    {
        string name = System.IO.Path.GetFileNameWithoutExtension(path);
        int dash = name.LastIndexOf('-');
        return dash >= 0 && int.TryParse(name.AsSpan(dash + 1), out int pid) ? pid : -1;
    }

    /// <summary>Unix milliseconds of the process's last heartbeat (0: none yet).</summary>
    public long Heartbeat => Volatile.Read(ref *(long*)(_base + CountersFile.HeartbeatOffset));

    /// <summary>The counters in use and their values now.</summary>
    public List<CounterValue> Read()
    {
        int count = Math.Min(Volatile.Read(ref *(int*)(_base + CountersFile.CountOffset)), _capacity);
        var values = new List<CounterValue>(count);
        for (int i = 0; i < count; i++)
        {
            byte* metadata = _base + CountersFile.MetadataOffset(i);
            if (Volatile.Read(ref *(int*)metadata) != CountersFile.StateAllocated) continue;
            var span = new ReadOnlySpan<byte>(metadata, CountersFile.MetadataLength);
            var kind = (CounterKind)BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
            int offset = 16;
            string name = ReadText(span[offset..], out int used);
            offset += used;
            string labels = ReadText(span[offset..], out used);
            offset += used;
            string help = ReadText(span[offset..], out _);
            long value = Volatile.Read(ref *(long*)(_base + CountersFile.ValueOffset(_capacity, i)));
            values.Add(new CounterValue(name, labels, help, kind, value));
        }
        return values;
    }

    private static string ReadText(ReadOnlySpan<byte> source, out int used)
    {
        int length = Math.Min(source[0], source.Length - 1);
        used = 1 + length;
        return Encoding.UTF8.GetString(source.Slice(1, length));
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}

/// <summary>A latency histogram made of counters, in Prometheus' form: cumulative buckets (<c>name_bucket{le="…"}</c>),
/// <c>name_sum</c> and <c>name_count</c>, so an exporter prints it as it is. Recording adds to the few buckets at or
/// above the value: no allocation, no lock; one writer.</summary>
public sealed class CounterHistogram
{
    /// <summary>The default bounds, in the unit the name says (microseconds for the exchange's latencies).</summary>
    public static readonly long[] DefaultBounds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 500_000, 1_000_000];

    private readonly long[] _bounds;
    private readonly Counter[] _buckets; // one per bound, then +Inf
    private readonly Counter _sum, _count;

    public CounterHistogram(CountersFile file, string name, string help, string labels = "", long[]? bounds = null)
    {
        _bounds = bounds ?? DefaultBounds;
        _buckets = new Counter[_bounds.Length + 1];
        string prefix = labels.Length == 0 ? "" : labels + ",";
        for (int i = 0; i < _bounds.Length; i++)
            _buckets[i] = file.Add(name + "_bucket", CounterKind.Histogram, help, prefix + $"le=\"{_bounds[i]}\"");
        _buckets[^1] = file.Add(name + "_bucket", CounterKind.Histogram, help, prefix + "le=\"+Inf\"");
        _sum = file.Add(name + "_sum", CounterKind.Histogram, help, labels);
        _count = file.Add(name + "_count", CounterKind.Histogram, help, labels);
    }

    public void Record(long value, long count = 1)
    {
        for (int i = _bounds.Length - 1; i >= 0 && value <= _bounds[i]; i--) _buckets[i].Add(count);
        _buckets[^1].Add(count);
        _sum.Add(value * count);
        _count.Add(count);
    }

    public long Count => _count.Value;
}
