// The prefault thread (JournalOptions.SyncThread under durability none): appends into the mapped segment find their
// pages already faulted in without the appending thread ever calling PrepareAhead (a busy engine has no idle moment),
// the file stays a bounded lead longer than its records, and rolls and closes while the thread works keep every record.
using Exchange.Testing;
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed class PrefaultThreadTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    private JournalWriter Open(long segmentSize, bool thread = true) =>
        JournalWriter.Open(_journal.Options(segmentSize) with { SyncThread = thread }, out _);

    private static void WaitUntilPrefaulted(JournalWriter writer) =>
        Assert.True(SpinWait.SpinUntil(() => writer.PrefaultedTo >= writer.OpenFileLength, TimeSpan.FromSeconds(30)),
            $"the prefault thread reached the file's end ({writer.PrefaultedTo} of {writer.OpenFileLength})");

    [Fact]
    public void Appends_under_none_take_no_page_faults_once_the_thread_is_ahead_of_them()
    {
        using var writer = Open(8 << 20);
        Assert.True(writer.Prefaulting);
        long next = Journal.AppendBytes(writer, 1, 16 << 10);
        // The first appends lengthened the file a lead past them; the thread faults that in by itself.
        Assert.True(writer.OpenFileLength >= (16 << 10) + JournalWriter.PrefaultLead, $"file length {writer.OpenFileLength}");
        WaitUntilPrefaulted(writer);

        // Less than the lead: within what the thread had done, whatever it does meanwhile. Sixty-four pages, each of which
        // would fault on its first store (Without_the_thread_appends_into_the_lengthened_file_fault_page_by_page: 32 or
        // more). A few may fault all the same: the kernel's writeback of a dirty page of a shared mapping write-protects
        // it again, so the next store into it takes a minor fault, and on a busy disk writeback can reach pages the thread
        // faulted in a moment before (two did in a full test run beside the database and Kafka suites).
        long faults = PageFaults.MinorFaults(() => next = Journal.AppendBytes(writer, next, 256 << 10));
        Assert.True(faults <= 8, $"appending 256 KiB ahead of which the thread faulted pages in took {faults} minor faults");
        Assert.True(writer.PagesPrefaulted * Environment.SystemPageSize >= JournalWriter.PrefaultLead, $"{writer.PagesPrefaulted} pages prefaulted");
        // PrepareAhead leaves it to the thread.
        Assert.Equal(0, writer.PrepareAhead());
    }

    [Fact]
    public void Without_the_thread_appends_into_the_lengthened_file_fault_page_by_page()
    {
        using var writer = Open(8 << 20, thread: false);
        Assert.False(writer.Prefaulting);
        long next = Journal.AppendBytes(writer, 1, 16 << 10);
        long faults = PageFaults.MinorFaults(() => Journal.AppendBytes(writer, next, 256 << 10));
        Assert.True(faults >= 32, $"appending 256 KiB into pages nobody faulted in took only {faults} minor faults");
    }

    [Fact]
    public void The_file_is_lengthened_a_lead_ahead_and_never_more_than_twice_that_past_its_records()
    {
        using var writer = Open(4 << 20);
        long next = 1;
        for (int round = 0; round < 24; round++)
        {
            next = Journal.AppendBytes(writer, next, 100 << 10);
            long length = new FileInfo(_journal.Segments[^1].Path).Length;
            long end = writer.BytesAppended + JournalFormat.SegmentHeaderLength;
            Assert.Equal(length, writer.OpenFileLength);
            if (length < 4 << 20) Assert.True(length - end >= JournalWriter.PrefaultLead, $"round {round}: {length - end} bytes ahead");
            Assert.InRange(length, end + JournalFormat.Alignment, end + JournalFormat.Alignment + 2 * JournalWriter.PrefaultLead);
        }
        Assert.Single(_journal.Segments);
    }

    [Theory]
    [InlineData(64 << 10)]  // smaller than the lead: every segment is lengthened to its whole size at once
    [InlineData(2 << 20)]   // lengthened a lead ahead within each segment
    public void Rolls_and_the_close_while_the_thread_works_keep_every_record(long segmentSize)
    {
        const int count = 40_000;
        using (var writer = Open(segmentSize))
        {
            for (long sequence = 1; sequence <= count; sequence++)
            {
                writer.Append(sequence, CrashPayload.Timestamp(sequence), CrashPayload.Type(sequence), CrashPayload.Version(sequence), CrashPayload.For(sequence));
                if (sequence % 64 == 0) writer.Commit();
            }
            Assert.True(writer.PagesPrefaulted > 0);
        }
        Assert.True(_journal.Segments.Count > 2, $"{_journal.Segments.Count} segments");
        var records = Journal.ReadAll(_journal.Directory);
        Assert.Equal(count, records.Count);
        for (int i = 0; i < count; i++)
        {
            long sequence = i + 1;
            Assert.Equal(sequence, records[i].Sequence);
            Assert.Equal(CrashPayload.For(sequence), records[i].Payload);
        }
        // And it opens again, with its thread, and goes on from there.
        using (var writer = Open(segmentSize))
        {
            Assert.Equal(count, writer.LastSequence);
            writer.Append(count + 1, CrashPayload.Timestamp(count + 1), CrashPayload.Type(count + 1), CrashPayload.Version(count + 1), CrashPayload.For(count + 1));
        }
        Assert.Equal(count + 1, Journal.ReadAll(_journal.Directory)[^1].Sequence);
    }
}
