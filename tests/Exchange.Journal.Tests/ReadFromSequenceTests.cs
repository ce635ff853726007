// A reader starts at any sequence, seeking by the sparse index; the index is only a hint, so a missing,
// garbage or lying index changes nothing about what is read.
using System.Buffers.Binary;

namespace Exchange.Journal.Tests;

public sealed class ReadFromSequenceTests : IDisposable
{
    private const long Last = 3000;
    private readonly TempJournal _journal = new();
    private readonly List<StoredRecord> _all;

    public ReadFromSequenceTests()
    {
        _journal.WriteRecords(1, Last);
        _all = Journal.ReadAll(_journal.Directory);
    }

    public void Dispose() => _journal.Dispose();

    /// <summary>First, second, middle, last-but-one and last sequence of every segment, and the journal's end.</summary>
    private IEnumerable<long> StartingPoints()
    {
        foreach (var group in _all.GroupBy(r => r.Segment))
        {
            var records = group.ToList();
            yield return records[0].Sequence;
            yield return records[1].Sequence;
            yield return records[records.Count / 2].Sequence;
            yield return records[^2].Sequence;
            yield return records[^1].Sequence;
        }
    }

    private void AssertEveryStartingPointReadsCorrectly()
    {
        foreach (long from in StartingPoints())
        {
            var read = Journal.ReadAll(_journal.Directory, from);
            Journal.AssertCrashRecords(read, from, Last);
            Assert.Equal(_all[(int)from - 1].Offset, read[0].Offset);
            Assert.Equal(_all[(int)from - 1].Segment, read[0].Segment);
        }
    }

    [Fact]
    public void Reading_from_any_sequence_starts_exactly_there_in_every_segment()
    {
        Assert.True(_journal.Segments.Count >= 4);
        AssertEveryStartingPointReadsCorrectly();
    }

    [Fact]
    public void Reading_from_past_the_end_finds_nothing_yet()
    {
        using var reader = JournalReader.Open(_journal.Directory, Last + 1);
        Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));
        Assert.Null(reader.TailProblem);
    }

    [Fact]
    public void Every_index_entry_names_the_offset_of_its_sequence()
    {
        var offsets = _all.ToDictionary(r => r.Sequence, r => (r.Offset, r.Segment));
        int entries = 0;
        foreach (var segment in _journal.Segments)
        {
            var index = Journal.ReadIndex(SegmentDirectory.IndexPath(_journal.Directory, segment.FirstSequence));
            Assert.True(index.Count >= 2, $"{segment.Path}: index has {index.Count} entries");
            Assert.Equal(new IndexEntry(segment.FirstSequence, JournalFormat.SegmentHeaderLength), index[0]);
            foreach (var entry in index)
                Assert.Equal((entry.Offset, segment.Path), offsets[entry.Sequence]);
            entries += index.Count;
        }
        Assert.True(entries > _journal.Segments.Count * 10);
    }

    [Fact]
    public void Reading_from_a_sequence_seeks_by_the_index_instead_of_scanning_from_the_segment_start()
    {
        // Damage the segment's first record: a reader that scanned from the top would have to stop there.
        var segment = _journal.Segments[1];
        var index = Journal.ReadIndex(SegmentDirectory.IndexPath(_journal.Directory, segment.FirstSequence));
        Journal.FlipBit(segment.Path, JournalFormat.SegmentHeaderLength + JournalFormat.RecordHeaderLength);
        long target = index[^1].Sequence + 1;

        var read = Journal.ReadAll(_journal.Directory, target);

        Journal.AssertCrashRecords(read, target, Last);
        Assert.Throws<JournalCorruptException>(() => Journal.ReadAll(_journal.Directory, segment.FirstSequence));
    }

    [Fact]
    public void Missing_index_files_only_make_reading_slower()
    {
        foreach (var path in Directory.GetFiles(_journal.Directory, "*" + JournalFormat.IndexExtension)) File.Delete(path);
        AssertEveryStartingPointReadsCorrectly();
    }

    [Fact]
    public void Index_files_of_random_garbage_are_ignored()
    {
        var random = new Random(7);
        int i = 0;
        foreach (var path in Directory.GetFiles(_journal.Directory, "*" + JournalFormat.IndexExtension))
        {
            // Whole entries and ragged lengths alike.
            var garbage = new byte[i++ % 2 == 0 ? 16 * random.Next(1, 50) : random.Next(1, 700)];
            random.NextBytes(garbage);
            File.WriteAllBytes(path, garbage);
        }
        AssertEveryStartingPointReadsCorrectly();
    }

    [Fact]
    public void Index_entries_pointing_into_the_middle_of_records_are_ignored()
    {
        RewriteIndexes(entry => entry with { Offset = entry.Offset + JournalFormat.Alignment });
        AssertEveryStartingPointReadsCorrectly();
    }

    [Fact]
    public void Index_entries_naming_the_wrong_record_are_ignored()
    {
        // Each offset now holds a valid record, just not the one the entry names.
        RewriteIndexes(entry => entry with { Sequence = entry.Sequence + 1 });
        AssertEveryStartingPointReadsCorrectly();
    }

    [Fact]
    public void Index_entries_beyond_the_segment_or_before_its_records_are_ignored()
    {
        var random = new Random(11);
        RewriteIndexes(entry => entry with { Offset = random.Next(3) switch { 0 => -8, 1 => 8, _ => 1L << 40 } });
        AssertEveryStartingPointReadsCorrectly();
    }

    private void RewriteIndexes(Func<IndexEntry, IndexEntry> change)
    {
        foreach (var segment in _journal.Segments)
        {
            string path = SegmentDirectory.IndexPath(_journal.Directory, segment.FirstSequence);
            var entries = Journal.ReadIndex(path);
            var bytes = new byte[entries.Count * 16];
            for (int i = 0; i < entries.Count; i++)
            {
                var entry = change(entries[i]);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 16), entry.Sequence);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 16 + 8), entry.Offset);
            }
            File.WriteAllBytes(path, bytes);
        }
    }
}
