// Many subscribers, some slow: a browser that does not read never holds up the others. Its conflatable channels are
// conflated (increments skipped, then one fresh snapshot), and one that falls too far behind is told so and
// resynchronised from snapshots. Each test runs processes of its own with small queues.
using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class FanOutTests
{
    private static List<string> Prices(JsonElement frame, string side) =>
        [.. frame.GetProperty(side).EnumerateArray().Select(l => $"{l[0].GetString()}x{l[1].GetString()}")];

    [Fact]
    public async Task A_slow_subscriber_is_conflated_while_a_fast_one_sees_every_update()
    {
        using var p = new WebProcesses("""{ "queueFrames": 1024, "conflateAbove": 256 }""");
        await using var fast = await WsClient.Connect(p.WebSocketUri);
        await using var slow = await WsClient.Connect(p.WebSocketUri, slow: true);
        const string subscribe = """{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":100}""";
        await fast.Send(subscribe);
        await slow.Send(subscribe);
        var first = await fast.Next("book");
        long start = first.GetProperty("version").GetInt64();

        const int orders = 1500;
        using var trader = new Trader(p.EngineChannel, "mm-1001-key");
        // In batches, each seen by the fast subscriber before the next is sent, so it keeps up however loaded the
        // machine is: it is the slow one's queue that must fill, never the fast one's.
        for (int i = 0; i < orders; i++)
        {
            trader.Limit(Side.Buy, 50_000 + i, 1_000_000);
            long version = start + i + 1;
            if (i % 50 == 49) await fast.Seen(f => WsClient.Type(f) == "book" && f.GetProperty("version").GetInt64() == version, $"book version {version}", Timeouts.Process);
        }

        // The fast subscriber sees every version, in order, with nothing skipped.
        long expected = start + orders;
        var last = await fast.Next(f => WsClient.Type(f) == "book" && f.GetProperty("version").GetInt64() == expected, $"book version {expected}", Timeouts.Process);
        var versions = fast.OfType("book").Select(f => f.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, orders + 1).Select(i => start + i), versions);

        // The slow one, once it reads, catches up on the same book with far fewer frames.
        slow.StartReading();
        var caughtUp = await slow.Next(f => WsClient.Type(f) == "book" && f.GetProperty("version").GetInt64() == expected, $"book version {expected}", Timeouts.Process);
        int slowFrames = slow.OfType("book").Count();
        Assert.True(slowFrames < orders / 2, $"the slow subscriber got {slowFrames} book frames of {orders + 1}");
        Assert.Contains(slow.OfType("book"), f => f.TryGetProperty("reason", out var r) && r.GetString() == "resync");
        Assert.Equal(Prices(last, "bids"), Prices(caughtUp, "bids"));
        Assert.Equal(100, Prices(caughtUp, "bids").Count);
        Assert.Equal($"{50_000 + orders - 1}x0.01000000", Prices(caughtUp, "bids")[0]);
        Assert.DoesNotContain("disagreed", p.Web.Stderr);
    }

    [Fact]
    public async Task A_subscriber_too_far_behind_is_told_so_and_resynchronised_from_snapshots()
    {
        using var p = new WebProcesses("""{ "queueFrames": 256, "conflateAbove": 8 }""");
        using var maker = new Trader(p.EngineChannel, "mm-1001-key");
        using var taker = new Trader(p.EngineChannel, "mm-1002-key");
        for (int i = 0; i < 120; i++) maker.Limit(Side.Buy, 50_000 + i, 1_000_000);
        maker.Limit(Side.Sell, 70_000, 30_00000000);
        maker.WaitAnswered(121);

        await using var slow = await WsClient.Connect(p.WebSocketUri, slow: true);
        await using var fast = await WsClient.Connect(p.WebSocketUri);
        await slow.Send("""{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":100}""");
        await slow.Send("""{"type":"subscribe","channel":"trades","symbol":"BTC-USD"}""");
        await fast.Send("""{"type":"subscribe","channel":"trades","symbol":"BTC-USD"}""");
        await fast.Next("trades");

        const int trades = 2000;
        for (int i = 0; i < trades; i++)
        {
            taker.Limit(Side.Buy, 70_000, 1_000_000, TimeInForce.ImmediateOrCancel);
            long tradeId = i + 1;
            if (i % 10 == 9) await fast.Seen(f => WsClient.Type(f) == "trade" && f.GetProperty("tradeId").GetInt64() == tradeId, $"trade {tradeId}", Timeouts.Process);
        }
        var lastTrade = await fast.Next(f => WsClient.Type(f) == "trade" && f.GetProperty("tradeId").GetInt64() == trades, $"trade {trades}", Timeouts.Process);
        Assert.Equal(trades, fast.OfType("trade").Count());

        slow.StartReading();
        var lagged = await slow.Next("lagged", Timeouts.Process);
        Assert.True(lagged.GetProperty("dropped").GetInt64() > 0);
        var resync = await slow.Next(f => WsClient.Type(f) == "trades" && f.GetProperty("trades").EnumerateArray().Any(t => t.GetProperty("tradeId").GetInt64() == trades),
            "a trades snapshot holding the last trade", Timeouts.Process);
        Assert.True(slow.OfType("trade").Count() < trades);
        await slow.Seen(f => WsClient.Type(f) == "book" && f.TryGetProperty("reason", out var r) && r.GetString() == "resync", "a book resync");
        var pong = await slow.Request("p", """{"type":"ping","requestId":"p"}""");
        Assert.Equal("pong", WsClient.Type(pong));
        Assert.Equal(lastTrade.GetProperty("price").GetString(), resync.GetProperty("trades").EnumerateArray().Last().GetProperty("price").GetString());
    }
}
