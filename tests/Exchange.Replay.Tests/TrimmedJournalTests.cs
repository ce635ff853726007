// A journal that starts after sequence 1 (its early segments removed by retention, a snapshot standing for them):
// rebuild starts from the snapshot and reaches the same state, verify reads it from its first record and says it
// needs a snapshot, diff and compare set it against the whole journal over the range both hold, and without a snapshot
// the rebuild stops with an error naming where the journal starts.
using Exchange.Journal;

namespace Exchange.Replay.Tests;

public sealed class TrimmedJournalTests : IDisposable
{
    private const long SnapshotAt = 1500;
    private readonly TestJournal _whole = new(Workload.Generate(2500, seed: 11));
    private readonly TestJournal _trimmed = new(Workload.Generate(2500, seed: 11), snapshotAt: SnapshotAt);
    private readonly long _first;

    public TrimmedJournalTests()
    {
        (_first, int removed) = JournalRetention.RemoveThrough(_trimmed.Directory, SnapshotAt, archive: false);
        Assert.True(removed > 0 && _first > 1 && _first <= SnapshotAt + 1, $"removed {removed}, first {_first}");
    }

    public void Dispose()
    {
        _whole.Dispose();
        _trimmed.Dispose();
    }

    [Fact]
    public void Rebuild_starts_from_the_snapshot_and_reaches_the_state_of_the_whole_journal()
    {
        var rebuilt = Tools.Replay("rebuild", _trimmed.Directory, "--json");

        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        Assert.Equal("snapshot", rebuilt.Json.GetProperty("start").GetString());
        Assert.Equal(TestJournal.Hex(_whole.FinalHash), rebuilt.Json.GetProperty("stateHash").GetString());
    }

    [Fact]
    public void Without_a_snapshot_the_rebuild_stops_naming_where_the_journal_starts()
    {
        var result = Tools.Replay("rebuild", _trimmed.Directory, "--no-snapshots");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"the journal starts at sequence {_first}", result.Stderr);
        Assert.Contains($"no valid snapshot (snapshots not used) covers sequences 1..{_first - 1}", result.Stderr);
    }

    [Fact]
    public void Verify_reads_it_from_its_first_record_and_says_it_needs_a_snapshot()
    {
        var result = Tools.Replay("verify", _trimmed.Directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"sequences {_first}..2500", result.Stdout);
        Assert.Contains($"rebuilding needs a snapshot at or after sequence {_first - 1}", result.Stdout);
    }

    [Fact]
    public void Diff_and_compare_set_it_against_the_whole_journal_over_the_range_both_hold()
    {
        var diff = Tools.Replay("diff", _whole.Directory, _trimmed.Directory, "--json");
        var compare = Tools.Replay("compare", _whole.Directory, _trimmed.Directory, "--json");

        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Equal("identical", diff.Json.GetProperty("outcome").GetString());
        Assert.Equal(2500 - _first + 1, diff.Json.GetProperty("identicalRecords").GetInt64());
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.True(compare.Json.GetProperty("equal").GetBoolean());
    }
}
