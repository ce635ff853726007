// Many sessions of one process on one connection to the engine (SharedEngineConnections, lanes): a real engine process
// and clients of the library sharing one transport and one connection, over udp and over ipc; a session leaving while
// the others trade on; and a stranger's lane traffic refused without costing the others their engine.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Testing;
using Exchange.Transport;

namespace Exchange.System.Tests;

public sealed class SharedConnectionTests : IDisposable
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;
    private readonly TempDirectory _root = new("exchange-lanes-");
    private readonly IpcDirectory _dir = new();

    public void Dispose()
    {
        _root.Dispose();
        _dir.Dispose();
    }

    private ChildProcess Engine(string listen) =>
        ChildProcess.StartDll("exchange-engine.dll",
            ["--shard-id", "1", "--symbols", "BTC-USD", "--journal", _root.Combine("journal"), "--durability", "batch", "--listen", listen, "--idle", "backoff"],
            new Dictionary<string, string> { ["EXCHANGE_IPC_DIR"] = _dir.Path });

    private static ExchangeClient<RecordingListener> Client(SharedEngineConnections connections, string apiKey, string channel) =>
        ExchangeClient.Create(new ClientOptions { ApiKey = apiKey, Shards = [new ShardEndpoint(channel, [Btc])], HeartbeatIntervalMs = 2000 },
            new RecordingListener(), connections);

    private static NewOrder Limit(long clientOrderId, Side side, long price) =>
        new(0, clientOrderId, Btc, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, Lot);

    private static bool Status(string line, int sessions, int connections, int lanes) =>
        StatusLines.Field(line, "sessions") == sessions.ToString() && StatusLines.Field(line, "clientConnections") == connections.ToString()
        && StatusLines.Field(line, "lanes") == lanes.ToString();

    /// <summary>Three sessions of one process trade through one connection: the engine counts one client connection
    /// carrying three lanes; each session's answers reach its own client, market data every client; one session
    /// leaves and the others trade on.</summary>
    private void ThreeSessionsTradeOnOneConnection(ChildProcess engine, string channel, Transport.Transport transport)
    {
        using var connections = new SharedEngineConnections(transport);
        using var maker = Client(connections, "mm-1001-key", channel);
        using var taker = Client(connections, "mm-1002-key", channel);
        using var broker = Client(connections, "broker-2001-key", channel);
        maker.Connect(Timeouts.Prompt);
        taker.Connect(Timeouts.Prompt);
        broker.Connect(Timeouts.Prompt);
        Assert.Equal(1, connections.ConnectionCount);
        Assert.Equal(3, connections.LaneCount);
        Assert.Equal(maker.ResponseChannelOf(0), taker.ResponseChannelOf(0));
        Assert.Equal(1001, maker.Account);
        Assert.Equal(1002, taker.Account);
        Assert.Equal(2001, broker.Account);
        Func<int>[] polls = [() => maker.Poll(), () => taker.Poll(), () => broker.Poll()];

        Assert.True(maker.NewOrder(Limit(1, Side.Buy, 59_990)) > 0);
        Clients.PollUntil(() => maker.Listener.Accepted.Count == 1, Timeouts.Prompt, () => engine.Stderr, polls);
        Assert.True(taker.NewOrder(Limit(1, Side.Sell, 59_990)) > 0);
        Clients.PollUntil(() => maker.Listener.Fills.Count == 1 && taker.Listener.Fills.Count == 1, Timeouts.Prompt, () => engine.Stderr, polls);
        // Each session's own events reach only its client: the broker traded nothing and heard no order of the others.
        Assert.Equal(1001, maker.Listener.Fills[0].E.Account);
        Assert.Equal(1002, taker.Listener.Fills[0].E.Account);
        Assert.Single(taker.Listener.Accepted);
        Assert.Empty(broker.Listener.Accepted);
        Assert.Empty(broker.Listener.Fills);
        // Market data, sent once on the shared path, reaches every client of it.
        Clients.PollUntil(() => maker.Listener.Levels.Count > 0 && taker.Listener.Levels.Count > 0 && broker.Listener.Levels.Count > 0,
            Timeouts.Prompt, () => engine.Stderr, polls);
        engine.WaitForLine("status", line => Status(line, sessions: 3, connections: 1, lanes: 3));

        // The maker leaves; its lane's logout does not take the others' path with it.
        maker.Logout(Timeouts.Prompt);
        maker.Dispose();
        Assert.Equal(2, connections.LaneCount);
        Assert.True(broker.NewOrder(Limit(7, Side.Sell, 60_100)) > 0);
        Clients.PollUntil(() => broker.Listener.Accepted.Count == 1, Timeouts.Prompt, () => engine.Stderr, polls[1..]);
        Assert.True(taker.NewOrder(Limit(2, Side.Buy, 60_100)) > 0);
        Clients.PollUntil(() => broker.Listener.Fills.Count == 1 && taker.Listener.Fills.Count == 2, Timeouts.Prompt, () => engine.Stderr, polls[1..]);
        engine.WaitForLine("status", line => StatusLines.Field(line, "sessions") == "2" && StatusLines.Field(line, "clientConnections") == "1");
        taker.Logout(Timeouts.Prompt);
        broker.Logout(Timeouts.Prompt);
    }

    [Fact]
    public void Sessions_of_one_process_share_one_udp_connection_to_the_engine()
    {
        int port = Ports.FreeUdp();
        using var engine = Engine(EngineProcess.Channel(port));
        engine.WaitForLine("listening");
        using var transport = new Transport.Transport(new TransportOptions());
        ThreeSessionsTradeOnOneConnection(engine, EngineProcess.Channel(port), transport);
        Assert.False(engine.HasExited);
    }

    [Fact]
    public void Sessions_of_one_process_share_one_ipc_connection_and_one_response_channel()
    {
        const string channel = "aeron:ipc?name=engine-1|term-length=1m";
        using var engine = Engine(channel);
        engine.WaitForLine("listening");
        using (var transport = new Transport.Transport(_dir.Options()))
        {
            ThreeSessionsTradeOnOneConnection(engine, channel, transport);
            // The engine's directory and one response channel for the three sessions (each client had one of its own before).
            Assert.Equal(2, Directory.GetDirectories(_dir.Path).Length);
            transport.CloseAndDrain(Timeouts.Prompt);
        }
        Eventually.True(() => Directory.GetDirectories(_dir.Path).Length == 1, $"only the engine's directory is left: {string.Join(", ", Directory.GetDirectories(_dir.Path))}");
        Assert.False(engine.HasExited);
    }

    [Fact]
    public void A_strangers_lane_junk_and_lanes_past_the_limit_are_refused_and_the_engine_serves_on()
    {
        int port = Ports.FreeUdp();
        using var engine = Engine(EngineProcess.Channel(port));
        engine.WaitForLine("listening");
        using var transport = new Transport.Transport(new TransportOptions());
        // A stranger's connection on the lane stream: a message too short for a lane header, then junk on 300 lanes
        // (the limit is 256 a connection).
        var stranger = transport.AddPublication(EngineProcess.Channel(port), StreamIds.LaneCommands);
        var junk = new byte[12];
        Eventually.True(() => { transport.DoWork(); return stranger.IsConnected; }, "the stranger's connection is up", between: () => Thread.Sleep(1));
        Assert.True(stranger.Offer([1, 2]) > 0);
        for (uint lane = 1; lane <= 300; lane++)
        {
            Lanes.Write(junk, lane);
            while (stranger.Offer(junk) < 0) { transport.DoWork(); Thread.Sleep(1); }
        }
        // The refused-traffic log counts per second: the lines add up to the short message and the 44 lanes past the limit.
        static long Refused(string stderr) => global::System.Text.RegularExpressions.Regex.Matches(stderr, @"lane_messages_refused=(\d+)").Sum(m => long.Parse(m.Groups[1].Value));
        Eventually.True(() => Refused(engine.Stderr) == 45,
            $"the engine counts the short message and the 44 lanes past its limit:\n{engine.Stderr}", between: () => { transport.DoWork(); Thread.Sleep(5); });

        // A gateway's sessions still find the engine: a connection of their own, with lanes of its own.
        using var connections = new SharedEngineConnections(transport);
        using var maker = Client(connections, "mm-1001-key", EngineProcess.Channel(port));
        maker.Connect(Timeouts.Prompt);
        Assert.True(maker.NewOrder(Limit(1, Side.Buy, 59_000)) > 0);
        Clients.PollUntil(() => maker.Listener.Accepted.Count == 1, Timeouts.Prompt, () => engine.Stderr, () => maker.Poll());
        Assert.False(engine.HasExited);
        Assert.DoesNotContain("Unhandled exception", engine.Stderr);
    }

    private sealed class CountingListener : ClientListener
    {
        public long Accepted, Rejected, Cancelled;
        public override void OnAccepted(in OrderAccepted e) => Accepted++;
        public override void OnRejected(in CommandRejected e) => Rejected++;
        public override void OnCancelled(in OrderCancelled e) => Cancelled++;
    }

    [Fact]
    public void A_client_on_a_shared_connection_sends_and_polls_without_allocating_after_warm_up()
    {
        int port = Ports.FreeUdp();
        using var engine = Engine(EngineProcess.Channel(port));
        engine.WaitForLine("listening");
        using var transport = new Transport.Transport(new TransportOptions());
        using var connections = new SharedEngineConnections(transport);
        var options = new ClientOptions { ApiKey = "mm-1001-key", Shards = [new ShardEndpoint(EngineProcess.Channel(port), [Btc])], HeartbeatIntervalMs = 2000 };
        using var other = ExchangeClient.Create(options with { ApiKey = "mm-1002-key" }, new CountingListener(), connections);
        using var client = ExchangeClient.Create(options, new CountingListener(), connections);
        other.Connect(Timeouts.Prompt);
        client.Connect(Timeouts.Prompt);

        long id = 0;
        void Run(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                id++;
                while (client.NewOrder(Limit(id, Side.Buy, 50_000)) < 0) client.Poll();
                while (client.Cancel(Btc, id) < 0) client.Poll();
                client.Poll();
                other.PollStreams();
            }
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (client.Listener.Cancelled + client.Listener.Rejected < id && DateTime.UtcNow < deadline) { client.Poll(); other.PollStreams(); }
        }
        Run(2_000);
        long allocated = Allocations.InSteadyState(() => Run(3_000), attempts: 3);
        Assert.Equal(0, client.Listener.Rejected);
        Assert.Equal(id, client.Listener.Accepted);
        Assert.Equal(id, client.Listener.Cancelled);
        Assert.Equal(0, allocated);
        Assert.True(other.IsConnected);
    }
}
