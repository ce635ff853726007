// A primary with a sync and an async standby whose replication streams cross a seeded relay that drops 5 % of the
// datagrams (the standbys' status messages, NAKs and acknowledgements are not dropped): retransmission on NAK, and the
// catch-up from the primary's journal when the live stream falls behind, still give each standby every record in
// order, so all three journals are byte-identical and the three state hashes equal. The helpers are those of
// ReplicationTests, kept here so that each file reads on its own.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Journal;
using Exchange.Testing;
using Exchange.Transport.Shim;

using static Exchange.System.Tests.Replicas;

namespace Exchange.System.Tests;

public sealed class ReplicationLossTests() : ProcessTest("exchange-replication-loss-")
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;
    private const double Loss = 0.05;

    private EngineProcess Primary(int port, string journal, params string[] extra) =>
        Own(new EngineProcess(1, "BTC-USD", journal, port, durability: "none", extra: extra));

    private EngineProcess StandbyOf(int primaryPort, string name, int port, string journal) =>
        Own(new EngineProcess(1, "BTC-USD", journal, port, durability: "none",
            extra: ["--standby-of", EngineProcess.Channel(primaryPort), "--standby-name", name]));

    /// <summary>A relay on a port of its own to the standby's port, dropping <see cref="Loss"/> of what the primary sends.</summary>
    private LossyUdpProxy LossyTo(int standbyPort, int seed) =>
        Own(new LossyUdpProxy(new(global::System.Net.IPAddress.Loopback, 0), new(global::System.Net.IPAddress.Loopback, standbyPort),
            new ShimOptions { Seed = seed, DropRate = Loss }));

    [Fact]
    public void Through_five_percent_loss_a_sync_and_an_async_standby_journal_the_primarys_records_byte_for_byte_and_reach_its_state()
    {
        int p = Ports.FreeUdp(), s1 = Ports.FreeUdp(), s2 = Ports.FreeUdp();
        var sync = StandbyOf(p, "a", s1, Dir("a"));
        var async = StandbyOf(p, "b", s2, Dir("b"));
        var toSync = LossyTo(s1, seed: 1);
        var toAsync = LossyTo(s2, seed: 2);
        var primary = Primary(p, Dir("p"),
            "--standby", $"a,sync,{EngineProcess.Channel(toSync.ListenEndpoint.Port)}",
            "--standby", $"b,async,{EngineProcess.Channel(toAsync.ListenEndpoint.Port)}");
        Eventually.True(() => primary.Process.Stderr.Contains("sync standby a caught up", StringComparison.Ordinal), "the sync standby catches up", Timeouts.Process);

        string status = TradeAndSettle(primary, 3_000, 1);
        long last = SequenceOf(status);
        string hash = StatusLines.Field(status, "stateHash");
        Assert.Equal(hash, StatusLines.Field(At(sync, last), "stateHash"));
        Assert.Equal(hash, StatusLines.Field(At(async, last), "stateHash"));
        // The relays did drop their share: what the standbys hold came through loss.
        foreach (var relay in new[] { toSync, toAsync })
        {
            Assert.Null(relay.Fault);
            Assert.InRange(relay.DroppedCount, relay.ReceivedCount / 50 + 1, relay.ReceivedCount / 10);
        }

        foreach (var e in new[] { primary, sync, async }) Assert.True(e.Process.Terminate(Timeouts.Process), e.Process.Stderr);
        byte[] expected = JournalBytes(Dir("p"), last);
        Assert.Equal(expected, JournalBytes(Dir("a"), last));
        Assert.Equal(expected, JournalBytes(Dir("b"), last));
        Assert.DoesNotContain("DIVERGED", sync.Process.Stderr + async.Process.Stderr);
    }
}
