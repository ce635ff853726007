// A machine that stops every process for a while (a stalled VM, a host suspending its guests): the engine and its
// client, both real processes, are stopped together with SIGSTOP and resumed with SIGCONT. Neither side may count the
// time it did not run as the other's silence; a peer that really went away is still found by its heartbeats.
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class FreezeTests() : ProcessTest("exchange-freeze-")
{
    private const int Btc = 1;

    [Fact]
    public void An_engine_and_a_market_maker_frozen_together_for_longer_than_the_heartbeat_timeout_keep_their_session()
    {
        var engine = Own(new EngineProcess(1, "BTC-USD,ETH-USD", Dir("journal")));
        // Heartbeats every 500 ms: three silent intervals (1.5 s) end a session, and the freeze below lasts 4 s (within
        // the transport's own timeouts: 5 s without status messages, 10 s without a packet).
        var mm = Own(ChildProcess.StartDll("exchange-mm.dll",
            ["--engine", engine.ChannelUri, "--api-key", "mm-1001-key", "--symbol", Btc.ToString(), "--seconds", "120",
             "--heartbeat-ms", "500", "--json"]));
        engine.Process.StderrOnce(l => l.Contains("logged on", StringComparison.Ordinal) && l.Contains("account 1001", StringComparison.Ordinal));

        engine.Process.Signal(Signal.Stop);
        mm.Signal(Signal.Stop);
        Thread.Sleep(4_000);
        engine.Process.Signal(Signal.Cont);
        mm.Signal(Signal.Cont);
        // Two more timeouts' worth of running time: heartbeats flow both ways again.
        Thread.Sleep(3_000);

        Assert.False(mm.HasExited, mm.Stderr);
        Assert.DoesNotContain("HeartbeatTimeout", engine.Process.Stderr);
        Assert.DoesNotContain("\"event\":\"disconnected\"", mm.Stdout);
        Assert.DoesNotContain("\"event\":\"logout\"", mm.Stdout);

        // Frozen alone, the market maker is silent while the engine runs: that is a timeout, as before.
        mm.Signal(Signal.Stop);
        string line = engine.Process.StderrOnce("HeartbeatTimeout", Timeouts.Prompt);
        Assert.Contains("account 1001", line);
        mm.Signal(Signal.Cont);
    }
}
