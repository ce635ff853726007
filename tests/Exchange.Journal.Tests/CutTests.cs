// Cutting a journal back to a sequence (what a cluster member does when its leader never had its last records): the
// records after the cut are gone wherever they were (mid-segment, a whole later segment, a closed segment's end), the
// checkpoint follows, and the writer reopens it to append from the cut, the new records read back in order.
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed class CutTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(57)]
    [InlineData(1_000)]
    [InlineData(1_999)]
    [InlineData(2_000)]
    public void A_cut_leaves_exactly_the_records_up_to_it_and_the_writer_continues_after_it(int cutAfter)
    {
        _journal.WriteRecords(1, 2_000, segmentSize: 16 << 10);
        Assert.True(_journal.Segments.Count >= 4, "several segments");
        // The cut falls somewhere inside: at every segment boundary too.
        long removed = JournalCut.After(_journal.Directory, cutAfter);
        Assert.Equal(2_000 - cutAfter, removed);

        var kept = Journal.ReadAll(_journal.Directory);
        Assert.Equal(Enumerable.Range(1, cutAfter).Select(i => (long)i), kept.Select(r => r.Sequence));

        // The checkpoint was set back with it: a writer refuses a journal shorter than its checkpoint.
        using (var writer = _journal.OpenWriter(segmentSize: 16 << 10))
        {
            Assert.Equal(cutAfter, writer.LastSequence);
            for (long s = cutAfter + 1; s <= cutAfter + 300; s++)
                writer.Append(s, 7, 99, 1, [1, 2, 3]);
            writer.Commit();
        }
        var after = Journal.ReadAll(_journal.Directory);
        Assert.Equal(Enumerable.Range(1, cutAfter + 300).Select(i => (long)i), after.Select(r => r.Sequence));
        Assert.All(after.Skip(cutAfter), r => Assert.Equal((ushort)99, r.Type));
        Assert.All(after.Take(cutAfter), r => Assert.Equal(CrashPayload.For(r.Sequence), r.Payload));
    }

    [Fact]
    public void A_cut_at_or_past_the_end_changes_nothing()
    {
        _journal.WriteRecords(1, 100);
        Assert.Equal(0, JournalCut.After(_journal.Directory, 100));
        Assert.Equal(0, JournalCut.After(_journal.Directory, 5_000));
        Assert.Equal(100, Journal.ReadAll(_journal.Directory).Count);
        using var writer = _journal.OpenWriter();
        Assert.Equal(100, writer.LastSequence);
    }
}
