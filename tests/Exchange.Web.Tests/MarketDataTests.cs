// Public channels and REST snapshots against a real engine and a real exchange-web: what a browser sees when a market
// maker's orders reach the book and trades print. Prices and quantities are decimal strings in whole assets.
using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class MarketDataTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private WebProcesses P => fixture.Processes;

    private static bool HasLevel(JsonElement levels, string price, string quantity) =>
        levels.EnumerateArray().Any(l => l[0].GetString() == price && l[1].GetString() == quantity);

    [Fact]
    public async Task Hello_names_the_protocol_version_and_the_symbols_the_engine_announced()
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        var hello = await ws.Next("hello");
        Assert.Equal(1, hello.GetProperty("protocol").GetInt32());
        var symbols = hello.GetProperty("symbols").EnumerateArray().ToList();
        Assert.Contains(symbols, s => s.GetProperty("symbol").GetString() == "BTC-USD" && s.GetProperty("quantityDecimals").GetInt32() == 8);
        Assert.Contains(symbols, s => s.GetProperty("symbol").GetString() == "ETH-USD");
    }

    [Fact]
    public async Task A_book_subscription_starts_with_a_snapshot_and_follows_each_level_change()
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        var answer = await ws.Request("b1", """{"type":"subscribe","requestId":"b1","channel":"book","symbol":"BTC-USD","depth":0}""");
        Assert.Equal("subscribed", WsClient.Type(answer));
        var snapshot = await ws.Next(f => WsClient.Type(f) == "book" && f.GetProperty("snapshot").GetBoolean(), "book snapshot");
        long version = snapshot.GetProperty("version").GetInt64();

        using var trader = new Trader(P.EngineChannel, "mm-1001-key");
        trader.Limit(Side.Buy, 50_123, 2_000_000);
        var update = await ws.Next(f => WsClient.Type(f) == "book" && HasLevel(f.GetProperty("bids"), "50123", "0.02000000"), "with the new bid");
        Assert.False(update.GetProperty("snapshot").GetBoolean());
        Assert.Equal(version + 1, update.GetProperty("version").GetInt64());
        Assert.True(update.GetProperty("seq").GetInt64() > 0);

        var (status, rest) = await Rest.Get(P.Port, "/api/v1/book/BTC-USD?depth=0");
        Assert.Equal(200, status);
        Assert.Contains("[\"50123\",\"0.02000000\",1]", rest);
    }

    [Fact]
    public async Task A_depth_limited_subscription_gets_the_best_levels_only()
    {
        using var trader = new Trader(P.EngineChannel, "mm-1001-key");
        for (int i = 0; i < 7; i++) trader.Limit(Side.Sell, 66_000 + i, 1_000_000);
        trader.WaitAnswered(7);
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        await ws.Send("""{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":5}""");
        var snapshot = await ws.Next(f => WsClient.Type(f) == "book" && f.GetProperty("asks").GetArrayLength() > 0, "with asks");
        var asks = snapshot.GetProperty("asks").EnumerateArray().Select(l => long.Parse(l[0].GetString()!)).ToList();
        Assert.Equal(5, asks.Count);
        Assert.Equal(asks.Order(), asks);
        Assert.True(asks[0] <= 66_000, "best ask first");
    }

    [Fact]
    public async Task A_trade_prints_on_the_trades_ticker_and_candles_channels_and_in_REST()
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        await ws.Request("t", """{"type":"subscribe","requestId":"t","channel":"trades","symbol":"ETH-USD"}""");
        await ws.Request("k", """{"type":"subscribe","requestId":"k","channel":"ticker","symbol":"ETH-USD"}""");
        await ws.Request("c", """{"type":"subscribe","requestId":"c","channel":"candles","symbol":"ETH-USD","interval":"1m"}""");
        await ws.Next("candles");

        using var maker = new Trader(P.EngineChannel, "mm-1001-key");
        using var taker = new Trader(P.EngineChannel, "mm-1002-key");
        maker.Limit(Side.Sell, 3_101, 50_000, symbol: 2);
        maker.WaitAnswered(1);
        taker.Limit(Side.Buy, 3_101, 50_000, TimeInForce.ImmediateOrCancel, symbol: 2);

        var trade = await ws.Next(f => WsClient.Type(f) == "trade" && f.GetProperty("price").GetString() == "3101", "trade at 3101");
        Assert.Equal("0.050000", trade.GetProperty("quantity").GetString());
        Assert.Equal("buy", trade.GetProperty("side").GetString());
        Assert.True(trade.GetProperty("time").GetInt64() > 1_600_000_000_000_000_000L, "sequencer time in ns since the epoch");
        var candle = await ws.Next(f => WsClient.Type(f) == "candle" && f.GetProperty("candle").GetProperty("close").GetString() == "3101", "candle closing at 3101");
        Assert.Equal("1m", candle.GetProperty("interval").GetString());
        Assert.Equal(0, candle.GetProperty("candle").GetProperty("start").GetInt64() % 60);
        var ticker = await ws.Next(f => WsClient.Type(f) == "ticker" && f.GetProperty("last").ValueKind == JsonValueKind.String
            && f.GetProperty("last").GetString() == "3101", "ticker with last 3101");
        Assert.Equal("ETH-USD", ticker.GetProperty("symbol").GetString());

        Assert.Contains("\"price\":\"3101\"", (await Rest.Get(P.Port, "/api/v1/trades/ETH-USD")).Body);
        foreach (string interval in new[] { "1m", "5m", "1h" })
            Assert.Contains("\"close\":\"3101\"", (await Rest.Get(P.Port, $"/api/v1/candles/ETH-USD?interval={interval}")).Body);
        Assert.Contains("\"last\":\"3101\"", (await Rest.Get(P.Port, "/api/v1/ticker/ETH-USD")).Body);
    }

    [Fact]
    public async Task REST_refuses_unknown_symbols_and_bad_parameters_with_a_reason()
    {
        var unknown = await Rest.Get(P.Port, "/api/v1/book/DOGE-USD");
        Assert.Equal(404, unknown.Status);
        Assert.Contains("\"code\":\"unknown_symbol\"", unknown.Body);
        var depth = await Rest.Get(P.Port, "/api/v1/book/BTC-USD?depth=5000");
        Assert.Equal(400, depth.Status);
        Assert.Contains("\"code\":\"out_of_range\"", depth.Body);
        Assert.Contains("\"code\":\"invalid_field\"", (await Rest.Get(P.Port, "/api/v1/candles/BTC-USD?interval=2m")).Body);
    }
}
