// An engine's operator port: /health while it runs, /ready only when it should be sent work (a standby once it has
// caught up with its primary, not before), /metrics its own counters.
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class OperatorEndpointTests : IDisposable
{
    private readonly TempDirectory _root = new("exchange-operator-");
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        _root.Dispose();
    }

    private EngineProcess Engine(int port, string journal, int operatorPort, params string[] extra)
    {
        var engine = new EngineProcess(1, "BTC-USD", _root.Combine(journal), port, durability: "none",
            extra: ["--operator-listen", $"127.0.0.1:{operatorPort}", .. extra]);
        _owned.Add(engine);
        return engine;
    }

    [Fact]
    public void A_standby_is_ready_only_once_it_has_caught_up_and_a_primary_is_ready_at_once()
    {
        int p = Ports.FreeUdp(), s = Ports.FreeUdp(), pOps = Ports.FreeTcp(), sOps = Ports.FreeTcp();
        // The standby starts first: alive, but it has no primary to catch up with.
        var standby = Engine(s, "s", sOps, "--standby-of", EngineProcess.Channel(p), "--standby-name", "a");
        Assert.StartsWith("HTTP/1.1 200", Http.Get(sOps, "/health"));
        string notReady = Http.Get(sOps, "/ready");
        Assert.StartsWith("HTTP/1.1 503", notReady);
        Assert.Contains("standby catching up", notReady);

        var primary = Engine(p, "p", pOps, "--standby", $"a,sync,{EngineProcess.Channel(s)}");
        string ready = Http.Get(pOps, "/ready");
        Assert.StartsWith("HTTP/1.1 200", ready);
        Assert.Contains("primary", ready);
        Replicas.Trade(primary, 10, 1);
        string? standbyReady = null;
        Eventually.True(() => (standbyReady = Http.Get(sOps, "/ready")).StartsWith("HTTP/1.1 200", StringComparison.Ordinal),
            "the standby turns ready once it has joined its primary", Timeouts.Process);
        Assert.Contains("standby, caught up", standbyReady);

        // Each serves its own counters: the standby counts the inputs it applied from the primary.
        string metrics = Http.Get(sOps, "/metrics");
        Assert.Contains($"pid=\"{standby.Process.Id}\"", metrics);
        Assert.DoesNotContain($"pid=\"{primary.Process.Id}\"", metrics);
        Assert.Contains("exchange_engine_inputs_total{", metrics);
        Assert.StartsWith("HTTP/1.1 404", Http.Get(pOps, "/nothing"));
    }

    [Fact]
    public void An_operator_address_that_is_not_host_and_port_is_refused_at_start()
    {
        var result = ChildProcess.Run(EngineProcess.Start(EngineProcess.Arguments(1, "BTC-USD", _root.Combine("x"), Ports.FreeUdp(), extra: ["--operator-listen", "localhost"])),
            TimeSpan.FromSeconds(60));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("operator endpoint 'localhost' is not HOST:PORT", result.Stderr);
    }
}
