// A broker whose engine account may not trade, through the gateway: the engine's NotPermitted reaches the broker as
// FIX prescribes, with a Text (58) that says what the account may not do (a cancel-only account's order: an
// ExecutionReport rejected; a read-only account's mass cancel: an OrderMassCancelReport rejected), and the FIX session
// stays up.
using Exchange.Contract;
using Exchange.Engine.Host;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class PermissionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ChildProcess _engine;
    private readonly ChildProcess _gateway;
    private readonly int _port;

    public PermissionTests()
    {
        Directory.CreateDirectory(_dir.Path);
        var config = new ShardConfig();
        // BROKER1 trades as account 2001, BROKER2 as 2002 (Processes.BrokerSessions).
        config.Accounts = [.. config.Accounts.Select(a => a.Id switch
        {
            2001 => a with { Permission = AccountPermission.CancelOnly },
            2002 => a with { Permission = AccountPermission.ReadOnly },
            _ => a,
        })];
        string path = _dir.Combine("shard.json");
        File.WriteAllText(path, config.ToJson());
        _engine = Processes.StartEngine(out int enginePort, config: path);
        try
        {
            string settings = _dir.Combine("sessions.cfg");
            File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
            _gateway = Processes.StartGateway(settings, enginePort, out _port);
        }
        catch
        {
            _engine.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private FixTestClient LoggedOn(string broker)
    {
        var client = new FixTestClient(_port, broker);
        client.Logon();
        return client;
    }

    [Fact]
    public void A_cancel_only_accounts_order_and_a_read_only_accounts_mass_cancel_are_rejected_saying_why()
    {
        using var cancelOnly = LoggedOn("BROKER1");
        string order = Id("N");
        cancelOnly.Send("D", $"11={order}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50000|59=1|");
        var rejected = cancelOnly.WaitFor("8", m => m[11] == order);
        Assert.Equal(("8", "8"), (rejected[150], rejected[39]));
        Assert.Equal("99", rejected[103]); // OrdRejReason Other: FIX 4.4 has no code for a permission
        Assert.Equal("NotPermitted: this account may not place or replace orders (it is cancel-only or read-only)", rejected[58]);

        using var readOnly = LoggedOn("BROKER2");
        string mass = Id("Q");
        readOnly.Send("q", $"11={mass}|530=7|60={FixTestClient.Timestamp()}|");
        var report = readOnly.WaitFor("r", m => m[11] == mass);
        Assert.Equal(("7", "0"), (report[530], report[531])); // 531=0: cancel request rejected
        Assert.Equal("NotPermitted: this account may not cancel orders (it is read-only)", report[58]);

        // Both sessions stay up: a test request is answered.
        foreach (var broker in new[] { cancelOnly, readOnly })
        {
            broker.Send("1", "112=still-there|");
            broker.WaitFor("0", m => m.Get(112) == "still-there");
        }
    }
}
