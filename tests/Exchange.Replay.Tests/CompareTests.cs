// compare: whether two replicas' directories hold the same state, rebuilt to the lower of their last sequences.
using System.Text.Json;
using Exchange.Engine.Recovery;

namespace Exchange.Replay.Tests;

public sealed class CompareTests : IDisposable
{
    private readonly List<TestJournal> _journals = [];
    private readonly List<Input> _inputs = Workload.Generate(1500, seed: 29);

    public void Dispose() => _journals.ForEach(j => j.Dispose());

    private TestJournal Journal(IReadOnlyList<Input> inputs, long snapshotAt = 0)
    {
        var journal = new TestJournal(inputs, snapshotAt);
        _journals.Add(journal);
        return journal;
    }

    [Fact]
    public void Replicas_written_with_the_same_records_are_equal()
    {
        var a = Journal(_inputs);
        var b = Journal(_inputs);

        var json = Tools.Replay("compare", a.Directory, b.Directory, "--json");
        var text = Tools.Replay("compare", a.Directory, b.Directory);

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.True(json.Json.GetProperty("equal").GetBoolean());
        Assert.Equal(1500, json.Json.GetProperty("commonSequence").GetInt64());
        foreach (var (name, journal) in new[] { ("a", a), ("b", b) })
        {
            var side = json.Json.GetProperty(name);
            Assert.Equal(journal.Directory, side.GetProperty("directory").GetString());
            Assert.Equal(1500, side.GetProperty("lastSequence").GetInt64());
            Assert.Equal("2024-03-01T09:30:01.499000000Z", side.GetProperty("lastTimestamp").GetString());
            Assert.Equal(Workload.TimestampOf(1500), side.GetProperty("lastTimestampNs").GetInt64());
            Assert.Equal(1500, side.GetProperty("durableSequence").GetInt64());
            Assert.Equal(TestJournal.Hex(journal.FinalHash), side.GetProperty("stateHash").GetString());
            Assert.Equal("journal", side.GetProperty("start").GetString());
        }
        Assert.False(json.Json.TryGetProperty("firstDifferentSequence", out _));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"at sequence 1500: stateHash A {TestJournal.Hex(a.FinalHash)} (full replay), B {TestJournal.Hex(a.FinalHash)} (full replay)\n", text.Stdout);
        Assert.EndsWith("equal: the same state at sequence 1500\n", text.Stdout);
    }

    [Fact]
    public void A_replica_behind_is_compared_at_the_common_sequence()
    {
        var a = Journal(_inputs);
        var b = Journal(_inputs.Take(1000).ToList());

        var json = Tools.Replay("compare", a.Directory, b.Directory, "--json");
        var text = Tools.Replay("compare", a.Directory, b.Directory);

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.True(json.Json.GetProperty("equal").GetBoolean());
        Assert.Equal(1000, json.Json.GetProperty("commonSequence").GetInt64());
        Assert.Equal(1500, json.Json.GetProperty("a").GetProperty("lastSequence").GetInt64());
        Assert.Equal(1000, json.Json.GetProperty("b").GetProperty("lastSequence").GetInt64());
        Assert.Equal(TestJournal.Hex(a.Hashes[1000]), json.Json.GetProperty("a").GetProperty("stateHash").GetString());
        Assert.Equal(TestJournal.Hex(a.Hashes[1000]), json.Json.GetProperty("b").GetProperty("stateHash").GetString());
        Assert.Equal(0, text.ExitCode);
        Assert.Contains($"A {a.Directory}: last sequence 1500 at 2024-03-01T09:30:01.499000000Z, durable 1500\n", text.Stdout);
        Assert.Contains($"B {b.Directory}: last sequence 1000 at 2024-03-01T09:30:00.999000000Z, durable 1000\n", text.Stdout);
    }

    [Fact]
    public void A_replica_with_a_different_record_differs_and_the_record_is_named()
    {
        var changed = _inputs.ToList();
        // Another amount in a deposit: the same type of record, a different balance after it.
        int at = changed.FindIndex(900, i => i.Type == "Deposit");
        long account = changed[at].Account!.Value;
        var buffer = new byte[256];
        changed[at] = changed[at] with { Payload = buffer[..CommandCodec.Encode(new Deposit(account, 0, 1_234_567_891), buffer)] };
        var a = Journal(_inputs);
        var b = Journal(changed);
        Assert.NotEqual(a.FinalHash, b.FinalHash);

        var json = Tools.Replay("compare", a.Directory, b.Directory, "--json");
        var text = Tools.Replay("compare", a.Directory, b.Directory);

        Assert.True(json.ExitCode == 1, json.ToString());
        Assert.False(json.Json.GetProperty("equal").GetBoolean());
        Assert.Equal(TestJournal.Hex(a.FinalHash), json.Json.GetProperty("a").GetProperty("stateHash").GetString());
        Assert.Equal(TestJournal.Hex(b.FinalHash), json.Json.GetProperty("b").GetProperty("stateHash").GetString());
        Assert.Equal(at + 1, json.Json.GetProperty("firstDifferentSequence").GetInt64());
        Assert.Contains("payload differs", json.Json.GetProperty("difference").GetString());
        Assert.Equal(1, text.ExitCode);
        Assert.Contains($"differ: the journals differ at sequence {at + 1}: payload differs", text.Stdout);
    }

    [Fact]
    public void Snapshots_start_the_rebuilds_unless_no_snapshots_is_given()
    {
        var a = Journal(_inputs, snapshotAt: 800);
        var b = Journal(_inputs);

        var withSnapshots = Tools.Replay("compare", a.Directory, b.Directory, "--json");
        var without = Tools.Replay("compare", a.Directory, b.Directory, "--no-snapshots", "--json");

        Assert.True(withSnapshots.ExitCode == 0, withSnapshots.ToString());
        Assert.Equal("snapshot", withSnapshots.Json.GetProperty("a").GetProperty("start").GetString());
        Assert.Equal(800, withSnapshots.Json.GetProperty("a").GetProperty("snapshotSequence").GetInt64());
        Assert.True(without.ExitCode == 0, without.ToString());
        Assert.Equal("journal", without.Json.GetProperty("a").GetProperty("start").GetString());
    }

    [Fact]
    public void A_snapshot_of_another_state_differs_though_the_journals_agree()
    {
        // A snapshot that is whole (its own hash checks out) but not of this journal's state: only a rebuild shows it.
        var a = Journal(_inputs);
        var b = Journal(_inputs);
        var other = Journal(Workload.Generate(1500, seed: 31), snapshotAt: 800);
        string snapshots = StateRebuild.SnapshotDirectory(b.Directory);
        Directory.CreateDirectory(snapshots);
        foreach (string file in Directory.GetFiles(StateRebuild.SnapshotDirectory(other.Directory)))
            File.Copy(file, Path.Combine(snapshots, Path.GetFileName(file)));

        var text = Tools.Replay("compare", a.Directory, b.Directory);
        var json = Tools.Replay("compare", a.Directory, b.Directory, "--json");
        var journalsOnly = Tools.Replay("compare", a.Directory, b.Directory, "--no-snapshots");

        Assert.True(text.ExitCode == 1, text.ToString());
        Assert.Contains("differ: the journals are identical through sequence 1500", text.Stdout);
        Assert.Equal(1, json.ExitCode);
        Assert.False(json.Json.TryGetProperty("firstDifferentSequence", out _));
        Assert.Equal("snapshot", json.Json.GetProperty("b").GetProperty("start").GetString());
        Assert.True(journalsOnly.ExitCode == 0, journalsOnly.ToString());
    }

    [Fact]
    public void A_replica_without_a_checkpoint_compares_with_no_durable_sequence()
    {
        var a = Journal(_inputs);
        var b = Journal(_inputs);
        File.Delete(Path.Combine(b.Directory, "journal.checkpoint"));

        var result = Tools.Replay("compare", a.Directory, b.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(JsonValueKind.Null, result.Json.GetProperty("b").GetProperty("durableSequence").ValueKind);
    }
}
