// `exchange-perf export`: every option of the exporter benchmark, declared with its default.
using System.CommandLine;
using Exchange.Perf.CommandLine;

namespace Exchange.Perf.Export;

internal static class ExportCommand
{
    public static Command Create()
    {
        var d = new ExportOptions();
        var inputs = Flags.Int("--inputs", "inputs of the trade-heavy journal the throughput is measured on", d.Inputs, min: 100);
        var sinks = Flags.TextWithDefault("--sinks", "sinks whose throughput is measured, comma-separated (none: skip it)", string.Join(',', d.Sinks), "SINKS");
        var runs = Flags.Int("--runs", "throughput runs per sink, alternated sink by sink", d.Runs, min: 0);
        var batchRows = Flags.Int("--batch-rows", "the exporter's --batch-rows", d.BatchRows, min: 1);
        var liveRuns = Flags.Int("--live-runs", "pairs of live runs (the engine without, then with the exporter); 0 skips them", d.LiveRuns, min: 0);
        var liveSink = Flags.OneOf("--live-sink", "the sink the exporter writes to in the live runs", d.LiveSink, "postgres", "redis", "kafka");
        var rate = Flags.Int("--rate", "live runs: e2e commands per second", d.Rate, min: 1, max: 10_000_000);
        var seconds = Flags.Seconds("--seconds", "live runs: measured duration", d.Seconds, exclusive: true);
        var warmup = Flags.Seconds("--warmup", "live runs: load before the measured duration, not recorded", d.WarmupSeconds);
        var durability = Flags.OneOf("--durability", "live runs: the engine's durability policy", d.Durability, "none", "batch", "always");
        var exporterExe = Flags.Text("--exporter-exe", "the exchange-export to run (default: next to this executable)", "FILE");
        var engineExe = Flags.Text("--engine-exe", "the exchange-engine to start (default: next to this executable)", "FILE");
        var servers = Flags.ExistingDirectory("--servers", "the directory of postgres.sh, redis.sh and kafka-mock.sh (default: ops/servers above this executable)");
        var name = Flags.TextWithDefault("--name", "the run's name, in its results directory", d.Name, "NAME");
        var output = Flags.Text("--out", "the results directory (default: a new perf/results/<date>-<name>[-N])", "DIR");
        var overwrite = Flags.Switch("--overwrite", "with --out: write over the results of an earlier run there");
        var json = Flags.Json();
        var command = new Command("export", "exporter throughput per sink on a trade-heavy journal, its lag behind a live engine under the e2e load, " +
            "and the engine's round trip without and with it")
        {
            inputs, sinks, runs, batchRows, liveRuns, liveSink, rate, seconds, warmup, durability, exporterExe, engineExe, servers, name, output, overwrite, json,
        };
        command.SetAction(r =>
        {
            var options = new ExportOptions
            {
                Inputs = r.GetValue(inputs),
                Sinks = r.GetValue(sinks)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s != "none").ToArray(),
                Runs = r.GetValue(runs),
                BatchRows = r.GetValue(batchRows),
                LiveRuns = r.GetValue(liveRuns),
                LiveSink = r.GetValue(liveSink)!,
                Rate = r.GetValue(rate),
                Seconds = r.GetValue(seconds),
                WarmupSeconds = r.GetValue(warmup),
                Durability = r.GetValue(durability)!,
                ExporterExecutable = r.GetValue(exporterExe),
                EngineExecutable = r.GetValue(engineExe),
                ServersDirectory = r.GetValue(servers),
                Name = r.GetValue(name)!,
                OutputDirectory = r.GetValue(output),
                Overwrite = r.GetValue(overwrite),
            };
            var summary = ExportBench.Run(options, Console.Error);
            if (r.GetValue(json)) Console.WriteLine(File.ReadAllText(Path.Combine(summary.Directory, "summary.json")));
            else Console.Write(summary.Table);
            Console.Error.WriteLine($"exchange-perf: results in {summary.Directory}");
            return summary.Failed ? 1 : 0;
        });
        return command;
    }
}
