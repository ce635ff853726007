// The report of `exchange-perf export`: summary.md (the machine, then a table per measurement with every run and the
// range over runs) and summary.json (the same figures, for scripts and `exchange-perf compare`).
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Exchange.Perf.Export;

public static class ExportReport
{
    public static ExportSummary Write(string directory, ExportOptions options, IReadOnlyList<ThroughputRun> throughput, IReadOnlyList<LiveRun> live,
        string machine, double? loadAtStart, double? loadAtEnd)
    {
        var failures = live.Where(r => r.Run.Failure != null || r.Run.Lost > 0)
            .Select(r => $"pair {r.Pair} {(r.WithExporter ? "with" : "without")} exporter: {r.Run.Failure ?? $"{r.Run.Lost} commands lost"}").ToList();
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# exchange-perf export ({(failures.Count == 0 ? "passed" : "FAILED")})").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine}; one-minute load average {Load(loadAtStart)} before, {Load(loadAtEnd)} after.");
        var table = new StringBuilder();
        if (throughput.Count > 0)
        {
            md.AppendLine($"- Throughput: `exchange-export --once --json --batch-rows {options.BatchRows}` on a trade-heavy journal of " +
                $"{options.Inputs:N0} inputs ({throughput[0].Trades:N0} trades, {TradeHeavyJournal.MakersPerTaker} per taker order) into a fresh server per run " +
                "(PostgreSQL fsync on, Redis append-only file, Kafka: librdkafka's mock cluster, in memory). Wall: the whole process (start, replay, writes); " +
                "write: the exporter's time inside the sink's writes.").AppendLine();
            table.AppendLine("| sink | run | trades | rows | batches | wall s | write s | trades/s (wall) | trades/s (write) | rows/s (write) |");
            table.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in throughput)
                table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Sink} | {r.Run} | {r.Trades:N0} | {r.Rows:N0} | {r.Batches} | {r.WallSeconds:0.00} | {r.WriteSeconds:0.00} | " +
                    $"{r.TradesPerSecond:N0} | {r.TradesPerWriteSecond:N0} | {r.RowsPerWriteSecond:N0} |");
            table.AppendLine();
            foreach (var g in throughput.Where(r => r.Phases.Count > 0).GroupBy(r => r.Sink))
            {
                table.AppendLine($"| {g.Key}: where the time goes (s) | wall | outside writes (start, replay) | " + string.Join(" | ", g.First().Phases.Select(p => p.Phase)) + " |");
                table.AppendLine("|---|---|---|" + string.Concat(g.First().Phases.Select(_ => "---|")));
                foreach (var r in g)
                    table.AppendLine($"| run {r.Run} | {r.WallSeconds:0.00} | {r.WallSeconds - r.WriteSeconds:0.00} | " +
                        string.Join(" | ", r.Phases.Select(p => p.Seconds.ToString("0.00", CultureInfo.InvariantCulture))) + " |");
                table.AppendLine();
            }
            table.AppendLine("| sink | trades/s (wall), range | trades/s (write), range |");
            table.AppendLine("|---|---|---|");
            foreach (var g in throughput.GroupBy(r => r.Sink))
                table.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Min(r => r.TradesPerSecond):N0} – {g.Max(r => r.TradesPerSecond):N0} | " +
                    $"{g.Min(r => r.TradesPerWriteSecond):N0} – {g.Max(r => r.TradesPerWriteSecond):N0} |");
            table.AppendLine();
        }
        if (live.Count > 0)
        {
            md.AppendLine($"- Live: the e2e load (binary client, {options.Rate:N0} commands/s for {options.WarmupSeconds}+{options.Seconds} s, " +
                $"durability {options.Durability}) against a fresh engine per run, runs alternated without and with an exporter following its journal " +
                $"into {options.LiveSink}. Lag: each input's time from its sequencer stamp to the first 10 ms sample of the exporter's position counter " +
                "at or past it (so up to 10 ms more than the exporter's own), and the journal's end less the position in records per sample.").AppendLine();
            table.AppendLine("| pair | exporter | achieved/s | rt p50 µs | rt p99 µs | rt p99.9 µs | rt max µs | lag p50 ms | lag p99 ms | lag max ms | lag p50 rec | lag p99 rec | lag max rec | catch-up s |");
            table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in live)
            {
                var l = r.Lag;
                table.AppendLine($"| {r.Pair} | {(r.WithExporter ? "with" : "without")} | {r.Run.AchievedRate:N0} | {r.P50Us:0.0} | {r.P99Us:0.0} | {r.P999Us:0.0} | {r.MaxUs:0.0} | " +
                    (l == null ? "| | | | | | |" : $"{l.MillisP50:0.0} | {l.MillisP99:0.0} | {l.MillisMax:0.0} | {l.RecordsP50:N0} | {l.RecordsP99:N0} | {l.RecordsMax:N0} | {l.CatchUpSeconds:0.00} |"));
            }
            table.AppendLine();
            table.AppendLine("| exporter | rt p50 µs, range | rt p99 µs, range | lag p99 ms, range |");
            table.AppendLine("|---|---|---|---|");
            foreach (var g in live.GroupBy(r => r.WithExporter))
                table.AppendLine($"| {(g.Key ? "with" : "without")} | {g.Min(r => r.P50Us):0.0} – {g.Max(r => r.P50Us):0.0} | " +
                    $"{g.Min(r => r.P99Us):0.0} – {g.Max(r => r.P99Us):0.0} | " +
                    (g.Key ? $"{g.Min(r => r.Lag!.MillisP99):0.0} – {g.Max(r => r.Lag!.MillisP99):0.0} |" : "|"));
            table.AppendLine();
        }
        foreach (string f in failures) table.AppendLine(CultureInfo.InvariantCulture, $"FAILED: {f}");
        md.AppendLine().Append(table);
        File.WriteAllText(Path.Combine(directory, "summary.md"), md.ToString());
        File.WriteAllText(Path.Combine(directory, "summary.json"), Json(options, throughput, live, machine, loadAtStart, loadAtEnd, failures));
        return new ExportSummary(directory, throughput, live, table.ToString(), failures.Count > 0);
    }

    private static string Load(double? load) => load is { } l ? l.ToString("0.00", CultureInfo.InvariantCulture) : "unknown";

    private static string Json(ExportOptions options, IReadOnlyList<ThroughputRun> throughput, IReadOnlyList<LiveRun> live, string machine,
        double? loadAtStart, double? loadAtEnd, List<string> failures)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("mode", "export");
            w.WriteString("machine", machine);
            if (loadAtStart is { } a) w.WriteNumber("loadAtStart", a);
            if (loadAtEnd is { } b) w.WriteNumber("loadAtEnd", b);
            w.WriteNumber("inputs", options.Inputs);
            w.WriteNumber("batchRows", options.BatchRows);
            w.WriteNumber("rate", options.Rate);
            w.WriteString("liveSink", options.LiveSink);
            w.WriteBoolean("failed", failures.Count > 0);
            w.WriteStartArray("failures");
            foreach (string f in failures) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteStartArray("throughput");
            foreach (var r in throughput)
            {
                w.WriteStartObject();
                w.WriteString("sink", r.Sink); w.WriteNumber("run", r.Run); w.WriteNumber("trades", r.Trades); w.WriteNumber("rows", r.Rows);
                w.WriteNumber("batches", r.Batches); w.WriteNumber("wallSeconds", Math.Round(r.WallSeconds, 3)); w.WriteNumber("writeSeconds", r.WriteSeconds);
                w.WriteNumber("tradesPerSec", Math.Round(r.TradesPerSecond)); w.WriteNumber("tradesPerWriteSec", Math.Round(r.TradesPerWriteSecond));
                w.WriteNumber("rowsPerWriteSec", Math.Round(r.RowsPerWriteSecond));
                if (r.Phases.Count > 0)
                {
                    w.WriteStartObject("phases");
                    foreach (var (phase, seconds) in r.Phases) w.WriteNumber(phase, seconds);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("live");
            foreach (var r in live)
            {
                w.WriteStartObject();
                w.WriteNumber("pair", r.Pair); w.WriteBoolean("withExporter", r.WithExporter); w.WriteNumber("achievedRate", Math.Round(r.Run.AchievedRate));
                w.WriteNumber("commands", r.Run.Commands); w.WriteNumber("lost", r.Run.Lost);
                w.WriteNumber("p50Us", Math.Round(r.P50Us, 1)); w.WriteNumber("p99Us", Math.Round(r.P99Us, 1));
                w.WriteNumber("p999Us", Math.Round(r.P999Us, 1)); w.WriteNumber("maxUs", Math.Round(r.MaxUs, 1));
                if (r.Lag is { } l)
                {
                    w.WriteStartObject("lag");
                    w.WriteNumber("samples", l.Samples); w.WriteNumber("inputs", l.Inputs);
                    w.WriteNumber("recordsP50", l.RecordsP50); w.WriteNumber("recordsP99", l.RecordsP99); w.WriteNumber("recordsMax", l.RecordsMax);
                    w.WriteNumber("msP50", Math.Round(l.MillisP50, 2)); w.WriteNumber("msP99", Math.Round(l.MillisP99, 2)); w.WriteNumber("msMax", Math.Round(l.MillisMax, 2));
                    w.WriteNumber("catchUpSeconds", Math.Round(l.CatchUpSeconds, 2));
                    w.WriteEndObject();
                }
                if (r.Run.Failure is { } f) w.WriteString("failure", f);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
