// A snapshot plus the journal after it rebuilds the same state as the whole journal; a damaged snapshot is
// skipped (and reported) in favour of a full replay; rebuild --snapshot writes one a later rebuild can start from.
using Exchange.Journal;
using Exchange.Engine.Recovery;

namespace Exchange.Replay.Tests;

public sealed class SnapshotTests : IDisposable
{
    private const long SnapshotAt = 1200;
    private readonly TestJournal _journal = new(Workload.Generate(2500, seed: 11), snapshotAt: SnapshotAt);

    public void Dispose() => _journal.Dispose();

    private string SnapshotFile => Directory.GetFiles(StateRebuild.SnapshotDirectory(_journal.Directory), "*" + SnapshotStore.Extension).Single();

    [Fact]
    public void Snapshot_plus_tail_gives_the_same_hash_as_a_full_replay()
    {
        var fromSnapshot = Tools.Replay("rebuild", _journal.Directory, "--json");
        var full = Tools.Replay("rebuild", _journal.Directory, "--no-snapshots", "--json");

        Assert.True(fromSnapshot.ExitCode == 0, fromSnapshot.ToString());
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Equal("snapshot", fromSnapshot.Json.GetProperty("start").GetString());
        Assert.Equal(SnapshotAt, fromSnapshot.Json.GetProperty("snapshotSequence").GetInt64());
        Assert.Equal(_journal.LastSequence - SnapshotAt, fromSnapshot.Json.GetProperty("recordsReplayed").GetInt64());
        Assert.Equal("journal", full.Json.GetProperty("start").GetString());
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), fromSnapshot.Json.GetProperty("stateHash").GetString());
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), full.Json.GetProperty("stateHash").GetString());
    }

    [Fact]
    public void Rebuild_to_a_sequence_before_the_snapshot_replays_from_the_start()
    {
        var result = Tools.Replay("rebuild", _journal.Directory, "--to-seq", "800", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("journal", result.Json.GetProperty("start").GetString());
        Assert.Equal(TestJournal.Hex(_journal.Hashes[800]), result.Json.GetProperty("stateHash").GetString());
    }

    [Fact]
    public void A_corrupt_snapshot_is_skipped_with_the_reason_and_the_rebuild_falls_back_to_a_full_replay()
    {
        string file = SnapshotFile;
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(file, bytes);

        var json = Tools.Replay("rebuild", _journal.Directory, "--json");
        var text = Tools.Replay("rebuild", _journal.Directory);

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("journal", json.Json.GetProperty("start").GetString());
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), json.Json.GetProperty("stateHash").GetString());
        string skipped = Assert.Single(json.Json.GetProperty("skippedSnapshots").EnumerateArray()).GetString()!;
        Assert.Contains(Path.GetFileName(file), skipped);
        Assert.Contains("CRC mismatch", skipped);
        Assert.Contains("skipped snapshot", text.Stdout);
    }

    [Fact]
    public void Rebuild_writes_a_snapshot_that_a_later_rebuild_starts_from()
    {
        string out1 = Path.Combine(_journal.Directory, "out", "at-2000.snap");
        var written = Tools.Replay("rebuild", _journal.Directory, "--to-seq", "2000", "--snapshot", out1, "--json");

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Null(SnapshotStore.Check(out1, out var info));
        Assert.Equal(2000, info!.Sequence);
        Assert.Equal(_journal.Hashes[2000], info.StateHash);
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(out1)!));  // no staging left behind

        File.Copy(out1, Path.Combine(StateRebuild.SnapshotDirectory(_journal.Directory), $"{2000:D20}{SnapshotStore.Extension}"));
        var rebuilt = Tools.Replay("rebuild", _journal.Directory, "--json");
        Assert.Equal(2000, rebuilt.Json.GetProperty("snapshotSequence").GetInt64());
        Assert.Equal(TestJournal.Hex(_journal.FinalHash), rebuilt.Json.GetProperty("stateHash").GetString());
    }
}
