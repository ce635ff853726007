// What opening a journal does with damage: a torn tail is cut off and reported, damage before the tail is
// refused with file, offset and sequence (or cut off when repair is asked for), broken segment headers and
// missing segments are named, and only one writer may hold a directory.
using System.Buffers.Binary;
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed class RecoveryTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    private List<StoredRecord> Written(long last, long segmentSize = 64 << 10)
    {
        _journal.WriteRecords(1, last, segmentSize);
        // These tests damage the tail as a crash tears it. A torn record was never durable, so the checkpoint never
        // named it; here the records were closed cleanly first, so the checkpoint goes, as if it had not caught up.
        File.Delete(Path.Combine(_journal.Directory, "journal.checkpoint"));
        return Journal.ReadAll(_journal.Directory);
    }

    private RecoveryReport Reopen(bool repair = false)
    {
        using var writer = JournalWriter.Open(_journal.Options(repair: repair), out var report);
        return report;
    }

    /// <summary>Appending after recovery carries on from the recovered end, and the whole journal reads back.</summary>
    private void AssertAppendingContinuesAfter(long last)
    {
        using (var writer = _journal.OpenWriter())
        {
            Assert.Equal(last, writer.LastSequence);
            Journal.AppendCrashRecords(writer, last + 1, last + 50);
        }
        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1, last + 50);
        Assert.Equal(RecoveryAction.None, Reopen().Action);
    }

    private static byte[] RecordImage(long sequence)
    {
        var payload = CrashPayload.For(sequence);
        var image = new byte[JournalFormat.Aligned(JournalFormat.RecordHeaderLength + payload.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(image, JournalFormat.RecordHeaderLength + payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(image.AsSpan(8), sequence);
        payload.CopyTo(image.AsSpan(JournalFormat.RecordHeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(4),
            Crc32C.Append(Crc32C.Compute(image.AsSpan(0, 4)), image.AsSpan(8, JournalFormat.RecordHeaderLength + payload.Length - 8)));
        return image;
    }

    [Fact]
    public void A_clean_journal_opens_with_nothing_to_report()
    {
        Written(100);
        var report = Reopen();
        Assert.Equal(RecoveryReport.Clean(100), report);
    }

    [Fact]
    public void Garbage_after_the_last_record_is_truncated_and_reported()
    {
        var records = Written(100);
        long tail = Journal.End(records[^1]);
        var garbage = new byte[300];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x5A;
        Journal.WriteBytes(records[^1].Segment, tail, garbage);

        var report = Reopen();

        Assert.Equal(RecoveryAction.TruncatedTornTail, report.Action);
        Assert.Equal(records[^1].Segment, report.File);
        Assert.Equal(tail, report.Offset);
        Assert.Equal(100, report.LastSequence);
        Assert.True(report.DiscardedBytes >= garbage.Length, $"discarded {report.DiscardedBytes}");
        Assert.Contains("torn", report.ToString());
        AssertAppendingContinuesAfter(100);
    }

    [Fact]
    public void A_partially_written_last_record_is_truncated_and_reported()
    {
        var records = Written(100);
        long tail = Journal.End(records[^1]);
        var image = RecordImage(101);
        Journal.WriteBytes(records[^1].Segment, tail, image.AsSpan(0, image.Length / 2));
        using (var reader = JournalReader.Open(_journal.Directory, 101))
        {
            Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));
            Assert.NotNull(reader.TailProblem);
        }

        var report = Reopen();

        Assert.Equal(RecoveryAction.TruncatedTornTail, report.Action);
        Assert.Equal(tail, report.Offset);
        Assert.Equal(100, report.LastSequence);
        AssertAppendingContinuesAfter(100);
    }

    [Fact]
    public void A_last_record_with_a_bad_CRC_is_truncated_and_reported()
    {
        var records = Written(100);
        Journal.FlipBit(records[^1].Segment, records[^1].Offset + JournalFormat.RecordHeaderLength + 3, 5);

        var report = Reopen();

        Assert.Equal(RecoveryAction.TruncatedTornTail, report.Action);
        Assert.Equal(records[^1].Segment, report.File);
        Assert.Equal(records[^1].Offset, report.Offset);
        Assert.Equal(99, report.LastSequence);
        Assert.Contains("CRC", report.Reason);
        AssertAppendingContinuesAfter(99);
    }

    [Fact]
    public void A_flipped_bit_before_the_tail_refuses_to_open_naming_file_offset_and_sequence()
    {
        var records = Written(100);
        var damaged = records[49];
        Journal.FlipBit(damaged.Segment, damaged.Offset + JournalFormat.RecordHeaderLength + 1, 2);
        var damagedFile = File.ReadAllBytes(damaged.Segment);

        var e = Assert.Throws<JournalCorruptException>(() => Reopen());

        Assert.Equal(damaged.Segment, e.File);
        Assert.Equal(damaged.Offset, e.Offset);
        Assert.Equal(50, e.Sequence);
        Assert.Contains(damaged.Segment, e.Message);
        Assert.Contains("repair", e.Message);
        // Refusing changed nothing.
        Assert.Equal(damagedFile, File.ReadAllBytes(damaged.Segment));
    }

    [Fact]
    public void A_flipped_bit_in_a_length_word_before_the_tail_refuses_to_open()
    {
        var records = Written(100);
        var damaged = records[49];
        Journal.FlipBit(damaged.Segment, damaged.Offset, 3);

        var e = Assert.Throws<JournalCorruptException>(() => Reopen());

        Assert.Equal(damaged.Offset, e.Offset);
        Assert.Equal(50, e.Sequence);
    }

    [Fact]
    public void A_zeroed_length_word_before_the_tail_is_corruption_not_the_end_of_the_journal()
    {
        var records = Written(100);
        var damaged = records[49];
        Journal.WriteBytes(damaged.Segment, damaged.Offset, new byte[4]);

        var e = Assert.Throws<JournalCorruptException>(() => Reopen());

        Assert.Equal(damaged.Offset, e.Offset);
        Assert.Equal(50, e.Sequence);
    }

    [Fact]
    public void Repair_truncates_at_the_damage_and_reports_it()
    {
        var records = Written(100);
        var damaged = records[49];
        Journal.FlipBit(damaged.Segment, damaged.Offset + JournalFormat.RecordHeaderLength + 1, 2);

        var report = Reopen(repair: true);

        Assert.Equal(RecoveryAction.RepairedCorruption, report.Action);
        Assert.Equal(damaged.Segment, report.File);
        Assert.Equal(damaged.Offset, report.Offset);
        Assert.Equal(49, report.LastSequence);
        Assert.Contains("REPAIRED", report.ToString());
        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1, 49);
        AssertAppendingContinuesAfter(49);
    }

    [Fact]
    public void A_record_carrying_the_wrong_sequence_refuses_to_open()
    {
        var records = Written(100);
        // A valid record (right length, right CRC) that carries sequence 60 where 50 belongs.
        var image = Journal.ReadBytes(records[49].Segment, records[49].Offset, (int)(Journal.End(records[49]) - records[49].Offset));
        BinaryPrimitives.WriteInt64LittleEndian(image.AsSpan(8), 60);
        int length = BinaryPrimitives.ReadInt32LittleEndian(image);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(4), Crc32C.Append(Crc32C.Compute(image.AsSpan(0, 4)), image.AsSpan(8, length - 8)));
        Journal.WriteBytes(records[49].Segment, records[49].Offset, image);

        var e = Assert.Throws<JournalCorruptException>(() => Reopen());
        Assert.Equal(records[49].Offset, e.Offset);
        Assert.Equal(50, e.Sequence);
        var readerError = Assert.Throws<JournalCorruptException>(() => Journal.ReadAll(_journal.Directory));
        Assert.Equal(50, readerError.Sequence);
    }

    [Fact]
    public void Damage_in_an_earlier_segment_stops_a_reader_naming_file_offset_and_sequence()
    {
        var records = Written(2000);
        var segment = _journal.Segments[1];
        var damaged = records.First(r => r.Segment == segment.Path && r.Sequence > segment.FirstSequence + 10);
        Journal.FlipBit(damaged.Segment, damaged.Offset + JournalFormat.RecordHeaderLength);

        using var reader = JournalReader.Open(_journal.Directory);
        var read = new List<StoredRecord>();
        var e = Assert.Throws<JournalCorruptException>(() => { while (reader.TryRead(out var r) == ReadStatus.Record) read.Add(Journal.Copy(reader, r)); });

        Assert.Equal(damaged.Segment, e.File);
        Assert.Equal(damaged.Offset, e.Offset);
        Assert.Equal(damaged.Sequence, e.Sequence);
        Journal.AssertCrashRecords(read, 1, damaged.Sequence - 1);
    }

    public static TheoryData<string, string> HeaderDamage => new()
    {
        { "magic", "wrong magic" },
        { "version", "unsupported format version 2" },
        { "crc", "segment header CRC mismatch" },
    };

    private static void DamageHeader(string path, string damage)
    {
        var header = Journal.ReadBytes(path, 0, JournalFormat.SegmentHeaderLength);
        switch (damage)
        {
            case "magic":
                header[0] = (byte)'X';
                break;
            case "version":
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), 2);
                BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(60), Crc32C.Compute(header.AsSpan(0, 60)));
                break;
            default:
                header[33] ^= 1;
                break;
        }
        Journal.WriteBytes(path, 0, header);
    }

    [Theory]
    [MemberData(nameof(HeaderDamage))]
    public void A_damaged_segment_header_is_a_corrupt_journal_for_the_reader(string damage, string reason)
    {
        Written(2000);
        var segment = _journal.Segments[1];
        DamageHeader(segment.Path, damage);

        var e = Assert.Throws<JournalCorruptException>(() => Journal.ReadAll(_journal.Directory));

        Assert.Equal(segment.Path, e.File);
        Assert.Equal(0, e.Offset);
        Assert.Contains(reason, e.Reason);
    }

    [Theory]
    [MemberData(nameof(HeaderDamage))]
    public void A_damaged_header_on_the_last_segment_refuses_to_open_the_writer(string damage, string reason)
    {
        Written(2000);
        var segment = _journal.Segments[^1];
        DamageHeader(segment.Path, damage);

        var e = Assert.Throws<JournalCorruptException>(() => Reopen());

        Assert.Equal(segment.Path, e.File);
        Assert.Contains(reason, e.Reason);
        Assert.True(File.Exists(segment.Path));
    }

    [Fact]
    public void A_last_segment_cut_short_inside_a_record_is_truncated_to_its_whole_records()
    {
        var records = Written(2000);
        var last = records[^1];
        var cut = records[^5];
        Journal.Truncate(last.Segment, cut.Offset + 20);

        var report = Reopen();

        Assert.Equal(RecoveryAction.TruncatedTornTail, report.Action);
        Assert.Equal(last.Segment, report.File);
        Assert.Equal(cut.Offset, report.Offset);
        Assert.Equal(cut.Sequence - 1, report.LastSequence);
        AssertAppendingContinuesAfter(cut.Sequence - 1);
    }

    [Fact]
    public void An_earlier_segment_cut_short_inside_a_record_stops_a_reader()
    {
        var records = Written(2000);
        var segment = _journal.Segments[1];
        var cut = records.First(r => r.Segment == segment.Path && r.Sequence > segment.FirstSequence + 10);
        Journal.Truncate(segment.Path, cut.Offset + 40);

        var e = Assert.Throws<JournalCorruptException>(() => Journal.ReadAll(_journal.Directory));

        Assert.Equal(segment.Path, e.File);
        Assert.Equal(cut.Offset, e.Offset);
        Assert.Equal(cut.Sequence, e.Sequence);
    }

    [Fact]
    public void An_earlier_segment_cut_short_between_records_stops_a_reader()
    {
        var records = Written(2000);
        var segment = _journal.Segments[1];
        var cut = records.First(r => r.Segment == segment.Path && r.Sequence > segment.FirstSequence + 10);
        Journal.Truncate(segment.Path, cut.Offset);

        var e = Assert.Throws<JournalCorruptException>(() => Journal.ReadAll(_journal.Directory));

        Assert.Equal(segment.Path, e.File);
        Assert.Equal(cut.Offset, e.Offset);
        Assert.Equal(cut.Sequence, e.Sequence);
    }

    [Fact]
    public void A_missing_middle_segment_stops_a_reader_saying_a_segment_is_missing()
    {
        Written(2000);
        var segments = _journal.Segments;
        File.Delete(segments[2].Path);

        var e = Assert.Throws<JournalException>(() => Journal.ReadAll(_journal.Directory));
        Assert.Contains("segment is missing", e.Message);
        var fromInside = Assert.Throws<JournalException>(() => Journal.ReadAll(_journal.Directory, segments[2].FirstSequence + 3));
        Assert.Contains("missing", fromInside.Message);
    }

    [Fact]
    public void Reading_from_before_the_first_segment_of_a_journal_missing_its_start_says_so()
    {
        Written(2000);
        File.Delete(_journal.Segments[0].Path);

        var e = Assert.Throws<JournalException>(() => Journal.ReadAll(_journal.Directory, 5));
        Assert.Contains("missing", e.Message);
    }

    /// <summary>The state a crash inside Roll leaves: the full segment closed, the next one created but its header unwritten.</summary>
    private string CrashAfterCreatingSegment(long last, int zeroBytes, bool closePrevious)
    {
        var records = Written(last, segmentSize: 8192);
        if (closePrevious)
        {
            var marker = new byte[JournalFormat.Alignment];
            BinaryPrimitives.WriteInt32LittleEndian(marker, JournalFormat.SegmentClosed);
            Journal.WriteBytes(records[^1].Segment, Journal.End(records[^1]), marker);
        }
        string path = Path.Combine(_journal.Directory, JournalFormat.SegmentName(last + 1));
        File.WriteAllBytes(path, new byte[zeroBytes]);
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(8192)]
    public void A_last_segment_whose_header_was_never_written_is_removed_and_reported(int zeroBytes)
    {
        string path = CrashAfterCreatingSegment(2000, zeroBytes, closePrevious: true);

        using (var writer = JournalWriter.Open(_journal.Options(8192), out var report))
        {
            Assert.Equal(RecoveryAction.RemovedEmptySegment, report.Action);
            Assert.Equal(path, report.File);
            Assert.Equal(2000, report.LastSequence);
            Assert.Equal(2000, writer.LastSequence);
            Assert.False(File.Exists(path));
            Journal.AppendCrashRecords(writer, 2001, 2100);
        }

        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1, 2100);
        Assert.Contains(_journal.Segments, s => s.FirstSequence == 2001);
    }

    [Fact]
    public void An_empty_last_segment_after_an_unclosed_one_is_removed_and_appending_resumes_the_unclosed_one()
    {
        CrashAfterCreatingSegment(2000, 0, closePrevious: false);

        using (var writer = JournalWriter.Open(_journal.Options(8192), out var report))
        {
            Assert.Equal(RecoveryAction.RemovedEmptySegment, report.Action);
            Assert.Equal(2000, writer.LastSequence);
            Journal.AppendCrashRecords(writer, 2001, 2100);
        }

        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1, 2100);
    }

    public static TheoryData<int> ImpossibleLengths => new() { int.MaxValue, int.MaxValue - 3, int.MaxValue - 7, int.MaxValue - 8, int.MinValue, -2, 1, 31, 1 << 20 };

    [Theory]
    [MemberData(nameof(ImpossibleLengths))]
    public void An_impossible_length_in_the_last_record_is_a_torn_tail(int length)
    {
        var records = Written(100);
        var last = records[^1];
        var word = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(word, length);
        Journal.WriteBytes(last.Segment, last.Offset, word);

        using (var reader = JournalReader.Open(_journal.Directory, 95))
        {
            Assert.Equal(5, Journal.ReadAvailable(reader).Count);
            Assert.NotNull(reader.TailProblem);
        }
        var report = Reopen();

        Assert.Equal(RecoveryAction.TruncatedTornTail, report.Action);
        Assert.Equal(last.Offset, report.Offset);
        AssertAppendingContinuesAfter(99);
    }

    [Theory]
    [MemberData(nameof(ImpossibleLengths))]
    public void An_impossible_length_before_the_tail_is_corruption(int length)
    {
        var records = Written(2000);
        var damaged = records.First(r => r.Segment == _journal.Segments[0].Path && r.Sequence > 20);
        var word = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(word, length);
        Journal.WriteBytes(damaged.Segment, damaged.Offset, word);

        var e = Assert.Throws<JournalCorruptException>(() => Journal.ReadAll(_journal.Directory));
        Assert.Equal(damaged.Offset, e.Offset);
        Assert.Equal(damaged.Sequence, e.Sequence);
    }

    [Fact]
    public void A_segment_with_an_invalid_name_is_a_journal_error()
    {
        Written(10);
        File.WriteAllBytes(Path.Combine(_journal.Directory, "12.journal"), []);

        Assert.Throws<JournalException>(() => Journal.ReadAll(_journal.Directory));
        Assert.Throws<JournalException>(() => Reopen());
    }

    [Fact]
    public void A_second_writer_on_the_same_directory_fails_while_the_first_is_open()
    {
        using (var first = _journal.OpenWriter())
        {
            Journal.AppendCrashRecords(first, 1, 10);
            var e = Assert.Throws<JournalException>(() => _journal.OpenWriter());
            Assert.Contains("another writer", e.Message);
            Journal.AppendCrashRecords(first, 11, 20);
        }

        using var second = _journal.OpenWriter();
        Assert.Equal(20, second.LastSequence);
    }
}
