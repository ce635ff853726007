// Market makers on the engine's host, over aeron:ipc: a real engine process listening on an ipc channel, clients of the
// library reaching it through shared memory in an ipc directory of the test's own, and what is left once they go.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Testing;
using Exchange.Transport;

namespace Exchange.System.Tests;

public sealed class IpcTests : IDisposable
{
    private const int Btc = 1;
    private const long Lot = 1_000_000;
    private readonly TempDirectory _root = new("exchange-ipc-");
    private readonly IpcDirectory _dir = new();

    public void Dispose()
    {
        _root.Dispose();
        _dir.Dispose();
    }

    private ChildProcess? _engine;

    private ChildProcess Engine(string listen) => _engine =
        ChildProcess.StartDll("exchange-engine.dll",
            ["--shard-id", "1", "--symbols", "BTC-USD", "--journal", _root.Combine("journal"), "--durability", "batch", "--listen", listen, "--idle", "backoff"],
            new Dictionary<string, string> { ["EXCHANGE_IPC_DIR"] = _dir.Path });

    private ExchangeClient<RecordingListener> Connect(string apiKey, string channel)
    {
        var client = new ExchangeClient<RecordingListener>(new ClientOptions
        {
            ApiKey = apiKey, Shards = [new ShardEndpoint(channel, [Btc])], HeartbeatIntervalMs = 2000,
            Transport = _dir.Options(),
        }, new RecordingListener());
        try { client.Connect(Timeouts.Prompt); }
        catch (TimeoutException e)
        {
            string files = string.Join("\n", Directory.EnumerateFileSystemEntries(_dir.Path, "*", SearchOption.AllDirectories));
            throw new TimeoutException($"{e.Message}\nipc directory:\n{files}\nclient counters: invalid ipc logs {client.Transport.Counters.Dropped(DropReason.InvalidIpcLog)}, transport failure {client.Transport.Failure}\nengine stderr:\n{_engine?.Stderr}");
        }
        return client;
    }

    private static NewOrder Limit(long clientOrderId, Side side, long price) =>
        new(0, clientOrderId, Btc, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, Lot);

    [Fact]
    public void Clients_on_the_engines_host_trade_over_ipc_and_leave_nothing_behind()
    {
        const string channel = "aeron:ipc?name=engine-1|term-length=1m";
        using var engine = Engine(channel);
        string listening = engine.WaitForLine("listening");
        Assert.Contains("channel=aeron:ipc?name=engine-1", listening);
        using (var maker = Connect("mm-1001-key", channel))
        using (var taker = Connect("mm-1002-key", channel))
        {
            Func<int>[] polls = [() => maker.Poll(), () => taker.Poll()];
            Assert.True(maker.NewOrder(Limit(1, Side.Buy, 59_990)) > 0);
            Clients.PollUntil(() => maker.Listener.Accepted.Count == 1, Timeouts.Prompt, () => engine.Stderr, polls);
            Assert.True(taker.NewOrder(Limit(2, Side.Sell, 59_990)) > 0);
            Clients.PollUntil(() => maker.Listener.Fills.Count == 1 && taker.Listener.Fills.Count == 1, Timeouts.Prompt, () => engine.Stderr, polls);
            Assert.Equal(59_990, taker.Listener.Fills[0].E.Price);
            // Market data reaches the clients over their ipc channels too.
            Clients.PollUntil(() => maker.Listener.Levels.Count > 0, Timeouts.Prompt, () => engine.Stderr, polls);
            // Each client listens on a channel of its own: two directories beside the engine's.
            Assert.Equal(3, Directory.GetDirectories(_dir.Path).Length);
            maker.Logout(Timeouts.Prompt);
            taker.Logout(Timeouts.Prompt);
        }
        // The clients' channels go with them: their subscriptions' locks at once, the engine's logs into them once the
        // engine has closed its response streams.
        Eventually.True(() => Directory.GetDirectories(_dir.Path).Length == 1, $"only the engine's directory is left: {string.Join(", ", Directory.GetDirectories(_dir.Path))}");
        Assert.False(engine.HasExited);
    }

    [Fact]
    public void A_udp_connection_naming_an_ipc_response_channel_is_refused_and_the_engine_serves_on()
    {
        int port = Ports.FreeUdp();
        using var engine = Engine(EngineProcess.Channel(port));
        engine.WaitForLine("listening");
        using var raw = new RawClient(port);
        Assert.True(raw.Logon("no-such-key", "aeron:ipc?name=engine-1"));
        Eventually.True(() => engine.Stderr.Contains("an ipc response channel needs a connection over ipc", StringComparison.Ordinal),
            $"the refusal in the engine's stderr:\n{engine.Stderr}", between: () => { if (raw.Pump() == 0) Thread.Sleep(5); });
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "engine-1")));
        using var client = Connect("mm-1001-key", EngineProcess.Channel(port));
        Assert.True(client.NewOrder(Limit(1, Side.Buy, 59_000)) > 0);
        Clients.PollUntil(() => client.Listener.Accepted.Count == 1, Timeouts.Prompt, () => client.Poll());
    }

    [Fact]
    public void An_engine_whose_ipc_directory_others_may_enter_stops_with_the_reason()
    {
        File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var result = ChildProcess.Run(Engine("aeron:ipc?name=engine-1"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is open to other users", result.Stderr);
        Assert.DoesNotContain("Unhandled exception", result.Stderr);
    }

    [Fact]
    public void A_replicated_engine_is_refused_an_ipc_listen_channel()
    {
        var result = ChildProcess.Run(ChildProcess.StartDll("exchange-engine.dll",
            ["--shard-id", "1", "--symbols", "BTC-USD", "--journal", _root.Combine("journal"), "--listen", "aeron:ipc?name=engine-1",
             "--standby", $"b,sync,{EngineProcess.Channel(Ports.FreeUdp())}"]));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("a replicated engine listens on udp", result.Stderr);
    }
}
