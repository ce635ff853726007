// The exporter's counters for operators, in the process's counters file (exchange-stat and /metrics read them from
// outside): per sink its exported position, its lag behind the journal, whether it is up, and its retries, rows and
// batches. Copied from each sink's pipeline by the main thread every 10 ms, so the pipelines stay unaware of them (a
// reader of the position sees a batch's commit within that, not a quarter second later as it first did).
using Exchange.Export;
using Exchange.Runtime;

internal sealed class ExportMetrics(CountersFile file, IReadOnlyList<SinkPipeline> pipelines)
{
    private readonly (SinkPipeline Pipeline, Counter Position, Counter Lag, Counter Up, Counter Retries, Counter Rows, Counter Batches)[] _sinks =
        [.. pipelines.Select(p =>
        {
            string labels = $"sink=\"{p.Name}\"";
            return (p,
                file.Add("export_position", CounterKind.Gauge, "The last input sequence whose every change is in the sink", labels),
                file.Add("export_lag", CounterKind.Gauge, "Inputs journaled but not yet in the sink", labels),
                file.Add("export_sink_up", CounterKind.Gauge, "1 while the sink takes writes, 0 while it is down and retried", labels),
                file.Add("export_retries", CounterKind.Total, "Writes retried while the sink was down", labels),
                file.Add("export_rows", CounterKind.Total, "Rows written to the sink", labels),
                file.Add("export_batches", CounterKind.Total, "Batches written to the sink, each with its position", labels));
        })];

    /// <summary>How often the counters are copied.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    public static CountersFile Open(Exchange.Hosting.Log log)
    {
        try { return CountersFile.Create("exchange-export"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"cannot publish counters in {CountersFile.DefaultDirectory()}: {e.Message}; exchange-stat will not see this exporter");
            return CountersFile.Private();
        }
    }

    public void Update()
    {
        foreach (var s in _sinks)
        {
            s.Position.Set(s.Pipeline.Position);
            s.Lag.Set(s.Pipeline.Lag);
            s.Up.Set(s.Pipeline.IsDown ? 0 : 1);
            s.Retries.Set(s.Pipeline.Retries);
            s.Rows.Set(s.Pipeline.RowsWritten);
            s.Batches.Set(s.Pipeline.BatchesWritten);
        }
        file.Heartbeat(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
