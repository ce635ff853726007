// A reader of a live journal sees what the writer has appended (a record is in the page cache once written into the
// segment's mapping), in order, across segment rolls, and a record only whole.
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed class TailingTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    private static void Append(JournalWriter writer, long first, long last)
    {
        for (long sequence = first; sequence <= last; sequence++)
            writer.Append(sequence, CrashPayload.Timestamp(sequence), CrashPayload.Type(sequence), CrashPayload.Version(sequence), CrashPayload.For(sequence));
    }

    [Fact]
    public void A_reader_of_an_empty_directory_has_nothing_yet_and_then_sees_the_first_records()
    {
        using var reader = JournalReader.Open(_journal.Directory);
        Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));
        using var writer = _journal.OpenWriter();
        Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));

        Append(writer, 1, 10);
        writer.Commit();

        Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 1, 10);
    }

    [Fact]
    public void A_reader_that_reached_the_end_sees_records_committed_afterwards()
    {
        using var writer = _journal.OpenWriter();
        Append(writer, 1, 100);
        writer.Commit();
        using var reader = JournalReader.Open(_journal.Directory);
        Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 1, 100);
        Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));

        for (long batch = 0; batch < 10; batch++)
        {
            Append(writer, 101 + batch * 10, 110 + batch * 10);
            writer.Commit();
            Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 101 + batch * 10, 110 + batch * 10);
        }
        Assert.Equal(201, reader.NextSequence);
    }

    [Fact]
    public void A_tailing_reader_follows_the_writer_across_segment_rolls()
    {
        using var writer = _journal.OpenWriter(segmentSize: 4096);
        using var reader = JournalReader.Open(_journal.Directory);
        var read = new List<StoredRecord>();
        long sequence = 1;
        while (_journal.Segments.Count < 6)
        {
            Append(writer, sequence, sequence + 2);
            sequence += 3;
            writer.Commit();
            var now = Journal.ReadAvailable(reader);
            Assert.Equal(sequence - 1, now.Count > 0 ? now[^1].Sequence : read[^1].Sequence);
            read.AddRange(now);
        }

        Journal.AssertCrashRecords(read, 1, sequence - 1);
        Assert.Equal(_journal.Segments[^1].Path, reader.CurrentSegment);
    }

    [Fact]
    public void A_reader_waiting_at_a_segment_end_moves_to_the_next_segment_once_it_exists()
    {
        using var writer = _journal.OpenWriter(segmentSize: 4096);
        Append(writer, 1, 20);
        Assert.Single(_journal.Segments);
        using var reader = JournalReader.Open(_journal.Directory);
        Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 1, 20);
        Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));

        // The roll closes the old segment with its marker; the new segment's first record is readable at once.
        long sequence = 21;
        while (_journal.Segments.Count == 1) Append(writer, sequence, sequence++);
        Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 21, sequence - 1);
        Assert.Equal(_journal.Segments[1].Path, reader.CurrentSegment);
        Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));
    }

    [Fact]
    public void Under_durability_none_a_record_is_readable_once_appended_before_any_commit()
    {
        using var writer = _journal.OpenWriter();
        using var reader = JournalReader.Open(_journal.Directory);
        Append(writer, 1, 50);
        Assert.Equal(50, writer.WrittenSequence);
        Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 1, 50);
        Assert.Null(reader.TailProblem);
        Assert.Equal(51, reader.NextSequence);
    }

    [Theory]
    [InlineData(Durability.Batch)]
    [InlineData(Durability.Always)]
    public void Under_an_fsync_policy_a_reader_sees_nothing_the_writer_still_buffers(Durability durability)
    {
        // Under batch and always records go to the OS with one write per commit, not stored into a mapping.
        using var writer = _journal.OpenWriter(durability: durability);
        using var reader = JournalReader.Open(_journal.Directory);
        if (durability == Durability.Batch)
        {
            Append(writer, 1, 50);
            Assert.Equal(0, writer.WrittenSequence);
            Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));
            Assert.Null(reader.TailProblem);
            writer.Commit();
        }
        else Append(writer, 1, 50); // always: each append commits
        Assert.Equal(50, writer.WrittenSequence);
        Assert.Equal(0, writer.PrepareAhead());
        Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 1, 50);
        Assert.Equal(51, reader.NextSequence);
    }

    [Fact]
    public void A_reader_racing_the_writer_sees_each_record_whole_or_not_at_all()
    {
        // The writer stores into the mapping while the reader reads the file: the length word goes last, so the reader
        // never finds a length ahead of its record's bytes (a CRC mismatch it would report as a tail problem).
        const long last = 60_000;
        using var writer = _journal.OpenWriter(segmentSize: 1 << 20);
        using var reader = JournalReader.Open(_journal.Directory);
        var appender = new Thread(() => Append(writer, 1, last));
        appender.Start();
        var read = new List<StoredRecord>();
        var problems = new List<string>();
        try
        {
            while (true)
            {
                bool finished = !appender.IsAlive;
                var now = Journal.ReadAvailable(reader);
                // A record seen in part. (At a roll the reader may also find the new segment before its header is
                // written: it waits, and names that as its tail problem too; that is not a record's.)
                if (reader.TailProblem is { } problem && problem.Contains("unreadable record", StringComparison.Ordinal)) problems.Add(problem);
                read.AddRange(now);
                if (finished && now.Count == 0) break;
            }
        }
        catch (JournalException e)
        {
            problems.Add(e.Message);
        }
        finally
        {
            // The writer (and its mapping) must outlive the appending thread.
            appender.Join();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(3)));
        Journal.AssertCrashRecords(read, 1, last);
    }

    [Fact]
    public void A_reader_started_at_a_sequence_not_yet_written_waits_for_it()
    {
        using var writer = _journal.OpenWriter(segmentSize: 4096);
        Append(writer, 1, 10);
        writer.Commit();
        using var reader = JournalReader.Open(_journal.Directory, 100);
        Assert.Equal(ReadStatus.NoMoreYet, reader.TryRead(out _));

        Append(writer, 11, 120);
        writer.Commit();

        Journal.AssertCrashRecords(Journal.ReadAvailable(reader), 100, 120);
    }

    [Fact]
    public void A_reader_tailing_a_writer_on_another_thread_reads_every_record_intact()
    {
        const long last = 20_000;
        using var writer = _journal.OpenWriter(segmentSize: 8192);
        Exception? failure = null;
        bool stop = false;
        var writing = new Thread(() =>
        {
            try
            {
                var random = new Random(5);
                for (long sequence = 1; sequence <= last && !Volatile.Read(ref stop);)
                {
                    long end = Math.Min(last, sequence + random.Next(0, 8));
                    Append(writer, sequence, end);
                    sequence = end + 1;
                    writer.Commit();
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        writing.Start();

        var read = new List<StoredRecord>();
        try
        {
            using var reader = JournalReader.Open(_journal.Directory);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (read.Count < last && DateTime.UtcNow < deadline)
            {
                var status = reader.TryRead(out var record);
                if (status == ReadStatus.Record) read.Add(Journal.Copy(reader, record));
                if (status != ReadStatus.Record && !writing.IsAlive)
                {
                    read.AddRange(Journal.ReadAvailable(reader));
                    break;
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            writing.Join();
        }
        Assert.Null(failure);

        Journal.AssertCrashRecords(read, 1, last);
    }
}
