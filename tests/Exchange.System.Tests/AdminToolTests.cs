// exchange-admin against a real engine: an operator's commands are applied (and journaled: the engine replays them
// after a restart), refusals say why with exit 1, a wrong or missing key is refused, and the key is never printed.
using System.Text.Json;
using Exchange.Client;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class AdminToolTests : IDisposable
{
    private const string Key = "ops-admin-key";
    private readonly TempDirectory _root = new("exchange-admin-");

    public void Dispose() => _root.Dispose();

    private static ProcessResult Admin(EngineProcess engine, string? key, params string[] args) =>
        ChildProcess.Run(ChildProcess.StartDll("exchange-admin.dll", ["--engine", engine.ChannelUri, .. args],
            key == null ? null : new Dictionary<string, string> { ["EXCHANGE_OPERATOR_KEY"] = key }));

    [Fact]
    public void An_account_added_and_funded_by_the_operator_trades_and_survives_a_restart()
    {
        string journal = _root.Combine("engine");
        int port;
        string hash;
        using (var engine = new EngineProcess(1, "BTC-USD,ETH-USD", journal))
        {
            port = engine.Port;
            var added = Admin(engine, Key, "add-account", "4001");
            Assert.True(added.ExitCode == 0, added.ToString());
            Assert.StartsWith("done: AccountAdded", added.Stdout);
            var funded = Admin(engine, Key, "--json", "deposit", "4001", "0", "1000000");
            Assert.True(funded.ExitCode == 0, funded.ToString());
            var json = JsonDocument.Parse(funded.Stdout).RootElement;
            Assert.True(json.GetProperty("applied").GetBoolean());
            Assert.Equal("BalanceChanged", json.GetProperty("event").GetString());
            Eventually.True(() => engine.Process.Stderr.Contains("operator ops: Deposit", StringComparison.Ordinal), "the engine logs 'operator ops: Deposit'", Timeouts.Prompt);
            Assert.True(engine.Process.Terminate());
            hash = StatusLines.Field(engine.Process.WaitForLine("stopped"), "stateHash");
        }
        using var restarted = new EngineProcess(1, "BTC-USD,ETH-USD", journal, port);
        Assert.Equal(hash, restarted.StateHashAtStart);
        // A second add of the same account is refused: the first came back from the journal.
        var again = Admin(restarted, Key, "add-account", "4001");
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("refused: DuplicateAccount", again.Stdout);
    }

    [Fact]
    public void A_halted_symbol_refuses_new_orders_until_resumed()
    {
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", _root.Combine("halt"));
        using var trader = Clients.Connect("mm-1001-key", new ShardEndpoint(engine.ChannelUri, [1, 2]));
        Assert.Equal(0, Admin(engine, Key, "halt", "1").ExitCode);
        Assert.True(trader.NewOrder(new NewOrder(0, 1, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000)) > 0);
        Clients.PollUntil(() => trader.Listener.Rejected.Count == 1, Timeouts.Prompt, () => trader.Poll());
        Assert.Equal(RejectReason.SymbolHalted, trader.Listener.Rejected[0].E.Reason);
        Assert.Equal(0, Admin(engine, Key, "resume", "1").ExitCode);
        Assert.True(trader.NewOrder(new NewOrder(0, 2, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000)) > 0);
        Clients.PollUntil(() => trader.Listener.Accepted.Count == 1, Timeouts.Prompt, () => trader.Poll());
    }

    [Fact]
    public void A_wrong_key_is_refused_and_no_key_is_a_usage_error_and_keys_are_never_printed()
    {
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", _root.Combine("keys"));
        var wrong = Admin(engine, "not-the-key", "halt", "1");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("UnknownApiKey", wrong.Stderr);
        var none = Admin(engine, null, "halt", "1");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("EXCHANGE_OPERATOR_KEY", none.Stderr);
        var trading = Admin(engine, "mm-1001-key", "deposit", "1001", "0", "100");
        Assert.Equal(1, trading.ExitCode); // a trading account's key logs on, but may not administer
        Assert.Contains("NotPermitted", trading.Stdout);
        foreach (var result in new[] { wrong, none, trading })
            foreach (string key in new[] { "not-the-key", Key, "mm-1001-key" }) Assert.DoesNotContain(key, result.Stdout + result.Stderr);
        Assert.DoesNotContain(Key, engine.Process.Stderr);
    }
}
