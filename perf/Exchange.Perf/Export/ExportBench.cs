// `exchange-perf export`: what the exporter costs and how far behind it runs. Three measurements in one session:
//  1. throughput per sink: exchange-export --once into a fresh server of each sink, on a trade-heavy journal the harness
//     writes (TradeHeavyJournal), runs alternated sink by sink;
//  2. the lag while a live engine runs the e2e load: an exporter follows the engine's journal into a fresh sink, and the
//     harness samples its position every 10 ms (its counters), so each input's lag is the time from its sequencer stamp
//     to the first sample that finds it exported, and the lag in records is the journal's end less the position;
//  3. the engine's round trip with and without that exporter, runs alternated (without, with, without, ...) so the
//     machine's drift over the session falls on both alike.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Exchange.Latency;
using Exchange.Perf.E2e;
using HdrHistogram;

namespace Exchange.Perf.Export;

public sealed record ExportOptions
{
    public int Inputs { get; init; } = 200_000;
    public string[] Sinks { get; init; } = SinkServer.Sinks;
    public int Runs { get; init; } = 3;
    public int BatchRows { get; init; } = 20_000;
    /// <summary>Pairs of live runs (without, with the exporter); 0 skips the live part.</summary>
    public int LiveRuns { get; init; } = 2;
    public string LiveSink { get; init; } = "postgres";
    public int Rate { get; init; } = 50_000;
    public double Seconds { get; init; } = 10;
    public double WarmupSeconds { get; init; } = 2;
    public string Durability { get; init; } = "batch";
    public string? ExporterExecutable { get; init; }
    public string? EngineExecutable { get; init; }
    public string? ServersDirectory { get; init; }
    public string Name { get; init; } = "export-perf";
    public string? OutputDirectory { get; init; }
    public bool Overwrite { get; init; }
}

public sealed record ThroughputRun(string Sink, int Run, long Inputs, long Trades, long Rows, long Batches, double WriteSeconds, double WallSeconds)
{
    /// <summary>The write time by step, when the sink reports it (PostgreSQL).</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Phases { get; init; } = [];
    public double TradesPerSecond => Trades / WallSeconds;
    public double TradesPerWriteSecond => WriteSeconds > 0 ? Trades / WriteSeconds : 0;
    public double RowsPerWriteSecond => WriteSeconds > 0 ? Rows / WriteSeconds : 0;
}

public sealed record LagFigures(long Samples, long RecordsP50, long RecordsP99, long RecordsMax, double MillisP50, double MillisP99, double MillisMax,
    long Inputs, double CatchUpSeconds);

public sealed record LiveRun(int Pair, bool WithExporter, E2eRun Run, LagFigures? Lag)
{
    public double P50Us => Run.Latency.All.GetValueAtPercentile(50) / 1000.0;
    public double P99Us => Run.Latency.All.GetValueAtPercentile(99) / 1000.0;
    public double P999Us => Run.Latency.All.GetValueAtPercentile(99.9) / 1000.0;
    public double MaxUs => Run.Latency.All.GetMaxValue() / 1000.0;
}

public sealed record ExportSummary(string Directory, IReadOnlyList<ThroughputRun> Throughput, IReadOnlyList<LiveRun> Live, string Table, bool Failed);

public static class ExportBench
{
    public static ExportSummary Run(ExportOptions options, TextWriter progress, IMachineState? machine = null)
    {
        machine ??= ThisMachine.Instance;
        foreach (string sink in options.Sinks.Append(options.LiveSink))
            if (!SinkServer.Sinks.Contains(sink)) throw new Hosting.UsageException($"unknown sink '{sink}' (postgres, redis, kafka)");
        var exporter = EngineUnderTest.Executable(options.ExporterExecutable, "exchange-export");
        string directory = E2eReport.CreateDirectory(new E2eOptions { Name = options.Name, OutputDirectory = options.OutputDirectory, Overwrite = options.Overwrite });
        double? loadAtStart = machine.LoadAverage();
        string scratch = Directory.CreateTempSubdirectory("exchange-perf-export-").FullName;
        try
        {
            var throughput = new List<ThroughputRun>();
            if (options.Sinks.Length > 0 && options.Runs > 0)
            {
                string journal = Path.Combine(scratch, "journal");
                long trades = TradeHeavyJournal.Write(journal, options.Inputs);
                progress.WriteLine($"export: journal of {options.Inputs:N0} inputs, {trades:N0} trades");
                for (int r = 1; r <= options.Runs; r++)
                    foreach (string sink in options.Sinks)
                    {
                        var run = Throughput(exporter, journal, sink, r, options, scratch);
                        progress.WriteLine($"export run {r}/{options.Runs} {sink}: {run.Trades:N0} trades, {run.Rows:N0} rows in {run.WallSeconds:0.00} s " +
                            $"({run.TradesPerSecond:N0} trades/s; {run.WriteSeconds:0.00} s writing: {run.TradesPerWriteSecond:N0} trades/s)");
                        throughput.Add(run);
                    }
            }
            var live = new List<LiveRun>();
            for (int pair = 1; pair <= options.LiveRuns; pair++)
                foreach (bool withExporter in new[] { false, true })
                {
                    var run = Live(exporter, options, pair, withExporter, scratch, machine, progress);
                    progress.WriteLine($"live pair {pair}/{options.LiveRuns} {(withExporter ? "with" : "without")} exporter: round trip p50 {run.P50Us:0.0} µs " +
                        $"p99 {run.P99Us:0.0} µs max {run.MaxUs:0.0} µs" + (run.Lag is { } l ? $"; lag p50 {l.MillisP50:0.0} ms p99 {l.MillisP99:0.0} ms " +
                        $"max {l.MillisMax:0.0} ms, {l.RecordsP99:N0} records at p99" : "") + (run.Run.Failure is { } f ? $"; FAILED: {f}" : ""));
                    live.Add(run);
                }
            double? loadAtEnd = machine.LoadAverage();
            return ExportReport.Write(directory, options, throughput, live, machine.Description, loadAtStart, loadAtEnd);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static ThroughputRun Throughput((string File, string[] Prefix) exporter, string journal, string sink, int run, ExportOptions options, string scratch)
    {
        using var server = SinkServer.Start(sink, scratch, options.ServersDirectory);
        var clock = Stopwatch.StartNew();
        using var process = ChildProcesses.Start(exporter.File, [.. exporter.Prefix, journal, .. server.ExporterArgs, "--once", "--json",
            "--batch-rows", options.BatchRows.ToString(CultureInfo.InvariantCulture)]);
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
            throw new IOException($"exchange-export into {sink} exited with {process.ExitCode}: {Last(stdout)} {Last(stderr.Result)}");
        var json = stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .FirstOrDefault(e => e.GetProperty("sink").GetString() == sink);
        if (json.ValueKind != JsonValueKind.Object) throw new IOException($"exchange-export into {sink} printed no summary: {Last(stdout)}");
        if (json.GetProperty("position").GetInt64() != options.Inputs)
            throw new IOException($"exchange-export into {sink} stopped at {json.GetProperty("position").GetInt64()}, not {options.Inputs}");
        return new ThroughputRun(sink, run, options.Inputs, json.GetProperty("trades").GetInt64(), json.GetProperty("rows").GetInt64(),
            json.GetProperty("batches").GetInt64(), json.GetProperty("writeSeconds").GetDouble(), wall)
        {
            Phases = json.TryGetProperty("phases", out var phases) ? [.. phases.EnumerateObject().Select(p => (p.Name, p.Value.GetDouble()))] : [],
        };
    }

    private static string Last(string text) => text.Trim().Split('\n').LastOrDefault() ?? "";

    private static LiveRun Live((string File, string[] Prefix) exporter, ExportOptions options, int pair, bool withExporter, string scratch,
        IMachineState machine, TextWriter progress)
    {
        var e2e = new E2eOptions
        {
            Rate = options.Rate, Seconds = options.Seconds, WarmupSeconds = options.WarmupSeconds, Durability = options.Durability,
            EngineExecutable = options.EngineExecutable, Name = options.Name, DrainSeconds = 10,
        };
        var plan = IdlePlan.Choose(machine.Cores, null, null, null, startsEngine: true, startsGateway: false);
        e2e = e2e with { Idle = plan.Generator, EngineIdle = plan.Engine };
        e2e.Validate();
        using var server = withExporter ? SinkServer.Start(options.LiveSink, scratch, options.ServersDirectory) : null;
        using var engine = EngineUnderTest.Start(e2e);
        Process? export = null;
        LagSampler? sampler = null;
        try
        {
            if (server != null)
            {
                string counters = Directory.CreateDirectory(Path.Combine(scratch, $"counters-{pair}")).FullName;
                export = ChildProcesses.Start(exporter.File, [.. exporter.Prefix, engine.JournalDirectory!, .. server.ExporterArgs, "--status-seconds", "3600"],
                    new Dictionary<string, string> { ["EXCHANGE_COUNTERS_DIR"] = counters });
                // The exporter follows the journal before the load starts, as one in production runs before the
                // trading it exports: its start (connecting, migrating, rebuilding the state) is not lag.
                var following = new ManualResetEventSlim();
                var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
                export.OutputDataReceived += (_, e) =>
                {
                    if (e.Data == null) return;
                    said.Enqueue(e.Data);
                    if (e.Data.StartsWith("exporting ", StringComparison.Ordinal)) following.Set();
                };
                export.ErrorDataReceived += (_, e) => { if (e.Data != null) said.Enqueue(e.Data); };
                export.BeginOutputReadLine();
                export.BeginErrorReadLine();
                sampler = LagSampler.Start(counters, options.LiveSink);
                var waited = Stopwatch.StartNew();
                while (!following.Wait(100))
                    if (export.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
                        throw new IOException($"exchange-export did not start following the journal ({(export.HasExited ? $"exited with {export.ExitCode}" : "60 s")}): " +
                            string.Join(" | ", said.TakeLast(5)));
            }
            engine.MarkLoad();
            var run = LoadGenerator.Run(e2e, engine, pair - 1);
            LagFigures? lag = null;
            if (sampler != null)
            {
                // The load is over: the exporter catches up, then every input's lag is known.
                long end = LastSequence(engine.JournalDirectory!);
                var caughtUp = Stopwatch.StartNew();
                while (sampler.Position < end && caughtUp.Elapsed < TimeSpan.FromSeconds(120))
                {
                    if (export!.HasExited) throw new IOException($"exchange-export exited with {export.ExitCode} during the live run");
                    Thread.Sleep(20);
                }
                double catchUp = caughtUp.Elapsed.TotalSeconds;
                sampler.Stop();
                if (sampler.Position < end) run = run with { Failure = run.Failure ?? $"the exporter was at {sampler.Position} of {end} 120 s after the load" };
                lag = sampler.Figures(engine.JournalDirectory!, end, catchUp);
            }
            return new LiveRun(pair, withExporter, run, lag);
        }
        finally
        {
            sampler?.Stop();
            if (export != null)
            {
                ChildProcesses.Terminate(export);
                if (!export.WaitForExit(30_000)) ChildProcesses.KillGroup(export);
                export.Dispose();
            }
        }
    }

    private static long LastSequence(string journal)
    {
        using var reader = Journal.JournalReader.Open(journal);
        long last = 0;
        while (reader.TryRead(out var record) == Journal.ReadStatus.Record) last = record.Sequence;
        return last;
    }

    /// <summary>Samples the exporter's position and lag counters every 10 ms on a thread of its own, stamping each
    /// sample with the wall clock the engine's sequencer stamps inputs with.</summary>
    private sealed class LagSampler
    {
        private readonly List<(long UnixNanos, long Position, long Lag)> _samples = [];
        private volatile bool _stop;
        private Thread? _thread;
        private long _position;

        public long Position => Volatile.Read(ref _position);

        public static LagSampler Start(string counters, string sink)
        {
            var sampler = new LagSampler();
            sampler._thread = new Thread(() => sampler.Loop(counters, sink)) { IsBackground = true, Name = "export-lag-sampler" };
            sampler._thread.Start();
            return sampler;
        }

        private void Loop(string counters, string sink)
        {
            CountersReader? reader = null;
            string labels = $"sink=\"{sink}\"";
            try
            {
                while (!_stop)
                {
                    reader ??= CountersReader.OpenAll(counters).FirstOrDefault();
                    if (reader != null)
                    {
                        long position = -1, lag = -1;
                        foreach (var c in reader.Read())
                            if (c.Labels == labels) { if (c.Name == "export_position") position = c.Value; else if (c.Name == "export_lag") lag = c.Value; }
                        long now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
                        if (position >= 0)
                        {
                            lock (_samples) _samples.Add((now, position, Math.Max(0, lag)));
                            Volatile.Write(ref _position, position);
                        }
                    }
                    Thread.Sleep(10);
                }
            }
            finally { reader?.Dispose(); }
        }

        public void Stop()
        {
            _stop = true;
            _thread?.Join();
        }

        /// <summary>Each input's lag: from its sequencer time to the first sample at or past it.</summary>
        public LagFigures Figures(string journal, long end, double catchUpSeconds)
        {
            var time = LatencyHistograms.New();
            var records = new LongHistogram(1L << 40, 3);
            List<(long UnixNanos, long Position, long Lag)> samples;
            lock (_samples) samples = [.. _samples];
            foreach (var s in samples) records.RecordValue(s.Lag);
            using var reader = Journal.JournalReader.Open(journal);
            int i = 0;
            long inputs = 0;
            while (reader.TryRead(out var record) == Journal.ReadStatus.Record && record.Sequence <= end)
            {
                while (i < samples.Count && samples[i].Position < record.Sequence) i++;
                if (i == samples.Count) break;
                time.RecordValue(LatencyHistograms.Clamp(samples[i].UnixNanos - record.Timestamp));
                inputs++;
            }
            return new LagFigures(samples.Count, records.GetValueAtPercentile(50), records.GetValueAtPercentile(99), records.GetMaxValue(),
                time.GetValueAtPercentile(50) / 1e6, time.GetValueAtPercentile(99) / 1e6, time.GetMaxValue() / 1e6, inputs, catchUpSeconds);
        }
    }
}
