// The writer stores records into the open segment's shared mapping: the file is kept a bounded chunk longer than what
// is written, PrepareAhead moves the lengthening and the page faults off the appends, and bytes a killed writer left
// past its last whole record are cleared before anything is appended after them.
using Exchange.Testing;
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed class MappedWriteTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    private static void Append(JournalWriter writer, long first, long last)
    {
        for (long sequence = first; sequence <= last; sequence++)
            writer.Append(sequence, CrashPayload.Timestamp(sequence), CrashPayload.Type(sequence), CrashPayload.Version(sequence), CrashPayload.For(sequence));
    }

    private static long End(StoredRecord record) => record.Offset + JournalFormat.Aligned(JournalFormat.RecordHeaderLength + record.Payload.Length);

    [Fact]
    public void The_open_segment_is_never_more_than_a_chunk_longer_than_its_records()
    {
        const long segmentSize = 4 << 20;
        using var writer = _journal.OpenWriter(segmentSize);
        long sequence = 1;
        for (int round = 0; round < 40; round++)
        {
            Append(writer, sequence, sequence + 99);
            sequence += 100;
            if (round % 3 == 0) writer.PrepareAhead();
            var records = Journal.ReadAll(_journal.Directory);
            long length = new FileInfo(_journal.Segments[^1].Path).Length;
            long end = End(records[^1]);
            // Room for the closing marker at least; at most one chunk past what is needed (what a recovery scans).
            Assert.InRange(length, end + JournalFormat.Alignment, end + JournalFormat.Alignment + JournalWriter.ExtendChunk);
        }
        Assert.Single(_journal.Segments);
    }

    [Fact]
    public void PrepareAhead_lengthens_the_file_once_per_half_chunk_and_is_idle_otherwise()
    {
        using var writer = _journal.OpenWriter(4 << 20);
        Assert.Equal(0, writer.PrepareAhead()); // no segment yet
        Append(writer, 1, 1);
        string path = _journal.Segments[^1].Path;
        Assert.Equal(1, writer.PrepareAhead()); // faults in what the append lengthened
        Assert.Equal(0, writer.PrepareAhead());
        long length = new FileInfo(path).Length;

        // Appending less than half a chunk leaves it alone; past that, the next idle moment lengthens the file.
        long sequence = 2;
        var records = Journal.ReadAll(_journal.Directory);
        while (length - End(records[^1]) > JournalWriter.ExtendChunk / 2)
        {
            Assert.Equal(0, writer.PrepareAhead());
            Assert.Equal(length, new FileInfo(path).Length);
            Append(writer, sequence, sequence + 49);
            sequence += 50;
            records = Journal.ReadAll(_journal.Directory);
        }
        Assert.Equal(1, writer.PrepareAhead());
        Assert.True(new FileInfo(path).Length > length);
        Assert.Equal(0, writer.PrepareAhead());
    }

    [Fact]
    public void Appends_into_pages_prepared_ahead_take_no_page_faults()
    {
        // 64 KiB of records: sixteen pages, each faulted on its first store unless PrepareAhead did it before.
        using var writer = _journal.OpenWriter(4 << 20);
        Append(writer, 1, 1);
        long cold = PageFaults.MinorFaults(() => Journal.AppendBytes(writer, 2, 64 << 10));

        long next = writer.LastSequence + 1;
        writer.PrepareAhead();
        long prepared = PageFaults.MinorFaults(() => Journal.AppendBytes(writer, next, 64 << 10));

        Assert.True(cold >= 8, $"appending into cold pages took {cold} minor faults");
        Assert.True(prepared <= 1, $"appending into prepared pages took {prepared} minor faults (cold: {cold})");
    }

    [Fact]
    public void Bytes_a_killed_writer_left_past_its_last_record_are_cleared_before_appending_after_it()
    {
        string path;
        long tail;
        using (var writer = _journal.OpenWriter())
        {
            Append(writer, 1, 20);
            writer.Commit();
            path = _journal.Segments[^1].Path;
            tail = End(Journal.ReadAll(_journal.Directory)[^1]);
        }
        // What a writer killed in the middle of its next record leaves: that record's bytes, its length word (written
        // last) still zero.
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var partial = new byte[600];
            partial.AsSpan().Fill(0xAB);
            partial.AsSpan(0, sizeof(int)).Clear();
            RandomAccess.Write(file, partial, tail);
        }

        using (var writer = _journal.OpenWriter())
        {
            Assert.Equal(20, writer.LastSequence);
            // Two short records: the slot after them lies inside the stale bytes.
            for (long sequence = 21; sequence <= 22; sequence++) writer.Append(sequence, 0, 1, 1, new byte[8]);
            writer.Commit();
        }
        using var reader = JournalReader.Open(_journal.Directory);
        var read = Journal.ReadAvailable(reader);
        Assert.Null(reader.TailProblem);
        Assert.Equal(Enumerable.Range(1, 22).Select(i => (long)i), read.Select(r => r.Sequence));
        using var again = _journal.OpenWriter();
        Assert.Equal(22, again.LastSequence);
    }

    [Fact]
    public void A_segment_resumed_from_a_file_that_ends_at_its_last_record_still_closes_with_its_marker()
    {
        // A segment written by a writer that kept the file exactly as long as its records (no room for the marker).
        using (var writer = _journal.OpenWriter(segmentSize: 16 << 10))
        {
            Append(writer, 1, 10);
            writer.Commit();
        }
        string path = _journal.Segments[^1].Path;
        long end = End(Journal.ReadAll(_journal.Directory)[^1]);
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite)) RandomAccess.SetLength(file, end);

        using (var writer = _journal.OpenWriter(segmentSize: 16 << 10))
        {
            long sequence = 11;
            while (_journal.Segments.Count == 1) Append(writer, sequence, sequence++);
        }
        using var reader = JournalReader.Open(_journal.Directory);
        var read = Journal.ReadAvailable(reader);
        Assert.Null(reader.TailProblem);
        Assert.Equal(Enumerable.Range(1, read.Count).Select(i => (long)i), read.Select(r => r.Sequence));
        Assert.Equal(2, read.Select(r => r.Segment).Distinct().Count());
    }
}
