// What each durability policy promises: when records count as durable and how many fsyncs that costs;
// and what Append refuses.
namespace Exchange.Journal.Tests;

public sealed class DurabilityTests : IDisposable
{
    private readonly TempJournal _journal = new();
    // Group commit's delay is read from this clock, so the tests move time instead of sleeping.
    private readonly ManualClock _clock = new();

    public void Dispose() => _journal.Dispose();

    private static void Append(JournalWriter writer, long sequence) => writer.Append(sequence, sequence, 1, 1, new byte[40]);

    private JournalWriter Open(Durability durability, TimeSpan? batchMaxDelay = null, int batchMaxRecords = 4096) =>
        JournalWriter.Open(_journal.Options(128L << 20, durability) with
        {
            BatchMaxDelay = batchMaxDelay ?? TimeSpan.FromMilliseconds(1),
            BatchMaxRecords = batchMaxRecords,
            Clock = _clock,
        }, out _);

    [Fact]
    public void None_never_fsyncs_and_counts_records_durable_once_committed()
    {
        using var writer = Open(Durability.None);
        for (long sequence = 1; sequence <= 1000; sequence++)
        {
            Append(writer, sequence);
            if (sequence % 10 == 0)
            {
                Assert.Equal(sequence - 10, writer.DurableSequence);
                writer.Commit();
                Assert.Equal(sequence, writer.WrittenSequence);
                Assert.Equal(writer.WrittenSequence, writer.DurableSequence);
            }
        }
        Assert.Equal(0, writer.Fsyncs);
        Assert.Equal(0, writer.DoWork());
    }

    [Fact]
    public void Always_fsyncs_every_record_and_each_is_durable_when_Append_returns()
    {
        using var writer = Open(Durability.Always);
        for (long sequence = 1; sequence <= 200; sequence++)
        {
            Append(writer, sequence);
            Assert.Equal(sequence, writer.DurableSequence);
            Assert.Equal(sequence, writer.Fsyncs);
            if (sequence % 7 == 0) writer.Commit();
        }
        Assert.Equal(200, writer.Fsyncs);
    }

    [Fact]
    public void Batch_covers_many_records_with_one_fsync()
    {
        using var writer = Open(Durability.Batch, TimeSpan.FromHours(1), batchMaxRecords: 100);
        for (long sequence = 1; sequence <= 5000; sequence++)
        {
            Append(writer, sequence);
            if (sequence % 20 == 0) writer.Commit();
        }

        Assert.Equal(50, writer.Fsyncs);
        Assert.Equal(5000, writer.DurableSequence);
    }

    [Fact]
    public void Batch_advances_DurableSequence_only_when_it_fsyncs()
    {
        using var writer = Open(Durability.Batch, TimeSpan.FromHours(1), batchMaxRecords: 100);
        for (long sequence = 1; sequence <= 250; sequence++)
        {
            Append(writer, sequence);
            if (sequence % 10 != 0) continue;
            long fsyncsBefore = writer.Fsyncs, durableBefore = writer.DurableSequence;
            writer.Commit();
            Assert.Equal(sequence, writer.WrittenSequence);
            if (writer.Fsyncs == fsyncsBefore) Assert.Equal(durableBefore, writer.DurableSequence);
            else Assert.Equal(sequence, writer.DurableSequence);
        }
        Assert.Equal(2, writer.Fsyncs);
        Assert.Equal(200, writer.DurableSequence);
        Assert.Equal(250, writer.WrittenSequence);

        writer.Flush();
        Assert.Equal(250, writer.DurableSequence);
        Assert.Equal(3, writer.Fsyncs);
    }

    [Fact]
    public void Batch_DoWork_fsyncs_once_BatchMaxDelay_has_passed()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        using var writer = Open(Durability.Batch, delay);
        for (long sequence = 1; sequence <= 10; sequence++) Append(writer, sequence);
        writer.Commit();
        Assert.Equal(0, writer.DoWork());
        Assert.Equal(10, writer.WrittenSequence);
        Assert.Equal(0, writer.DurableSequence);
        Assert.Equal(0, writer.Fsyncs);

        _clock.Advance(delay - TimeSpan.FromTicks(1));
        Assert.Equal(0, writer.DoWork());
        Assert.Equal(0, writer.Fsyncs);
        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(1, writer.DoWork());
        Assert.Equal(1, writer.Fsyncs);
        Assert.Equal(10, writer.DurableSequence);
        Assert.Equal(0, writer.DoWork());
    }

    [Fact]
    public void Batch_DoWork_also_writes_records_appended_but_not_committed()
    {
        var delay = TimeSpan.FromMilliseconds(50);
        using var writer = Open(Durability.Batch, delay);
        for (long sequence = 1; sequence <= 10; sequence++) Append(writer, sequence);
        _clock.Advance(delay);

        Assert.Equal(1, writer.DoWork());
        Assert.Equal(10, writer.DurableSequence);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Journal.ReadAll(_journal.Directory).Select(r => r.Sequence));
    }

    [Fact]
    public void Batch_Commit_fsyncs_when_the_oldest_unsynced_record_is_older_than_BatchMaxDelay()
    {
        var delay = TimeSpan.FromMilliseconds(50);
        using var writer = Open(Durability.Batch, delay);
        Append(writer, 1);
        writer.Commit();
        Assert.Equal(0, writer.Fsyncs);
        _clock.Advance(delay - TimeSpan.FromTicks(1));
        Append(writer, 2);
        writer.Commit();
        Assert.Equal(0, writer.Fsyncs);
        _clock.Advance(TimeSpan.FromTicks(1));
        Append(writer, 3);

        writer.Commit();

        Assert.Equal(1, writer.Fsyncs);
        Assert.Equal(3, writer.DurableSequence);
    }

    [Fact]
    public void Batch_Commit_with_nothing_appended_since_the_last_fsync_does_not_fsync_again()
    {
        using var writer = Open(Durability.Batch, batchMaxDelay: TimeSpan.Zero);
        Append(writer, 1);
        writer.Commit();
        Assert.Equal(1, writer.Fsyncs);
        writer.Commit();
        writer.Commit();
        Assert.Equal(1, writer.Fsyncs);
    }

    [Fact]
    public void Append_of_a_sequence_that_does_not_follow_on_throws_and_changes_nothing()
    {
        using var writer = Open(Durability.None);
        Assert.Throws<ArgumentOutOfRangeException>(() => Append(writer, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Append(writer, -5));
        Append(writer, 1);
        Append(writer, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Append(writer, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Append(writer, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Append(writer, 1));
        Assert.Equal(2, writer.LastSequence);
        Append(writer, 3);
        writer.Commit();

        Assert.Equal([1L, 2L, 3L], Journal.ReadAll(_journal.Directory).Select(r => r.Sequence));
    }

    [Fact]
    public void Append_of_a_payload_over_MaxPayload_throws_and_changes_nothing()
    {
        using var writer = Open(Durability.None);
        Append(writer, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append(2, 0, 0, 0, new byte[writer.MaxPayload + 1]));
        Assert.Equal(1, writer.LastSequence);
        writer.Append(2, 0, 0, 0, new byte[writer.MaxPayload]);
        writer.Commit();

        var read = Journal.ReadAll(_journal.Directory);
        Assert.Equal([1L, 2L], read.Select(r => r.Sequence));
        Assert.Equal(writer.MaxPayload, read[1].Payload.Length);
    }

    [Fact]
    public void Flush_makes_everything_durable_whatever_the_policy()
    {
        using var writer = Open(Durability.Batch, TimeSpan.FromHours(1));
        for (long sequence = 1; sequence <= 10; sequence++) Append(writer, sequence);
        writer.Flush();
        Assert.Equal(10, writer.DurableSequence);
        Assert.Equal(1, writer.Fsyncs);
    }
}
