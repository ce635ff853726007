// The journal's sync thread (JournalOptions.SyncThread, batch durability): the appending thread never waits for an
// fsync, DurableSequence counts only what an fsync that started after its records were written has covered, records
// appended during an fsync make up the next one, a failed fsync stops the appending thread with its reason, and rolls,
// flushes and closes keep every record.
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed class SyncThreadTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    private JournalWriter Open(Action? beforeSync = null, long segmentSize = 128L << 20) =>
        JournalWriter.Open(_journal.Options(segmentSize, Durability.Batch) with
        {
            BatchMaxDelay = TimeSpan.Zero,
            SyncThread = true,
            BeforeThreadSync = beforeSync,
        }, out _);

    private static void Append(JournalWriter writer, long first, long last)
    {
        for (long sequence = first; sequence <= last; sequence++)
            writer.Append(sequence, CrashPayload.Timestamp(sequence), CrashPayload.Type(sequence), CrashPayload.Version(sequence), CrashPayload.For(sequence));
    }

    /// <summary>Calls DoWork until <paramref name="done"/> (the appending thread takes up the sync thread's progress there).</summary>
    private static void Until(JournalWriter writer, Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            writer.DoWork();
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void Commit_returns_while_the_fsync_it_asked_for_is_held_and_nothing_counts_durable_until_it_returns()
    {
        using var entered = new SemaphoreSlim(0);
        // The first two fsyncs are each held until the test lets them go.
        using var releaseFirst = new ManualResetEventSlim(false);
        using var releaseSecond = new ManualResetEventSlim(false);
        int fsyncsStarted = 0;
        using var writer = Open(() =>
        {
            int n = Interlocked.Increment(ref fsyncsStarted);
            entered.Release();
            if (n <= 2) Assert.True((n == 1 ? releaseFirst : releaseSecond).Wait(TimeSpan.FromSeconds(30)), "the test releases the fsync");
        });

        Append(writer, 1, 10);
        writer.Commit();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)), "the sync thread starts an fsync for records 1..10");
        Assert.Equal(10, writer.WrittenSequence);
        Assert.Equal(0, writer.DurableSequence);

        // The appending thread goes on while that fsync is held: more records, more commits, no wait.
        for (long first = 11; first <= 101; first += 10)
        {
            Append(writer, first, first + 9);
            writer.Commit();
            Assert.Equal(first + 9, writer.WrittenSequence);
            Assert.Equal(0, writer.DurableSequence);
            Assert.Equal(0, writer.DoWork());
        }
        Assert.True(writer.SyncPending);

        // The held fsync counts only what was written before it started: 10, not 110.
        releaseFirst.Set();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)), "the next fsync starts for what was written meanwhile");
        Until(writer, () => writer.DurableSequence == 10, "the first fsync's records become durable");
        Assert.True(writer.SyncPending);
        Thread.Sleep(50);
        writer.DoWork();
        Assert.Equal(10, writer.DurableSequence);

        // The next one covers the hundred records appended during the first, in one fsync.
        releaseSecond.Set();
        Until(writer, () => writer.DurableSequence == 110, "everything becomes durable");
        Assert.Equal(2, writer.Fsyncs);
        Assert.False(writer.SyncPending);
    }

    [Fact]
    public void Fsync_durations_from_the_sync_thread_reach_FsyncObserved_on_the_appending_thread()
    {
        int appendingThread = Environment.CurrentManagedThreadId;
        var observedOn = new List<int>();
        using var writer = Open();
        writer.FsyncObserved = nanos => { Assert.True(nanos >= 0); observedOn.Add(Environment.CurrentManagedThreadId); };
        for (long first = 1; first <= 50; first++)
        {
            Append(writer, first, first);
            writer.Commit();
            Until(writer, () => writer.DurableSequence == first, $"record {first} becomes durable");
        }
        Assert.Equal(50, writer.Fsyncs);
        Until(writer, () => observedOn.Count == 50, "every fsync is observed");
        Assert.All(observedOn, thread => Assert.Equal(appendingThread, thread));
    }

    [Fact]
    public void A_failed_fsync_on_the_sync_thread_stops_the_appending_thread_with_the_reason_and_counts_nothing_durable()
    {
        var writer = Open(() => throw new IOException("Input/output error (simulated at the fsync)"));
        Append(writer, 1, 5);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JournalException? failure = null;
        // The Commit that asks for the fsync may already hear of its failure, or a later call does.
        try { writer.Commit(); }
        catch (JournalException e) { failure = e; }
        while (failure == null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the failure reaches the appending thread");
            try { writer.DoWork(); Thread.Sleep(1); }
            catch (JournalException e) { failure = e; }
        }
        Assert.Contains("fsync failed", failure.Message);
        Assert.Contains("Input/output error", failure.Message);
        Assert.Equal(0, writer.DurableSequence);
        Assert.Throws<JournalException>(() => writer.Commit());
        Assert.Throws<JournalException>(writer.Dispose);
    }

    [Fact]
    public void Records_across_many_segment_rolls_are_all_kept_and_durable_while_the_sync_thread_runs()
    {
        const long last = 60_000;
        using (var writer = Open(segmentSize: 64 << 10))
        {
            for (long first = 1; first <= last; first += 37)
            {
                Append(writer, first, Math.Min(first + 36, last));
                writer.Commit();
                Assert.True(writer.DurableSequence <= writer.WrittenSequence);
            }
            Until(writer, () => writer.DurableSequence == last, "the last record becomes durable");
            Assert.True(writer.Fsyncs > 10, $"{writer.Fsyncs} fsyncs");
        }
        Assert.True(_journal.Segments.Count > 20, $"{_journal.Segments.Count} segments");
        Journal.AssertCrashRecords(Journal.ReadAll(_journal.Directory), 1, last);
        Assert.Equal(last, Checkpoint.Read(_journal.Directory));

        // Reopened, it continues where it ended.
        using var again = Open();
        Assert.Equal(last, again.LastSequence);
        Assert.Equal(last, again.DurableSequence);
        Append(again, last + 1, last + 1);
        again.Flush();
        Assert.Equal(last + 1, again.DurableSequence);
    }

    [Fact]
    public void Flush_makes_everything_durable_before_it_returns_even_while_the_sync_thread_holds_an_fsync()
    {
        using var entered = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim(false);
        using var writer = Open(() =>
        {
            entered.Release();
            release.Wait(TimeSpan.FromSeconds(30));
        });
        Append(writer, 1, 10);
        writer.Commit();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        Append(writer, 11, 20);
        using var flushed = new ManualResetEventSlim(false);
        var flusher = new Thread(() => { writer.Flush(); flushed.Set(); });
        flusher.Start();
        // The flush waits for the held fsync to finish (the file is the sync thread's while it runs), then makes 11..20
        // durable itself.
        Assert.False(flushed.Wait(TimeSpan.FromMilliseconds(200)));
        release.Set();
        Assert.True(flushed.Wait(TimeSpan.FromSeconds(30)));
        flusher.Join();
        Assert.Equal(20, writer.DurableSequence);
    }
}
