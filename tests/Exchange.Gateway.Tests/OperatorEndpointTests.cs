// The gateway's operator endpoint (--operator-listen): /health while it runs, /ready only while every order-entry
// session's engine connection is up (it flips when the engine dies and back when it returns), /metrics its counters.
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

public sealed class OperatorEndpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ready_follows_the_engine_connections_and_metrics_are_the_gateways_counters()
    {
        int enginePort = Ports.FreeUdp(), operatorPort = Ports.FreeTcp();
        var engine = Processes.StartEngine(out _, enginePort, _dir.Combine("journal"));
        try
        {
            string settings = _dir.Combine("sessions.cfg");
            File.WriteAllText(settings, Processes.BrokerSessions(_dir.Combine("store")));
            using var gateway = Processes.StartGateway(settings, enginePort, out _,
                new Dictionary<string, string> { ["EXCHANGE_COUNTERS_DIR"] = _dir.Combine("counters") }, "--operator-listen", $"127.0.0.1:{operatorPort}");

            Assert.StartsWith("HTTP/1.1 200", Http.Get(operatorPort, "/health"));
            string ready = "";
            Eventually.True(() => (ready = Http.Get(operatorPort, "/ready")).StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "the gateway is ready", Timeouts.Process);
            Assert.Contains("connected to the engines", ready);
            string metrics = Http.Get(operatorPort, "/metrics");
            Assert.Contains("exchange_fix_sessions{", metrics);
            Assert.Contains("exchange_gateway_engine_sessions{", metrics);

            engine.Kill();
            Eventually.True(() => (ready = Http.Get(operatorPort, "/ready")).StartsWith("HTTP/1.1 503", StringComparison.Ordinal),
                "the gateway is not ready without its engine", Timeouts.Process);
            Assert.Contains("engine sessions down", ready);
            Assert.StartsWith("HTTP/1.1 200", Http.Get(operatorPort, "/health"));

            engine.Dispose();
            engine = Processes.StartEngine(out _, enginePort, _dir.Combine("journal"));
            Eventually.True(() => Http.Get(operatorPort, "/ready").StartsWith("HTTP/1.1 200", StringComparison.Ordinal),
                "ready again once the engine is back", Timeouts.Process);
        }
        finally
        {
            engine.Dispose();
        }
    }

    [Fact]
    public void An_operator_address_that_is_not_host_and_port_is_a_usage_error()
    {
        var result = Processes.RunGateway("--settings", "/nonexistent.cfg", "--operator-listen", "nowhere");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--operator-listen 'nowhere' is not HOST:PORT", result.Stderr);
    }
}
