// Per-account permissions with real processes: an engine whose shard config makes one account cancel-only, one
// read-only and one admin; clients logged on by challenge-response learn their permission from the LogonAck and meet
// NotPermitted where their permission ends; administration (exchange-admin) is taken from an operator or an admin
// account only; an operator's SetAccountPermission reaches the account's live session, and, journaled, outlives a
// restart.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Engine.Host;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class PermissionTests() : ProcessTest("exchange-permissions-")
{
    private const int Btc = 1;
    private const string OperatorKey = "ops-admin-key";

    private EngineProcess Engine(int port = 0)
    {
        string path = Dir("shard.json");
        if (!File.Exists(path))
        {
            var config = new ShardConfig();
            config.Accounts = [.. config.Accounts.Select(a => a.Id switch
            {
                2001 => a with { Permission = AccountPermission.CancelOnly },
                2002 => a with { Permission = AccountPermission.ReadOnly },
                3001 => a with { Permission = AccountPermission.Admin },
                _ => a,
            })];
            File.WriteAllText(path, config.ToJson());
        }
        return Own(new EngineProcess(1, "BTC-USD", Dir("journal"), port, durability: "batch", extra: ["--config", path]));
    }

    private ExchangeClient<RecordingListener> Connect(string key, EngineProcess engine) =>
        Own(Clients.Connect(key, new ShardEndpoint(engine.ChannelUri, [Btc])));

    private static ProcessResult Admin(EngineProcess engine, string key, params string[] args) =>
        ChildProcess.Run(ChildProcess.StartDll("exchange-admin.dll", ["--engine", engine.ChannelUri, .. args],
            new Dictionary<string, string> { ["EXCHANGE_OPERATOR_KEY"] = key }));

    private static NewOrder Buy(long clientOrderId, long price = 59_000) =>
        new(0, clientOrderId, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, price, 1_000_000);

    /// <summary>Sends with <paramref name="send"/> and waits for the answer: the reject's reason, or null when accepted.</summary>
    private static RejectReason? Answer(ExchangeClient<RecordingListener> c, Func<long> send, Func<bool> accepted)
    {
        int rejected = c.Listener.Rejected.Count;
        Assert.True(send() > 0, "sent");
        Clients.PollUntil(() => c.Listener.Rejected.Count > rejected || accepted(), Timeouts.Process, c.Listener.Describe, () => c.Poll());
        return c.Listener.Rejected.Count > rejected ? c.Listener.Rejected[^1].E.Reason : null;
    }

    [Fact]
    public void Each_permission_level_is_enforced_by_the_engine_and_the_logon_says_which_it_is()
    {
        var engine = Engine();
        var trader = Connect("mm-1001-key", engine);
        var cancelOnly = Connect("broker-2001-key", engine);
        var readOnly = Connect("broker-2002-key", engine);
        Assert.Equal(AccountPermission.Trade, trader.PermissionOf(0));
        Assert.Equal(AccountPermission.CancelOnly, cancelOnly.PermissionOf(0));
        Assert.Equal(AccountPermission.ReadOnly, readOnly.PermissionOf(0));

        Assert.Null(Answer(trader, () => trader.NewOrder(Buy(1)), () => trader.Listener.Accepted.Count == 1));
        Assert.Equal(RejectReason.NotPermitted, Answer(cancelOnly, () => cancelOnly.NewOrder(Buy(1)), () => false));
        // A cancel-only account's cancel passes its permission (and finds no such order); a read-only one's does not.
        Assert.Equal(RejectReason.UnknownOrder, Answer(cancelOnly, () => cancelOnly.Cancel(Btc, 1), () => false));
        Assert.Equal(RejectReason.NotPermitted, Answer(readOnly, () => readOnly.NewOrder(Buy(1)), () => false));
        Assert.Equal(RejectReason.NotPermitted, Answer(readOnly, () => readOnly.Cancel(Btc, 1), () => false));
        Assert.Equal(RejectReason.NotPermitted, Answer(readOnly, () => readOnly.MassCancel(), () => false));
        // A read-only session still reads: its account's state answers.
        Assert.True(readOnly.RequestAccountState(0, 7) > 0);

        // Administration: refused to a trading account before sequencing, taken from an admin account (its key, account 0;
        // each account has one session, so neither of these is otherwise logged on).
        var refused = Admin(engine, "mm-1002-key", "deposit", "1002", "0", "100");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("NotPermitted", refused.Stdout);
        var deposited = Admin(engine, "web-3001-key", "deposit", "1001", "0", "100");
        Assert.True(deposited.ExitCode == 0, deposited.ToString());
        Assert.StartsWith("done: BalanceChanged", deposited.Stdout);
        Eventually.True(() => engine.Process.Stderr.Contains("admin account 3001: Deposit", StringComparison.Ordinal), "the engine logs 'admin account 3001: Deposit'", Timeouts.Prompt);
        Eventually.True(() => engine.Process.Stderr.Contains("Deposit from account 1002", StringComparison.Ordinal), "the engine logs 'Deposit from account 1002'", Timeouts.Prompt);
        Clients.PollUntil(() => trader.Listener.Balances.Exists(b => b.Asset == 0 && b.Available + b.Held > 0), Timeouts.Process, () => trader.Poll());
        foreach (var key in new[] { "mm-1002-key", "web-3001-key" }) Assert.DoesNotContain(key, refused.Stdout + refused.Stderr + deposited.Stdout + deposited.Stderr);
    }

    [Fact]
    public void An_operator_narrows_a_live_accounts_permission_and_the_change_outlives_a_restart()
    {
        var engine = Engine();
        var trader = Connect("mm-1001-key", engine);
        Assert.Null(Answer(trader, () => trader.NewOrder(Buy(1)), () => trader.Listener.Accepted.Count == 1));

        var set = Admin(engine, OperatorKey, "set-permission", "1001", "CancelOnly");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.StartsWith("done: AccountPermissionChanged", set.Stdout);
        // The account's own session is told, and its client follows.
        Clients.PollUntil(() => trader.Listener.Permissions.Count == 1, Timeouts.Process, () => trader.Poll());
        Assert.Equal(new AccountPermissionChanged(1001, AccountPermission.CancelOnly), trader.Listener.Permissions[0]);
        Assert.Equal(AccountPermission.CancelOnly, trader.PermissionOf(0));
        Assert.Equal(RejectReason.NotPermitted, Answer(trader, () => trader.NewOrder(Buy(2)), () => false));
        Assert.Equal(RejectReason.NotPermitted, Answer(trader, () => trader.Replace(Btc, 1, 3, 58_000, 1_000_000), () => false));
        // What rests can still be taken out.
        Assert.Null(Answer(trader, () => trader.Cancel(Btc, 1), () => trader.Listener.Cancelled.Count == 1));

        var bad = Admin(engine, OperatorKey, "set-permission", "1001", "Everything");
        Assert.Equal(2, bad.ExitCode);

        Assert.True(engine.Process.Terminate(), engine.Process.Stderr);
        string hash = StatusLines.Field(engine.Process.WaitForLine("stopped"), "stateHash");
        var restarted = Engine(engine.Port);
        Assert.Equal(hash, restarted.StateHashAtStart);
        var again = Connect("mm-1001-key", restarted);
        Assert.Equal(AccountPermission.CancelOnly, again.PermissionOf(0));
        Assert.Equal(RejectReason.NotPermitted, Answer(again, () => again.NewOrder(Buy(4)), () => false));
    }
}
