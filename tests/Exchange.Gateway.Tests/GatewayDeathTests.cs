// The gateway dies (SIGKILL) with brokers' orders resting: the engine ends every one of its lanes' sessions on its
// one connection, and cancel-on-disconnect takes each broker's orders out of the book.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class GatewayDeathTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ChildProcess _engine, _gateway;
    private readonly int _port;

    public GatewayDeathTests()
    {
        _engine = Processes.StartEngine(out int enginePort);
        string settings = _dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
        _gateway = Processes.StartGateway(settings, enginePort, out _port);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void A_killed_gateways_sessions_all_end_at_the_engine_and_their_orders_are_cancelled()
    {
        using (var one = FixTestClient.LoggedOn(_port, "BROKER1"))
        using (var two = FixTestClient.LoggedOn(_port, "BROKER2"))
        {
            one.Send("D", $"11=R1|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.05|40=2|44=49000|59=1|");
            two.Send("D", $"11=R2|55=BTC-USD|54=2|60={FixTestClient.Timestamp()}|38=0.05|40=2|44=71000|59=1|");
            Assert.Equal("0", one.WaitFor("8", m => m[11] == "R1")[150]);
            Assert.Equal("0", two.WaitFor("8", m => m[11] == "R2")[150]);
            string status = _engine.WaitForLine("status", line => StatusLines.Field(line, "sessions") == "2", Timeouts.Process);
            Assert.Equal(("1", "2", "2"), (StatusLines.Field(status, "clientConnections"), StatusLines.Field(status, "lanes"), StatusLines.Field(status, "openOrders")));

            _gateway.Kill();
        }

        // Both sessions of the dead connection end (their heartbeats stop, then the image goes), and each broker's
        // resting order is cancelled with it.
        string ended = _engine.WaitForLine("status", line => StatusLines.Field(line, "sessions") == "0" && StatusLines.Field(line, "openOrders") == "0", Timeouts.Process);
        Assert.Equal("0", StatusLines.Field(ended, "sessions"));
        string log = LogLines.AsText(_engine.Stderr);
        Assert.Equal(2, log.Split('\n').Count(l => l.Contains("its orders were cancelled", StringComparison.Ordinal)));
    }
}
