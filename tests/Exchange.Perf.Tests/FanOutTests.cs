// exchange-perf fanout against real engine and exchange-web child processes: every subscriber connects, frames reach
// them with their sequencer timestamps, and the report is written. Small and short: test assemblies share the cores.
using System.Text.Json;
using Exchange.Perf.FanOut;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class FanOutTests : IDisposable
{
    private readonly TempDirectory _out = new("fanout-tests-");

    public void Dispose() => _out.Dispose();

    [Fact]
    public void Every_subscriber_connects_and_receives_timestamped_frames_while_the_market_makers_trade()
    {
        var runs = FanOutBench.Run(new FanOutOptions { Subscribers = 20, Rate = 100, Seconds = 3, WarmupSeconds = 1 }, TextWriter.Null);
        var run = Assert.Single(runs);
        Assert.Equal(20, run.Connected);
        Assert.True(run.Frames > 20 * 50, $"{run.Frames} frames for 20 subscribers over 3 s at 100 commands/s");
        Assert.True(run.P50Millis > 0 && run.P50Millis <= run.P99Millis && run.P99Millis <= run.MaxMillis, $"p50 {run.P50Millis} p99 {run.P99Millis} max {run.MaxMillis}");
        Assert.True(run.WebCpuCores > 0, "exchange-web's CPU is read");
        Assert.InRange(run.Commands, 250, 350);
    }

    [Fact]
    public void The_command_writes_its_summary()
    {
        string dir = _out.Combine("fanout");
        var result = ChildProcess.Run(ChildProcess.StartDll("exchange-perf.dll",
            ["fanout", "--subscribers", "5", "--rate", "50", "--seconds", "1", "--warmup", "0.5", "--out", dir]), Timeouts.Process);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("| run | connected |", File.ReadAllText(Path.Combine(dir, "summary.md")));
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;
        Assert.Equal(5, json.GetProperty("runs")[0].GetProperty("connected").GetInt32());
    }
}
