// Standbys caught up from the primary's snapshot, with real processes over loopback UDP: a primary that writes
// snapshots while it runs and removes the journal segments they make unnecessary; a brand-new standby with an empty
// directory joins it by snapshot and journal and ends with the same records byte for byte over the range both hold and
// the same state; a standby killed while the snapshot comes in starts again from its own disk and asks again; a chunk
// damaged on the way is refused with the reason and sent again.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Journal;
using Exchange.Testing;

using static Exchange.System.Tests.Replicas;

namespace Exchange.System.Tests;

public sealed class SnapshotCatchUpTests() : ProcessTest("exchange-snapshot-catch-up-")
{
    private const int Btc = 1;

    private static string Standby(string name, string mode, int port) => $"{name},{mode},{EngineProcess.Channel(port)}";

    /// <summary>A primary with small segments, a snapshot every 300 inputs, and retention removing what they cover.</summary>
    private EngineProcess Primary(int port, int standbyPort, params string[] extra) =>
        Own(new EngineProcess(1, "BTC-USD", Dir("p"), port, durability: "none", extra:
        [
            "--standby", Standby("a", "sync", standbyPort), "--segment-size", "32768", "--snapshot-every", "300", "--journal-retention", "delete", .. extra,
        ]));

    private EngineProcess StandbyOf(int primaryPort, int port) =>
        Own(new EngineProcess(1, "BTC-USD", Dir("a"), port, durability: "none",
            extra: ["--standby-of", EngineProcess.Channel(primaryPort), "--standby-name", "a"]));

    /// <summary>Trades until the primary has removed its early segments; returns its settled status line.</summary>
    private static string RunUntilTrimmed(EngineProcess primary, string journal)
    {
        string status = TradeAndSettle(primary, 1_200, 1);
        Eventually.True(() => primary.Process.Stderr.Contains("journal retention:", StringComparison.Ordinal), "the primary removes early segments", Timeouts.Process);
        Assert.True(JournalRetention.FirstSequence(journal) > 1, "the primary's journal no longer starts at sequence 1");
        return status;
    }

    /// <summary><see cref="Replicas.At"/>, saying what the primary logged when the standby never gets there.</summary>
    private static string At(EngineProcess standby, long sequence, EngineProcess primary)
    {
        try { return Replicas.At(standby, sequence); }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message}\nprimary's stderr:\n{primary.Process.Stderr}", e); }
    }

    /// <summary>Orders that rest (buys well under sells), so the snapshot holds a book of some size.</summary>
    private static void Rest(EngineProcess primary, int count, long firstId)
    {
        using var a = Clients.Connect("mm-1001-key", new ShardEndpoint(primary.ChannelUri, [Btc]));
        for (int i = 0; i < count; i++)
        {
            var side = i % 2 == 0 ? Side.Buy : Side.Sell;
            long price = side == Side.Buy ? 59_000 - i % 90 * 10 : 61_000 + i % 90 * 10;
            while (a.NewOrder(Limit(firstId + i, side, price)) <= 0) a.Poll();
            a.Poll();
        }
        Clients.PollUntil(() => a.Listener.Accepted.Count + a.Listener.Rejected.Count == count, Timeouts.Process, () => a.Poll());
        Assert.Empty(a.Listener.Rejected);
    }

    /// <summary>Every record's bytes (header with its CRC, payload, padding) from <paramref name="from"/> through <paramref name="through"/>,
    /// whichever segments they lie in.</summary>
    private static byte[] RecordBytes(string directory, long from, long through)
    {
        using var reader = JournalReader.Open(directory, from);
        using var bytes = new MemoryStream();
        while (reader.NextSequence <= through && reader.TryRead(out var record) == ReadStatus.Record)
        {
            int length = JournalFormat.Aligned(JournalFormat.RecordHeaderLength + record.Payload.Length);
            using var file = File.OpenRead(reader.CurrentSegment!);
            var buffer = new byte[length];
            file.Position = record.Offset;
            file.ReadExactly(buffer);
            bytes.Write(buffer);
        }
        Assert.Equal(through + 1, reader.NextSequence);
        return bytes.ToArray();
    }

    private static void AssertSameJournalsAndState(string primaryDir, string standbyDir)
    {
        long from = Math.Max(JournalRetention.FirstSequence(primaryDir), JournalRetention.FirstSequence(standbyDir));
        long through = Math.Min(Exchange.Replay.ReplicaPosition.Of(primaryDir).LastSequence, Exchange.Replay.ReplicaPosition.Of(standbyDir).LastSequence);
        Assert.True(through > from, $"a common range {from}..{through}");
        Assert.True(RecordBytes(primaryDir, from, through).AsSpan().SequenceEqual(RecordBytes(standbyDir, from, through)),
            $"the records {from}..{through} differ in their bytes");
        var compare = ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["compare", primaryDir, standbyDir]));
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Contains("equal: the same state", compare.Stdout);
        var diff = ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["diff", primaryDir, standbyDir]));
        Assert.True(!diff.Stdout.Contains("differ at", StringComparison.Ordinal), diff.ToString());
    }

    [Fact]
    public void A_new_empty_standby_joins_a_primary_that_dropped_its_early_segments_by_its_snapshot_and_journal()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        var primary = Primary(p, s);
        string first = RunUntilTrimmed(primary, Dir("p"));

        var standby = StandbyOf(p, s);
        Assert.Equal(StatusLines.Field(first, "stateHash"), StatusLines.Field(At(standby, SequenceOf(first), primary), "stateHash"));
        Assert.Contains("restored from the primary's snapshot at sequence", standby.Process.StderrOnce("restored from the primary's snapshot at sequence"));
        Assert.Contains("sending snapshot at sequence", primary.Process.StderrOnce("sending snapshot at sequence"));

        // Live from there: more trading reaches it without a gap or a duplicate.
        string second = TradeAndSettle(primary, 300, 10_000);
        Assert.Equal(StatusLines.Field(second, "stateHash"), StatusLines.Field(At(standby, SequenceOf(second), primary), "stateHash"));
        // Its journal starts after the snapshot it restored from: nothing before was copied by hand or replayed. (Asked
        // once records have come after the snapshot: one taken at the primary's last input leaves the journal empty.)
        long journalStart = JournalRetention.FirstSequence(Dir("a"));
        Assert.True(journalStart > 1, $"the standby's journal starts at {journalStart}");

        // Restarted, it starts from its own disk (its snapshot and journal), not from the primary's snapshot again.
        Assert.True(standby.Process.Terminate(Timeouts.Process), standby.Process.Stderr);
        var restarted = StandbyOf(p, s);
        Assert.Equal(SequenceOf(second).ToString(), StatusLines.Field(restarted.ListenLine, "sequence"));
        Assert.Equal(StatusLines.Field(second, "stateHash"), restarted.StateHashAtStart);
        string third = TradeAndSettle(primary, 100, 20_000);
        Assert.Equal(StatusLines.Field(third, "stateHash"), StatusLines.Field(At(restarted, SequenceOf(third), primary), "stateHash"));
        Assert.DoesNotContain("receiving the primary's snapshot", restarted.Process.Stderr);

        foreach (var e in new[] { primary, restarted }) Assert.True(e.Process.Terminate(Timeouts.Process), e.Process.Stderr);
        Assert.DoesNotContain("DIVERGED", restarted.Process.Stderr);
        AssertSameJournalsAndState(Dir("p"), Dir("a"));
    }

    [Fact]
    public void A_standby_killed_while_the_snapshot_comes_in_restarts_from_its_own_disk_and_asks_again()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        // Chunks 300 ms apart, so the transfer lasts long enough to be interrupted.
        var primary = Primary(p, s, "--fault-snapshot-chunk-pause-ms", "300");
        Rest(primary, 400, 50_000);
        string first = RunUntilTrimmed(primary, Dir("p"));

        var standby = StandbyOf(p, s);
        Eventually.True(() => standby.Process.Stderr.Contains("receiving the primary's snapshot", StringComparison.Ordinal), "the snapshot starts coming in", Timeouts.Process);
        Thread.Sleep(400);
        standby.Process.Kill();
        Assert.DoesNotContain("restored from the primary's snapshot", standby.Process.Stderr);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Dir("a"), "snapshots"), "*.part"));

        var restarted = StandbyOf(p, s);
        Assert.Equal("0", StatusLines.Field(restarted.ListenLine, "sequence"));
        Assert.Equal(StatusLines.Field(first, "stateHash"), StatusLines.Field(At(restarted, SequenceOf(first), primary), "stateHash"));
        Assert.Contains("a snapshot from the primary that did not finish arriving", restarted.Process.StderrOnce("a snapshot from the primary that did not finish arriving"));
        Assert.Contains("restored from the primary's snapshot at sequence", restarted.Process.StderrOnce("restored from the primary's snapshot at sequence"));
        Assert.Empty(Directory.GetFiles(Path.Combine(Dir("a"), "snapshots"), "*.part"));

        string second = TradeAndSettle(primary, 100, 10_000);
        Assert.Equal(StatusLines.Field(second, "stateHash"), StatusLines.Field(At(restarted, SequenceOf(second), primary), "stateHash"));
        foreach (var e in new[] { primary, restarted }) Assert.True(e.Process.Terminate(Timeouts.Process), e.Process.Stderr);
        AssertSameJournalsAndState(Dir("p"), Dir("a"));
    }

    [Fact]
    public void A_snapshot_chunk_damaged_on_the_way_is_refused_with_the_reason_and_sent_again()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        var primary = Primary(p, s, "--fault-corrupt-snapshot-chunk", "1");
        string first = RunUntilTrimmed(primary, Dir("p"));

        var standby = StandbyOf(p, s);
        Assert.Equal(StatusLines.Field(first, "stateHash"), StatusLines.Field(At(standby, SequenceOf(first), primary), "stateHash"));
        Assert.Contains("FAULT INJECTED", primary.Process.StderrOnce("FAULT INJECTED"));
        Assert.Matches("REFUSED snapshot chunk at offset 0 of the snapshot at sequence [0-9]+: CRC32C [0-9a-f]{8} where the primary sent [0-9a-f]{8}; asking for it again",
            standby.Process.StderrOnce("REFUSED snapshot chunk"));
        // Rewound to the refused chunk (or, the snapshot being one chunk and gone already, sent from the start again).
        const string rewound = "standby a (asks for the snapshot at sequence [0-9]+ again from offset 0|did not get the whole snapshot at sequence [0-9]+: starting over)";
        Assert.Matches(rewound, primary.Process.StderrOnce(e => global::System.Text.RegularExpressions.Regex.IsMatch(e, rewound)));
        Assert.Contains("restored from the primary's snapshot", standby.Process.StderrOnce("restored from the primary's snapshot"));
        string second = TradeAndSettle(primary, 100, 10_000);
        Assert.Equal(StatusLines.Field(second, "stateHash"), StatusLines.Field(At(standby, SequenceOf(second), primary), "stateHash"));

        foreach (var e in new[] { primary, standby }) Assert.True(e.Process.Terminate(Timeouts.Process), e.Process.Stderr);
        AssertSameJournalsAndState(Dir("p"), Dir("a"));
    }
}
