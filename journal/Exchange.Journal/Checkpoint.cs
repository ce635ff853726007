// journal.checkpoint: the highest sequence the journal has ever counted durable, kept beside the segments. The
// segments alone cannot tell a new journal from one whose records were lost (an emptied or truncated segment looks
// like less history); the checkpoint can, so a writer refuses to open a journal holding less than was acknowledged.
//
// Written after the records it names are durable, so it never claims more than the segments held. It is rewritten
// in place (32 bytes) at most once a millisecond, and fsynced at most once a second (never between rolls under
// durability none, which promises no fsync), at a segment roll and at close: after a power loss it may lag, never
// lead, except under none, where the OS may keep the checkpoint and lose records, which were then acknowledged and
// lost, and the writer says so. Layout: magic "EXJCKPT\x01", int64 sequence, int64 written
// (ns, Unix), uint32 CRC32C of bytes 0..23, 4 bytes zero.
using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Exchange.Journal;

internal sealed class Checkpoint : IDisposable
{
    public const string FileName = "journal.checkpoint";
    private const int Length = 32;
    private static ReadOnlySpan<byte> Magic => "EXJCKPT\u0001"u8;
    private const long WriteInterval = NanoClock.Millisecond;
    private const long SyncInterval = NanoClock.Second;

    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer = new byte[Length];
    private long _lastWrite, _lastSync;
    private bool _unsynced;
    private readonly bool _periodicSync;
    private readonly IClock _clock;

    private Checkpoint(SafeFileHandle file, long sequence, bool periodicSync, IClock clock)
    {
        _file = file;
        _clock = clock;
        Sequence = sequence;
        _periodicSync = periodicSync;
    }

    /// <summary>The highest durable sequence recorded.</summary>
    public long Sequence { get; private set; }

    /// <summary>Opens (creating if needed) the checkpoint of <paramref name="directory"/>; a damaged one is an error
    /// (it is the only witness of what was acknowledged).</summary>
    public static Checkpoint Open(string directory, bool periodicSync, IClock? clock = null)
    {
        string path = Path.Combine(directory, FileName);
        var file = PrivateFiles.OpenHandle(path, FileMode.OpenOrCreate);
        long sequence;
        try { sequence = ReadFrom(file, path); }
        catch { file.Dispose(); throw; }
        return new Checkpoint(file, sequence, periodicSync, clock ?? SystemClock.Instance);
    }

    /// <summary>The durable sequence the checkpoint of <paramref name="directory"/> records, or null if it has none;
    /// never creates or changes the file, so a tool may read it while the writer holds the journal. A damaged one
    /// is an error, as for the writer.</summary>
    public static long? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        // The writer rewrites it in place: a read that met a rewrite half done gets a bad CRC, so look once more.
        try { return ReadFrom(file, path); }
        catch (JournalException) { return ReadFrom(file, path); }
    }

    /// <summary>An empty file is a checkpoint created before anything was durable: sequence 0.</summary>
    private static long ReadFrom(SafeFileHandle file, string path)
    {
        long length = RandomAccess.GetLength(file);
        if (length == 0) return 0;
        Span<byte> bytes = stackalloc byte[Length];
        if (length != Length || RandomAccess.Read(file, bytes, 0) != Length) throw new JournalException($"{path}: damaged ({length} bytes, expected {Length})");
        if (!bytes[..8].SequenceEqual(Magic) || BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]) != Crc32C.Compute(bytes[..24]))
            throw new JournalException($"{path}: damaged (bad magic or CRC)");
        return BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
    }

    /// <summary>Records <paramref name="durable"/> if it is higher, at most once a millisecond unless <paramref name="sync"/>.</summary>
    public void Advance(long durable, bool sync = false)
    {
        if (durable <= Sequence && !(sync && _unsynced)) return;
        long now = _clock.NanoTime();
        if (durable > Sequence)
        {
            if (!sync && now - _lastWrite < WriteInterval) return;
            Write(durable);
            _lastWrite = now;
        }
        if (sync || (_periodicSync && now - _lastSync >= SyncInterval))
        {
            RandomAccess.FlushToDisk(_file);
            _lastSync = now;
            _unsynced = false;
        }
    }

    /// <summary>Sets the checkpoint to <paramref name="sequence"/> even if lower (the operator accepted a shorter journal), durably.</summary>
    public void Reset(long sequence)
    {
        Write(sequence);
        RandomAccess.FlushToDisk(_file);
        _unsynced = false;
    }

    private void Write(long sequence)
    {
        var bytes = _buffer.AsSpan();
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[16..], (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[24..], Crc32C.Compute(bytes[..24]));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[28..], 0);
        RandomAccess.Write(_file, bytes, 0);
        Sequence = sequence;
        _unsynced = true;
    }

    public void Dispose() => _file.Dispose();
}
