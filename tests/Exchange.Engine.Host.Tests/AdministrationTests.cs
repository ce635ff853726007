// Operators administer a running engine over an operator's session (exchange-admin's door): accounts, symbols,
// halts and funds change only through commands that are sequenced and journaled like any input, and the operator
// gets every event such a command produces. Nobody else may send them, and operators do not trade.
using Exchange.Engine.Recovery;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public class AdministrationTests
{
    private const string OperatorKey = "ops-admin-key";

    [Fact]
    public void An_operator_logs_on_with_an_operator_key_and_account_zero()
    {
        using var h = new Harness();
        h.Engine.OnMessage(7, Client.Logon(OperatorKey));
        var (_, account, _) = Read.LogonAck(h.Links.Received(7).OfTemplate(LogonAckDecoder.TemplateId).Single());
        Assert.Equal(0, account);
        Assert.Equal(1, h.Engine.OperatorSessions);
        Assert.Equal(0, h.Engine.ActiveSessions);
        Assert.Equal([(7, ResponsePath.Session)], h.Links.Purposes);
    }

    [Fact]
    public void An_operator_key_naming_an_account_is_refused()
    {
        using var h = new Harness();
        h.Engine.OnMessage(7, Client.Logon(OperatorKey, account: 1001));
        Assert.Equal(LogonRejectReason.UnknownApiKey, Read.LogonReject(h.Links.Received(7).Single()));
        Assert.Equal(0, h.Engine.OperatorSessions);
    }

    [Fact]
    public void An_operator_has_one_session_at_a_time()
    {
        using var h = new Harness();
        h.LogOn(7, OperatorKey);
        h.Engine.OnMessage(8, Client.Logon(OperatorKey));
        Assert.Equal(LogonRejectReason.AlreadyLoggedOn, Read.LogonReject(h.Links.Received(8).Single()));
    }

    [Fact]
    public void An_account_added_by_an_operator_is_sequenced_journaled_and_answered()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None });
        h.LogOn(7, OperatorKey);
        h.Links.Clear();
        long before = h.Engine.LastSequence;

        h.Engine.OnMessage(7, Client.Encode(new AddAccount(4001)));
        h.Engine.OnMessage(7, Client.Encode(new Deposit(4001, 0, 500_00)));

        Assert.Equal(before + 2, h.Engine.LastSequence);
        var events = Read.Events(h.Links.Received(7));
        Assert.Equal([new AccountAdded(4001), new BalanceChanged(4001, 0, 500_00, 0)], events);
        Assert.True(h.Engine.TryGetBalance(4001, 0, out var balance));
        Assert.Equal(500_00, balance.Available);
        // In the journal like any input: a rebuild from it has the account.
        h.Engine.Shutdown();
        var (engine, _) = StateRebuild.Run(dir.Path, h.Config.Engine, default(DiscardOutput), useSnapshots: false);
        Assert.True(engine.TryGetBalance(4001, 0, out var rebuilt));
        Assert.Equal(500_00, rebuilt.Available);
    }

    [Fact]
    public void A_halt_goes_to_the_operator_and_to_market_data_and_stops_trading_until_resumed()
    {
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = null });
        h.LogOn(7, OperatorKey);
        h.LogOn(1, "mm-1001-key");
        h.Links.Clear();

        h.Engine.OnMessage(7, Client.Encode(new HaltSymbol(1)));
        Assert.Equal([new SymbolStatusChanged(1, SymbolStatus.Halted)], Read.Events(h.Links.Received(7)));
        Assert.Contains(new SymbolStatusChanged(1, SymbolStatus.Halted), Read.Events(h.Links.MarketData));
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Buy, 59_000));
        Assert.Equal(RejectReason.SymbolHalted, Read.Events(h.Links.Received(1)).OfType<CommandRejected>().Single().Reason);

        h.Engine.OnMessage(7, Client.Encode(new ResumeSymbol(1)));
        h.Engine.OnMessage(1, Client.Limit(1001, 2, Side.Buy, 59_000));
        Assert.Single(Read.Events(h.Links.Received(1)).OfType<OrderAccepted>());
    }

    [Fact]
    public void A_refused_administrative_command_is_answered_to_the_operator_with_its_reason()
    {
        using var h = new Harness();
        h.LogOn(7, OperatorKey);
        h.Links.Clear();
        h.Engine.OnMessage(7, Client.Encode(new AddAccount(1001))); // exists already
        h.Engine.OnMessage(7, Client.Encode(new HaltSymbol(9))); // no such symbol
        var rejects = Read.Events(h.Links.Received(7)).OfType<CommandRejected>().Select(r => (r.Command, r.Reason)).ToList();
        Assert.Equal([(CommandKind.AddAccount, RejectReason.DuplicateAccount), (CommandKind.HaltSymbol, RejectReason.UnknownSymbol)], rejects);
    }

    [Fact]
    public void A_trading_session_may_not_administer_and_nothing_is_sequenced()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        long before = h.Engine.LastSequence;
        h.Engine.OnMessage(1, Client.Encode(new Deposit(1001, 0, 1_000_000_00)));
        h.Engine.OnMessage(1, Client.Encode(new SetAccountPermission(1001, AccountPermission.Admin)));
        Assert.All(h.Links.Received(1).OfTemplate(CommandRejectedDecoder.TemplateId), m => Assert.Equal(RejectReason.NotPermitted, Read.Rejected(m).Reason));
        Assert.Equal(2, h.Links.Received(1).OfTemplate(CommandRejectedDecoder.TemplateId).Count());
        Assert.Equal(before, h.Engine.LastSequence);
    }

    [Fact]
    public void An_admin_account_administers_and_is_told_so_at_logon_and_a_config_names_permissions_in_words()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Path);
        string path = Path.Combine(dir.Path, "shard.json");
        string json = new ShardConfig().ToJson();
        Assert.Contains("\"permission\": \"Trade\"", json);
        // Account 3001's permission (the first after its key), in the lower case an operator would write.
        int at = json.IndexOf("\"permission\": \"Trade\"", json.IndexOf("\"web-3001-key\"", StringComparison.Ordinal), StringComparison.Ordinal);
        json = json[..at] + "\"permission\": \"admin\"" + json[(at + "\"permission\": \"Trade\"".Length)..];
        File.WriteAllText(path, json);
        var config = ShardConfig.Load(path);
        Assert.Equal(AccountPermission.Admin, config.Accounts.Single(a => a.Id == 3001).Permission);

        using var h = new Harness(config: config);
        h.LogOn(3, "web-3001-key");
        Assert.Equal(AccountPermission.Admin, LogonAckDecoder.WrapWithHeader(h.Links.Received(3).OfTemplate(LogonAckDecoder.TemplateId).Single()).Permission);
        long before = h.Engine.LastSequence;
        h.Engine.OnMessage(3, Client.Encode(new SetAccountPermission(1001, AccountPermission.ReadOnly)));
        Assert.Equal(before + 1, h.Engine.LastSequence);
        Assert.True(h.Engine.TryGetPermission(1001, out var permission));
        Assert.Equal(AccountPermission.ReadOnly, permission);

        File.WriteAllText(path, json.Replace("\"permission\": \"admin\"", "\"permission\": \"superuser\""));
        var e = Assert.Throws<ConfigException>(() => ShardConfig.Load(path));
        Assert.Contains("permission", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_operator_may_not_trade()
    {
        using var h = new Harness();
        h.LogOn(7, OperatorKey);
        long before = h.Engine.LastSequence;
        h.Engine.OnMessage(7, Client.Limit(0, 1, Side.Buy, 59_000));
        h.Engine.OnMessage(7, Client.Limit(1001, 2, Side.Buy, 59_000));
        Assert.All(h.Links.Received(7).SkipWhile(m => Read.Template(m) != LogonAckDecoder.TemplateId).Skip(1), m => Assert.Equal(RejectReason.NotLoggedOn, Read.Rejected(m).Reason));
        Assert.Equal(before, h.Engine.LastSequence);
    }

    [Fact]
    public void Every_event_of_an_operators_deposit_reaches_both_the_operator_and_the_account()
    {
        using var h = new Harness();
        h.LogOn(7, OperatorKey);
        h.LogOn(1, "mm-1001-key");
        h.Links.Clear();
        h.Engine.OnMessage(7, Client.Encode(new Withdraw(1001, 0, 100)));
        var expected = new BalanceChanged(1001, 0, 10_000_000_00 - 100, 0);
        Assert.Equal([expected], Read.Events(h.Links.Received(7)));
        Assert.Equal([expected], Read.Events(h.Links.Received(1)));
    }
}
