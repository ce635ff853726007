// position: how far a replica has come: its journal's last record and its checkpoint's durable sequence.
using System.Text.Json;
using Exchange.Journal;

namespace Exchange.Replay.Tests;

public sealed class PositionTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(1500, seed: 23));

    public void Dispose() => _journal.Dispose();

    private string Checkpoint => Path.Combine(_journal.Directory, "journal.checkpoint");

    [Fact]
    public void Position_is_the_last_record_and_the_durable_sequence()
    {
        Assert.True(_journal.Segments.Count > 2, "the journal should span segments");

        var result = Tools.Replay("position", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json;
        Assert.Equal(_journal.Directory, json.GetProperty("directory").GetString());
        Assert.Equal(1500, json.GetProperty("lastSequence").GetInt64());
        Assert.Equal("2024-03-01T09:30:01.499000000Z", json.GetProperty("lastTimestamp").GetString());
        Assert.Equal(Workload.TimestampOf(1500), json.GetProperty("lastTimestampNs").GetInt64());
        // The writer advances its checkpoint to the last record when it closes.
        Assert.Equal(1500, json.GetProperty("durableSequence").GetInt64());
    }

    [Fact]
    public void A_checkpoint_behind_the_journal_is_reported_as_it_stands()
    {
        // A checkpoint lags the records it names: here one written when the journal held 1,000 records.
        using var shorter = new TestJournal(_journal.Inputs.Take(1000).ToList());
        File.Copy(Path.Combine(shorter.Directory, "journal.checkpoint"), Checkpoint, overwrite: true);

        var json = Tools.Replay("position", _journal.Directory, "--json");
        var text = Tools.Replay("position", _journal.Directory);

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(1500, json.Json.GetProperty("lastSequence").GetInt64());
        Assert.Equal(1000, json.Json.GetProperty("durableSequence").GetInt64());
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal($"{_journal.Directory}: last sequence 1500 at 2024-03-01T09:30:01.499000000Z, durable 1000\n", text.Stdout);
    }

    [Fact]
    public void A_journal_without_a_checkpoint_has_no_durable_sequence_and_keeps_none()
    {
        File.Delete(Checkpoint);

        var json = Tools.Replay("position", _journal.Directory, "--json");
        var text = Tools.Replay("position", _journal.Directory);

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(JsonValueKind.Null, json.Json.GetProperty("durableSequence").ValueKind);
        Assert.EndsWith(", no checkpoint\n", text.Stdout);
        // Reading a position never writes: no checkpoint is created for it.
        Assert.False(File.Exists(Checkpoint));
    }

    [Fact]
    public void A_damaged_checkpoint_is_reported_not_repaired()
    {
        byte[] bytes = File.ReadAllBytes(Checkpoint);
        bytes[10] ^= 1;
        File.WriteAllBytes(Checkpoint, bytes);

        var result = Tools.Replay("position", _journal.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("journal.checkpoint: damaged", result.Stderr);
        Assert.Equal(bytes, File.ReadAllBytes(Checkpoint));
    }

    [Fact]
    public void A_newest_segment_holding_no_records_yet_leaves_the_last_record_in_the_one_before()
    {
        // What a crash leaves between the writer creating the next segment (header) and its first record.
        string newest = _journal.Segments[^1];
        long first = SegmentDirectory.List(_journal.Directory)[^1].FirstSequence;
        byte[] bytes = File.ReadAllBytes(newest);
        bytes.AsSpan(JournalFormat.SegmentHeaderLength).Clear();
        File.WriteAllBytes(newest, bytes);

        var result = Tools.Replay("position", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(first - 1, result.Json.GetProperty("lastSequence").GetInt64());
        Assert.Equal(Workload.TimestampOf(first - 1), result.Json.GetProperty("lastTimestampNs").GetInt64());
    }
}
