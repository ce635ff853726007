// What a peer may cost is bounded, and each bound answers with a reason: messages per connection, orders per account,
// connections per address, subscriptions per connection.
using System.Net.WebSockets;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class LimitTests
{
    [Fact]
    public async Task A_connection_sending_too_fast_is_rate_limited_and_survives()
    {
        using var p = new WebProcesses("""{ "messagesPerSecond": 5, "messageBurst": 5 }""");
        await using var ws = await WsClient.Connect(p.WebSocketUri);
        for (int i = 0; i < 20; i++) await ws.Send($$"""{"type":"ping","requestId":"p{{i}}"}""");
        var limited = await ws.Next(f => WsClient.Type(f) == "error" && f.GetProperty("code").GetString() == "rate_limited", "rate_limited");
        Assert.Contains("messages per second", limited.GetProperty("reason").GetString());
        // The bucket refills: a later ping is answered.
        JsonPong? answer = null;
        Eventually.True(() =>
        {
            ws.Send("""{"type":"ping","requestId":"later"}""").Wait();
            try { answer = new JsonPong(ws.Answer("later", TimeSpan.FromSeconds(1)).Result.GetProperty("type").GetString()!); }
            catch (AggregateException) { }
            return answer?.Type == "pong";
        }, "a ping answered once the bucket refilled", Timeouts.Prompt, between: () => { });
    }

    private sealed record JsonPong(string Type);

    [Fact]
    public async Task Orders_are_rate_limited_per_account_across_its_connections()
    {
        using var p = new WebProcesses("""{ "ordersPerSecond": 1, "orderBurst": 3 }""");
        await using var one = await WsClient.Connect(p.WebSocketUri);
        await using var two = await WsClient.Connect(p.WebSocketUri);
        foreach (var ws in new[] { one, two })
            await ws.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{Tokens.Hs256("alice")}}"}""");
        for (int i = 0; i < 3; i++) await one.Send($$"""{"type":"cancel","requestId":"c{{i}}","symbol":"BTC-USD","clientOrderId":{{100 + i}}}""");
        for (int i = 0; i < 3; i++) await two.Send($$"""{"type":"cancel","requestId":"d{{i}}","symbol":"BTC-USD","clientOrderId":{{200 + i}}}""");
        // Six within a second on one account's bucket of three: whichever connection's come first pass, the rest are refused.
        foreach (var (ws, prefix) in new[] { (one, "c"), (two, "d") })
            for (int i = 0; i < 3; i++)
            {
                string expected = $"{prefix}{i}";
                await ws.Seen(f => f.TryGetProperty("requestId", out var id) && id.GetString() == expected, $"an answer to {expected}");
            }
        var answers = one.Frames.Concat(two.Frames).Where(f => f.TryGetProperty("requestId", out var id) && id.GetString()!.Length == 2).ToList();
        Assert.Equal(6, answers.Count);
        var limited = answers.Where(f => WsClient.Type(f) == "error" && f.GetProperty("code").GetString() == "rate_limited").ToList();
        Assert.InRange(limited.Count, 2, 3);
        Assert.Contains("account 3001", limited[0].GetProperty("reason").GetString());
        // Other accounts are not held up by alice's limit.
        await using var bob = await WsClient.Connect(p.WebSocketUri);
        await bob.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{Tokens.Hs256("bob")}}"}""");
        Assert.Equal("reject", WsClient.Type(await bob.Request("x", """{"type":"cancel","requestId":"x","symbol":"BTC-USD","clientOrderId":5}""")));
    }

    [Fact]
    public async Task Connections_from_one_address_are_bounded()
    {
        using var p = new WebProcesses("""{ "maxConnectionsPerAddress": 3 }""");
        var open = new List<WsClient>();
        try
        {
            for (int i = 0; i < 3; i++) open.Add(await WsClient.Connect(p.WebSocketUri));
            var refused = await Assert.ThrowsAnyAsync<WebSocketException>(() => WsClient.Connect(p.WebSocketUri));
            Assert.Contains("503", refused.Message);
            // Published for exchange-stat and /metrics: the connections open and the refusal.
            Eventually.True(() => p.Counter("web_connections") == 3 && p.Counter("web_connections_refused") == 1, "the connection counters");
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            WsClient? again = null;
            Eventually.True(() =>
            {
                try { again = WsClient.Connect(p.WebSocketUri).Result; return true; }
                catch (AggregateException) { return false; }
            }, "a connection admitted once another closed");
            open.Add(again!);
        }
        finally
        {
            foreach (var ws in open) await ws.DisposeAsync();
        }
    }

    [Fact]
    public async Task Subscriptions_per_connection_are_bounded()
    {
        using var p = new WebProcesses("""{ "maxSubscriptions": 2 }""");
        await using var ws = await WsClient.Connect(p.WebSocketUri);
        Assert.Equal("subscribed", WsClient.Type(await ws.Request("1", """{"type":"subscribe","requestId":"1","channel":"book","symbol":"BTC-USD"}""")));
        Assert.Equal("subscribed", WsClient.Type(await ws.Request("2", """{"type":"subscribe","requestId":"2","channel":"trades","symbol":"BTC-USD"}""")));
        var third = await ws.Request("3", """{"type":"subscribe","requestId":"3","channel":"ticker","symbol":"BTC-USD"}""");
        Assert.Equal("too_many_subscriptions", third.GetProperty("code").GetString());
        // Asking again for one it holds changes it, and is no new subscription.
        Assert.Equal("subscribed", WsClient.Type(await ws.Request("4", """{"type":"subscribe","requestId":"4","channel":"book","symbol":"BTC-USD","depth":5}""")));
        Assert.Equal("unsubscribed", WsClient.Type(await ws.Request("5", """{"type":"unsubscribe","requestId":"5","channel":"trades","symbol":"BTC-USD"}""")));
        Assert.Equal("subscribed", WsClient.Type(await ws.Request("6", """{"type":"subscribe","requestId":"6","channel":"ticker","symbol":"BTC-USD"}""")));
    }

    [Fact]
    public async Task REST_requests_from_one_address_are_rate_limited_with_a_reason()
    {
        using var p = new WebProcesses("""{ "restPerSecond": 2 }""");
        var answers = new List<(int Status, string Body)>();
        for (int i = 0; i < 10; i++) answers.Add(await Rest.Get(p.Port, "/api/v1/ticker/BTC-USD"));
        Assert.Contains(answers, a => a.Status == 200);
        var limited = answers.First(a => a.Status == 429);
        Assert.Contains("\"code\":\"rate_limited\"", limited.Body);
        Assert.Contains("requests per second", limited.Body);
    }

    [Fact]
    public async Task SIGTERM_stops_exchange_web_cleanly()
    {
        using var p = new WebProcesses();
        await using var ws = await WsClient.Connect(p.WebSocketUri);
        Assert.True(p.Web.Terminate(Timeouts.Process), "exchange-web did not stop on SIGTERM");
        Assert.Equal(0, p.Web.ExitCode);
        Assert.Contains("stopped", p.Web.Stdout);
    }
}
