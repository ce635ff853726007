// exchange-web's books come from the engine's book snapshot when it cannot have seen every update: at start (orders
// that rested before it started), and after its engine session was lost and came back.
using System.Text.Json;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class BookRebuildTests
{
    private sealed class Counter : ClientListener
    {
        public int Accepted;
        public override void OnAccepted(in OrderAccepted e) => Accepted++;
    }

    private static (long Price, string Quantity, int Orders)[] Side(JsonElement book, string side) =>
        [.. book.GetProperty(side).EnumerateArray().Select(l => (long.Parse(l[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), l[1].GetString()!, l[2].GetInt32()))];

    [Fact]
    public async Task The_book_has_every_level_that_rested_before_exchange_web_started_and_again_after_an_engine_restart()
    {
        void PlaceOrders(string engine)
        {
            using var client = ExchangeClient.Create(new ClientOptions { ApiKey = "broker-2002-key", Shards = [new ShardEndpoint(engine, [1])], CancelOnDisconnect = false }, new Counter());
            client.Connect(Timeouts.Process);
            for (int i = 0; i < 30; i++)
                Assert.True(client.NewOrder(new NewOrder(0, 900 + i, 1, Exchange.Contract.Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 50_000 + 10 * (i % 25), 1_000_000)) > 0);
            for (int i = 0; i < 5; i++)
                Assert.True(client.NewOrder(new NewOrder(0, 950 + i, 1, Exchange.Contract.Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 70_000 + 10 * i, 2_000_000)) > 0);
            var deadline = DateTime.UtcNow + Timeouts.Process;
            while (client.Listener.Accepted < 35 && DateTime.UtcNow < deadline) client.Poll();
            Assert.Equal(35, client.Listener.Accepted);
            Assert.True(client.Logout(Timeouts.Prompt));
        }

        using var p = new WebProcesses(journal: true, beforeWeb: PlaceOrders);
        JsonElement book = default;
        Eventually.True(() =>
        {
            var (status, body) = Rest.Get(p.Port, "/api/v1/book/BTC-USD?depth=0").GetAwaiter().GetResult();
            book = JsonDocument.Parse(body).RootElement.Clone();
            return status == 200 && book.GetProperty("bids").GetArrayLength() == 25 && book.GetProperty("asks").GetArrayLength() == 5;
        }, "exchange-web's book has every level from the engine", Timeouts.Process);
        var bids = Side(book, "bids");
        Assert.Equal(bids.Select(l => l.Price).OrderByDescending(x => x), bids.Select(l => l.Price));
        Assert.Equal(5, bids.Count(l => l.Orders == 2));
        Assert.Equal("0.02000000", bids.Single(l => l.Price == 50_000).Quantity);
        Assert.Contains("book rebuilt from the engine's", p.Web.Stderr);

        // A subscriber at full depth, the engine killed and restarted: once exchange-web is back on, it rebuilds the
        // book and sends the subscriber a snapshot that says so.
        await using var ws = await WsClient.Connect(p.WebSocketUri);
        await ws.Request("b", """{"type":"subscribe","requestId":"b","channel":"book","symbol":"BTC-USD","depth":0}""");
        p.KillEngine();
        Eventually.True(() => p.Web.Stderr.Contains("engine session of account 3001 lost", StringComparison.Ordinal), "exchange-web notices", Timeouts.Process);
        p.RestartEngine();
        var rebuilt = await ws.Seen(f => WsClient.Type(f) == "book" && f.TryGetProperty("reason", out var r) && r.GetString() == "rebuilt",
            "a rebuilt book snapshot", Timeouts.Process);
        Assert.Equal(25, rebuilt.GetProperty("bids").GetArrayLength());
        Assert.Equal(5, rebuilt.GetProperty("asks").GetArrayLength());
        Assert.True(rebuilt.GetProperty("snapshot").GetBoolean());
    }
}
