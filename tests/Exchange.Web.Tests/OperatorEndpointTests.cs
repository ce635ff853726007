// exchange-web's operator endpoint (operatorListen / --operator-listen): /health while it runs, /ready only while every
// web account's engine session is up (it flips when the engine dies and back when it returns), /metrics its counters.
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class OperatorEndpointTests
{
    [Fact]
    public void Ready_follows_the_engine_sessions_and_metrics_are_exchange_webs_counters()
    {
        int port = Ports.FreeTcp();
        using var p = new WebProcesses(operatorPort: port);
        Assert.StartsWith("HTTP/1.1 200", Http.Get(port, "/health"));
        string ready = "";
        Eventually.True(() => (ready = Http.Get(port, "/ready")).StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "exchange-web is ready", Timeouts.Process);
        Assert.Contains("connected to the engines (2 engine sessions up)", ready);
        Assert.Contains("exchange_web_connections{", Http.Get(port, "/metrics"));

        p.KillEngine();
        Eventually.True(() => (ready = Http.Get(port, "/ready")).StartsWith("HTTP/1.1 503", StringComparison.Ordinal), "not ready without its engine", Timeouts.Process);
        Assert.Contains(" of 2 engine sessions down", ready);
        p.RestartEngine();
        Eventually.True(() => Http.Get(port, "/ready").StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "ready again with its engine back", Timeouts.Process);
    }
}
