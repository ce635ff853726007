// The exporter beside a running engine: it follows the journal while two market makers trade, catches up with the
// engine's last input, and what it wrote reconciles clean against the journal.
using Exchange.Replay;
using Exchange.Testing;

namespace Exchange.Export.Tests;

public sealed class LiveEngineExportTests : IDisposable
{
    private readonly TempDirectory _temp = new("export-live-");
    private readonly PostgresServer _postgres = new();

    public void Dispose()
    {
        _postgres.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void The_exporter_follows_a_running_engine_and_its_export_reconciles_clean()
    {
        string journal = _temp.Combine("shard-1");
        string channel = $"aeron:udp?endpoint=127.0.0.1:{Ports.FreeUdp()}|term-length=1m";
        using var engine = ChildProcess.StartDll("exchange-engine.dll", ["--journal", journal, "--listen", channel, "--idle", "backoff"]);
        engine.WaitForLine("listening ");
        using var export = Tools.StartExport(journal, _postgres.ConnectionString, "--status-seconds", "1");
        export.WaitForLine("exporting sink=postgres");

        using (var quoter = ChildProcess.StartDll("exchange-mm.dll", ["--engine", channel, "--api-key", "mm-1001-key", "--symbol", "1", "--seconds", "4", "--take-every", "0"]))
        using (var taker = ChildProcess.StartDll("exchange-mm.dll", ["--engine", channel, "--api-key", "mm-1002-key", "--symbol", "1", "--seconds", "4", "--take-every", "2"]))
        {
            Assert.True(quoter.WaitForExit(Timeouts.Process) && taker.WaitForExit(Timeouts.Process), "the market makers finish");
            Assert.True(quoter.ExitCode == 0 && taker.ExitCode == 0, $"{quoter.Stderr}\n{taker.Stderr}");
        }

        // The exporter catches up with whatever the engine journaled, while it still runs.
        Eventually.True(() =>
        {
            long last = ReplicaPosition.Of(journal).LastSequence;
            return last > 0 && Tools.Position(_postgres) == last;
        }, $"the export reaches the journal's end: {export.Stdout}\n{export.Stderr}", Timeouts.Process);
        Assert.False(export.HasExited, export.Stderr);
        Assert.True(long.Parse(_postgres.Sql("SELECT count(*) FROM trades")) > 0, "the market makers traded");
        // Two fill rows (maker and taker) for every trade.
        Assert.Equal(2 * long.Parse(_postgres.Sql("SELECT count(*) FROM trades")), long.Parse(_postgres.Sql("SELECT count(*) FROM orders WHERE event = 'fill'")));
        Tools.AssertReconcilesClean(journal, _postgres.ConnectionString);

        // A signal stops it cleanly.
        Assert.True(export.Terminate(Timeouts.Process));
        Assert.Equal(0, export.ExitCode);
    }
}
