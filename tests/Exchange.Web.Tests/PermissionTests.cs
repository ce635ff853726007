// A web user whose token's subject maps to a read-only engine account: the engine refuses its orders and cancels
// (NotPermitted, answered with the request id), it still reads its own state, and another subject on a trading account
// is not affected.
using Exchange.Contract;
using Exchange.Engine.Host;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class PermissionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly WebProcesses _p;

    public PermissionTests()
    {
        Directory.CreateDirectory(_dir.Path);
        var config = new ShardConfig();
        // Subject "bob" trades as account 2002 (WebProcesses' web config).
        config.Accounts = [.. config.Accounts.Select(a => a.Id == 2002 ? a with { Permission = AccountPermission.ReadOnly } : a)];
        string path = _dir.Combine("shard.json");
        File.WriteAllText(path, config.ToJson());
        _p = new WebProcesses(engineConfig: path);
    }

    public void Dispose()
    {
        _p.Dispose();
        _dir.Dispose();
    }

    private async Task<WsClient> LoggedOn(string subject)
    {
        var ws = await WsClient.Connect(_p.WebSocketUri);
        Assert.Equal("authenticated", WsClient.Type(await ws.Request("auth", $$"""{"type":"auth","requestId":"auth","token":"{{Tokens.Hs256(subject)}}"}""")));
        return ws;
    }

    [Fact]
    public async Task A_read_only_subject_reads_but_its_orders_and_cancels_are_refused_by_the_engine()
    {
        await using var bob = await LoggedOn("bob");
        var order = await bob.Request("n", """{"type":"new","requestId":"n","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"50500","quantity":"0.01","clientOrderId":7}""");
        Assert.Equal("reject", WsClient.Type(order));
        Assert.Equal("NotPermitted", order.GetProperty("reason").GetString());
        Assert.Equal((int)RejectReason.NotPermitted, order.GetProperty("code").GetInt32());
        var mass = await bob.Request("m", """{"type":"massCancel","requestId":"m"}""");
        Assert.Equal("reject", WsClient.Type(mass));
        Assert.Equal("NotPermitted", mass.GetProperty("reason").GetString());
        // It still reads its own state.
        var (status, balances) = await Rest.Get(_p.Port, "/api/v1/balances", Tokens.Hs256("bob"));
        Assert.Equal(200, status);
        Assert.Contains("USD", balances);

        await using var alice = await LoggedOn("alice");
        var ack = await alice.Request("a", """{"type":"new","requestId":"a","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"50500","quantity":"0.01","clientOrderId":8}""");
        Assert.Equal("ack", WsClient.Type(ack));
    }
}
