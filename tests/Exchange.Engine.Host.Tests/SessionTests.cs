// Logon by API key, its rejects, heartbeats both ways, heartbeat timeout and logout.
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class SessionTests
{
    [Fact]
    public void Logon_with_a_known_key_opens_the_clients_channel_and_acks_with_session_account_and_interval()
    {
        using var h = new Harness();
        h.Engine.OnMessage(3, Client.Logon("mm-1001-key", heartbeatMs: 2500, channel: "aeron:udp?endpoint=10.1.1.1:4000"));

        Assert.Equal([(3, "aeron:udp?endpoint=10.1.1.1:4000")], h.Links.Opened);
        var received = h.Links.Received(3);
        // The shard's reference data, then the ack.
        Assert.Equal([SymbolDefinitionDecoder.TemplateId, SymbolDefinitionDecoder.TemplateId, LogonAckDecoder.TemplateId], received.Select(Read.Template));
        var (sessionId, account, interval) = Read.LogonAck(received[^1]);
        Assert.Equal(1UL, sessionId);
        Assert.Equal(1001, account);
        Assert.Equal(2500U, interval);
        Assert.True(h.Engine.TryGetSession(3, out ulong id, out long sessionAccount));
        Assert.Equal((1UL, 1001L), (id, sessionAccount));
    }

    [Fact]
    public void Logon_brings_every_symbols_definition_with_names_decimals_and_rules_from_the_engine()
    {
        using var h = new Harness();
        h.LogOn(3, "mm-1001-key");

        var symbols = h.Links.Received(3).OfTemplate(SymbolDefinitionDecoder.TemplateId)
            .Select(m => SymbolReference.Decode(m, out _)!).ToList();
        var config = new ShardConfig();
        Assert.Equal(config.Symbols.Select(s => (s.Name, s.Spec)), symbols.Select(s => (s.Name, s.Spec)));
        var btc = symbols[0];
        Assert.Equal((SymbolStatus.Open, "BTC", 8, "USD", 2), (btc.Status, btc.BaseAsset, btc.BaseDecimals, btc.QuoteAsset, btc.QuoteDecimals));
        // Cents per 0.01 BTC lot is dollars per BTC; satoshis are BTC to 8 places.
        Assert.Equal((0, 8), (btc.PriceDecimals, btc.QuantityDecimals));
    }

    [Fact]
    public void A_symbol_an_operator_adds_is_announced_to_every_session_and_keeps_its_name_through_a_restart()
    {
        using var dir = new TempDirectory();
        var options = new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None };
        var spec = new SymbolSpec(Id: 5, BaseAsset: 2, QuoteAsset: 1, TickSize: 1, LotSize: 10_000, MinQuantity: 10_000, MaxQuantity: 1_000_000_000,
            ReferencePrice: 5_000, BandBps: 2_000, MakerFeeBps: 1, TakerFeeBps: 2, MaxNotional: 1_000_000_000_000);
        Assert.True(SymbolName.TryParse("ETH-BTC", out var name, out _));
        using (var h = new Harness(options))
        {
            h.LogOn(1, "mm-1001-key");
            h.LogOn(7, "ops-admin-key");
            h.Links.Clear();

            h.Engine.OnMessage(7, Client.Encode(new AddSymbol(spec, name)));
            // A second symbol by the same name is refused: the gateways find symbols by name.
            h.Engine.OnMessage(7, Client.Encode(new AddSymbol(spec with { Id = 6 }, name)));

            var announced = h.Links.Received(1).OfTemplate(SymbolDefinitionDecoder.TemplateId).Select(m => SymbolReference.Decode(m, out _)!).Single();
            Assert.Equal(("ETH-BTC", spec, "ETH", "BTC"), (announced.Name, announced.Spec, announced.BaseAsset, announced.QuoteAsset));
            Assert.Equal(RejectReason.DuplicateSymbol, Read.Events(h.Links.Received(7)).OfType<CommandRejected>().Single().Reason);
            h.Engine.Shutdown();
        }
        using (var h = new Harness(options))
        {
            h.LogOn(2, "mm-1002-key");
            var names = h.Links.Received(2).OfTemplate(SymbolDefinitionDecoder.TemplateId).Select(m => SymbolReference.Decode(m, out _)!.Name);
            Assert.Equal(["BTC-USD", "ETH-USD", "ETH-BTC"], names);
        }
    }

    [Fact]
    public void Session_ids_increase_one_by_one()
    {
        using var h = new Harness();
        ulong first = h.LogOn(1, "mm-1001-key");
        ulong second = h.LogOn(2, "mm-1002-key");
        h.Engine.OnMessage(1, Client.Logout(first));
        ulong third = h.LogOn(3, "mm-1001-key");
        Assert.Equal([1UL, 2UL, 3UL], new[] { first, second, third });
    }

    [Fact]
    public void Logon_with_an_unknown_key_is_rejected_and_leaves_no_session()
    {
        using var h = new Harness();
        h.Engine.OnMessage(1, Client.Logon("no-such-key"));

        var received = h.Links.Received(1);
        Assert.Single(received);
        Assert.Equal(LogonRejectReason.UnknownApiKey, Read.LogonReject(received[0]));
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal([1], h.Links.Closed);
        Assert.Empty(h.Links.Received(1).OfTemplate(LogonAckDecoder.TemplateId));
    }

    [Fact]
    public void Logon_naming_another_account_than_its_key_is_rejected()
    {
        using var h = new Harness();
        h.Engine.OnMessage(1, Client.Logon("mm-1001-key", account: 1002));
        Assert.Equal(LogonRejectReason.UnknownApiKey, Read.LogonReject(h.Links.Received(1).Single()));
        Assert.Equal(0, h.Engine.ActiveSessions);
    }

    [Fact]
    public void A_second_logon_of_a_logged_on_account_is_rejected_and_the_first_session_goes_on()
    {
        using var h = new Harness();
        ulong first = h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(2, Client.Logon("mm-1001-key"));

        Assert.Equal(LogonRejectReason.AlreadyLoggedOn, Read.LogonReject(h.Links.Received(2).Single()));
        Assert.True(h.Engine.TryGetSession(1, out ulong id, out _));
        Assert.Equal(first, id);
        Assert.False(h.Engine.TryGetSession(2, out _, out _));
        Assert.Contains(1, h.Links.Open);
    }

    [Fact]
    public void A_second_logon_on_a_logged_on_connection_is_rejected_on_its_open_path()
    {
        using var h = new Harness();
        ulong first = h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Logon("mm-1002-key"));

        Assert.Equal(LogonRejectReason.AlreadyLoggedOn, Read.LogonReject(h.Links.Received(1).Last()));
        Assert.True(h.Engine.TryGetSession(1, out ulong id, out long account));
        Assert.Equal((first, 1001L), (id, account));
        Assert.Empty(h.Links.Closed);
    }

    [Fact]
    public void Logon_on_an_unusable_channel_creates_no_session()
    {
        using var h = new Harness();
        h.Links.BadChannels.Add("aeron:udp?endpoint=nowhere");
        h.Engine.OnMessage(1, Client.Logon("mm-1001-key", channel: "aeron:udp?endpoint=nowhere"));
        Assert.Equal(0, h.Engine.ActiveSessions);
        // The account is free for a logon on a usable channel.
        h.LogOn(2, "mm-1001-key");
        Assert.Equal(1, h.Engine.ActiveSessions);
    }

    [Fact]
    public void Logon_on_a_connection_beyond_the_cap_is_rejected()
    {
        using var h = new Harness(new EngineServiceOptions { MaxConnections = 4 });
        h.Engine.OnMessage(4, Client.Logon("mm-1001-key"));
        Assert.Equal(LogonRejectReason.AccountDisabled, Read.LogonReject(h.Links.Received(4).Single()));
        Assert.Equal(0, h.Engine.ActiveSessions);
    }

    [Fact]
    public void At_the_session_limit_a_logon_is_rejected_and_the_sessions_go_on()
    {
        using var h = new Harness(new EngineServiceOptions { MaxSessions = 1 });
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(2, Client.Logon("mm-1002-key"));
        Assert.Equal(LogonRejectReason.AccountDisabled, Read.LogonReject(h.Links.Received(2).Single()));
        Assert.Equal(1, h.Engine.ActiveSessions);
    }

    [Fact]
    public void A_logged_on_client_gets_a_session_path_and_a_refused_one_only_a_reject_path()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(2, Client.Logon("no-such-key"));
        Assert.Equal([(1, ResponsePath.Session), (2, ResponsePath.Reject)], h.Links.Purposes);
    }

    [Fact]
    public void A_refused_logon_the_links_will_not_carry_is_not_answered_and_changes_nothing()
    {
        using var h = new Harness();
        h.Links.RefuseRejectPaths = true;
        h.Engine.OnMessage(2, Client.Logon("no-such-key"));
        Assert.Empty(h.Links.Offered);
        Assert.Empty(h.Links.Opened);
        Assert.Equal(0, h.Engine.ActiveSessions);
        // The connection can still log on properly afterwards.
        h.LogOn(2, "mm-1001-key");
        Assert.Equal(1, h.Engine.ActiveSessions);
    }

    [Fact]
    public void Requested_heartbeat_intervals_are_clamped_and_zero_gets_the_default()
    {
        using var h = new Harness();
        h.Engine.OnMessage(1, Client.Logon("mm-1001-key", heartbeatMs: 0));
        h.Engine.OnMessage(2, Client.Logon("mm-1002-key", heartbeatMs: 1));
        Assert.Equal(1000U, Read.LogonAck(h.Links.Received(1).OfTemplate(LogonAckDecoder.TemplateId).Single()).HeartbeatMs);
        Assert.Equal(100U, Read.LogonAck(h.Links.Received(2).OfTemplate(LogonAckDecoder.TemplateId).Single()).HeartbeatMs);
    }

    [Fact]
    public void The_engine_heartbeats_after_an_interval_of_outbound_silence_and_times_out_after_three_of_inbound()
    {
        using var h = new Harness();
        ulong session = h.LogOn(1, "mm-1001-key", heartbeatMs: 1000);
        h.Links.Clear();

        h.Work(900_000_000);
        Assert.Empty(h.Links.Received(1));
        h.Work(200_000_000);  // 1.1 s of silence: one heartbeat
        var heartbeat = Assert.Single(h.Links.Received(1));
        Assert.Equal(HeartbeatDecoder.TemplateId, Read.Template(heartbeat));
        Assert.Equal(session, HeartbeatDecoder.WrapWithHeader(heartbeat).SessionId);

        h.Work(1_800_000_000);  // 2.9 s without a word from the client: still on
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        Assert.Empty(h.Links.Closed);

        h.Work(200_000_000);  // 3.1 s: logged out
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal(LogoutReason.HeartbeatTimeout, Read.Logout(h.Links.Received(1).Last()));
        Assert.Equal([1], h.Links.Closed);
        Assert.Equal(0, h.Engine.ActiveSessions);
    }

    [Fact]
    public void A_session_whose_messages_wait_unread_is_not_timed_out_and_is_once_they_are_read_and_it_falls_silent()
    {
        using var h = new Harness();
        ulong session = h.LogOn(1, "mm-1001-key", heartbeatMs: 1000);
        h.LogOn(2, "mm-1002-key", heartbeatMs: 1000);
        h.Links.Clear();

        // Connection 1's messages sit in its stream behind other traffic (a backlog the engine reads 64 fragments a
        // pass); connection 2 really went silent.
        h.Links.Unread.Add(1);
        h.Work(6_000_000_000);
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        Assert.DoesNotContain(1, h.Links.Closed);
        Assert.False(h.Engine.TryGetSession(2, out _, out _));
        Assert.Equal(LogoutReason.HeartbeatTimeout, Read.Logout(h.Links.Received(2).Last()));

        // Its backlog read (a heartbeat among it), it lives on; once it is silent for three intervals, it goes.
        h.Links.Unread.Clear();
        h.Engine.OnMessage(1, Client.Heartbeat(session));
        h.Work(2_900_000_000);
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        h.Work(200_000_000);
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal(LogoutReason.HeartbeatTimeout, Read.Logout(h.Links.Received(1).Last()));
    }

    [Fact]
    public void A_stall_of_the_engine_thread_is_not_counted_as_its_clients_silence()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key", heartbeatMs: 1000);
        h.Work(2_500_000_000);
        // 10 s in which the engine did not run (a frozen machine): its clients could not be heard, nor could they hear
        // it; when it resumes, their next messages may not even be sent yet.
        h.Stall(10_000_000_000);
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        h.Work(400_000_000);  // 2.9 s of silence while the engine ran: still on
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        h.Work(200_000_000);  // 3.1 s: logged out
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal(LogoutReason.HeartbeatTimeout, Read.Logout(h.Links.Received(1).Last()));
    }

    [Fact]
    public void Client_heartbeats_keep_a_session_alive_and_get_no_reply()
    {
        using var h = new Harness();
        ulong session = h.LogOn(1, "mm-1001-key", heartbeatMs: 1000);
        h.Links.Clear();
        for (int i = 0; i < 10; i++)
        {
            h.Work(900_000_000);
            h.Engine.OnMessage(1, Client.Heartbeat(session));
        }
        h.Work(900_000_000);
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        // Only the engine's own heartbeats, one per interval of outbound silence (nine in 9.9 s); none answers the client's.
        Assert.All(h.Links.Received(1), m => Assert.Equal(HeartbeatDecoder.TemplateId, Read.Template(m)));
        Assert.Equal(9, h.Links.Received(1).Count);
    }

    [Fact]
    public void Logout_from_the_client_is_answered_with_a_logout_then_the_path_closes()
    {
        using var h = new Harness();
        ulong session = h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Logout(session));

        var last = h.Links.Received(1).Last();
        Assert.Equal(LogoutReason.ClientRequest, Read.Logout(last));
        Assert.Equal([1], h.Links.Closed);
        Assert.Equal(0, h.Engine.ActiveSessions);
        // Orders after logout are refused.
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Buy, 59_000));
        Assert.Equal(Harness.OpeningCommands, h.Engine.LastSequence);
    }

    [Fact]
    public void Api_keys_must_be_unique_across_accounts()
    {
        var config = new ShardConfig();
        config.Accounts[1] = config.Accounts[1] with { ApiKey = "mm-1001-key" };
        var e = Assert.Throws<ConfigException>(() => EngineService.Open(config, new RecordingLinks()));
        Assert.Contains("1001", e.Message);
    }
}
