// The gateway's order-entry sessions reach the engine as lanes of one connection: the engine, asked through its status
// line, has one client connection carrying both brokers' sessions while they trade with each other.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class EngineConnectionTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public void The_gateways_sessions_share_one_connection_to_the_engine()
    {
        using var one = FixTestClient.LoggedOn(gateway.Port, "BROKER1");
        using var two = FixTestClient.LoggedOn(gateway.Port, "BROKER2");
        one.Send("D", $"11=B1|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.25|40=2|44=50200|59=1|");
        Assert.Equal("0", one.WaitFor("8", m => m[11] == "B1")[150]);
        two.Send("D", $"11=S1|55=BTC-USD|54=2|60={FixTestClient.Timestamp()}|38=0.25|40=2|44=50200|59=1|");
        Assert.Equal("F", two.WaitFor("8", m => m[11] == "S1" && m[150] == "F")[150]);
        Assert.Equal("F", one.WaitFor("8", m => m[11] == "B1" && m[150] == "F")[150]);

        // Two order-entry sessions logged on, one client image: each session is a lane of the gateway's connection.
        string status = gateway.Engine.WaitForLine("status", line => StatusLines.Field(line, "sessions") == "2", Timeouts.Process);
        Assert.Equal(("1", "2"), (StatusLines.Field(status, "clientConnections"), StatusLines.Field(status, "lanes")));
    }
}
