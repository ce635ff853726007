// What the journal tests share: a fresh directory per test (deleted afterwards), options sized so segments
// roll quickly, the deterministic records of CrashPayload, and reading a whole journal back as plain data.
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed record StoredRecord(long Sequence, long Timestamp, ushort Type, ushort Version, byte[] Payload, long Offset, string Segment);

public sealed class TempJournal : IDisposable
{
    public TempJournal()
    {
        Directory = Path.Combine(Path.GetTempPath(), "exchange-journal-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public JournalOptions Options(long segmentSize = 64 << 10, Durability durability = Durability.None, bool repair = false) => new()
    {
        Directory = Directory,
        SegmentSize = segmentSize,
        Durability = durability,
        MaxRecordLength = 16 << 10,
        IndexInterval = 1 << 10,
        Repair = repair,
    };

    public JournalWriter OpenWriter(long segmentSize = 64 << 10, Durability durability = Durability.None, bool repair = false) =>
        JournalWriter.Open(Options(segmentSize, durability, repair), out _);

    /// <summary>Writes CrashPayload records first..last into a closed journal.</summary>
    public void WriteRecords(long first, long last, long segmentSize = 64 << 10)
    {
        using var writer = OpenWriter(segmentSize);
        Journal.AppendCrashRecords(writer, first, last);
    }

    public List<SegmentInfo> Segments => SegmentDirectory.List(Directory);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

public static class Journal
{
    /// <summary>Appends 200-byte records from <paramref name="first"/> until about <paramref name="bytes"/> are written;
    /// returns the next sequence. One payload for all: a fresh array per record would fault in pages of the GC's heap,
    /// not the journal's.</summary>
    public static long AppendBytes(JournalWriter writer, long first, long bytes)
    {
        var payload = new byte[200];
        long before = writer.BytesAppended, sequence = first;
        for (; writer.BytesAppended - before < bytes; sequence++) writer.Append(sequence, sequence, 1, 1, payload);
        return sequence;
    }

    public static void AppendCrashRecords(JournalWriter writer, long first, long last)
    {
        for (long sequence = first; sequence <= last; sequence++)
            writer.Append(sequence, CrashPayload.Timestamp(sequence), CrashPayload.Type(sequence), CrashPayload.Version(sequence), CrashPayload.For(sequence));
        writer.Commit();
    }

    public static StoredRecord Copy(JournalReader reader, in JournalRecord record) =>
        new(record.Sequence, record.Timestamp, record.Type, record.Version, record.Payload.ToArray(), record.Offset, reader.CurrentSegment!);

    /// <summary>Every record from <paramref name="from"/> until the reader reports NoMoreYet.</summary>
    public static List<StoredRecord> ReadAll(string directory, long from = 1)
    {
        using var reader = JournalReader.Open(directory, from);
        return ReadAvailable(reader);
    }

    public static List<StoredRecord> ReadAvailable(JournalReader reader)
    {
        var records = new List<StoredRecord>();
        while (reader.TryRead(out var record) == ReadStatus.Record) records.Add(Copy(reader, record));
        return records;
    }

    public static void AssertCrashRecord(StoredRecord record)
    {
        long sequence = record.Sequence;
        Assert.Equal(CrashPayload.Timestamp(sequence), record.Timestamp);
        Assert.Equal(CrashPayload.Type(sequence), record.Type);
        Assert.Equal(CrashPayload.Version(sequence), record.Version);
        Assert.True(CrashPayload.For(sequence).AsSpan().SequenceEqual(record.Payload), $"payload of sequence {sequence} differs");
    }

    /// <summary>Records are exactly the CrashPayload records first..last, in order.</summary>
    public static void AssertCrashRecords(IReadOnlyList<StoredRecord> records, long first, long last)
    {
        Assert.Equal(last - first + 1, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(first + i, records[i].Sequence);
            AssertCrashRecord(records[i]);
        }
    }

    public static byte[] ReadBytes(string path, long offset, int count)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[count];
        int read = RandomAccess.Read(file, bytes, offset);
        return bytes[..read];
    }

    public static void WriteBytes(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.Write(file, bytes, offset);
    }

    public static void FlipBit(string path, long offset, int bit = 0)
    {
        var b = ReadBytes(path, offset, 1);
        b[0] ^= (byte)(1 << bit);
        WriteBytes(path, offset, b);
    }

    public static void Truncate(string path, long length)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.SetLength(file, length);
    }

    /// <summary>The entries of an index file (16 bytes each: sequence, offset), read independently of the journal's code.</summary>
    public static List<IndexEntry> ReadIndex(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var entries = new List<IndexEntry>();
        for (int i = 0; i + 16 <= bytes.Length; i += 16)
            entries.Add(new IndexEntry(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i)),
                System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i + 8))));
        return entries;
    }

    /// <summary>Where the record after <paramref name="record"/> starts.</summary>
    public static long End(StoredRecord record) => record.Offset + JournalFormat.Aligned(JournalFormat.RecordHeaderLength + record.Payload.Length);
}
