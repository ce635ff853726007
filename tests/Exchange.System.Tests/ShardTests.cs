// Whole processes over loopback UDP: two engine shards, clients routing by symbol, a market maker killed
// mid-stream, an engine killed and restarted, and an orderly SIGTERM.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class ShardTests : IDisposable
{
    private const int Btc = 1, Eth = 2;
    private const long BtcLot = 1_000_000, EthLot = 10_000;
    private readonly string _root = Directory.CreateTempSubdirectory("exchange-system-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string JournalDir(string name) => Path.Combine(_root, name);

    private static NewOrder Limit(long clientOrderId, int symbol, Side side, long price, long quantity) =>
        new(0, clientOrderId, symbol, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, quantity);

    [Fact]
    public void Two_shards_route_by_symbol_and_trade_independently()
    {
        using var shard1 = new EngineProcess(1, "BTC-USD", JournalDir("s1"));
        using var shard2 = new EngineProcess(2, "ETH-USD", JournalDir("s2"));
        ShardEndpoint[] shards = [new(shard1.ChannelUri, [Btc]), new(shard2.ChannelUri, [Eth])];
        using var maker = Clients.Connect("mm-1001-key", shards);
        using var taker = Clients.Connect("mm-1002-key", shards);
        Func<int>[] polls = [() => maker.Poll(), () => taker.Poll()];

        Assert.True(maker.NewOrder(Limit(1, Btc, Side.Buy, 60_000, 2 * BtcLot)) > 0);
        Assert.True(maker.NewOrder(Limit(2, Eth, Side.Sell, 3_000, 5 * EthLot)) > 0);
        Clients.PollUntil(() => maker.Listener.Accepted.Count == 2, TimeSpan.FromSeconds(10), polls);
        Assert.Contains(maker.Listener.Accepted, a => a.Shard == 0 && a.E.Symbol == Btc);
        Assert.Contains(maker.Listener.Accepted, a => a.Shard == 1 && a.E.Symbol == Eth);

        Assert.True(taker.NewOrder(Limit(10, Btc, Side.Sell, 60_000, BtcLot)) > 0);
        Assert.True(taker.NewOrder(Limit(11, Eth, Side.Buy, 3_000, 5 * EthLot)) > 0);
        Clients.PollUntil(() => maker.Listener.Fills.Count == 2 && taker.Listener.Fills.Count == 2, TimeSpan.FromSeconds(10),
            () => $"maker: {maker.Listener.Describe()}; taker: {taker.Listener.Describe()}", polls);
        Assert.Contains(maker.Listener.Fills, f => f.Shard == 0 && f.E.Symbol == Btc && f.E.Quantity == BtcLot);
        Assert.Contains(maker.Listener.Fills, f => f.Shard == 1 && f.E.Symbol == Eth && f.E.Quantity == 5 * EthLot);
        Assert.All(taker.Listener.Fills, f => Assert.Equal(f.Shard == 0 ? Btc : Eth, f.E.Symbol));
        // Market data of each shard carries only its own symbol; the BTC bid has one lot left.
        Assert.All(maker.Listener.Levels, l => Assert.Equal(l.Shard == 0 ? Btc : Eth, l.E.Symbol));
        Clients.PollUntil(() => taker.Listener.LevelQuantity(Btc, Side.Buy, 60_000) == BtcLot, TimeSpan.FromSeconds(5), polls);
        Assert.Empty(maker.Listener.Rejected);
        Assert.Empty(taker.Listener.Rejected);
    }

    [Fact]
    public void A_market_maker_killed_mid_stream_has_its_resting_orders_cancelled()
    {
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", JournalDir("cod"));
        using var observer = Clients.Connect("mm-1002-key", new ShardEndpoint(engine.ChannelUri, [Btc, Eth]));
        using var mm = ChildProcess.StartDll("exchange-mm.dll",
            ["--engine", engine.ChannelUri, "--api-key", "mm-1001-key", "--symbol", Btc.ToString(), "--seconds", "120", "--heartbeat-ms", "200"]);
        // The market maker's quotes show up in the observer's market data.
        Clients.PollUntil(() => observer.Listener.Levels.Exists(l => l.E.Symbol == Btc && l.E.Quantity > 0), TimeSpan.FromSeconds(20),
            () => $"observer: {observer.Listener.Describe()}; exchange-mm: {mm.Stderr}; engine: {engine.Process.Stderr}", () => observer.Poll());
        mm.Kill();
        // Its session times out (three heartbeat intervals) and the engine cancels what it left resting.
        Clients.PollUntil(() => BookEmpty(observer.Listener, Btc), TimeSpan.FromSeconds(20), () => observer.Poll());
        // The engine's own account of it: nothing resting, and only the observer's session left.
        var status = engine.Process.WaitForLine("status", l => StatusLines.Field(l, "openOrders") == "0");
        Assert.Equal("1", StatusLines.Field(status, "sessions"));
    }

    [Fact]
    public void A_market_maker_with_a_stop_loss_protects_each_quote_fill_with_a_stop_that_triggers_when_the_price_moves()
    {
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", JournalDir("mm-stops"));
        // Quoting Day orders (the demo's sessions end at midnight) and taking its own quotes every interval, the last price
        // swings a half spread either side of a drifting centre;
        // stops 2 beyond each fill trigger once the centre has drifted that far.
        var mm = ChildProcess.Run(ChildProcess.StartDll("exchange-mm.dll",
            ["--engine", engine.ChannelUri, "--symbol", Eth.ToString(), "--seconds", "6", "--interval-ms", "20", "--take-every", "1",
             "--stop-loss", "2", "--quote-tif", "day", "--json"]), Timeouts.Process);
        Assert.True(mm.ExitCode == 0, mm.ToString());
        var summary = global::System.Text.Json.JsonDocument.Parse(mm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.True(summary.GetProperty("ok").GetBoolean(), summary.ToString());
        long stops = summary.GetProperty("stops").GetInt64(), triggered = summary.GetProperty("stopsTriggered").GetInt64();
        Assert.True(stops > 0 && triggered > 0 && triggered <= stops, summary.ToString());
        // Every trigger printed: a buy stop by a trade at or above its stop price, a sell stop at or below.
        var triggers = mm.Stdout.Split('\n').Where(l => l.Contains("\"event\":\"stop-triggered\""))
            .Select(l => global::System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(triggered, triggers.Count);
        Assert.All(triggers, t => Assert.True(t.GetProperty("side").GetString() == "buy"
            ? t.GetProperty("lastPrice").GetInt64() >= t.GetProperty("stopPrice").GetInt64()
            : t.GetProperty("lastPrice").GetInt64() <= t.GetProperty("stopPrice").GetInt64(), t.ToString()));
        // Its last mass cancel took the stops still waiting with the quotes: nothing is left open.
        var status = engine.Process.WaitForLine("status", l => StatusLines.Field(l, "openOrders") == "0");
        Assert.Equal("0", StatusLines.Field(status, "openOrders"));
    }

    [Fact]
    public void A_market_maker_quoting_icebergs_shows_the_market_only_their_slices_and_trades()
    {
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", JournalDir("mm-icebergs"));
        using var observer = Clients.Connect("mm-1002-key", new ShardEndpoint(engine.ChannelUri, [Btc, Eth]));
        var mm = ChildProcess.StartDll("exchange-mm.dll", ["--engine", engine.ChannelUri, "--symbol", Eth.ToString(),
            "--quantity", (4 * EthLot).ToString(), "--display", EthLot.ToString(), "--seconds", "4",
            "--interval-ms", "20", "--take-every", "3", "--json"]);
        var watch = global::System.Diagnostics.Stopwatch.StartNew();
        while (!mm.HasExited && watch.Elapsed < Timeouts.Process) observer.Poll();
        var result = ChildProcess.Run(mm, Timeouts.Process);
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = global::System.Text.Json.JsonDocument.Parse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.True(summary.GetProperty("ok").GetBoolean() && summary.GetProperty("makerFills").GetInt64() > 0, summary.ToString());
        // Its quotes are 4 lots each, one per side at a time, but the book never shows more than a lot of one.
        var eth = observer.Listener.Levels.Where(l => l.E.Symbol == Eth).ToList();
        Assert.NotEmpty(eth);
        Assert.All(eth, l => Assert.InRange(l.E.Quantity, 0, EthLot * l.E.OrderCount));
        Assert.Contains(eth, l => l.E.Quantity == EthLot);
    }

    private static bool BookEmpty(RecordingListener listener, int symbol)
    {
        var last = new Dictionary<(Side, long), long>();
        foreach (var (_, level) in listener.Levels)
            if (level.Symbol == symbol) last[(level.Side, level.Price)] = level.Quantity;
        return last.Count > 0 && last.Values.All(q => q == 0);
    }

    [Fact]
    public void An_engine_killed_and_restarted_resumes_with_the_same_state_hash()
    {
        string journal = JournalDir("crash");
        string hashBefore;
        int port;
        using (var engine = new EngineProcess(1, "BTC-USD,ETH-USD", journal))
        {
            port = engine.Port;
            using var maker = Clients.Connect("mm-1001-key", new ShardEndpoint(engine.ChannelUri, [Btc, Eth]));
            using var taker = Clients.Connect("mm-1002-key", new ShardEndpoint(engine.ChannelUri, [Btc, Eth]));
            Func<int>[] polls = [() => maker.Poll(), () => taker.Poll()];
            for (int i = 0; i < 50; i++)
                Assert.True(maker.NewOrder(Limit(100 + i, i % 2 == 0 ? Btc : Eth, Side.Buy, (i % 2 == 0 ? 59_000 : 2_900) + i, i % 2 == 0 ? BtcLot : EthLot)) > 0);
            Clients.PollUntil(() => maker.Listener.Accepted.Count == 50, TimeSpan.FromSeconds(10), polls);
            Assert.True(taker.NewOrder(Limit(1, Btc, Side.Sell, 59_000, 3 * BtcLot)) > 0);
            Clients.PollUntil(() => taker.Listener.Fills.Count >= 3, TimeSpan.FromSeconds(10), polls);
            // Every response above was sent only once its command was durable; the quiet engine reports its state.
            // 50 bids rest; the sell takes the three best BTC bids, one lot each, leaving 47.
            string status = engine.Process.WaitForLine("status", l => StatusLines.Field(l, "openOrders") == "47");
            hashBefore = StatusLines.Field(status, "stateHash");
            engine.Process.Kill();
        }
        using var restarted = new EngineProcess(1, "BTC-USD,ETH-USD", journal, port);
        Assert.Equal(hashBefore, restarted.StateHashAtStart);
        // And it trades on from there.
        using var again = Clients.Connect("mm-1002-key", new ShardEndpoint(restarted.ChannelUri, [Btc, Eth]));
        Assert.True(again.NewOrder(Limit(2, Eth, Side.Sell, 2_900, EthLot)) > 0);
        Clients.PollUntil(() => again.Listener.Fills.Count >= 1, TimeSpan.FromSeconds(10), () => again.Poll());
    }

    [Fact]
    public void Sigterm_drains_snapshots_and_exits_zero_and_the_restart_resumes_from_the_snapshot()
    {
        string journal = JournalDir("term");
        var engine = new EngineProcess(1, "BTC-USD,ETH-USD", journal);
        using (var maker = Clients.Connect("mm-1001-key", new ShardEndpoint(engine.ChannelUri, [Btc, Eth])))
        {
            for (int i = 0; i < 10; i++) Assert.True(maker.NewOrder(Limit(500 + i, Btc, Side.Sell, 61_000 + i, BtcLot)) > 0);
            Clients.PollUntil(() => maker.Listener.Accepted.Count == 10, TimeSpan.FromSeconds(10), () => maker.Poll());
            Assert.True(engine.Process.Terminate(TimeSpan.FromSeconds(30)));
            // The session was told the engine is going away.
            Clients.PollUntil(() => maker.Listener.Logouts.Count > 0 || maker.Listener.Disconnected.Count > 0, TimeSpan.FromSeconds(10), () => maker.Poll());
        }
        Assert.Equal(0, engine.Process.ExitCode);
        string stopped = engine.Process.WaitForLine("stopped");
        engine.Dispose();
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(journal, "snapshots")));
        using var restarted = new EngineProcess(1, "BTC-USD,ETH-USD", journal);
        Assert.Equal(StatusLines.Field(stopped, "stateHash"), restarted.StateHashAtStart);
        Assert.Equal(StatusLines.Field(stopped, "sequence"), StatusLines.Field(restarted.ListenLine, "sequence"));
    }
}
