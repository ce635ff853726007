// `exchange-perf fanout`'s command line and report: a table per run (latency percentiles, frames, exchange-web's and the
// engine's CPU), ranges over the runs, written to a results directory as summary.md and summary.json.
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Perf.CommandLine;

namespace Exchange.Perf.FanOut;

internal static class FanOutCommand
{
    public static Command Create()
    {
        var d = new FanOutOptions();
        var subscribers = Flags.Int("--subscribers", "WebSocket subscribers to the book, trades and ticker of BTC-USD", d.Subscribers, min: 1, max: 60_000);
        var rate = Flags.Int("--rate", "market makers' commands per second (quote replaces; every tenth a crossing IOC)", d.Rate, min: 1, max: 100_000);
        var seconds = Flags.Seconds("--seconds", "measured duration", d.Seconds, exclusive: true);
        var warmup = Flags.Seconds("--warmup", "trading before the measurement starts", d.WarmupSeconds);
        var runs = Flags.Int("--runs", "repeat with a fresh engine and exchange-web each time", d.Runs, min: 1);
        var engineExe = Flags.Text("--engine-exe", "the exchange-engine to start (default: next to this executable)", "FILE");
        var webExe = Flags.Text("--web-exe", "the exchange-web to start (default: next to this executable)", "FILE");
        var output = Flags.Text("--out", "the results directory (default: a new perf/results/<date>-fanout[-N])", "DIR");
        var json = Flags.Json();
        var command = new Command("fanout", "many WebSocket subscribers on one symbol through exchange-web while market makers trade: " +
            "engine event to subscriber receive latency, exchange-web's CPU") { subscribers, rate, seconds, warmup, runs, engineExe, webExe, output, json };
        command.SetAction(r =>
        {
            var options = new FanOutOptions
            {
                Subscribers = r.GetValue(subscribers), Rate = r.GetValue(rate), Seconds = r.GetValue(seconds), WarmupSeconds = r.GetValue(warmup),
                Runs = r.GetValue(runs), EngineExecutable = r.GetValue(engineExe), WebExecutable = r.GetValue(webExe), OutputDirectory = r.GetValue(output),
            };
            var results = FanOutBench.Run(options, Console.Error);
            string directory = options.OutputDirectory ?? NewDirectory();
            Directory.CreateDirectory(directory);
            string table = Table(options, results);
            string summary = Json(options, results);
            File.WriteAllText(Path.Combine(directory, "summary.md"), table);
            File.WriteAllText(Path.Combine(directory, "summary.json"), summary);
            Console.Write(r.GetValue(json) ? summary + "\n" : table);
            Console.Error.WriteLine($"exchange-perf: results in {directory}");
            return results.Any(x => x.Connected < x.Subscribers || x.Frames == 0) ? 1 : 0;
        });
        return command;
    }

    private static string NewDirectory()
    {
        string day = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string path = Path.Combine("perf", "results", $"{day}-fanout");
        for (int n = 2; Directory.Exists(path); n++) path = Path.Combine("perf", "results", $"{day}-fanout-{n}");
        return path;
    }

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Table(FanOutOptions o, IReadOnlyList<FanOutRun> runs)
    {
        var s = new StringBuilder();
        s.AppendLine($"# Fan-out: {o.Subscribers} subscribers on BTC-USD (book depth 20, trades, ticker), market makers at {o.Rate} commands/s, {F(o.WarmupSeconds)}+{F(o.Seconds)} s");
        s.AppendLine();
        s.AppendLine($"Machine: {Environment.ProcessorCount} cores, load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}. Latency: the frame's engine sequencer timestamp to its receipt by a subscriber (same host clock).");
        s.AppendLine();
        s.AppendLine("| run | connected | frames received | resync snapshots | lagged | p50 ms | p99 ms | p99.9 ms | max ms | exchange-web CPU (cores) | engine CPU (cores) | commands |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            s.AppendLine($"| {i + 1} | {r.Connected} | {r.Frames:N0} | {r.Snapshots:N0} | {r.Lagged:N0} | {F(r.P50Millis)} | {F(r.P99Millis)} | {F(r.P999Millis)} | {F(r.MaxMillis)} | {F(r.WebCpuCores)} | {F(r.EngineCpuCores)} | {r.Commands:N0} |");
        }
        if (runs.Count > 1)
            s.AppendLine($"| range | | | | | {F(runs.Min(r => r.P50Millis))}–{F(runs.Max(r => r.P50Millis))} | {F(runs.Min(r => r.P99Millis))}–{F(runs.Max(r => r.P99Millis))} | | | {F(runs.Min(r => r.WebCpuCores))}–{F(runs.Max(r => r.WebCpuCores))} | | |");
        return s.ToString();
    }

    private static string Json(FanOutOptions o, IReadOnlyList<FanOutRun> runs)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("subscribers", o.Subscribers);
            w.WriteNumber("rate", o.Rate);
            w.WriteNumber("seconds", o.Seconds);
            w.WriteNumber("warmupSeconds", o.WarmupSeconds);
            w.WriteStartArray("runs");
            foreach (var r in runs)
            {
                w.WriteStartObject();
                w.WriteNumber("connected", r.Connected);
                w.WriteNumber("frames", r.Frames);
                w.WriteNumber("resyncSnapshots", r.Snapshots);
                w.WriteNumber("lagged", r.Lagged);
                foreach (var (name, value) in new[] { ("p50Millis", r.P50Millis), ("p99Millis", r.P99Millis), ("p999Millis", r.P999Millis), ("maxMillis", r.MaxMillis), ("webCpuCores", r.WebCpuCores), ("engineCpuCores", r.EngineCpuCores) })
                    if (double.IsNaN(value)) w.WriteNull(name); else w.WriteNumber(name, Math.Round(value, 3));
                w.WriteNumber("commands", r.Commands);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
