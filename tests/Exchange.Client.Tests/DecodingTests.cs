// What arrives from a shard reaches the right callback with the shard, the sequence and every field: engine events
// encoded by the engine's own SbeEventWriter, Trade messages, and the session messages. No engine involved: the
// bytes go straight into the client's message handler.
using Exchange.Contract;

namespace Exchange.Client.Tests;

public class DecodingTests : IDisposable
{
    private const int Header = MessageHeaderEncoder.EncodedLength;
    private readonly RecordingListener _listener = new();
    private readonly ExchangeClient<RecordingListener> _client;

    public DecodingTests()
    {
        _client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40123", [1]), new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40124", [2])],
            Transport = FakeEngine.FastOptions,
        }, _listener);
    }

    public void Dispose() => _client.Dispose();

    private void Feed(int shard, ReadOnlySpan<byte> message, int imageSession = 5) => _client.OnMessage(_client.ShardAt(shard), message, imageSession, null);

    /// <summary>Encodes one event as the engine does, stamped with <paramref name="sequence"/>.</summary>
    private static byte[] Encode(object e, long sequence, long timestamp = 1_700_000_000_123_456_789)
    {
        var writer = new SbeEventWriter(256) { Sequence = sequence, Timestamp = timestamp };
        switch (e)
        {
            case OrderAccepted x: writer.OnAccepted(x); break;
            case CommandRejected x: writer.OnRejected(x); break;
            case Fill x: writer.OnFill(x); break;
            case OrderCancelled x: writer.OnCancelled(x); break;
            case OrderReplaced x: writer.OnReplaced(x); break;
            case OrderReduced x: writer.OnReduced(x); break;
            case BalanceChanged x: writer.OnBalance(x); break;
            case MassCancelled x: writer.OnMassCancelled(x); break;
            case LevelChanged x: writer.OnLevel(x); break;
            case BestBidOffer x: writer.OnBestBidOffer(x); break;
            case SymbolStatusChanged x: writer.OnSymbolStatus(x); break;
            case AccountAdded x: writer.OnAccountAdded(x); break;
            case StopTriggered x: writer.OnStopTriggered(x); break;
        }
        return writer.Written[SbeEventWriter.LengthPrefix..].ToArray();
    }

    public static TheoryData<string, object> Events() => new()
    {
        { "Accepted", new OrderAccepted(1001, 7, 42, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 60_010, 1_000_000) },
        { "Rejected", new CommandRejected(CommandKind.ReplaceOrder, 1001, 8, -1, RejectReason.UnknownOrder) },
        { "Fill", new Fill(9, 1001, 7, 42, 1, Side.Buy, Liquidity.Maker, 60_010, 1_000_000, 12, 1_000_000, 0) },
        { "Cancelled", new OrderCancelled(1001, 7, 42, 1, Side.Sell, CancelReason.ByClient, 3_000_000, 1_000_000) },
        { "Replaced", new OrderReplaced(1001, 7, 8, 42, 1, Side.Sell, 60_020, 2_000_000, 1_000_000, true) },
        { "Reduced", new OrderReduced(1001, 7, 42, 1, Side.Buy, 1_000_000, 2_000_000) },
        { "Balance", new BalanceChanged(1001, 0, 999_000, 1_000) },
        { "MassCancelled", new MassCancelled(1001, -1, Side.None, 3) },
        { "Level", new LevelChanged(2, Side.Sell, 3_010, 40_000, 2) },
        { "BestBidOffer", new BestBidOffer(2, 3_000, 10_000, 3_010, 40_000) },
        { "SymbolStatus", new SymbolStatusChanged(2, SymbolStatus.Halted) },
        { "Accepted", new OrderAccepted(1001, 9, 43, 1, Side.Sell, OrderType.StopLimit, TimeInForce.GoodTillCancel, 59_000, 1_000_000, 59_500) },
        { "StopTriggered", new StopTriggered(1001, 9, 43, 1, Side.Sell, OrderType.StopLimit, 59_500, 59_490) },
        { "Accepted", new OrderAccepted(1001, 10, 44, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000, 0, 200_000) },
        { "Accepted", new OrderAccepted(1001, 10, 44, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillDate, 59_000, 1_000_000) },
        { "Cancelled", new OrderCancelled(1001, 10, 44, 1, Side.Buy, CancelReason.Expired, 1_000_000, 0) },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_engine_event_reaches_its_callback_with_shard_sequence_and_fields(string kind, object e)
    {
        Feed(1, Encode(e, sequence: 12_345));
        var call = Assert.Single(_listener.Calls);
        Assert.Equal(new Call(kind, 1, 12_345, e), call);
        Assert.Equal(1, _listener.Contexts);
        Assert.Equal(1_700_000_000_123_456_789, _client.LastTimestamp);
        Assert.Equal(0, _client.MalformedMessages);
    }

    [Fact]
    public void A_reject_of_an_unsequenced_input_keeps_its_session_level_reason()
    {
        var buffer = new byte[128];
        var m = CommandRejectedEncoder.WrapAndApplyHeader(buffer, 0);
        m.Sequence = 0;
        m.Command = CommandKind.NewOrder;
        m.Account = 1001;
        m.ClientOrderId = 5;
        m.Symbol = 9;
        m.Reason = RejectReason.WrongShard;
        Feed(0, buffer.AsSpan(0, Header + m.EncodedLength));
        var call = Assert.Single(_listener.Calls);
        Assert.Equal(new Call("Rejected", 0, 0, new CommandRejected(CommandKind.NewOrder, 1001, 5, 9, (RejectReason)RejectReason.WrongShard)), call);
    }

    [Fact]
    public void A_trade_reaches_OnTrade()
    {
        var buffer = new byte[128];
        var t = TradeEncoder.WrapAndApplyHeader(buffer, 0);
        t.Sequence = 77;
        t.Timestamp = 5;
        t.Symbol = 1;
        t.TradeId = 3;
        t.Price = 60_000;
        t.Quantity = 2_000_000;
        t.AggressorSide = Side.Sell;
        Feed(0, buffer.AsSpan(0, Header + t.EncodedLength));
        Assert.Equal(new Call("Trade", 0, 77, new Trade(1, 3, 60_000, 2_000_000, Side.Sell)), Assert.Single(_listener.Calls));
        Assert.Equal(5, _client.LastTimestamp);
    }

    [Fact]
    public void A_book_update_with_several_levels_gives_one_context_and_one_call_per_level()
    {
        var buffer = new byte[256];
        var m = BookUpdateEncoder.WrapAndApplyHeader(buffer, 0);
        m.Sequence = 50;
        m.Symbol = 2;
        var levels = m.LevelsCount(2);
        levels.Next(); levels.Side = Side.Buy; levels.Price = 2_990; levels.Quantity = 10_000; levels.OrderCount = 1;
        levels.Next(); levels.Side = Side.Sell; levels.Price = 3_010; levels.Quantity = 0; levels.OrderCount = 0;
        Feed(1, buffer.AsSpan(0, Header + m.EncodedLength));
        Assert.Equal(
            [new Call("Level", 1, 50, new LevelChanged(2, Side.Buy, 2_990, 10_000, 1)), new Call("Level", 1, 50, new LevelChanged(2, Side.Sell, 3_010, 0, 0))],
            _listener.Calls);
        Assert.Equal(1, _listener.Contexts); // one message, one context for its levels
    }

    [Fact]
    public void Bytes_that_do_not_decode_are_counted_and_skipped_and_the_next_good_message_is_delivered()
    {
        Feed(0, new byte[3]);
        Feed(0, new byte[] { 8, 0, 99, 0, 0x59, 0x1B, 0, 0 }); // template 99 of our schema
        Feed(0, new byte[] { 8, 0, 30, 0, 1, 0, 0, 0 });       // OrderAccepted of another schema
        Feed(0, Encode(new OrderAccepted(1, 1, 1, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 1, 1), 1)[..20]); // truncated
        Assert.Empty(_listener.Calls);
        Assert.Equal(4, _client.MalformedMessages);
        Feed(0, Encode(new AccountAdded(1001), 3));
        Assert.Equal([new Call("AccountAdded", 0, 3, new AccountAdded(1001))], _listener.Calls);
        Assert.Equal(4, _client.MalformedMessages);
    }

    private static byte[] LogonAck(ulong session, long account, uint heartbeatMs)
    {
        var buffer = new byte[64];
        var ack = LogonAckEncoder.WrapAndApplyHeader(buffer, 0);
        ack.SessionId = session;
        ack.Account = account;
        ack.HeartbeatIntervalMs = heartbeatMs;
        return buffer[..(Header + ack.EncodedLength)];
    }

    private static byte[] Logout(ulong session, LogoutReason reason)
    {
        var buffer = new byte[64];
        var logout = LogoutEncoder.WrapAndApplyHeader(buffer, 0);
        logout.SessionId = session;
        logout.Reason = reason;
        return buffer[..(Header + logout.EncodedLength)];
    }

    [Fact]
    public void Session_messages_drive_the_shard_state_and_its_callbacks()
    {
        var shard = _client.ShardAt(1);
        Feed(1, LogonAck(9, 1001, 500));
        Assert.Empty(_listener.Calls); // no logon outstanding: a stray ack is ignored
        shard.State = ShardState.LoggingOn;
        Feed(1, LogonAck(9, 1001, 500));
        Assert.Empty(_listener.Calls); // logging on, but no handshake sent yet: not an answer to ours
        shard.HandshakeReplica = 0; // the proof went to the shard's one replica

        Feed(1, LogonAck(9, 1001, 500), imageSession: 31);
        Assert.Equal(new Call("Logon", 1, 0, 9UL), Assert.Single(_listener.Calls));
        Assert.Equal(ShardState.LoggedOn, _client.StateOf(1));
        Assert.Equal(9UL, _client.SessionIdOf(1));
        Assert.Equal(500u, _client.HeartbeatIntervalMsOf(1));
        Assert.Equal(1001, _client.Account);

        var heartbeat = new byte[64];
        var h = HeartbeatEncoder.WrapAndApplyHeader(heartbeat, 0);
        h.SessionId = 9;
        Feed(1, heartbeat.AsSpan(0, Header + h.EncodedLength));
        Feed(1, Logout(8, LogoutReason.ShuttingDown)); // another session's
        Assert.Single(_listener.Calls);

        Feed(1, Logout(9, LogoutReason.ShuttingDown));
        Assert.Equal(new Call("Logout", 1, 0, LogoutReason.ShuttingDown), _listener.Calls[^1]);
        Assert.Equal(ShardState.LoggedOut, _client.StateOf(1));
        _client.OnResponseImageGone(shard, 31); // the stream ending after a logout is no disconnect
        Assert.Equal(2, _listener.Calls.Count);
    }

    [Fact]
    public void The_response_stream_going_away_is_a_disconnect_only_for_the_session_it_carried()
    {
        var shard = _client.ShardAt(0);
        shard.State = ShardState.LoggingOn;
        shard.HandshakeReplica = 0;
        Feed(0, LogonAck(4, 1001, 1000), imageSession: 31);
        _client.OnResponseImageGone(shard, 30);
        Assert.Equal(ShardState.LoggedOn, _client.StateOf(0));
        _client.OnResponseImageGone(shard, 31);
        Assert.Equal(ShardState.Disconnected, _client.StateOf(0));
        Assert.Equal(new Call("Disconnected", 0, 0, null), _listener.Calls[^1]);
    }

    [Fact]
    public void A_replica_that_acknowledges_a_proof_after_the_failover_search_moved_on_keeps_the_session_with_its_key()
    {
        using var client = ExchangeClient.Create(new ClientOptions
        {
            ApiKey = "mm-key",
            Shards = [new ShardEndpoint("aeron:udp?endpoint=127.0.0.1:40125", [1]) { Replicas = ["aeron:udp?endpoint=127.0.0.1:40126"] }],
            Transport = FakeEngine.FastOptions,
        }, _listener);
        var shard = client.ShardAt(0);
        // The proof of a logon went to replica 1; its ack is slow (a loaded machine), so the search moves on to replica 0.
        var key = new byte[32];
        key[0] = 7;
        shard.State = ShardState.LoggingOn;
        shard.Active = 1;
        shard.HandshakeKey = key;
        shard.HandshakeReplica = 1;
        ExchangeClient<RecordingListener>.StartLogonAt(shard, 0, whenConnected: true);
        Assert.Equal(0, shard.Active);
        Assert.Null(shard.HandshakeKey);

        // Replica 1 logs the session on after all: the session is there, sealed with that handshake's key (before,
        // it was taken as replica 0's and its heartbeats went to 0, so replica 1 timed it out).
        client.OnMessage(shard, LogonAck(12, 1001, 200), 41, null);
        Assert.Equal(ShardState.LoggedOn, client.StateOf(0));
        Assert.Equal(1, shard.Active);
        Assert.Equal("aeron:udp?endpoint=127.0.0.1:40126", client.ChannelOf(0));
        Assert.NotNull(shard.Mac);
        Assert.Equal(12UL, client.SessionIdOf(0));

        // A search that moved on before its proof went anywhere has nothing a late ack could complete.
        shard.State = ShardState.LoggingOn;
        shard.HandshakeReplica = -1;
        shard.LateReplica = -1;
        ExchangeClient<RecordingListener>.StartLogonAt(shard, 1, whenConnected: true);
        client.OnMessage(shard, LogonAck(13, 1001, 200), 42, null);
        Assert.Equal(ShardState.LoggingOn, client.StateOf(0));
    }

    [Fact]
    public void A_logon_reject_is_kept_for_Connect_to_report()
    {
        var shard = _client.ShardAt(0);
        shard.State = ShardState.LoggingOn;
        var buffer = new byte[128];
        var reject = LogonRejectEncoder.WrapAndApplyHeader(buffer, 0);
        reject.Reason = LogonRejectReason.AlreadyLoggedOn;
        reject.WriteText("account 1001 already has a session"u8);
        Feed(0, buffer.AsSpan(0, Header + reject.EncodedLength));
        Assert.Equal(ShardState.Rejected, _client.StateOf(0));
        Assert.Equal(LogonRejectReason.AlreadyLoggedOn, shard.RejectReason);
        Assert.Equal("account 1001 already has a session", shard.RejectText);
        Assert.Empty(_listener.Calls);
    }
}
