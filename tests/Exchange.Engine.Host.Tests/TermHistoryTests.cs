// A leader's answer to a standby's hello: where the standby's journal must be cut to agree with the leader's, from the
// leaderships each holds; and the history's file, which survives a restart and forgets entries past the journal's end.
using Exchange.Engine.Host;

namespace Exchange.Engine.Host.Tests;

public sealed class TermHistoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("exchange-terms-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Leaderships at 11 (term 5), 300 (term 9) and 700 (term 12, the current one).</summary>
    private TermHistory Leader()
    {
        var history = TermHistory.Open(_directory, journalLast: 1_000);
        history.Add(5, 11);
        history.Add(9, 300);
        history.Add(12, 700);
        return history;
    }

    [Theory]
    // From the current leadership: whatever it holds, this leader sent it.
    [InlineData(850, 12, 700, TermHistory.NoCut)]
    // From an earlier one, and no further than where it ended here: nothing to cut.
    [InlineData(250, 5, 11, TermHistory.NoCut)]
    [InlineData(299, 5, 11, TermHistory.NoCut)]
    [InlineData(699, 9, 300, TermHistory.NoCut)]
    // Past where its leadership ended here: the deposed leader's tail (or a standby's copy of it) goes.
    [InlineData(300, 5, 11, 299)]
    [InlineData(760, 9, 300, 699)]
    // A leadership this leader never saw: all of it goes, and the next hello is judged by the one before.
    [InlineData(705, 10, 690, 689)]
    // The same term starting elsewhere cannot be: cut before the earlier of the two starts.
    [InlineData(720, 9, 310, 299)]
    // Records from before any leadership: common up to the first one.
    [InlineData(10, 0, 0, TermHistory.NoCut)]
    [InlineData(40, 0, 0, 10)]
    public void A_standby_is_cut_to_where_its_last_leadership_ended_in_the_leaders_journal(long durable, long lastTerm, long lastTermStart, long expected)
    {
        Assert.Equal(expected, Leader().CutFor(durable, lastTerm, lastTermStart));
    }

    [Fact]
    public void Without_leaderships_on_either_side_nothing_is_cut()
    {
        Assert.Equal(TermHistory.NoCut, TermHistory.InMemory().CutFor(5_000, 0, 0));
    }

    [Fact]
    public void The_history_is_kept_beside_the_journal_and_forgets_what_the_journal_never_got()
    {
        Leader();
        var reopened = TermHistory.Open(_directory, journalLast: 1_000);
        Assert.Equal(3, reopened.Count);
        Assert.Equal((12L, 700L), reopened.Latest);
        // Written just before a crash that kept its record out of the journal: dropped.
        Assert.Equal((9L, 300L), TermHistory.Open(_directory, journalLast: 699).Latest);

        reopened.CutAfter(299);
        Assert.Equal((5L, 11L), TermHistory.Open(_directory, journalLast: 1_000).Latest);
        Assert.Throws<InvalidOperationException>(() => reopened.Add(4, 400));
    }

    [Fact]
    public void A_damaged_history_is_refused_with_its_line()
    {
        File.WriteAllText(Path.Combine(_directory, TermHistory.FileName), "5 11\n4 300\n");
        var e = Assert.Throws<InvalidDataException>(() => TermHistory.Open(_directory, 1_000));
        Assert.Contains("line 2", e.Message);
    }
}
