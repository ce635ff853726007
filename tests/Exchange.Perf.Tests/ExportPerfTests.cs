// exchange-perf export, small: the exporter (a real child process) into real PostgreSQL, Redis and Kafka mock servers
// started by the project's scripts, then a live engine without and with an exporter following its journal. Figures on
// a shared machine prove nothing about speed; what is checked is that every trade arrives, the lag is measured on every
// input, the round trip is measured both ways, and the report says it.
using System.Text.Json;
using Exchange.Perf.Export;
using Exchange.Testing;

namespace Exchange.Perf.Tests;

public sealed class ExportPerfTests : IDisposable
{
    private readonly TempDirectory _out = new("export-perf-tests-");

    public void Dispose() => _out.Dispose();

    [Fact]
    public void Every_sink_gets_every_trade_and_the_live_runs_measure_lag_and_round_trip_both_ways()
    {
        long trades = TradeHeavyJournal.Write(_out.Combine("journal"), 3_000);
        Assert.True(trades > 2_000, $"{trades} trades in 3,000 inputs: trade-heavy");

        string dir = _out.Combine("report");
        var result = ChildProcess.Run(ChildProcess.StartDll("exchange-perf.dll",
            ["export", "--inputs", "3000", "--runs", "1", "--batch-rows", "5000", "--live-runs", "1", "--rate", "1000", "--seconds", "2",
             "--warmup", "0.5", "--durability", "none", "--out", dir, "--json"]), TimeSpan.FromMinutes(10));
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(json.ToString(), JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement.ToString());

        var throughput = json.GetProperty("throughput").EnumerateArray().ToList();
        Assert.Equal(["postgres", "redis", "kafka"], throughput.Select(t => t.GetProperty("sink").GetString()));
        Assert.All(throughput, t =>
        {
            Assert.Equal(trades, t.GetProperty("trades").GetInt64());
            Assert.True(t.GetProperty("rows").GetInt64() > trades * 5, "each trade makes order, ledger and trade rows");
            Assert.True(t.GetProperty("tradesPerSec").GetDouble() > 0);
        });

        var live = json.GetProperty("live").EnumerateArray().ToList();
        Assert.Equal([false, true], live.Select(l => l.GetProperty("withExporter").GetBoolean()));
        Assert.All(live, l =>
        {
            Assert.Equal(0, l.GetProperty("lost").GetInt64());
            Assert.True(0 < l.GetProperty("p50Us").GetDouble() && l.GetProperty("p50Us").GetDouble() <= l.GetProperty("p99Us").GetDouble());
        });
        Assert.False(live[0].TryGetProperty("lag", out _));
        var lag = live[1].GetProperty("lag");
        // Every input of the run (its 2,500 commands and the engine's setup) has a lag, and the percentiles are ordered.
        Assert.True(lag.GetProperty("inputs").GetInt64() >= 2_500, lag.ToString());
        Assert.True(lag.GetProperty("msP50").GetDouble() <= lag.GetProperty("msP99").GetDouble()
            && lag.GetProperty("msP99").GetDouble() <= lag.GetProperty("msMax").GetDouble(), lag.ToString());
        Assert.True(lag.GetProperty("msMax").GetDouble() > 0, "an input takes time to be exported");
        Assert.False(json.GetProperty("failed").GetBoolean());

        string summary = File.ReadAllText(Path.Combine(dir, "summary.md"));
        Assert.Contains("| sink | run | trades |", summary);
        Assert.Contains("| pair | exporter |", summary);
        Assert.Contains("lag p99 ms", summary);
    }
}
