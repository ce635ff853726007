// The engine going away and coming back: exchange-web answers at once while its engine session is down, logs on again
// by itself, and orders resting from before are still known and can be cancelled.
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class EngineRestartTests
{
    [Fact]
    public async Task While_the_engine_is_down_orders_are_refused_at_once_and_when_it_is_back_they_are_taken_again()
    {
        using var p = new WebProcesses(journal: true);
        await using var ws = await WsClient.Connect(p.WebSocketUri);
        await ws.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{Tokens.Hs256("alice")}}"}""");
        Assert.Equal("ack", WsClient.Type(await ws.Request("n1", """{"type":"new","requestId":"n1","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"55000","quantity":"0.01","clientOrderId":11}""")));

        p.KillEngine();
        Eventually.True(() => p.Web.Stderr.Contains("engine session of account 3001 lost", StringComparison.Ordinal),
            $"exchange-web notices the engine is gone: {p.Web.Stderr}", Timeouts.Process);
        var refused = await ws.Request("n2", """{"type":"new","requestId":"n2","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"55001","quantity":"0.01","clientOrderId":12}""");
        Assert.Equal("reject", WsClient.Type(refused));
        Assert.StartsWith("engine unavailable", refused.GetProperty("reason").GetString());
        Assert.Equal("subscribed", WsClient.Type(await ws.Request("t", """{"type":"subscribe","requestId":"t","channel":"ticker","symbol":"BTC-USD"}""")));

        p.RestartEngine();
        Eventually.True(() => p.Web.Stderr.Contains("engine session of account 3001 restored", StringComparison.Ordinal),
            $"exchange-web logs on again: {p.Web.Stderr}", Timeouts.Process);
        Assert.Equal("ack", WsClient.Type(await ws.Request("n3", """{"type":"new","requestId":"n3","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"55002","quantity":"0.01","clientOrderId":13}""")));
        var cancel = await ws.Request("c", """{"type":"cancel","requestId":"c","clientOrderId":11}""");
        Assert.Equal("ack", WsClient.Type(cancel));
    }
}
