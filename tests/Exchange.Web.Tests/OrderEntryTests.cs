// Order entry through the WebSocket for an authenticated web account: every order type the engine has, cancel,
// replace and mass cancel, each answered with the request id it came with; the private channels follow.
using System.Text.Json;

namespace Exchange.Web.Tests;

public sealed class OrderEntryTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private WebProcesses P => fixture.Processes;

    private async Task<WsClient> LoggedOn(string subject)
    {
        var ws = await WsClient.Connect(P.WebSocketUri);
        Assert.Equal("authenticated", WsClient.Type(await ws.Request("auth", $$"""{"type":"auth","requestId":"auth","token":"{{Tokens.Hs256(subject)}}"}""")));
        return ws;
    }

    private static bool OrderEvent(JsonElement f, string evt, long clientOrderId) =>
        WsClient.Type(f) == "order" && f.GetProperty("event").GetString() == evt && f.GetProperty("order").GetProperty("clientOrderId").GetInt64() == clientOrderId;

    [Fact]
    public async Task A_limit_order_is_acknowledged_rests_in_the_book_and_open_orders_and_is_cancelled()
    {
        await using var ws = await LoggedOn("alice");
        await ws.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""");
        await ws.Request("b", """{"type":"subscribe","requestId":"b","channel":"book","symbol":"BTC-USD","depth":0}""");
        var ack = await ws.Request("n1", """{"type":"new","requestId":"n1","symbol":"BTC-USD","side":"buy","orderType":"limit","timeInForce":"gtc","price":"51234","quantity":"0.03","clientOrderId":1001}""");
        Assert.Equal("ack", WsClient.Type(ack));
        Assert.Equal("new", ack.GetProperty("op").GetString());
        Assert.Equal(1001, ack.GetProperty("clientOrderId").GetInt64());
        Assert.True(ack.GetProperty("orderId").GetInt64() > 0);
        var accepted = await ws.Seen(f => OrderEvent(f, "accepted", 1001), "order accepted");
        Assert.Equal("0.03000000", accepted.GetProperty("order").GetProperty("leaves").GetString());
        await ws.Seen(f => WsClient.Type(f) == "book" && f.GetProperty("bids").EnumerateArray().Any(l => l[0].GetString() == "51234"), "the bid in the book");
        var (status, open) = await Rest.Get(P.Port, "/api/v1/orders", Tokens.Hs256("alice"));
        Assert.Equal(200, status);
        Assert.Contains("\"clientOrderId\":1001", open);

        var cancel = await ws.Request("c1", """{"type":"cancel","requestId":"c1","clientOrderId":1001}""");
        Assert.Equal("ack", WsClient.Type(cancel));
        Assert.Equal("cancel", cancel.GetProperty("op").GetString());
        Assert.Equal("0.03000000", cancel.GetProperty("cancelled").GetString());
        await ws.Seen(f => OrderEvent(f, "cancelled", 1001), "order cancelled");
        await ws.Seen(f => WsClient.Type(f) == "book" && f.GetProperty("bids").EnumerateArray().Any(l => l[0].GetString() == "51234" && l[1].GetString() == "0.00000000"), "the bid gone");
        Assert.DoesNotContain("\"clientOrderId\":1001", (await Rest.Get(P.Port, "/api/v1/orders", Tokens.Hs256("alice"))).Body);
    }

    [Fact]
    public async Task A_replace_changes_price_and_quantity_under_a_new_client_order_id()
    {
        await using var ws = await LoggedOn("alice");
        await ws.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""");
        Assert.Equal("ack", WsClient.Type(await ws.Request("n", """{"type":"new","requestId":"n","symbol":"ETH-USD","side":"sell","orderType":"limit","price":"3500","quantity":"1.5","clientOrderId":2001}""")));
        var replaced = await ws.Request("r", """{"type":"replace","requestId":"r","origClientOrderId":2001,"clientOrderId":2002,"price":"3490","quantity":"2"}""");
        Assert.Equal("ack", WsClient.Type(replaced));
        Assert.Equal(2001, replaced.GetProperty("origClientOrderId").GetInt64());
        Assert.Equal(2002, replaced.GetProperty("clientOrderId").GetInt64());
        Assert.False(replaced.GetProperty("keptPriority").GetBoolean());
        var order = (await ws.Seen(f => OrderEvent(f, "replaced", 2002), "order replaced")).GetProperty("order");
        Assert.Equal("3490", order.GetProperty("price").GetString());
        Assert.Equal("2.000000", order.GetProperty("quantity").GetString());
        Assert.Equal("ack", WsClient.Type(await ws.Request("c", """{"type":"cancel","requestId":"c","clientOrderId":2002}""")));
    }

    [Fact]
    public async Task A_mass_cancel_cancels_every_open_order_of_the_account_and_says_how_many()
    {
        await using var ws = await LoggedOn("bob");
        for (int i = 0; i < 3; i++)
            Assert.Equal("ack", WsClient.Type(await ws.Request($"n{i}", $$"""{"type":"new","requestId":"n{{i}}","symbol":"BTC-USD","side":"sell","orderType":"limit","price":"{{70_000 + i}}","quantity":"0.01"}""")));
        var answer = await ws.Request("m", """{"type":"massCancel","requestId":"m","symbol":"BTC-USD","side":"sell"}""");
        Assert.Equal("ack", WsClient.Type(answer));
        Assert.Equal(3, answer.GetProperty("cancelledCount").GetInt32());
        Assert.Contains("\"orders\":[]", (await Rest.Get(P.Port, "/api/v1/orders", Tokens.Hs256("bob"))).Body);
    }

    [Theory]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"1000","quantity":"0.01"}""", "PriceOutsideBand")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000","quantity":"0.005"}""", "QuantityOffLot")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000","quantity":"101"}""", "QuantityAboveMaximum")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"ETH-USD","side":"sell","orderType":"limit","timeInForce":"fok","price":"2500","quantity":"500"}""", "FillOrKillNotFillable")]
    [InlineData("""{"type":"cancel","requestId":"x","symbol":"BTC-USD","clientOrderId":777777}""", "UnknownOrder")]
    [InlineData("""{"type":"replace","requestId":"x","symbol":"BTC-USD","origClientOrderId":777777,"price":"60000","quantity":"0.01"}""", "UnknownOrder")]
    [InlineData("""{"type":"massCancel","requestId":"x","side":"both"}""", "")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"50500","quantity":"0.05","displayQuantity":"0.01"}""", "")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"50500","quantity":"0.05","displayQuantity":"0.05"}""", "InvalidDisplayQuantity")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","timeInForce":"ioc","price":"50500","quantity":"0.05","displayQuantity":"0.01"}""", "InvalidTimeInForce")]
    public async Task The_engines_answer_comes_back_with_the_request_id(string message, string reason)
    {
        await using var ws = await LoggedOn("alice");
        var answer = await ws.Request("x", message);
        if (reason == "")
        {
            Assert.Equal("ack", WsClient.Type(answer));
            return;
        }
        Assert.Equal("reject", WsClient.Type(answer));
        Assert.Equal(reason, answer.GetProperty("reason").GetString());
        Assert.True(answer.GetProperty("code").GetInt32() > 0);
    }

    [Fact]
    public async Task A_post_only_order_that_would_take_is_rejected()
    {
        using var maker = new Trader(P.EngineChannel, "mm-1001-key");
        maker.Limit(Side.Sell, 59_001, 1_000_000);
        maker.WaitAnswered(1);
        await using var ws = await LoggedOn("alice");
        var answer = await ws.Request("p", """{"type":"new","requestId":"p","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"59001","quantity":"0.01","postOnly":true}""");
        Assert.Equal("reject", WsClient.Type(answer));
        Assert.Equal("PostOnlyWouldTake", answer.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Market_and_ioc_orders_take_liquidity_and_report_fills_and_balances()
    {
        using var maker = new Trader(P.EngineChannel, "mm-1002-key");
        maker.Limit(Side.Sell, 2_950, 200_000, symbol: 2);
        maker.WaitAnswered(1);
        await using var ws = await LoggedOn("alice");
        await ws.Request("f", """{"type":"subscribe","requestId":"f","channel":"fills"}""");
        await ws.Request("bal", """{"type":"subscribe","requestId":"bal","channel":"balances"}""");

        Assert.Equal("ack", WsClient.Type(await ws.Request("m", """{"type":"new","requestId":"m","symbol":"ETH-USD","side":"buy","orderType":"market","quantity":"0.1","clientOrderId":3001}""")));
        var fill = await ws.Seen(f => WsClient.Type(f) == "fill" && f.GetProperty("clientOrderId").GetInt64() == 3001, "market order's fill");
        Assert.Equal("taker", fill.GetProperty("liquidity").GetString());
        Assert.Equal("0.100000", fill.GetProperty("quantity").GetString());
        Assert.Equal("USD", fill.GetProperty("feeAsset").GetString());

        Assert.Equal("ack", WsClient.Type(await ws.Request("i", """{"type":"new","requestId":"i","symbol":"ETH-USD","side":"buy","orderType":"limit","timeInForce":"ioc","price":"2950","quantity":"0.05","clientOrderId":3002}""")));
        await ws.Seen(f => WsClient.Type(f) == "fill" && f.GetProperty("clientOrderId").GetInt64() == 3002, "IOC order's fill");
        var eth = await ws.Seen(f => WsClient.Type(f) == "balance" && f.GetProperty("asset").GetString() == "ETH", "ETH balance");
        Assert.Matches(@"^\d+\.\d{6}$", eth.GetProperty("available").GetString());
        var (status, balances) = await Rest.Get(P.Port, "/api/v1/balances", Tokens.Hs256("alice"));
        Assert.Equal(200, status);
        Assert.Contains("\"asset\":\"ETH\"", balances);
        Assert.Contains("\"asset\":\"USD\"", balances);
        Assert.Contains("\"clientOrderId\":3002", (await Rest.Get(P.Port, "/api/v1/fills", Tokens.Hs256("alice"))).Body);
    }

    [Fact]
    public async Task One_account_never_sees_another_accounts_orders()
    {
        await using var bob = await LoggedOn("bob");
        await bob.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""");
        await using var alice = await LoggedOn("alice");
        Assert.Equal("ack", WsClient.Type(await alice.Request("n", """{"type":"new","requestId":"n","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"49001","quantity":"0.01","clientOrderId":4001}""")));
        Assert.Equal("ack", WsClient.Type(await bob.Request("n", """{"type":"new","requestId":"n","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"49002","quantity":"0.01","clientOrderId":4002}""")));
        await bob.Seen(f => OrderEvent(f, "accepted", 4002), "bob's own order");
        Assert.DoesNotContain(bob.OfType("order"), f => f.GetProperty("order").GetProperty("clientOrderId").GetInt64() == 4001);
        Assert.DoesNotContain("\"clientOrderId\":4001", (await Rest.Get(P.Port, "/api/v1/orders", Tokens.Hs256("bob"))).Body);
        await alice.Request("c", """{"type":"cancel","requestId":"c","clientOrderId":4001}""");
        await bob.Request("c", """{"type":"cancel","requestId":"c","clientOrderId":4002}""");
    }

    [Fact]
    public async Task A_stop_limit_order_waits_pending_is_triggered_by_a_trade_at_its_stop_price_and_then_is_a_limit_order()
    {
        await using var alice = await LoggedOn("alice");
        await alice.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""");
        // Near the top of ETH-USD's band (2400..3600), above any trade the other tests make.
        var ack = await alice.Request("s", """{"type":"new","requestId":"s","symbol":"ETH-USD","side":"buy","orderType":"stopLimit","price":"3595","stopPrice":"3590","quantity":"0.01","clientOrderId":5001}""");
        Assert.Equal("ack", WsClient.Type(ack));
        var accepted = (await alice.Seen(f => OrderEvent(f, "accepted", 5001), "stop-limit accepted")).GetProperty("order");
        Assert.Equal(("stopLimit", "pending", "3590", "3595", "gtc"), (accepted.GetProperty("orderType").GetString(), accepted.GetProperty("status").GetString(),
            accepted.GetProperty("stopPrice").GetString(), accepted.GetProperty("price").GetString(), accepted.GetProperty("timeInForce").GetString()));
        // The engine's account state (what REST and a new orders subscription show) says the same: a pending stop.
        var (status, open) = await Rest.Get(P.Port, "/api/v1/orders", Tokens.Hs256("alice"));
        Assert.Equal(200, status);
        var listed = JsonDocument.Parse(open).RootElement.GetProperty("orders").EnumerateArray().Single(o => o.GetProperty("clientOrderId").GetInt64() == 5001);
        Assert.Equal(("stopLimit", "pending", "3590"), (listed.GetProperty("orderType").GetString(), listed.GetProperty("status").GetString(), listed.GetProperty("stopPrice").GetString()));

        // A trade at 3590: a market maker bids there and bob sells into the bid (no bid is higher, so it prints at 3590).
        using var maker = new Trader(P.EngineChannel, "mm-1001-key");
        maker.Limit(Side.Buy, 3_590, 10_000, symbol: 2);
        maker.WaitAnswered(1);
        await using var bob = await LoggedOn("bob");
        Assert.Equal("ack", WsClient.Type(await bob.Request("t", """{"type":"new","requestId":"t","symbol":"ETH-USD","side":"sell","orderType":"limit","timeInForce":"ioc","price":"3590","quantity":"0.01"}""")));

        var triggered = (await alice.Seen(f => OrderEvent(f, "triggered", 5001), "stop-limit triggered")).GetProperty("order");
        Assert.Equal(("limit", "3590"), (triggered.GetProperty("orderType").GetString(), triggered.GetProperty("stopPrice").GetString()));
        Assert.NotEqual("pending", triggered.GetProperty("status").GetString());
        await alice.Request("c", """{"type":"cancel","requestId":"c","clientOrderId":5001}""");
    }

    [Theory]
    [InlineData("""{"type":"new","requestId":"x","symbol":"ETH-USD","side":"buy","orderType":"stopLimit","price":"3595","quantity":"0.01"}""", "missing_field")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"ETH-USD","side":"buy","orderType":"limit","price":"3000","stopPrice":"3100","quantity":"0.01"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"ETH-USD","side":"buy","orderType":"stop","stopPrice":"abc","quantity":"0.01"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"ETH-USD","side":"buy","orderType":"trailingStop","stopPrice":"3100","quantity":"0.01"}""", "invalid_field")]
    public async Task A_malformed_stop_order_gets_an_error_naming_the_field(string message, string code)
    {
        await using var ws = await LoggedOn("alice");
        var error = await ws.Request("x", message);
        Assert.Equal("error", WsClient.Type(error));
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_gtd_order_expires_at_its_expire_time_and_the_orders_channel_says_so()
    {
        await using var ws = await LoggedOn("alice");
        await ws.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""");
        string expire = DateTime.UtcNow.AddSeconds(1.5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var ack = await ws.Request("g", $$"""{"type":"new","requestId":"g","symbol":"BTC-USD","side":"buy","orderType":"limit","timeInForce":"gtd","expireTime":"{{expire}}","price":"50123","quantity":"0.01","clientOrderId":6001}""");
        Assert.Equal("ack", WsClient.Type(ack));
        Assert.Equal("gtd", (await ws.Seen(f => OrderEvent(f, "accepted", 6001), "gtd accepted")).GetProperty("order").GetProperty("timeInForce").GetString());
        // Nobody cancels it: the engine's own timer input expires it once its clock passes the expire time.
        var expired = await ws.Seen(f => OrderEvent(f, "cancelled", 6001), "gtd expired");
        Assert.Equal("Expired", expired.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","timeInForce":"gtd","price":"50000","quantity":"0.01"}""", "missing_field")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","expireTime":"2030-01-01T00:00:00Z","price":"50000","quantity":"0.01"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"x","symbol":"BTC-USD","side":"buy","orderType":"limit","timeInForce":"gtd","expireTime":"next tuesday","price":"50000","quantity":"0.01"}""", "invalid_field")]
    public async Task A_malformed_gtd_order_gets_an_error_naming_the_field(string message, string code)
    {
        await using var ws = await LoggedOn("alice");
        var error = await ws.Request("x", message);
        Assert.Equal("error", WsClient.Type(error));
        Assert.Equal(code, error.GetProperty("code").GetString());
    }
}
