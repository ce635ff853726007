// A shard as a primary and its standbys, each a real exchange-engine process with its own journal, over loopback UDP:
// the standbys journal the primary's records byte for byte and reach the same state; a standby that starts late or is
// killed and restarted catches up from the primary's journal; responses wait for a sync standby as they wait for the
// fsync (and, by policy, stop waiting for one that has gone quiet, with an alarm); a client is sent from a standby to
// the primary; a standby whose state differs from the primary's stops at the next state check.
using System.Buffers.Binary;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Journal;
using Exchange.Testing;

using static Exchange.System.Tests.Replicas;

namespace Exchange.System.Tests;

public sealed class ReplicationTests() : ProcessTest("exchange-replication-")
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;

    private static string Standby(string name, string mode, int port) => $"{name},{mode},{EngineProcess.Channel(port)}";

    private EngineProcess Primary(int port, string journal, params string[] extra) =>
        Own(new EngineProcess(1, "BTC-USD", journal, port, durability: "none", extra: extra));

    private EngineProcess StandbyOf(int primaryPort, string name, int port, string journal, params string[] extra) =>
        Own(new EngineProcess(1, "BTC-USD", journal, port, durability: "none",
            extra: ["--standby-of", EngineProcess.Channel(primaryPort), "--standby-name", name, .. extra]));

    [Fact]
    public void A_sync_and_an_async_standby_journal_the_primarys_records_byte_for_byte_and_reach_its_state()
    {
        int p = Ports.FreeUdp(), s1 = Ports.FreeUdp(), s2 = Ports.FreeUdp();
        var sync = StandbyOf(p, "a", s1, Dir("a"));
        var async = StandbyOf(p, "b", s2, Dir("b"));
        var primary = Primary(p, Dir("p"), "--standby", Standby("a", "sync", s1), "--standby", Standby("b", "async", s2));
        Assert.Contains("role=primary", primary.ListenLine);
        Assert.Contains("role=standby", sync.ListenLine);

        string primaryStatus = TradeAndSettle(primary, 600, 1);
        long last = SequenceOf(primaryStatus);
        string hash = StatusLines.Field(primaryStatus, "stateHash");
        Assert.Equal(hash, StatusLines.Field(At(sync, last), "stateHash"));
        Assert.Equal(hash, StatusLines.Field(At(async, last), "stateHash"));
        Assert.Contains("replica=a mode=sync state=live", primaryStatus);

        foreach (var e in new[] { primary, sync, async }) Assert.True(e.Process.Terminate(Timeouts.Process), e.Process.Stderr);
        byte[] expected = JournalBytes(Dir("p"), last);
        Assert.Equal(expected, JournalBytes(Dir("a"), last));
        Assert.Equal(expected, JournalBytes(Dir("b"), last));
        // The standbys applied what they journaled: their checks against the primary's hash passed, and the operators'
        // tool finds the data directories equal.
        Assert.DoesNotContain("DIVERGED", sync.Process.Stderr);
        foreach (string standby in new[] { "a", "b" })
        {
            var compare = ChildProcess.Run(ChildProcess.StartDll("exchange-replay.dll", ["compare", Dir("p"), Dir(standby)]));
            Assert.True(compare.ExitCode == 0, compare.ToString());
        }
    }

    [Fact]
    public void A_standby_that_starts_late_or_is_killed_under_load_catches_up_and_follows_a_restarted_primary()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        var primary = Primary(p, Dir("p"), "--standby", Standby("a", "sync", s));
        string first = TradeAndSettle(primary, 200, 1);

        // A brand-new standby with an empty directory: everything comes from the primary.
        var standby = StandbyOf(p, "a", s, Dir("a"));
        Assert.Equal(StatusLines.Field(first, "stateHash"), StatusLines.Field(At(standby, SequenceOf(first)), "stateHash"));

        // Killed in the middle of a trade: the primary waits for its sync standby up to the timeout, then goes on without it.
        {
            string second = TradeAndSettle(primary, 2_000, 1_000, sent => { if (sent == 500) standby.Process.Kill(); });
            Assert.True(standby.Process.HasExited, "the standby was killed during the trade");
            // Restarted on its own journal: it recovers what it holds and asks the primary for the rest.
            var restarted = StandbyOf(p, "a", s, Dir("a"));
            Assert.NotEqual("0", StatusLines.Field(restarted.ListenLine, "sequence"));
            Assert.True(SequenceOf(second) > SequenceOf(first));
            Assert.Equal(StatusLines.Field(second, "stateHash"), StatusLines.Field(At(restarted, SequenceOf(second)), "stateHash"));

            // The primary killed and restarted on its journal: the standby says hello again and follows it on.
            primary.Process.Kill();
            var again = Primary(p, Dir("p"), "--standby", Standby("a", "sync", s));
            string third = TradeAndSettle(again, 100, 10_000);
            Assert.Equal(StatusLines.Field(third, "stateHash"), StatusLines.Field(At(restarted, SequenceOf(third)), "stateHash"));
        }
    }

    [Fact]
    public void A_client_logging_on_to_a_standby_is_told_where_the_primary_is()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        var standby = StandbyOf(p, "a", s, Dir("a"));
        var e = Assert.Throws<LogonRejectedException>(() => Clients.Connect("mm-1001-key", new ShardEndpoint(standby.ChannelUri, [Btc])));
        Assert.Equal(LogonRejectReason.NotPrimary, e.Reason);
        Assert.Contains(EngineProcess.Channel(p), e.Message);
    }

    [Fact]
    public void Responses_wait_for_a_sync_standby_and_past_the_timeout_a_quiet_one_is_degraded_with_an_alarm()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        string config = Dir("primary.json");
        File.WriteAllText(config, """{ "replication": { "syncTimeoutMs": 1500 } }""");
        var standby = StandbyOf(p, "a", s, Dir("a"));
        var primary = Primary(p, Dir("p"), "--config", config, "--standby", Standby("a", "sync", s));
        Eventually.True(() => primary.Process.Stderr.Contains("sync standby a caught up", StringComparison.Ordinal), "the standby catches up", Timeouts.Process);

        // The standby paused (a stalled machine): an order's acceptance waits for it until the timeout, then goes.
        using var client = Clients.Connect("mm-1001-key", new ShardEndpoint(primary.ChannelUri, [Btc]));
        standby.Process.Signal(Signal.Stop);
        try
        {
            var sent = global::System.Diagnostics.Stopwatch.StartNew();
            Assert.True(client.NewOrder(Limit(1, Side.Buy, 59_000)) > 0);
            Clients.PollUntil(() => client.Listener.Accepted.Count == 1, Timeouts.Process, () => client.Poll());
            Assert.True(sent.ElapsedMilliseconds >= 1400, $"accepted after {sent.ElapsedMilliseconds} ms, before the sync timeout");
            Eventually.True(() => primary.Process.Stderr.Contains("ALARM: sync standby a acknowledged nothing for 1500 ms", StringComparison.Ordinal),
                "the primary raises the alarm", Timeouts.Process);
            // Degraded: the next one does not wait.
            sent.Restart();
            Assert.True(client.NewOrder(Limit(2, Side.Buy, 59_000)) > 0);
            Clients.PollUntil(() => client.Listener.Accepted.Count == 2, Timeouts.Process, () => client.Poll());
            Assert.True(sent.ElapsedMilliseconds < 1400, $"accepted after {sent.ElapsedMilliseconds} ms while degraded");
        }
        finally { standby.Process.Signal(Signal.Cont); }
        // Back, it catches up and is waited for again.
        Eventually.True(() => primary.Process.Stderr.Split('\n').Count(l => l.Contains("sync standby a caught up", StringComparison.Ordinal)) >= 2,
            "the primary waits for the standby again", Timeouts.Process);
    }

    [Fact]
    public void With_on_sync_loss_wait_nothing_is_acknowledged_while_the_sync_standby_is_away()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        string config = Dir("primary.json");
        File.WriteAllText(config, """{ "replication": { "onSyncLoss": "wait", "syncTimeoutMs": 200 } }""");
        var standby = StandbyOf(p, "a", s, Dir("a"));
        var primary = Primary(p, Dir("p"), "--config", config, "--standby", Standby("a", "sync", s));
        using var client = Clients.Connect("mm-1001-key", new ShardEndpoint(primary.ChannelUri, [Btc]));
        standby.Process.Signal(Signal.Stop);
        try
        {
            Assert.True(client.NewOrder(Limit(1, Side.Buy, 59_000)) > 0);
            var quiet = DateTime.UtcNow.AddSeconds(1.5);
            while (DateTime.UtcNow < quiet) { client.Poll(); Thread.Sleep(5); }
            Assert.Empty(client.Listener.Accepted);
            Eventually.True(() => primary.Process.Stderr.Contains("responses wait for it (onSyncLoss wait)", StringComparison.Ordinal),
                "the primary says it waits", Timeouts.Process);
        }
        finally { standby.Process.Signal(Signal.Cont); }
        Clients.PollUntil(() => client.Listener.Accepted.Count == 1, Timeouts.Process, () => client.Poll());
    }

    [Fact]
    public void A_standby_whose_state_differs_from_the_primarys_stops_at_the_next_state_check()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        string primaryConfig = Dir("primary.json"), standbyConfig = Dir("standby.json");
        File.WriteAllText(primaryConfig, """{ "replication": { "stateCheckInterval": 5 } }""");
        // A standby misconfigured with another fee account: the same inputs give it another state.
        var misconfigured = new Exchange.Engine.Host.ShardConfig();
        File.WriteAllText(standbyConfig, (misconfigured with { Engine = misconfigured.Engine with { FeeAccount = 7 } }).ToJson());
        var standby = StandbyOf(p, "a", s, Dir("a"), "--config", standbyConfig);
        var primary = Primary(p, Dir("p"), "--config", primaryConfig, "--standby", Standby("a", "async", s));
        Trade(primary, 20, 1);

        Assert.True(standby.Process.WaitForExit(Timeouts.Process), "the diverged standby stops");
        Assert.Equal(3, standby.Process.ExitCode);
        Assert.Matches("DIVERGED at sequence [0-9]+: the primary's state hash is [0-9a-f]{16}, this standby's [0-9a-f]{16}", standby.Process.Stderr);
    }
}
