// Records come back exactly as written, across segment rolls, with segments named by their first sequence.
using System.Buffers.Binary;

namespace Exchange.Journal.Tests;

public sealed class RoundTripTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    private static byte[] Payload(long sequence, int length)
    {
        var bytes = new byte[length];
        new Random((int)sequence).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Records_of_every_payload_size_read_back_identical()
    {
        var options = _journal.Options() with { MaxRecordLength = 1 << 20 };
        int max = options.MaxPayload;
        int[] sizes = [0, 1, 7, 8, 9, 23, 24, 25, 31, 32, 33, 100, 1000, 4095, 4096, 4097, 20_000, max - 1, max, 0, max, 3];
        var written = new List<(long Sequence, long Timestamp, ushort Type, ushort Version, byte[] Payload)>();
        using (var writer = JournalWriter.Open(options, out _))
        {
            Assert.Equal(max, writer.MaxPayload);
            long sequence = 1;
            foreach (int size in sizes)
            {
                var record = (sequence, sequence * 10 + 3, (ushort)(sequence * 7), (ushort)(sequence % 3), Payload(sequence, size));
                writer.Append(record.sequence, record.Item2, record.Item3, record.Item4, record.Item5);
                written.Add(record);
                sequence++;
            }
        }

        var read = Journal.ReadAll(_journal.Directory);
        Assert.Equal(written.Count, read.Count);
        for (int i = 0; i < written.Count; i++)
        {
            Assert.Equal(written[i].Sequence, read[i].Sequence);
            Assert.Equal(written[i].Timestamp, read[i].Timestamp);
            Assert.Equal(written[i].Type, read[i].Type);
            Assert.Equal(written[i].Version, read[i].Version);
            Assert.Equal(written[i].Payload, read[i].Payload);
        }
        Assert.True(_journal.Segments.Count > 5, "the large records must have rolled segments");
    }

    [Fact]
    public void A_record_that_exactly_fills_a_segment_stays_in_it_and_the_next_starts_a_new_segment()
    {
        const long segmentSize = 64 << 10;
        // The first record leaves exactly room for one more record plus the closing marker.
        int first = 1000;
        long afterFirst = JournalFormat.SegmentHeaderLength + JournalFormat.Aligned(JournalFormat.RecordHeaderLength + first);
        int second = (int)(segmentSize - JournalFormat.Alignment - afterFirst) - JournalFormat.RecordHeaderLength;
        using (var writer = JournalWriter.Open(_journal.Options(segmentSize) with { MaxRecordLength = 1 << 20 }, out _))
        {
            Assert.True(second <= writer.MaxPayload);
            writer.Append(1, 1, 1, 1, Payload(1, first));
            writer.Append(2, 2, 1, 1, Payload(2, second));
            Assert.Single(_journal.Segments);
            writer.Append(3, 3, 1, 1, Payload(3, 0));
        }

        var segments = _journal.Segments;
        Assert.Equal([1L, 3L], segments.Select(s => s.FirstSequence));
        var read = Journal.ReadAll(_journal.Directory);
        Assert.Equal([1L, 2L, 3L], read.Select(r => r.Sequence));
        Assert.Equal(Payload(2, second), read[1].Payload);
        Assert.Equal(segments[0].Path, read[1].Segment);
        Assert.Equal(segmentSize - JournalFormat.Alignment, Journal.End(read[1]));
        // The closing marker sits in the last 8 bytes of the full segment.
        var marker = Journal.ReadBytes(segments[0].Path, segmentSize - JournalFormat.Alignment, JournalFormat.Alignment);
        Assert.Equal(JournalFormat.SegmentClosed, BinaryPrimitives.ReadInt32LittleEndian(marker));
        Assert.Equal(segments[1].Path, read[2].Segment);
    }

    [Fact]
    public void A_record_one_alignment_step_too_big_for_the_segment_rolls_to_the_next()
    {
        const long segmentSize = 64 << 10;
        int first = 1000;
        long afterFirst = JournalFormat.SegmentHeaderLength + JournalFormat.Aligned(JournalFormat.RecordHeaderLength + first);
        int tooBig = (int)(segmentSize - JournalFormat.Alignment - afterFirst) - JournalFormat.RecordHeaderLength + 1;
        using (var writer = JournalWriter.Open(_journal.Options(segmentSize) with { MaxRecordLength = 1 << 20 }, out _))
        {
            writer.Append(1, 1, 1, 1, Payload(1, first));
            writer.Append(2, 2, 1, 1, Payload(2, tooBig));
        }

        Assert.Equal([1L, 2L], _journal.Segments.Select(s => s.FirstSequence));
        var read = Journal.ReadAll(_journal.Directory);
        Assert.Equal(Payload(2, tooBig), read[1].Payload);
        Assert.Equal(_journal.Segments[1].Path, read[1].Segment);
    }

    [Fact]
    public void Reading_crosses_segment_rolls_and_each_segment_is_named_by_its_first_sequence()
    {
        _journal.WriteRecords(1, 5000);

        var segments = _journal.Segments;
        Assert.True(segments.Count >= 5, $"expected several segments, got {segments.Count}");
        var read = Journal.ReadAll(_journal.Directory);
        Journal.AssertCrashRecords(read, 1, 5000);
        foreach (var segment in segments)
        {
            Assert.Equal(JournalFormat.SegmentName(segment.FirstSequence), Path.GetFileName(segment.Path));
            var firstInSegment = read.First(r => r.Segment == segment.Path);
            Assert.Equal(segment.FirstSequence, firstInSegment.Sequence);
            Assert.Equal(JournalFormat.SegmentHeaderLength, firstInSegment.Offset);
        }
        // Segments hold consecutive runs: a record's segment changes only forwards.
        for (int i = 1; i < read.Count; i++)
            Assert.True(string.CompareOrdinal(read[i - 1].Segment, read[i].Segment) <= 0);
    }

    [Fact]
    public void A_journal_may_start_at_any_positive_sequence()
    {
        _journal.WriteRecords(1000, 1100);

        Assert.Equal(1000, _journal.Segments[0].FirstSequence);
        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1000, 1100);
        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory, 1050), 1050, 1100);
    }

    [Fact]
    public void Reopening_a_closed_journal_continues_after_its_last_sequence()
    {
        _journal.WriteRecords(1, 700);
        using (var writer = _journal.OpenWriter())
        {
            Assert.Equal(700, writer.LastSequence);
            Assert.Equal(700, writer.DurableSequence);
            Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append(700, 0, 0, 0, []));
            Journal.AppendCrashRecords(writer, 701, 1400);
        }

        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1, 1400);
    }
}
