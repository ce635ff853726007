// Stopping the gateway (SIGTERM, as an operator or systemd does) with orders still resting: its engine sessions log
// out, the engine cancels those orders (cancel-on-disconnect), and their execution reports go into the brokers' FIX
// message stores for their next logon. The stores must still be open then: the gateway exits 0 and says so.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class ShutdownTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_stop_with_resting_orders_stores_their_cancels_for_the_broker_and_exits_cleanly()
    {
        using var engine = Processes.StartEngine(out int enginePort);
        string settings = _dir.Combine("sessions.cfg"), store = _dir.Combine("store");
        File.WriteAllText(settings, Processes.BrokerSessions(store));
        using var gateway = Processes.StartGateway(settings, enginePort, out int port);
        string id = $"S-{Guid.NewGuid():N}"[..20];
        using (var broker = FixTestClient.LoggedOn(port, "BROKER1"))
        {
            broker.Send("D", $"11={id}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50010|59=1|");
            broker.WaitFor("8", m => m[11] == id && m[150] == "0");
            broker.Send("5");
            broker.WaitFor("5");
        }

        gateway.Signal(Signal.Term);
        Assert.True(gateway.WaitForExit(Timeouts.Process), gateway.Stderr);
        Assert.True(gateway.ExitCode == 0, $"exit {gateway.ExitCode}: {gateway.Stderr}");
        Assert.DoesNotContain("Unhandled exception", gateway.Stderr);
        Assert.Contains("stopped", gateway.Stdout);

        // The cancel the engine made as the gateway left is stored, numbered, for the broker's next logon (a resend).
        string body = File.ReadAllText(Directory.GetFiles(store, "*BROKER1*.body").Single());
        var reports = body.Split("8=FIX.4.4\u0001", StringSplitOptions.RemoveEmptyEntries)
            .Where(m => m.Contains("\u000135=8\u0001") && m.Contains($"\u000111={id}\u0001")).ToList();
        Assert.Contains(reports, m => m.Contains("\u0001150=0\u0001"));
        Assert.Contains(reports, m => m.Contains("\u0001150=4\u0001") && m.Contains("\u000139=4\u0001"));
    }
}
