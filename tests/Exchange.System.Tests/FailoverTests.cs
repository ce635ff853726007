// A shard as a cluster of two exchange-engine processes whose leadership etcd holds (a real etcd, started by
// ops/servers/etcd.sh): the first to start leads, the other follows as a sync standby; when the leader is killed, or
// paused past its lease, the standby takes over with everything the leader acknowledged; a leader stopped by SIGTERM
// hands over without the lease wait; a paused leader that wakes up deposed stops without acknowledging anything more.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class FailoverTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>, IDisposable
{
    private const int Btc = 1;
    private static int _shard = 200;
    private readonly TempDirectory _root = new("exchange-failover-");
    private readonly List<IDisposable> _owned = [];
    private readonly int _shardId = Interlocked.Increment(ref _shard);
    private readonly int _pa = Ports.FreeUdp(), _pb = Ports.FreeUdp();

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        _root.Dispose();
    }

    private EngineProcess Member(string name) => Own(new EngineProcess(_shardId, "BTC-USD", _root.Combine(name), name == "a" ? _pa : _pb, durability: "none",
        extra: ["--config", Config(), "--etcd", etcd.Server.Endpoint, "--member", name,
            "--cluster-member", $"a,sync,{EngineProcess.Channel(_pa)}", "--cluster-member", $"b,sync,{EngineProcess.Channel(_pb)}"]));

    /// <summary>A 2 s lease: a leader's renewals must not lapse while the other suites load the machine.</summary>
    private string Config()
    {
        string path = _root.Combine("cluster.json");
        File.WriteAllText(path, $$"""{ "cluster": { "leaseTtlSeconds": {{_leaseTtl}}, "keepAliveMs": 200{{_cluster}} }{{_replication}} }""");
        return path;
    }

    /// <summary>Replication settings for the cluster's config (JSON members after the cluster's, or nothing).</summary>
    private string _replication = "";
    /// <summary>More cluster settings (JSON members after the lease's), and the lease's TTL.</summary>
    private string _cluster = "";
    private int _leaseTtl = 2;

    private T Own<T>(T d) where T : IDisposable { _owned.Add(d); return d; }

    /// <summary>A leads, B follows and has joined A's live stream; A has traded and is quiet: its last status line.</summary>
    private (EngineProcess A, EngineProcess B, string Settled) Started()
    {
        var a = Member("a");
        Assert.Contains("role=primary member=a term=", a.ListenLine);
        var b = Member("b");
        Assert.Contains("role=standby", b.ListenLine);
        // Degrading, the leader says when the standby has caught up; waiting, its answers wait for it from its hello on.
        Eventually.True(() => a.Process.Stderr.Contains(_replication == "" ? "sync standby b caught up" : "standby b (sync) holds", StringComparison.Ordinal),
            "b joins a's live stream", Timeouts.Process);
        int mark = a.Process.StdoutLines.Count;
        Trade(a, 200);
        string? settled = null;
        Eventually.True(() => (settled = a.Process.StdoutLines.Skip(mark)
            .LastOrDefault(l => l.StartsWith("status ", StringComparison.Ordinal) && StatusLines.Field(l, "sessions") == "0")) != null, "a settles", Timeouts.Process);
        return (a, b, settled!);
    }

    private static void Trade(EngineProcess engine, int count)
    {
        using var client = Clients.Connect("mm-1001-key", new ShardEndpoint(engine.ChannelUri, [Btc]));
        for (int i = 0; i < count; i++)
        {
            var order = new NewOrder(0, 1 + i, Btc, i % 2 == 0 ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, i % 2 == 0 ? 59_000 : 61_000, 1_000_000);
            while (client.NewOrder(order) <= 0) client.Poll();
            client.Poll();
        }
        Clients.PollUntil(() => client.Listener.Accepted.Count == count, Timeouts.Process, () => client.Listener.Describe(), () => client.Poll());
        client.Logout(TimeSpan.FromSeconds(5));
    }

    /// <summary>The sequence and state hash the standby took over with.</summary>
    private static (long Sequence, string Hash) PromotedAt(EngineProcess b)
    {
        string[] words = LogLines.AsText(b.Process.Stderr).Split('\n').Single(l => l.Contains("promoted to primary at sequence", StringComparison.Ordinal)).Split(' ');
        return (long.Parse(words[^3]), words[^1]);
    }

    [Fact]
    public void When_the_leader_is_killed_the_sync_standby_takes_over_with_everything_it_acknowledged()
    {
        var (a, b, settled) = Started();
        a.Process.Kill();
        var down = global::System.Diagnostics.Stopwatch.StartNew();

        Eventually.True(() => b.Process.Stderr.Contains("promoted to primary", StringComparison.Ordinal), "b takes over", Timeouts.Process);
        long takeover = down.ElapsedMilliseconds;
        Assert.Equal((long.Parse(StatusLines.Field(settled, "sequence")), StatusLines.Field(settled, "stateHash")), PromotedAt(b));
        // Within the lease (1 s) and the standby's poll, with room for a loaded machine.
        Assert.True(takeover < 10_000, $"took over after {takeover} ms");

        // Clients trade on the new leader.
        Trade(b, 20);
        // The killed leader, restarted, rejoins as a standby of the new one.
        a.Process.Kill();
        var again = Member("a");
        Assert.Contains("role=standby primary=" + EngineProcess.Channel(_pb), again.ListenLine);
    }

    [Fact]
    public void A_client_given_every_member_finds_the_leader_and_follows_it_to_the_new_one()
    {
        var (a, b, _) = Started();
        // The standby listed first: it refuses the logon as NotPrimary naming a, and the client logs on there by itself.
        using var client = Clients.Connect("mm-1001-key", new ShardEndpoint(b.ChannelUri, [Btc]) { Replicas = [a.ChannelUri] });
        Assert.Equal(a.ChannelUri, client.ChannelOf(0));
        var resting = new NewOrder(0, 9_001, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 58_000, 1_000_000);
        Assert.True(client.NewOrder(resting) > 0);
        Clients.PollUntil(() => client.Listener.Accepted.Any(x => x.E.ClientOrderId == 9_001), Timeouts.Process, () => client.Listener.Describe(), () => client.Poll());

        a.Process.Kill();
        Clients.PollUntil(() => client.Listener.Disconnected.Count > 0, Timeouts.Process, () => client.Listener.Describe(), () => client.Poll());
        // Asked to reconnect, it gives up on the dead leader, waits out b's promotion and logs on to b.
        client.Reconnect();
        Clients.PollUntil(() => client.IsConnected, Timeouts.Process, () => $"{client.StateOf(0)} at {client.ChannelOf(0)}", () => client.Poll());
        Assert.Equal(b.ChannelUri, client.ChannelOf(0));
        Assert.Contains("promoted to primary", b.Process.StderrOnce("promoted to primary"));

        // The order acknowledged by the old leader is in the new one's book: it cancels there.
        Assert.True(client.Cancel(Btc, 9_001) > 0);
        Clients.PollUntil(() => client.Listener.Cancelled.Any(x => x.E.ClientOrderId == 9_001), Timeouts.Process, () => client.Listener.Describe(), () => client.Poll());
        Assert.True(client.NewOrder(resting with { ClientOrderId = 9_002 }) > 0);
        Clients.PollUntil(() => client.Listener.Accepted.Any(x => x.E.ClientOrderId == 9_002), Timeouts.Process, () => client.Listener.Describe(), () => client.Poll());
    }

    [Fact]
    public void A_leader_stopped_with_SIGTERM_hands_over_without_waiting_out_its_lease()
    {
        var (a, b, settled) = Started();
        Assert.True(a.Process.Terminate(Timeouts.Process), a.Process.Stderr);
        var stopped = global::System.Diagnostics.Stopwatch.StartNew();
        Assert.Contains("resigned term", a.Process.Stderr);

        Eventually.True(() => b.Process.Stderr.Contains("promoted to primary", StringComparison.Ordinal), "b takes over", Timeouts.Process);
        Assert.True(stopped.ElapsedMilliseconds < 5_000, $"took over {stopped.ElapsedMilliseconds} ms after the leader stopped");
        Assert.True(PromotedAt(b).Sequence >= long.Parse(StatusLines.Field(settled, "sequence")));
    }

    [Fact]
    public void A_leader_paused_past_its_lease_is_replaced_and_on_waking_stops_without_acknowledging_more()
    {
        var (a, b, _) = Started();
        using var client = Clients.Connect("mm-1001-key", new ShardEndpoint(a.ChannelUri, [Btc]));
        a.Process.Signal(Signal.Stop);
        try
        {
            Eventually.True(() => b.Process.Stderr.Contains("promoted to primary", StringComparison.Ordinal), "b takes over", Timeouts.Process);
            // An order the deposed leader finds on waking is never acknowledged by it.
            Assert.True(client.NewOrder(new NewOrder(0, 9_999, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000)) > 0);
        }
        finally { a.Process.Signal(Signal.Cont); }

        Assert.True(a.Process.WaitForExit(Timeouts.Process), "the deposed leader stops");
        Assert.Equal(4, a.Process.ExitCode);
        Assert.Contains("can no longer be sure it leads", a.Process.Stderr);
        var quiet = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < quiet) { client.Poll(); Thread.Sleep(5); }
        Assert.DoesNotContain(client.Listener.Accepted, e => e.E.ClientOrderId == 9_999);
    }

    [Fact]
    public void A_sync_standby_deposes_a_leader_silent_past_suspectLeaderAfterMs_long_before_its_lease_would_end()
    {
        // A 30 s lease: only the standby revoking it can explain a take-over within seconds.
        _leaseTtl = 30;
        _cluster = ", \"suspectLeaderAfterMs\": 300";
        var (a, b, settled) = Started();
        using var client = Clients.Connect("mm-1001-key", new ShardEndpoint(a.ChannelUri, [Btc]));
        a.Process.Signal(Signal.Stop);
        var paused = global::System.Diagnostics.Stopwatch.StartNew();
        try
        {
            Eventually.True(() => b.Process.Stderr.Contains("promoted to primary", StringComparison.Ordinal), "b takes over", TimeSpan.FromSeconds(20));
            long takeover = paused.ElapsedMilliseconds;
            Assert.True(takeover < 15_000, $"took over after {takeover} ms with a 30 s lease");
            Assert.Contains("has sent nothing on the replication stream for", b.Process.Stderr);
            Assert.Contains("revoking its lease", b.Process.Stderr);
            Assert.Equal((long.Parse(StatusLines.Field(settled, "sequence")), StatusLines.Field(settled, "stateHash")), PromotedAt(b));
            Assert.True(client.NewOrder(new NewOrder(0, 9_999, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000)) > 0);
        }
        finally { a.Process.Signal(Signal.Cont); }

        // Woken, the deposed leader finds its lease revoked and stops, acknowledging nothing more.
        Assert.True(a.Process.WaitForExit(Timeouts.Process), "the deposed leader stops");
        Assert.Equal(4, a.Process.ExitCode);
        var quiet = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < quiet) { client.Poll(); Thread.Sleep(5); }
        Assert.DoesNotContain(client.Listener.Accepted, e => e.E.ClientOrderId == 9_999);

        // The new leader answers at once: its campaign marked a behind in the same etcd transaction, so no response
        // waits for a mark written after the promotion.
        Trade(b, 20);
        Assert.DoesNotContain("a marked behind in etcd", b.Process.Stderr);
    }

    [Fact]
    public void Exchange_mm_given_every_member_follows_a_failover_and_keeps_one_quote_a_side()
    {
        var (a, b, _) = Started();
        using var mm = ChildProcess.StartDll("exchange-mm.dll",
            ["--engine", $"{a.ChannelUri},{b.ChannelUri}", "--api-key", "mm-1001-key", "--symbol", Btc.ToString(), "--seconds", "30",
             // Heartbeats of 500 ms: the engine logs out a session silent for three, and under the whole suite on two cores
             // a parked exchange-mm can be starved for more than 600 ms.
             "--interval-ms", "500", "--take-every", "0", "--heartbeat-ms", "500", "--json"]);
        Eventually.True(() => mm.StdoutLines.Count(l => l.Contains("\"event\":\"logon\"", StringComparison.Ordinal)) == 1
            && a.Process.StdoutLines.Any(l => l.StartsWith("status ", StringComparison.Ordinal) && StatusLines.Field(l, "openOrders") == "2"),
            "exchange-mm quotes a bid and an ask on a", Timeouts.Process);

        a.Process.Kill();
        // It follows the leader to b (a second logon, at b), asks what became of its quotes, and quotes on.
        Eventually.True(() => mm.StdoutLines.Any(l => l.Contains("\"event\":\"logon\"", StringComparison.Ordinal) && l.Contains(b.ChannelUri, StringComparison.Ordinal)),
            "exchange-mm logs on to b", Timeouts.Process);
        Eventually.True(() => mm.StdoutLines.Any(l => l.Contains("\"event\":\"order-status\"", StringComparison.Ordinal)), "exchange-mm asks its quotes' status", Timeouts.Process);
        int mark = b.Process.StdoutLines.Count;
        Eventually.True(() => mm.StdoutLines.Count(l => l.Contains("\"event\":\"logon\"", StringComparison.Ordinal)) == 2
            && b.Process.StdoutLines.Skip(mark).Count(l => l.StartsWith("status ", StringComparison.Ordinal)) >= 3, "b's status after a few intervals", Timeouts.Process);
        // Still one quote a side: none lost track of and left resting, none placed twice.
        foreach (string status in b.Process.StdoutLines.Skip(mark).Where(l => l.StartsWith("status ", StringComparison.Ordinal)).Skip(1))
            Assert.True(long.Parse(StatusLines.Field(status, "openOrders")) <= 2, status);

        Assert.True(mm.WaitForExit(TimeSpan.FromSeconds(60)), mm.Stderr);
        Assert.True(mm.ExitCode == 0, $"exchange-mm exited {mm.ExitCode}: {mm.Stderr}\n{string.Join('\n', mm.StdoutLines.TakeLast(20))}");
        string summary = mm.StdoutLines.Last();
        Assert.Contains("\"failovers\":1", summary);
        Assert.Contains("\"ok\":true", summary);
    }

    [Fact]
    public void A_deposed_leaders_records_the_new_leader_never_had_are_cut_when_it_rejoins_and_the_replicas_end_equal()
    {
        // Responses wait for the sync standby however long it takes: what the leader journals alone is never acknowledged.
        _replication = """, "replication": { "onSyncLoss": "wait" }""";
        var (a, b, settled) = Started();
        long common = long.Parse(StatusLines.Field(settled, "sequence"));
        Assert.Contains("term ", a.Process.StderrOnce("term "));

        // The standby is paused: the leader journals five orders it cannot acknowledge. Then both die, the standby
        // before it has read them.
        b.Process.Signal(Signal.Stop);
        using (var client = Clients.Connect("mm-1001-key", new ShardEndpoint(a.ChannelUri, [Btc])))
        {
            for (int i = 0; i < 5; i++)
                Assert.True(client.NewOrder(new NewOrder(0, 7_000 + i, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000)) > 0);
            Eventually.True(() => LastStatus(a) is { } l && long.Parse(StatusLines.Field(l, "sequence")) >= common + 5,
                "the leader journals the five", Timeouts.Process, () => client.Poll());
            client.Poll();
            Assert.Empty(client.Listener.Accepted);
        }
        a.Process.Kill();
        b.Process.Kill();
        using var observer = new Exchange.Engine.Host.Leadership(etcd.Server.Endpoint, _shardId, "observer", "aeron:udp?endpoint=127.0.0.1:9", 2,
            TimeSpan.FromMilliseconds(200), new Exchange.Hosting.LogOutput(new Exchange.Hosting.LogSettings(Exchange.Hosting.LogFormat.Text), _ => { }).For("test"));
        Eventually.True(() => observer.Leader() == null, "the dead leader's lease ends", Timeouts.Process);

        // The standby, started first, leads from what it holds: none of the five. (Its answers wait for its sync standby.)
        var leader = Member("b");
        Assert.Contains("role=primary member=b term=", leader.ListenLine);
        Assert.Equal(common, long.Parse(StatusLines.Field(leader.ListenLine, "sequence")));

        // The old leader says what it holds; the new one's history has none of its last five records and says cut.
        var rejoining = Member("a");
        Assert.Contains("role=standby", rejoining.ListenLine);
        Assert.True(rejoining.Process.WaitForExit(Timeouts.Process), "the old leader stops to cut its journal");
        Assert.Equal(5, rejoining.Process.ExitCode);
        Assert.Contains($"never had this standby's records after sequence {common}", LogLines.AsText(rejoining.Process.Stderr));
        Assert.Contains("told to cut its journal there", LogLines.AsText(leader.Process.Stderr));

        // Started again, it cuts them, follows the new leader from there and ends where it is, hash for hash.
        var again = Member("a");
        string cut = LogLines.AsText(again.Process.Stderr);
        // The five orders, and the mass cancel their session's logout caused.
        Assert.True(cut.Contains($"journal cut after sequence {common} as the leader asked: 6 record(s)", StringComparison.Ordinal), cut);
        Eventually.True(() => leader.Process.Stderr.Contains("standby a (sync) holds", StringComparison.Ordinal), "a rejoins b's live stream", Timeouts.Process);
        Trade(leader, 20);
        Eventually.True(() => LastStatus(leader) is { } lb && LastStatus(again) is { } la
                && StatusLines.Field(lb, "sequence") == StatusLines.Field(la, "sequence") && StatusLines.Field(lb, "stateHash") == StatusLines.Field(la, "stateHash"),
            "a and b stand at the same sequence with the same state", Timeouts.Process);
        Assert.False(again.Process.HasExited, again.Process.Stderr);
    }

    [Fact]
    public void A_sync_standby_the_leader_acknowledged_without_is_marked_behind_and_does_not_take_over()
    {
        var (a, b, _) = Started();
        Eventually.True(() => a.Process.Stderr.Contains("b has caught up: its behind mark is cleared", StringComparison.Ordinal), "b's mark cleared", Timeouts.Process);

        // The standby stops answering; past syncTimeoutMs the leader degrades it, but only once etcd marks it behind.
        b.Process.Signal(Signal.Stop);
        using (var client = Clients.Connect("mm-1001-key", new ShardEndpoint(a.ChannelUri, [Btc])))
        {
            for (int i = 0; i < 5; i++)
                Assert.True(client.NewOrder(new NewOrder(0, 8_000 + i, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 58_000 + i, 1_000_000)) > 0);
            Clients.PollUntil(() => client.Listener.Accepted.Count == 5, Timeouts.Process, () => client.Listener.Describe(), () => client.Poll());
        }
        // Acknowledged, then cancelled by the session's end (cancel-on-disconnect): the leader's last sequence.
        string? quiet = null;
        Eventually.True(() => (quiet = LastStatus(a)) != null && StatusLines.Field(quiet, "sessions") == "0", "a settles", Timeouts.Process);
        long acknowledged = long.Parse(StatusLines.Field(quiet!, "sequence"));
        string leaderLog = LogLines.AsText(a.Process.Stderr);
        Assert.Contains("b marked behind in etcd", leaderLog);
        // (Marked at the start too, until it had caught up; marked again after the alarm.)
        Assert.True(leaderLog.LastIndexOf("b marked behind in etcd", StringComparison.Ordinal) > leaderLog.IndexOf("ALARM: sync standby b", StringComparison.Ordinal), leaderLog);

        // The leader dies with inputs it acknowledged alone: the standby must not lead, whatever it has read since.
        a.Process.Kill();
        b.Process.Signal(Signal.Cont);
        Eventually.True(() => b.Process.Stderr.Contains("is marked behind", StringComparison.Ordinal), "b sees its mark and does not campaign", Timeouts.Process);
        Assert.DoesNotContain("promoted to primary", b.Process.Stderr);

        // The old leader comes back and leads with everything it acknowledged; the standby follows it and is cleared.
        a.Process.Dispose();
        var back = Member("a");
        Assert.Contains("role=primary member=a", back.ListenLine);
        Eventually.True(() => back.Process.Stderr.Contains("b has caught up: its behind mark is cleared", StringComparison.Ordinal), "b catches up and is cleared", Timeouts.Process);
        Assert.Equal(acknowledged, long.Parse(StatusLines.Field(back.ListenLine, "sequence")));
        Trade(back, 10);
    }

    private static string? LastStatus(EngineProcess engine) =>
        engine.Process.StdoutLines.LastOrDefault(l => l.StartsWith("status ", StringComparison.Ordinal));
}
