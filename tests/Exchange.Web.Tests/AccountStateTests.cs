// exchange-web learns an account's open orders and balances from the engine (its account-state query), not only from
// what it saw since it logged on: orders an account placed before exchange-web started are in its orders channel and
// REST answers, its balances are the engine's, and those orders can be cancelled from the web.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class AccountStateTests
{
    private sealed class Recorder : ClientListener
    {
        public int Accepted;
        public readonly Dictionary<int, (long Available, long Held)> Balances = [];
        public override void OnAccepted(in OrderAccepted e) => Accepted++;
        public override void OnBalance(in BalanceChanged e) => Balances[e.Asset] = (e.Available, e.Held);
    }

    [Fact]
    public async Task Orders_placed_before_exchange_web_started_are_its_open_orders_with_the_engines_balances_and_can_be_cancelled()
    {
        Dictionary<int, (long Available, long Held)> engineBalances = [];
        void PlaceOrders(string engine)
        {
            // Account 3001 trades through the binary protocol first, then logs out: exchange-web never saw these.
            using var client = ExchangeClient.Create(new ClientOptions { ApiKey = "web-3001-key", Shards = [new ShardEndpoint(engine, [1])], CancelOnDisconnect = false }, new Recorder());
            client.Connect(Timeouts.Process);
            Assert.True(client.NewOrder(new NewOrder(0, 501, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 54_000, 2_000_000)) > 0);
            Assert.True(client.NewOrder(new NewOrder(0, 502, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 66_000, 1_000_000)) > 0);
            var deadline = DateTime.UtcNow + Timeouts.Process;
            while (client.Listener.Accepted < 2 && DateTime.UtcNow < deadline) client.Poll();
            Assert.Equal(2, client.Listener.Accepted);
            Assert.True(client.Logout(Timeouts.Prompt));
            engineBalances = new(client.Listener.Balances);
        }

        using var p = new WebProcesses(beforeWeb: PlaceOrders);
        await using var ws = await WsClient.Connect(p.WebSocketUri);
        await ws.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{Tokens.Hs256("alice")}}"}""");
        await ws.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""");
        var orders = await ws.Next("orders");
        var listed = orders.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal([501L, 502L], listed.Select(o => o.GetProperty("clientOrderId").GetInt64()).Order());
        var buy = listed.Single(o => o.GetProperty("clientOrderId").GetInt64() == 501);
        Assert.Equal(("BTC-USD", "buy", "54000", "0.02000000", "open"), (buy.GetProperty("symbol").GetString(), buy.GetProperty("side").GetString(),
            buy.GetProperty("price").GetString(), buy.GetProperty("leaves").GetString(), buy.GetProperty("status").GetString()));

        var (status, rest) = await Rest.Get(p.Port, "/api/v1/orders", Tokens.Hs256("alice"));
        Assert.Equal(200, status);
        Assert.Contains("\"clientOrderId\":501", rest);
        Assert.Contains("\"clientOrderId\":502", rest);

        // Balances: the engine's, every asset the binary session saw change (USD held by the buy, BTC by the sell).
        await ws.Request("b", """{"type":"subscribe","requestId":"b","channel":"balances"}""");
        var balances = (await ws.Next("balances")).GetProperty("balances").EnumerateArray().ToList();
        Assert.Equal(engineBalances.Count, balances.Count(b => b.GetProperty("held").GetString() != "0" && !b.GetProperty("held").GetString()!.All(ch => ch is '0' or '.')));
        var (_, restBalances) = await Rest.Get(p.Port, "/api/v1/balances", Tokens.Hs256("alice"));
        Assert.Contains("\"asset\":\"USD\"", restBalances);
        Assert.Contains("\"asset\":\"BTC\"", restBalances);

        // Known from the engine, so cancelled by client order id alone.
        var cancel = await ws.Request("c", """{"type":"cancel","requestId":"c","clientOrderId":501}""");
        Assert.Equal("ack", WsClient.Type(cancel));
        Assert.DoesNotContain("\"clientOrderId\":501", (await Rest.Get(p.Port, "/api/v1/orders", Tokens.Hs256("alice"))).Body);
    }
}
