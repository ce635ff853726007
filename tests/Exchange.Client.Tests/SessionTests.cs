// Sessions against fake engines on the real transport over loopback: logon, refusal, timeout, heartbeats both
// ways, loss of the engine, and logout from either side.
namespace Exchange.Client.Tests;

public class SessionTests
{
    private static ClientOptions Options(params FakeEngine[] engines) => new()
    {
        ApiKey = "mm-key",
        Shards = [.. engines.Select((e, i) => new ShardEndpoint(e.Channel, [i + 1]))],
        Transport = FakeEngine.FastOptions,
        HeartbeatIntervalMs = 1000,
    };

    [Fact]
    public void Connect_logs_on_to_every_shard_and_tells_each_engine_where_to_respond()
    {
        using var a = new FakeEngine { SessionId = 11, GrantedHeartbeatMs = 700 };
        using var b = new FakeEngine { SessionId = 12 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(a, b) with { CancelOnDisconnect = false, HeartbeatIntervalMs = 2000 }, listener);

        client.Connect(TimeSpan.FromSeconds(10));

        Assert.True(client.IsConnected);
        Assert.Equal([new Call("Logon", 0, 0, 11UL), new Call("Logon", 1, 0, 12UL)], listener.Calls.OrderBy(c => c.Shard));
        Assert.Equal(11UL, client.SessionIdOf(0));
        Assert.Equal(700u, client.HeartbeatIntervalMsOf(0));
        Assert.Equal(2000u, client.HeartbeatIntervalMsOf(1));
        Assert.Equal(1001, client.Account);
        var seenA = Assert.Single(a.Read(e => e.Logons.ToList()));
        var seenB = Assert.Single(b.Read(e => e.Logons.ToList()));
        Assert.Equal(new LogonSeen(0, 2000, 0, SessionAuth.KeyId("mm-key"), client.ResponseChannelOf(0)), seenA);
        Assert.Equal(new LogonSeen(0, 2000, 0, SessionAuth.KeyId("mm-key"), client.ResponseChannelOf(1)), seenB);
        Assert.NotEqual(seenA.ResponseChannel, seenB.ResponseChannel);
    }

    [Fact]
    public void A_refused_logon_throws_with_the_shard_reason_and_text()
    {
        using var engine = new FakeEngine { ApiKey = "other-key" };
        using var client = ExchangeClient.Create(Options(engine) with { Account = 1001 }, new RecordingListener());
        var e = Assert.Throws<LogonRejectedException>(() => client.Connect(TimeSpan.FromSeconds(10)));
        Assert.Equal($"shard 0 ({engine.Channel}) refused the logon: UnknownApiKey: unknown api key", e.Message);
        Assert.Equal(LogonRejectReason.UnknownApiKey, e.Reason);
        Assert.Equal(ShardState.Rejected, client.StateOf(0));
        Assert.Equal(1001, Assert.Single(engine.Read(x => x.Logons.ToList())).Account);
    }

    [Fact]
    public void Connect_times_out_with_a_message_naming_the_silent_shard()
    {
        using var engine = new FakeEngine();
        using var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            // Shard 1 points at a port nothing listens on.
            Shards = [new ShardEndpoint(engine.Channel, [1]), new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:9", [2])],
            Transport = FakeEngine.FastOptions,
        }, new RecordingListener());
        // Shard 0 logs on first, however long a loaded machine takes; then Connect's own wait runs out on shard 1.
        client.Reconnect();
        Assert.True(Wait.Until(client, () => client.IsLoggedOn(0)), client.DescribeShard(0));
        var e = Assert.Throws<TimeoutException>(() => client.Connect(TimeSpan.FromMilliseconds(500)));
        Assert.Equal("connect timed out after 500 ms: shard 1 (aeron:udp?endpoint=127.0.0.1:9): no engine answered on that channel", e.Message);
        Assert.Equal(ShardState.LoggedOn, client.StateOf(0));
        Assert.Equal(ShardState.LoggingOn, client.StateOf(1));
    }

    [Fact]
    public void An_engine_that_takes_the_stream_but_never_acknowledges_is_named_as_such()
    {
        using var engine = new FakeEngine { AnswerLogon = false };
        using var client = ExchangeClient.Create(Options(engine), new RecordingListener());
        // The engine has the logon (so the stream is taken) however long a loaded machine takes; then Connect's wait runs out.
        client.Reconnect();
        Assert.True(Wait.Until(client, () => engine.Read(e => e.Logons.Count) == 1), client.DescribeShard(0));
        var e = Assert.Throws<TimeoutException>(() => client.Connect(TimeSpan.FromMilliseconds(500)));
        Assert.Contains("the engine took the stream but sent no LogonAck to aeron:udp?endpoint=127.0.0.1:", e.Message);
    }

    [Fact]
    public void A_logon_the_only_engine_never_saw_is_offered_again_after_the_answer_timeout_then_after_doubling_waits()
    {
        // The engine drops the first two requests (as one does that dropped the connection they came on for logging on
        // late: the stream joins again after them). The session's timers read a manual clock.
        var clock = new ManualClock();
        using var engine = new FakeEngine { DropLogons = 2 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine) with { Clock = clock, LogonAnswerTimeoutMs = 1000 }, listener);
        client.Reconnect();
        Assert.True(Wait.Until(client, () => engine.Read(e => e.Logons.Count) == 1), client.DescribeShard(0));

        // Not before the answer timeout ...
        clock.Advance(TimeSpan.FromMilliseconds(1000));
        for (int p = 0; p < 50; p++) client.Poll();
        Assert.Equal(1, engine.Read(e => e.Logons.Count));
        // ... and just after it, the same request (same key id, same client nonce) again.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Wait.Until(client, () => engine.Read(e => e.Logons.Count) == 2), client.DescribeShard(0));
        Assert.Equal(engine.Read(e => e.Logons[0]), engine.Read(e => e.Logons[1]));
        Assert.Equal(engine.Read(e => e.LogonNonces[0]), engine.Read(e => e.LogonNonces[1]));

        // The next wait is twice as long.
        clock.Advance(TimeSpan.FromMilliseconds(2000));
        for (int p = 0; p < 50; p++) client.Poll();
        Assert.Equal(2, engine.Read(e => e.Logons.Count));
        Assert.Equal(ShardState.LoggingOn, client.StateOf(0));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Wait.Until(client, () => client.IsLoggedOn(0)), client.DescribeShard(0));
        Assert.Equal(3, engine.Read(e => e.Logons.Count));
        Assert.Single(listener.Of("Logon"));
    }

    [Fact]
    public void The_client_heartbeats_after_each_interval_of_outbound_silence_and_the_engine_heartbeats_keep_it_alive()
    {
        // The session's timers read a manual clock: time passes only when the test says.
        var clock = new ManualClock();
        using var engine = new FakeEngine { GrantedHeartbeatMs = 100 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine) with { Clock = clock }, listener);
        client.Connect(TimeSpan.FromSeconds(10));

        for (int i = 1; i <= 10; i++)
        {
            // The engine speaks within each interval (so its silence never adds up to a disconnect) ...
            long received = client.Transport.Counters.DataFramesReceived;
            engine.Post(e => e.SendHeartbeat());
            Assert.True(Wait.Until(client, () => client.Transport.Counters.DataFramesReceived > received));
            // ... and the client, silent for one interval less a millisecond, has sent nothing.
            clock.Advance(TimeSpan.FromMilliseconds(99));
            for (int p = 0; p < 20; p++) client.Poll();
            Assert.Equal(i - 1, engine.Read(e => e.Heartbeats));
            // At the interval, one heartbeat.
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(Wait.Until(client, () => engine.Read(e => e.Heartbeats) == i), $"heartbeat {i} did not arrive");
        }
        for (int p = 0; p < 200; p++) client.Poll();
        Assert.Equal(10, engine.Read(e => e.Heartbeats));
        Assert.True(client.IsLoggedOn(0));
        Assert.Empty(listener.Of("Disconnected"));
    }

    [Fact]
    public void Three_silent_heartbeat_intervals_from_the_engine_are_a_disconnect()
    {
        var clock = new ManualClock();
        using var engine = new FakeEngine { GrantedHeartbeatMs = 100 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine) with { Clock = clock }, listener);
        client.Connect(TimeSpan.FromSeconds(10));

        Elapse(client, clock, 300);
        for (int p = 0; p < 20; p++) client.Poll();
        Assert.True(client.IsLoggedOn(0), "three intervals exactly are not yet a disconnect");
        Assert.Empty(listener.Of("Disconnected"));

        clock.Advance(1);
        client.Poll();
        Assert.Equal(ShardState.Disconnected, client.StateOf(0));
        Assert.Single(listener.Of("Disconnected"));
        Assert.Equal(SendResult.NotLoggedOn, client.Cancel(1, 5));
        // The client tells the engine the session is over.
        Assert.True(Wait.Until(client, () => engine.Read(e => e.Logouts) == 1));
    }

    [Fact]
    public void A_stall_of_the_client_is_not_counted_as_the_engines_silence()
    {
        var clock = new ManualClock();
        using var engine = new FakeEngine { GrantedHeartbeatMs = 100 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine) with { Clock = clock }, listener);
        client.Connect(TimeSpan.FromSeconds(10));
        Elapse(client, clock, 200);

        // Four seconds in which the client did not run (a frozen machine): the engine could not be heard meanwhile.
        // (Within the transport's own timeouts, which are Aeron's and count every second: an image lives 10 s unheard.)
        clock.Advance(TimeSpan.FromSeconds(4));
        client.Poll();
        Assert.True(client.IsLoggedOn(0), client.DescribeShard(0));
        Elapse(client, clock, 99);
        Assert.True(client.IsLoggedOn(0), "two hundred and ninety-nine milliseconds of silence while it ran");
        Elapse(client, clock, 2);
        Assert.Equal(ShardState.Disconnected, client.StateOf(0));
    }

    /// <summary>The client's clock moves on by <paramref name="ms"/>, a poll every 50 ms as a running client's loop does
    /// (a longer jump is a stall, which the client does not count as the engine's silence).</summary>
    private static void Elapse(ExchangeClient<RecordingListener> client, ManualClock clock, long ms, long stepMs = 50)
    {
        for (long left = ms; left > 0; left -= stepMs)
        {
            clock.Advance(TimeSpan.FromMilliseconds(Math.Min(stepMs, left)));
            client.Poll();
        }
    }

    [Fact]
    public void A_client_that_polls_every_400_ms_still_finds_a_silent_engine_after_three_intervals()
    {
        var clock = new ManualClock();
        using var engine = new FakeEngine { GrantedHeartbeatMs = 1000 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine) with { Clock = clock }, listener);
        client.Connect(TimeSpan.FromSeconds(10));
        // Gaps longer than a stall's 250 ms but shorter than its heartbeat interval are ordinary polling, not stalls.
        Elapse(client, clock, 2_800, stepMs: 400);
        Assert.True(client.IsLoggedOn(0));
        Elapse(client, clock, 400, stepMs: 400);
        Assert.Equal(ShardState.Disconnected, client.StateOf(0));
    }

    [Fact]
    public void Reconnect_after_a_lost_session_logs_on_again_without_waiting_and_reports_the_new_logon()
    {
        var clock = new ManualClock();
        using var engine = new FakeEngine { GrantedHeartbeatMs = 100 };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine) with { Clock = clock }, listener);
        client.Connect(TimeSpan.FromSeconds(10));
        Elapse(client, clock, 301);
        Assert.True(Wait.Until(client, () => listener.Of("Disconnected").Any()));
        engine.Post(e =>
        {
            e.SessionId = 78;
            e.GrantedHeartbeatMs = 60_000;
        });

        client.Reconnect();
        Assert.Equal(ShardState.LoggingOn, client.StateOf(0));
        Assert.True(Wait.Until(client, () => listener.Of("Logon").Count() == 2));
        Assert.Equal(ShardState.LoggedOn, client.StateOf(0));
        Assert.Equal(78UL, client.SessionIdOf(0));
        Assert.Equal(2, engine.Read(e => e.Logons.Count));
    }

    /// <summary>A client of one shard led by <paramref name="leader"/> with <paramref name="replicas"/>: 100 ms heartbeats,
    /// a minute's logon answer timeout (so only a failover's short waits can move a logon on), the manual clock; logged
    /// on to the leader with every replica's publication connected, so a search for a new leader starts at once.</summary>
    private static ExchangeClient<RecordingListener> FailoverClient(ManualClock clock, RecordingListener listener, FakeEngine leader, params FakeEngine[] replicas)
    {
        var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint(leader.Channel, [1]) { Replicas = [.. replicas.Select(r => r.Channel)] }],
            Transport = FakeEngine.FastOptions,
            HeartbeatIntervalMs = 100,
            LogonAnswerTimeoutMs = 60_000,
            Clock = clock,
        }, listener);
        try
        {
            client.Connect(TimeSpan.FromSeconds(10));
            Assert.True(Wait.Until(client, () => client.Transport.Counters.DataFramesReceived > 0));
            // Every replica's link up before the story starts: a failover goes to the next replica whose link is
            // connected, so one still connecting on a loaded machine would send the logon past it.
            Assert.True(Wait.Until(client, () => client.ShardAt(0).Publications.All(p => p.IsConnected)), client.DescribeShard(0));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The leader stays silent past three heartbeats: the session is lost and the application reconnects.</summary>
    private static void LoseLeaderAndReconnect(ExchangeClient<RecordingListener> client, ManualClock clock, RecordingListener listener)
    {
        Elapse(client, clock, 301);
        Assert.True(Wait.Until(client, () => listener.Of("Disconnected").Any()));
        client.Reconnect();
    }

    [Fact]
    public void During_a_failover_a_replica_that_leaves_the_logon_unanswered_is_passed_over_without_waiting_the_full_answer_timeout()
    {
        // The leader goes silent; the next replica takes the stream and answers nothing (an async standby stopping to
        // rejoin the new term); the third answers. With a minute's logon answer timeout, only the failover's short
        // wait can bring the session to the third replica.
        var clock = new ManualClock();
        using var leader = new FakeEngine { GrantedHeartbeatMs = 100, SessionId = 1 };
        using var rejoining = new FakeEngine { AnswerLogon = false };
        using var next = new FakeEngine { SessionId = 3 };
        var listener = new RecordingListener();
        using var client = FailoverClient(clock, listener, leader, rejoining, next);
        Assert.Equal(1UL, client.SessionIdOf(0));
        LoseLeaderAndReconnect(client, clock, listener);
        Assert.True(Wait.Until(client, () => rejoining.Read(e => e.Logons.Count) == 1), "the logon goes to the next replica");

        clock.Advance(TimeSpan.FromMilliseconds(150));
        for (int p = 0; p < 50; p++) client.Poll();
        Assert.Equal(ShardState.LoggingOn, client.StateOf(0));
        Assert.Equal(0, next.Read(e => e.Logons.Count));

        clock.Advance(1);
        Assert.True(Wait.Until(client, () => client.IsLoggedOn(0)), client.DescribeShard(0));
        Assert.Equal(3UL, client.SessionIdOf(0));
        Assert.Equal(1, rejoining.Read(e => e.Logons.Count));
    }

    [Fact]
    public void A_Reconnect_during_the_search_for_the_leader_keeps_what_the_search_learned()
    {
        // As above, but the application calls Reconnect again while the logon at the silent replica is unanswered (a
        // gateway retrying on a timer): the search is left alone, and the failover's short wait still applies.
        var clock = new ManualClock();
        using var leader = new FakeEngine { GrantedHeartbeatMs = 100, SessionId = 1 };
        using var rejoining = new FakeEngine { AnswerLogon = false };
        using var next = new FakeEngine { SessionId = 3 };
        var listener = new RecordingListener();
        using var client = FailoverClient(clock, listener, leader, rejoining, next);
        LoseLeaderAndReconnect(client, clock, listener);
        Assert.True(Wait.Until(client, () => rejoining.Read(e => e.Logons.Count) == 1));

        // A Reconnect within the logon's answer wait leaves the search alone: no second offer, and the wait runs on.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        client.Reconnect();
        for (int p = 0; p < 50; p++) client.Poll();
        Assert.Equal(1, rejoining.Read(e => e.Logons.Count));
        Assert.Equal(ShardState.LoggingOn, client.StateOf(0));

        clock.Advance(TimeSpan.FromMilliseconds(51));
        Assert.True(Wait.Until(client, () => client.IsLoggedOn(0)), client.DescribeShard(0));
        Assert.Equal(3UL, client.SessionIdOf(0));
        Assert.Equal(1, rejoining.Read(e => e.Logons.Count));
    }

    [Fact]
    public void A_logon_left_unanswered_during_a_failover_moves_to_a_replica_not_given_up_on_before_the_silent_leader()
    {
        // Replicas: the leader (goes silent), a standby that redirects to it (it has not heard of the failover yet), a
        // member that answers nothing. The stale redirect sends the session to the silent member; when that logon goes
        // unanswered the next replica in turn is the old leader, still silent: the session goes to the standby instead,
        // which has taken over meanwhile.
        var clock = new ManualClock();
        using var leader = new FakeEngine { GrantedHeartbeatMs = 100, SessionId = 1 };
        using var standby = new FakeEngine { SessionId = 2 };
        using var silent = new FakeEngine { AnswerLogon = false };
        standby.Post(e => e.RedirectTo = leader.Channel);
        var listener = new RecordingListener();
        using var client = FailoverClient(clock, listener, leader, standby, silent);
        Assert.Equal(1UL, client.SessionIdOf(0));
        leader.Post(e => e.AnswerLogon = false);
        LoseLeaderAndReconnect(client, clock, listener);
        Assert.True(Wait.Until(client, () => standby.Read(e => e.Logons.Count) == 1), $"the logon goes to the standby: {client.DescribeShard(0)}");
        // Its redirect names the leader given up on: stale; after the back-off the session tries the silent member.
        standby.Post(e => e.RedirectTo = null);
        Assert.True(Wait.Until(client, () => client.ChannelOf(0) == silent.Channel), client.DescribeShard(0));
        for (int p = 0; p < 20; p++) client.Poll();
        clock.Advance(TimeSpan.FromMilliseconds(26));
        Assert.True(Wait.Until(client, () => silent.Read(e => e.Logons.Count) == 1), client.DescribeShard(0));

        clock.Advance(TimeSpan.FromMilliseconds(151));
        Assert.True(Wait.Until(client, () => client.IsLoggedOn(0)), client.DescribeShard(0));
        Assert.Equal(2UL, client.SessionIdOf(0));
        Assert.Equal(1, leader.Read(e => e.Logons.Count));
    }

    [Fact]
    public void The_engine_response_stream_ending_is_a_disconnect()
    {
        using var engine = new FakeEngine();
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine), listener);
        client.Connect(TimeSpan.FromSeconds(10));
        engine.Post(e => e.CloseResponses());
        Assert.True(Wait.Until(client, () => listener.Of("Disconnected").Any()));
        Assert.Equal(new Call("Disconnected", 0, 0, null), listener.Calls[^1]);
        Assert.Empty(listener.Of("Logout"));
    }

    /// <summary>A gateway's sessions on one transport: one duty cycle for all, each client's streams polled on their own,
    /// and one client leaving does not close the others' streams.</summary>
    [Fact]
    public void Clients_sharing_a_transport_log_on_trade_and_leave_independently()
    {
        // A fake engine serves one connection: one each.
        using var a = new FakeEngine();
        using var b = new FakeEngine();
        a.Post(e => e.AcknowledgeOrders = true);
        b.Post(e => e.AcknowledgeOrders = true);
        using var transport = new Transport.Transport(FakeEngine.FastOptions);
        var first = ExchangeClient.Create(Options(a) with { Transport = null }, new RecordingListener(), transport);
        using var second = ExchangeClient.Create(Options(b) with { Transport = null }, new RecordingListener(), transport);
        Assert.Same(transport, first.Transport);
        Assert.Same(transport, second.Transport);
        first.Reconnect();
        second.Reconnect();
        bool Pump(Func<bool> done)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!done())
            {
                if (DateTime.UtcNow > deadline) return false;
                // The owner's loop: the transport once, then each client's streams.
                int work = transport.DoWork() + second.PollStreams();
                if (!first.IsDisposed) work += first.PollStreams();
                if (work == 0) Thread.Sleep(0);
            }
            return true;
        }
        Assert.True(Pump(() => first.IsLoggedOn(0) && second.IsLoggedOn(0)), $"{first.DescribeShard(0)} / {second.DescribeShard(0)}");
        Assert.True(first.NewOrder(new NewOrder(0, 1, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 100, 1)) > 0);
        Assert.True(second.NewOrder(new NewOrder(0, 2, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 101, 1)) > 0);
        Assert.True(Pump(() => a.Read(e => e.Orders.Count) == 1 && b.Read(e => e.Orders.Count) == 1));

        first.Dispose(); // logs out and closes its own streams only
        Assert.Equal(1, a.Read(e => e.Logouts));
        Assert.True(second.NewOrder(new NewOrder(0, 3, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 102, 1)) > 0);
        Assert.True(Pump(() => b.Read(e => e.Orders.Count) == 2));
        Assert.True(second.IsLoggedOn(0));
        Assert.Equal(0, b.Read(e => e.Logouts));
        Assert.Throws<ArgumentException>(() => ExchangeClient.Create(Options(a) with { TransportThread = true }, new RecordingListener(), transport));
    }

    [Fact]
    public void Logout_waits_for_the_engine_Logout_of_every_shard()
    {
        using var a = new FakeEngine();
        using var b = new FakeEngine();
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(a, b), listener);
        client.Connect(TimeSpan.FromSeconds(10));

        Assert.True(client.Logout(TimeSpan.FromSeconds(5)));
        Assert.Equal([new Call("Logout", 0, 0, LogoutReason.ClientRequest), new Call("Logout", 1, 0, LogoutReason.ClientRequest)],
            listener.Of("Logout").OrderBy(c => c.Shard));
        Assert.Equal(1, a.Read(e => e.Logouts));
        Assert.Equal(1, b.Read(e => e.Logouts));
        Assert.Equal(ShardState.LoggedOut, client.StateOf(0));
        // Draining the closed response streams is not mistaken for a disconnect.
        for (int i = 0; i < 200; i++) { client.Poll(); Thread.Sleep(1); }
        Assert.Empty(listener.Of("Disconnected"));
    }

    [Fact]
    public void Logout_without_an_answer_gives_up_after_the_timeout()
    {
        using var engine = new FakeEngine { AnswerLogout = false };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine), listener);
        client.Connect(TimeSpan.FromSeconds(10));
        Assert.False(client.Logout(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(ShardState.LoggedOut, client.StateOf(0));
        Assert.Equal(1, engine.Read(e => e.Logouts));
        Assert.Empty(listener.Of("Logout"));
    }

    [Fact]
    public void An_engine_initiated_logout_reaches_OnLogout_with_its_reason()
    {
        using var engine = new FakeEngine();
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine), listener);
        client.Connect(TimeSpan.FromSeconds(10));
        engine.Post(e => e.SendLogout(LogoutReason.ShuttingDown));
        Assert.True(Wait.Until(client, () => listener.Of("Logout").Any()));
        Assert.Equal(new Call("Logout", 0, 0, LogoutReason.ShuttingDown), listener.Calls[^1]);
        Assert.Equal(SendResult.NotLoggedOn, client.MassCancel());
    }

    [Fact]
    public void Dispose_logs_out_and_a_second_connect_after_a_logout_logs_on_again()
    {
        using var engine = new FakeEngine();
        var listener = new RecordingListener();
        var client = ExchangeClient.Create(Options(engine), listener);
        client.Connect(TimeSpan.FromSeconds(10));
        Assert.True(client.Logout(TimeSpan.FromSeconds(5)));
        client.Connect(TimeSpan.FromSeconds(10));
        Assert.Equal(2, listener.Of("Logon").Count());
        client.Dispose();
        Assert.Equal(2, engine.Read(e => e.Logouts));
        Assert.Throws<ObjectDisposedException>(() => client.Poll());
        client.Dispose();
    }

    [Fact]
    public void With_the_transport_on_its_own_thread_Poll_still_delivers_and_heartbeats()
    {
        using var engine = new FakeEngine { GrantedHeartbeatMs = 100, AcknowledgeOrders = true };
        var listener = new RecordingListener();
        using var client = ExchangeClient.Create(Options(engine) with { TransportThread = true, IdleStrategy = "backoff" }, listener);
        client.Connect(TimeSpan.FromSeconds(10));
        Assert.True(client.NewOrder(new NewOrder(0, 1, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 100, 1)) > 0);
        Assert.True(Wait.Until(client, () => listener.Of("Accepted").Any()));
        Assert.True(Wait.Until(client, () => engine.Read(e => e.Heartbeats) >= 2));
    }
}
