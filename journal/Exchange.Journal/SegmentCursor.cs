// Walks the records of one segment file through a read buffer. Shared by recovery, readers and verify, so
// there is one definition of what a valid record is.
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Exchange.Journal;

public enum RecordStatus
{
    Record,
    /// <summary>No record here (yet): zeros where the next length word would be.</summary>
    End,
    /// <summary>The writer closed this segment and moved on to the next.</summary>
    Closed,
    Invalid,
}

/// <summary>One record, valid until the cursor moves. The payload is the whole SBE message.</summary>
public readonly ref struct JournalRecord
{
    public JournalRecord(long offset, long sequence, long timestamp, ushort type, ushort version, ReadOnlySpan<byte> payload)
    {
        Offset = offset;
        Sequence = sequence;
        Timestamp = timestamp;
        Type = type;
        Version = version;
        Payload = payload;
    }

    public long Offset { get; }
    public long Sequence { get; }
    public long Timestamp { get; }
    public ushort Type { get; }
    public ushort Version { get; }
    public ReadOnlySpan<byte> Payload { get; }
}

internal sealed class SegmentCursor : IDisposable
{
    private readonly SafeFileHandle _file;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;

    private SegmentCursor(string path, SafeFileHandle file, long segmentSize, long firstSequence, int bufferSize)
    {
        Path = path;
        _file = file;
        SegmentSize = segmentSize;
        FirstSequence = firstSequence;
        _buffer = new byte[bufferSize];
        Position = JournalFormat.SegmentHeaderLength;
    }

    public string Path { get; }
    public long SegmentSize { get; }
    public long FirstSequence { get; }
    /// <summary>File offset of the next record.</summary>
    public long Position { get; set; }
    /// <summary>Why the last <see cref="Next"/> returned <see cref="RecordStatus.Invalid"/>.</summary>
    public string InvalidReason { get; private set; } = "";

    /// <summary>Opens a segment and checks its header; a bad header is a <see cref="JournalCorruptException"/>.</summary>
    public static SegmentCursor Open(string path, int bufferSize = 1 << 20)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            Span<byte> header = stackalloc byte[JournalFormat.SegmentHeaderLength];
            int read = RandomAccess.Read(file, header, 0);
            string? problem = JournalFormat.CheckSegmentHeader(header[..read], out long size, out long first);
            if (problem != null) throw new JournalCorruptException(path, 0, -1, problem);
            return new SegmentCursor(path, file, size, first, bufferSize);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the record at <see cref="Position"/> and moves past it if valid.</summary>
    public RecordStatus Next(out JournalRecord record)
    {
        record = default;
        long at = Position;
        if (at > SegmentSize - JournalFormat.Alignment) return Invalid("record position beyond the end of the segment");
        var head = Window(at, JournalFormat.RecordHeaderLength);
        if (head.Length < sizeof(int))
        {
            if (head.IsEmpty) { Forget(); return RecordStatus.End; }
            return Invalid("file ends inside a record");
        }
        int length = BinaryPrimitives.ReadInt32LittleEndian(head);
        if (length == 0) { Forget(); return RecordStatus.End; }
        if (length == JournalFormat.SegmentClosed) return RecordStatus.Closed;
        // In long arithmetic: Aligned(length) overflows for lengths near int.MaxValue.
        if (length < JournalFormat.RecordHeaderLength || at + (((long)length + JournalFormat.Alignment - 1) & ~(JournalFormat.Alignment - 1L)) > SegmentSize - JournalFormat.Alignment)
            return Invalid($"impossible record length {length}");
        var bytes = Window(at, length);
        if (bytes.Length < length) return Invalid("record cut short by the end of the file");
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[JournalFormat.CrcOffset..]) != JournalFormat.RecordCrc(bytes))
            return Invalid("record CRC mismatch");
        record = new JournalRecord(at,
            BinaryPrimitives.ReadInt64LittleEndian(bytes[JournalFormat.SequenceOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[JournalFormat.TimestampOffset..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[JournalFormat.TypeOffset..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[JournalFormat.VersionOffset..]),
            bytes[JournalFormat.RecordHeaderLength..]);
        Position = at + JournalFormat.Aligned(length);
        return RecordStatus.Record;
    }

    /// <summary>Whether a valid record starts at any aligned offset after <paramref name="from"/>: tells corruption
    /// in the middle (valid data follows) from a torn tail (nothing valid follows).</summary>
    public bool AnyValidRecordAfter(long from, out long foundAt)
    {
        long last = Math.Min(SegmentSize, RandomAccess.GetLength(_file)) - JournalFormat.RecordHeaderLength;
        for (long at = from + JournalFormat.Alignment; at <= last; at += JournalFormat.Alignment)
        {
            Position = at;
            if (Next(out _) == RecordStatus.Record) { foundAt = at; return true; }
        }
        foundAt = -1;
        return false;
    }

    /// <summary>Drops buffered bytes so the next read sees what a writer has added since.</summary>
    public void Forget() => _bufferLength = 0;

    private RecordStatus Invalid(string reason)
    {
        InvalidReason = reason;
        Forget();
        return RecordStatus.Invalid;
    }

    /// <summary>Bytes [at, at + length) of the file, read through the buffer; shorter at the end of the file.</summary>
    private ReadOnlySpan<byte> Window(long at, int length)
    {
        if (at < _bufferStart || at + length > _bufferStart + _bufferLength)
        {
            if (length > _buffer.Length) _buffer = new byte[JournalFormat.Aligned(length)];
            _bufferStart = at;
            _bufferLength = RandomAccess.Read(_file, _buffer, at);
        }
        int start = (int)(at - _bufferStart);
        return _buffer.AsSpan(start, Math.Min(length, _bufferLength - start));
    }

    public void Dispose() => _file.Dispose();
}
