// The on-disk layout of a journal segment: a fixed header, then 8-byte-aligned records, then zeros.
//
// Segment header (64 bytes)             Record (32-byte header + payload, padded to 8)
//   0  magic "EXJRNL\0\x01"               0  int32  length (header + payload; 0 = nothing yet, -1 = segment closed)
//   8  int32  format version              4  uint32 CRC32C of the length and bytes 8..length
//  12  int32  header length               8  int64  sequence
//  16  int64  segment size               16  int64  timestamp (sequencer's, ns since the Unix epoch)
//  24  int64  first sequence             24  uint16 message type (SBE template id)
//  32  int64  created (ns, Unix)         26  uint16 message version (SBE schema version)
//  40..59 reserved                       28  uint32 reserved
//  60  uint32 CRC32C of bytes 0..59      32  payload: the whole SBE message, header included
using System.Buffers.Binary;
using System.Numerics;

namespace Exchange.Journal;

public static class JournalFormat
{
    public const int FormatVersion = 1;
    public const int SegmentHeaderLength = 64;
    public const int RecordHeaderLength = 32;
    public const int Alignment = 8;
    /// <summary>The length word of the record slot after a segment's last record once the writer moved on.</summary>
    public const int SegmentClosed = -1;
    public const string SegmentExtension = ".journal";
    public const string IndexExtension = ".index";

    public static ReadOnlySpan<byte> Magic => "EXJRNL\0\u0001"u8;

    internal const int LengthOffset = 0;
    internal const int CrcOffset = 4;
    internal const int SequenceOffset = 8;
    internal const int TimestampOffset = 16;
    internal const int TypeOffset = 24;
    internal const int VersionOffset = 26;

    public static int Aligned(int length) => (length + Alignment - 1) & ~(Alignment - 1);

    /// <summary>A segment's file name: its first sequence, zero-padded so names sort in sequence order.</summary>
    public static string SegmentName(long firstSequence) => $"{firstSequence:D20}{SegmentExtension}";

    public static string IndexName(long firstSequence) => $"{firstSequence:D20}{IndexExtension}";

    public static bool TryParseSegmentName(string fileName, out long firstSequence)
    {
        firstSequence = 0;
        return fileName.Length == 20 + SegmentExtension.Length && fileName.EndsWith(SegmentExtension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), System.Globalization.NumberStyles.None, null, out firstSequence);
    }

    /// <summary>The segment header: magic, format version, header length, segment size, first sequence, the first
    /// record's timestamp (deterministic, so replicas' segments are byte-identical), CRC.</summary>
    internal static void WriteSegmentHeader(Span<byte> header, long segmentSize, long firstSequence, long createdNanos)
    {
        header[..SegmentHeaderLength].Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], SegmentHeaderLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], segmentSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], firstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], createdNanos);
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], Crc32C.Compute(header[..60]));
    }

    /// <summary>Why a segment header is unusable, or null. Reports the segment size and first sequence it declares.</summary>
    internal static string? CheckSegmentHeader(ReadOnlySpan<byte> header, out long segmentSize, out long firstSequence)
    {
        segmentSize = firstSequence = 0;
        if (header.Length < SegmentHeaderLength) return "file is shorter than a segment header";
        if (!header[..8].SequenceEqual(Magic)) return "wrong magic: not a journal segment";
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[60..]) != Crc32C.Compute(header[..60])) return "segment header CRC mismatch";
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion) return $"unsupported format version {version} (this build reads {FormatVersion})";
        if (BinaryPrimitives.ReadInt32LittleEndian(header[12..]) != SegmentHeaderLength) return "unexpected segment header length";
        segmentSize = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        firstSequence = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (segmentSize < SegmentHeaderLength + Alignment) return $"impossible segment size {segmentSize}";
        return null;
    }

    /// <summary>Writes a record at the start of <paramref name="destination"/>; returns its aligned length. The length
    /// word goes last, with a release store: the journal's writer writes into the segment's shared mapping, so a reader
    /// of the file sees either zeros there (nothing yet) or the whole record, never a length ahead of its bytes.</summary>
    internal static int WriteRecord(Span<byte> destination, long sequence, long timestamp, ushort type, ushort version, ReadOnlySpan<byte> payload)
    {
        int length = RecordHeaderLength + payload.Length;
        int aligned = Aligned(length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[TimestampOffset..], timestamp);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[TypeOffset..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[VersionOffset..], version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], 0);
        payload.CopyTo(destination[RecordHeaderLength..]);
        destination[length..aligned].Clear();
        // The CRC of what was just written (RecordCrc), computed from the values and the payload where they came from:
        // reading the header back would load 8 bytes across the type's, version's and zero's smaller stores, which the
        // CPU cannot forward from its store buffer (a stall of its own per record).
        uint state = BitOperations.Crc32C(0xFFFFFFFF, (uint)length);
        state = BitOperations.Crc32C(state, (ulong)sequence);
        state = BitOperations.Crc32C(state, (ulong)timestamp);
        state = BitOperations.Crc32C(state, type | (ulong)version << 16);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CrcOffset..], ~Crc32C.Update(state, payload));
        Volatile.Write(ref System.Runtime.CompilerServices.Unsafe.As<byte, int>(ref destination[LengthOffset]), BitConverter.IsLittleEndian ? length : BinaryPrimitives.ReverseEndianness(length));
        return aligned;
    }

    /// <summary>The CRC a record must carry: over its length word and everything after the CRC word.</summary>
    internal static uint RecordCrc(ReadOnlySpan<byte> record) =>
        Crc32C.Append(Crc32C.Compute(record[..4]), record[8..]);
}
