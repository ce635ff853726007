// The gateway follows an engine failover: with the shard's cluster members as its engine's replicas (--engine A,B),
// when the leader is killed the broker's FIX session stays logged on, orders meanwhile are answered with the reason,
// and once the standby has taken over the gateway's engine session is on it and orders trade again.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class FailoverTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly EtcdServer _etcd = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        _etcd.Dispose();
        _dir.Dispose();
    }

    private static string Channel(int port) => $"aeron:udp?endpoint=127.0.0.1:{port}|term-length=1m";

    private ChildProcess Member(string name, int port, int otherPort, string config)
    {
        string a = name == "a" ? Channel(port) : Channel(otherPort), b = name == "a" ? Channel(otherPort) : Channel(port);
        var engine = ChildProcess.StartDll("exchange-engine.dll",
        [
            "--config", config, "--shard-id", "1", "--listen", Channel(port), "--journal", _dir.Combine(name), "--durability", "none", "--idle", "backoff",
            "--etcd", _etcd.Endpoint, "--member", name, "--cluster-member", $"a,sync,{a}", "--cluster-member", $"b,sync,{b}",
        ]);
        _owned.Add(engine);
        engine.WaitForLine("listening");
        return engine;
    }

    [Fact]
    public void When_the_leader_is_killed_the_broker_stays_logged_on_and_trades_on_the_new_leader()
    {
        // The demo config (its accounts and symbols) with a 2 s lease.
        string config = _dir.Combine("engine.json");
        File.WriteAllText(config, """{ "cluster": { "leaseTtlSeconds": 2, "keepAliveMs": 200 } }""");
        int pa = Ports.FreeUdp(), pb = Ports.FreeUdp();
        var a = Member("a", pa, pb, config);
        var b = Member("b", pb, pa, config);
        Eventually.True(() => a.Stderr.Contains("sync standby b caught up", StringComparison.Ordinal), "b joins a", Timeouts.Process);

        string settings = _dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
        var gateway = ChildProcess.StartDll("exchange-gateway.dll", ["--settings", settings, "--engine", $"{Channel(pa)},{Channel(pb)}", "--idle", "backoff"]);
        _owned.Add(gateway);
        int port = Processes.PortOf(gateway.WaitForLine("listening "));

        using var broker = new FixTestClient(port, "BROKER1");
        broker.Logon();
        string first = $"F-{Guid.NewGuid():N}"[..20];
        broker.Send("D", $"11={first}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50010|59=1|");
        broker.WaitFor("8", m => m[11] == first && m[150] == "0");

        a.Kill();
        Eventually.True(() => b.Stderr.Contains("promoted to primary", StringComparison.Ordinal), "b takes over", Timeouts.Process);
        Eventually.True(() => LogLines.AsText(gateway.Stderr).Contains("EXCH->BROKER1: engine session restored", StringComparison.Ordinal),
            "the gateway's engine session is back, on the new leader", Timeouts.Process);

        // The same FIX session, never logged out, trades on b; the order a acknowledged is in b's book.
        string second = $"F-{Guid.NewGuid():N}"[..20];
        broker.Send("D", $"11={second}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50020|59=1|");
        broker.WaitFor("8", m => m[11] == second && m[150] == "0", (int)Timeouts.Process.TotalMilliseconds);
        string cancel = $"C-{Guid.NewGuid():N}"[..20];
        broker.Send("F", $"11={cancel}|41={first}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
        broker.WaitFor("8", m => m[11] == cancel && m[150] == "4", (int)Timeouts.Process.TotalMilliseconds);
        Assert.DoesNotContain("EXCH->BROKER1: logged out", LogLines.AsText(gateway.Stderr));
    }
}
