// Reading past damage: a torn tail (what a crash leaves) is replayed up to and reported; damage with valid
// records after it is never mistaken for the end of the journal.
using Exchange.Journal;
using Exchange.Engine.Recovery;

namespace Exchange.Replay.Tests;

public sealed class DamagedJournalTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(2000, seed: 29));

    public void Dispose() => _journal.Dispose();

    private static void FlipBit(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x04));
    }

    [Fact]
    public void Rebuild_of_a_journal_with_a_torn_tail_replays_what_came_before_and_warns()
    {
        _journal.TearLastRecord();

        var result = Tools.Replay("rebuild", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TestJournal.Hex(_journal.Hashes[_journal.LastSequence - 1]), result.Json.GetProperty("stateHash").GetString());
        Assert.Contains("torn tail", result.Stderr);
    }

    [Fact]
    public void Rebuild_through_damage_in_an_older_segment_fails_with_exit_1()
    {
        FlipBit(_journal.Segments[2], JournalFormat.SegmentHeaderLength + 400);

        var result = Tools.Replay("rebuild", _journal.Directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("corrupt", result.Stderr);
        Assert.Contains(Path.GetFileName(_journal.Segments[2]), result.Stderr);
    }

    [Fact]
    public void Rebuild_through_damage_in_the_newest_segment_is_not_taken_for_the_end_of_the_journal()
    {
        FlipBit(_journal.Segments[^1], JournalFormat.SegmentHeaderLength + 40);

        var rebuild = Tools.Replay("rebuild", _journal.Directory, "--json");
        var dump = Tools.Replay("dump", _journal.Directory, "--type", "AddSymbol");

        Assert.Equal(1, rebuild.ExitCode);
        Assert.Contains("corrupt", rebuild.Stderr);
        Assert.Contains("a valid record follows", rebuild.Stderr);
        Assert.Equal(1, dump.ExitCode);
        Assert.Contains("corrupt", dump.Stderr);
    }

    [Fact]
    public void Diff_against_a_standby_damaged_in_its_newest_segment_says_so_rather_than_calling_it_a_prefix()
    {
        using var standby = new TestJournal(_journal.Inputs);
        FlipBit(standby.Segments[^1], JournalFormat.SegmentHeaderLength + 40);

        var result = Tools.Replay("diff", _journal.Directory, standby.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("corrupt", result.Stderr);
        Assert.DoesNotContain("prefix", result.Stdout);
    }

    /// <summary>The journal's reader itself, not the tool: in the newest segment any unreadable record is taken for
    /// the end (NoMoreYet), even when valid records follow it, so StateRebuild, standbys and exporters stop there
    /// silently. TailRecovery tells the two apart with AnyValidRecordAfter; the reader should too.</summary>
    [Fact]
    public void The_journal_reader_reports_damage_in_the_newest_segment_when_valid_records_follow()
    {
        FlipBit(_journal.Segments[^1], JournalFormat.SegmentHeaderLength + 40);
        long first = SegmentDirectory.List(_journal.Directory)[^1].FirstSequence;

        using var reader = JournalReader.Open(_journal.Directory, first);
        Assert.Throws<JournalCorruptException>(() =>
        {
            while (reader.TryRead(out _) == ReadStatus.Record) { }
        });
    }
}
