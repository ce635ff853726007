// The binary protocol's authentication against a real engine process over real UDP sockets: a logon under a wrong
// secret, a captured handshake replayed, a captured command replayed from another socket, a command altered after it
// was sealed, the clear-key Logon; each refused while a real session of the client library keeps trading.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class AuthenticationTests : IDisposable
{
    private const int Btc = 1;
    private const long BtcLot = 1_000_000;
    private readonly TempDirectory _root = new("exchange-auth-");

    public void Dispose() => _root.Dispose();

    private EngineProcess Engine() => new(1, "BTC-USD,ETH-USD", _root.Combine("engine"), durability: "none");

    private static ShardEndpoint Shard(EngineProcess engine) => new(engine.ChannelUri, [Btc, 2]);

    private static byte[] Order(long account, long clientOrderId, long price = 59_000)
    {
        var buffer = new byte[256];
        return buffer[..CommandCodec.Encode(new NewOrder(account, clientOrderId, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, price, BtcLot), buffer)];
    }

    private static List<long> Accepted(RawClient raw) => raw.Received.Where(m => raw.TemplateOf(m) == OrderAcceptedDecoder.TemplateId)
        .Select(m => OrderAcceptedDecoder.WrapWithHeader(m).ClientOrderId).ToList();

    /// <summary>The real session (the client library's) still trades: an order sent now is accepted.</summary>
    private static void AssertTrades(EngineProcess engine, ExchangeClient<RecordingListener> client, long clientOrderId)
    {
        int before = client.Listener.Accepted.Count;
        Assert.True(client.NewOrder(new NewOrder(0, clientOrderId, Btc, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 70_000, BtcLot)) > 0);
        Clients.PollUntil(() => client.Listener.Accepted.Count == before + 1, Timeouts.Prompt, () => engine.Process.Stderr, () => client.Poll());
    }

    private static void WaitForStderr(EngineProcess engine, string text, Func<int>? poll = null) =>
        Eventually.True(() => engine.Process.Stderr.Contains(text, StringComparison.Ordinal), $"'{text}' in the engine's stderr:\n{engine.Process.Stderr}",
            between: () => { if ((poll?.Invoke() ?? 0) == 0) Thread.Sleep(5); });

    [Fact]
    public void A_logon_under_a_wrong_secret_is_refused_and_the_real_session_keeps_trading()
    {
        using var engine = Engine();
        using var client = Clients.Connect("mm-1001-key", Shard(engine));
        using var liar = new RawClient(engine.Port);
        // The key's id is public; the secret is not.
        Assert.Equal(LogonRejectDecoder.TemplateId, liar.LogOn("mm-1001-key", liar.ResponseChannel(), Timeouts.Prompt, proveWith: "guessed-secret"));
        Assert.Equal(LogonRejectReason.BadProof, liar.LastRejectReason);
        WaitForStderr(engine, "BadProof: the proof does not match", liar.Pump);
        Assert.DoesNotContain("mm-1001-key", engine.Process.Stderr + engine.Process.Stdout);
        AssertTrades(engine, client, 1);
    }

    [Fact]
    public void A_captured_handshake_replayed_from_another_socket_is_refused()
    {
        using var engine = Engine();
        using var client = Clients.Connect("mm-1001-key", Shard(engine));
        using var victim = new RawClient(engine.Port);
        Assert.Equal(LogonAckDecoder.TemplateId, victim.LogOn("mm-1002-key", victim.ResponseChannel(), Timeouts.Prompt));
        Assert.True(victim.Offer(victim.Seal(Order(1002, 1))));
        Assert.True(victim.PumpUntil(() => Accepted(victim).Count == 1, Timeouts.Prompt), engine.Process.Stderr);
        byte[] request = victim.SentRequest!, proof = victim.SentProof!;

        // The observer replays the request (its response channel names the victim's port, so the challenge goes there)
        // and then the proof it saw: the engine's fresh server nonce makes the old proof wrong.
        using var observer = new RawClient(engine.Port);
        Assert.True(observer.Offer(request));
        observer.PumpFor(TimeSpan.FromMilliseconds(300));
        Assert.True(observer.Offer(proof));
        WaitForStderr(engine, "BadProof", observer.Pump);

        // The victim's session never noticed.
        Assert.True(victim.Offer(victim.Seal(Order(1002, 2))));
        Assert.True(victim.PumpUntil(() => Accepted(victim).Count == 2, Timeouts.Prompt), engine.Process.Stderr);
        AssertTrades(engine, client, 1);
    }

    [Fact]
    public void A_captured_command_replayed_from_another_socket_or_later_is_refused()
    {
        using var engine = Engine();
        using var client = Clients.Connect("mm-1001-key", Shard(engine));
        using var victim = new RawClient(engine.Port);
        Assert.Equal(LogonAckDecoder.TemplateId, victim.LogOn("mm-1002-key", victim.ResponseChannel(), Timeouts.Prompt));
        byte[] captured = victim.Seal(Order(1002, 1));
        Assert.True(victim.Offer(captured));
        Assert.True(victim.PumpUntil(() => Accepted(victim).Count == 1, Timeouts.Prompt), engine.Process.Stderr);

        // From another socket with no session, and from another socket logged on as another account (its own key).
        using var stranger = new RawClient(engine.Port);
        Assert.True(stranger.Offer(captured));
        using var other = new RawClient(engine.Port);
        Assert.Equal(LogonAckDecoder.TemplateId, other.LogOn("web-3001-key", other.ResponseChannel(), Timeouts.Prompt));
        Assert.True(other.Offer(captured));
        WaitForStderr(engine, "its MAC is wrong", other.Pump);
        // Later, on the victim's own stream (what a replay with its source address comes to): the sequence is old.
        Assert.True(victim.Offer(captured));
        WaitForStderr(engine, "its sequence is not above the last taken", victim.Pump);

        Assert.True(victim.Offer(victim.Seal(Order(1002, 2))));
        Assert.True(victim.PumpUntil(() => Accepted(victim).Count == 2, Timeouts.Prompt), engine.Process.Stderr);
        victim.PumpFor(TimeSpan.FromMilliseconds(200));
        Assert.Equal([1L, 2L], Accepted(victim));
        Assert.Empty(Accepted(other));
        AssertTrades(engine, client, 1);
        // The next status line once idle: two sealed messages refused, and only the real orders open.
        var status = engine.Process.WaitForLine("status", l => StatusLines.Field(l, "openOrders") == "3");
        Assert.Equal("2", StatusLines.Field(status, "sealedRefused"));
    }

    [Fact]
    public void A_command_altered_after_it_was_sealed_is_refused_and_the_session_goes_on()
    {
        using var engine = Engine();
        using var client = Clients.Connect("mm-1001-key", Shard(engine));
        using var raw = new RawClient(engine.Port);
        Assert.Equal(LogonAckDecoder.TemplateId, raw.LogOn("mm-1002-key", raw.ResponseChannel(), Timeouts.Prompt));
        byte[] sealedOrder = raw.Seal(Order(1002, 1, price: 59_000));
        // A price lowered in flight: the bytes differ from what was sealed.
        byte[] altered = (byte[])sealedOrder.Clone();
        const int priceOffset = 24; // account, clientOrderId, symbol, side, orderType, timeInForce, selfTradePrevention
        altered[MessageHeaderEncoder.EncodedLength + priceOffset + 1] ^= 0x40;
        Assert.True(raw.Offer(altered));
        WaitForStderr(engine, "its MAC is wrong", raw.Pump);

        Assert.True(raw.Offer(raw.Seal(Order(1002, 2))));
        Assert.True(raw.PumpUntil(() => Accepted(raw).Count == 1, Timeouts.Prompt), engine.Process.Stderr);
        Assert.Equal([2L], Accepted(raw));
        AssertTrades(engine, client, 1);
    }

    [Fact]
    public void The_clear_key_Logon_is_refused_with_a_reason_to_upgrade()
    {
        using var engine = Engine();
        using var raw = new RawClient(engine.Port);
        Assert.True(raw.Logon("mm-1002-key", raw.ResponseChannel()));
        Assert.True(raw.PumpUntil(() => raw.Answer(0) != 0, Timeouts.Prompt), engine.Process.Stderr);
        Assert.Equal(LogonRejectReason.UpgradeRequired, raw.LastRejectReason);
        Eventually.True(() => engine.Process.Stderr.Contains("challenge-response", StringComparison.Ordinal), "the engine logs 'challenge-response'", Timeouts.Prompt);

        // The client library's clear-key logon meets the same refusal, with the reason.
        using var old = new ExchangeClient<RecordingListener>(
            new ClientOptions { ApiKey = "mm-1001-key", Shards = [Shard(engine)], ClearKeyLogon = true }, new RecordingListener());
        var refused = Assert.Throws<LogonRejectedException>(() => old.Connect(Timeouts.Prompt));
        Assert.Contains("UpgradeRequired", refused.Message);
    }

    [Fact]
    public void An_engine_told_to_accept_the_clear_key_Logon_for_a_migration_warns_and_takes_it_unsealed_beside_sealed_sessions()
    {
        string config = _root.Combine("migration.json");
        Directory.CreateDirectory(_root.Path);
        File.WriteAllText(config, """{ "limits": { "acceptClearKeyLogon": true } }""");
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", _root.Combine("engine"), durability: "none", extra: ["--config", config]);
        // Logged before the 'listening' line, but on stderr, which is read on a thread of its own: eventually there.
        Eventually.True(() => engine.Process.Stderr.Contains("limits.acceptClearKeyLogon is on", StringComparison.Ordinal),
            "the engine warns that clear-key logons are taken", Timeouts.Prompt);
        using var sealedClient = Clients.Connect("mm-1001-key", Shard(engine));
        using var clear = new ExchangeClient<RecordingListener>(
            new ClientOptions { ApiKey = "mm-1002-key", Shards = [Shard(engine)], ClearKeyLogon = true, HeartbeatIntervalMs = 2000 }, new RecordingListener());
        clear.Connect(Timeouts.Prompt);
        Eventually.True(() => engine.Process.Stderr.Contains("account 1002, connection", StringComparison.Ordinal) && engine.Process.Stderr.Contains("clear-key logon", StringComparison.Ordinal),
            "the engine logs the clear-key session as such", Timeouts.Prompt);
        Assert.True(clear.NewOrder(new NewOrder(0, 1, Btc, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, BtcLot)) > 0);
        Clients.PollUntil(() => clear.Listener.Accepted.Count == 1, Timeouts.Prompt, () => clear.Poll());
        AssertTrades(engine, sealedClient, 1);
    }
}
