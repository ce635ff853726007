// What an e2e run leaves behind in its results directory: summary.md (the table a person reads), summary.json
// (what `compare` and scripts read), latency.hgrm (HdrHistogram's percentile distribution, for its plotters),
// latency.svg (latency by percentile), and per run latency.hlog (HdrHistogram's interval log, one interval per
// second) with latency-over-time.svg drawn from it. A run with lost or duplicated acknowledgements, or with standbys
// that did not end where the primary did, is marked failed. Replication variants compared in one session each get
// such a report in a directory of their own (replication-none, replication-sync, ...), and the results directory a
// summary.md and summary.json setting them side by side.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Hosting;
using Exchange.Latency;
using HdrHistogram;

namespace Exchange.Perf.E2e;

public sealed record E2eSummary(string Directory, bool Failed, IReadOnlyList<string> Failures, IReadOnlyList<string> Warnings, string Table);

/// <summary>The setup a run measured on: the cores, the load average before and after, the idle strategies, and
/// the warnings these give rise to (<see cref="SetupWarnings"/>).</summary>
public sealed record E2eSetup(int Cores, double? LoadAtStart, double? LoadAtEnd, IdlePlan Idle)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>The bare transport ping-pong measured before the runs (--floor), or null.</summary>
    public FloorResult? Floor { get; init; }
}

public static class E2eReport
{
    private static readonly (string Name, double Percentile)[] Percentiles =
        [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9), ("p99.99", 99.99)];

    private static string Key(string percentile) => percentile.Replace(".", "", StringComparison.Ordinal) + "Us";

    private static double Micros(long nanos) => Math.Round(nanos / 1000.0, 1);

    /// <summary>Names of the files a report writes: what --overwrite may replace in a directory.</summary>
    private static bool IsReportFile(string name) =>
        name is "summary.md" or "summary.json" ||
        (name.StartsWith("latency", StringComparison.Ordinal) && Path.GetExtension(name) is ".hgrm" or ".hlog" or ".svg");

    /// <summary>Where a replication variant's report goes when several are compared.</summary>
    public static string VariantDirectory(string mode) => $"replication-{mode}";

    /// <summary>
    /// The results directory, created before the runs so they can write their interval logs into it: a new
    /// &lt;date&gt;-&lt;name&gt; under <paramref name="resultsRoot"/> (then -2, -3, ... if that exists), so no run replaces
    /// another; or the one given with --out, which must be empty unless --overwrite, which then removes the files
    /// an earlier report left there (and nothing else).
    /// </summary>
    public static string CreateDirectory(E2eOptions options, string resultsRoot = "perf/results")
    {
        if (options.OutputDirectory is { } given)
        {
            if (Directory.Exists(given) && Directory.EnumerateFileSystemEntries(given).Any())
            {
                if (!options.Overwrite) throw new UsageException($"--out {given} is not empty (add --overwrite to write over its results)");
                foreach (string file in Directory.EnumerateFiles(given))
                    if (IsReportFile(Path.GetFileName(file))) File.Delete(file);
                foreach (string variant in Directory.EnumerateDirectories(given, VariantDirectory("*")))
                    foreach (string file in Directory.EnumerateFiles(variant))
                        if (IsReportFile(Path.GetFileName(file))) File.Delete(file);
            }
            Directory.CreateDirectory(given);
            return given;
        }
        if (options.Name.IndexOfAny(['/', '\\']) >= 0 || options.Name is "" or "." or "..")
            throw new UsageException($"--name '{options.Name}' must be a plain name, not a path (use --out for a directory)");
        string date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string stem = Path.Combine(resultsRoot, $"{date}-{options.Name}");
        string dir = stem;
        for (int n = 2; Directory.Exists(dir) || File.Exists(dir); n++) dir = $"{stem}-{n}";
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A file of one run: latency.hlog for a single run, latency-run2.hlog for the second of several.</summary>
    public static string RunFile(string stem, string extension, int index, int runs) =>
        runs == 1 ? $"{stem}.{extension}" : $"{stem}-run{index + 1}.{extension}";

    public static E2eSummary Write(string dir, E2eOptions options, IReadOnlyList<E2eRun> runs, string engineDescription, string machine, E2eSetup setup)
    {
        string date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(dir);

        var all = LatencyHistograms.New();
        var byType = new LongHistogram[5];
        for (int t = 0; t < byType.Length; t++) byType[t] = LatencyHistograms.New();
        var counts = new AckCounts();
        long lost = 0, sendErrors = 0, backPressured = 0, measured = 0;
        double seconds = 0, maxLag = 0;
        var failures = new List<string>();
        foreach (var run in runs)
        {
            all.Add(run.Latency.All);
            for (int t = 1; t < byType.Length; t++) byType[t].Add(run.Latency.ByType[t]);
            counts.Add(run.Counts);
            lost += run.Lost;
            sendErrors += run.SendErrors;
            backPressured += run.BackPressured;
            measured += run.MeasuredCommands;
            seconds += run.MeasuredSeconds;
            maxLag = Math.Max(maxLag, run.MaxScheduleLagMicros);
            string prefix = runs.Count > 1 ? $"run {run.Index + 1}: " : "";
            int failuresBefore = failures.Count;
            if (run.Failure != null) failures.Add(prefix + run.Failure);
            if (run.Lost > 0) failures.Add($"{prefix}{run.Lost} commands never acknowledged (lost)");
            if (run.Counts.Duplicated > 0) failures.Add($"{prefix}{run.Counts.Duplicated} duplicated acknowledgements");
            if (run.Counts.Unexpected > 0) failures.Add($"{prefix}{run.Counts.Unexpected} execution reports for orders not open");
            if (run.SendErrors > 0) failures.Add($"{prefix}{run.SendErrors} commands could not be sent");
            if (run.Latency.All.TotalCount == 0) failures.Add($"{prefix}nothing was measured");
            if (run.Replication is { ReplicasEqual: false } replication)
                failures.Add(prefix + (replication.Failure ?? "standbys did not end where the primary did: " + Describe(replication)));
            if (failures.Count > failuresBefore && !string.IsNullOrEmpty(run.EngineErrors))
                failures.Add($"{prefix}the engine's last lines:\n{run.EngineErrors}");
        }
        double achieved = seconds > 0 ? measured / seconds : 0;

        using (var hgrm = new StreamWriter(Path.Combine(dir, "latency.hgrm")))
            all.OutputPercentileDistribution(hgrm, 5, 1000.0, useCsvFormat: false);
        var series = new List<(string, HistogramBase)> { ("all commands", all) };
        for (int t = 1; t < byType.Length; t++)
            if (byType[t].TotalCount > 0) series.Add((((CommandType)t).ToString().ToLowerInvariant(), byType[t]));
        using (var svg = new StreamWriter(Path.Combine(dir, "latency.svg")))
            LatencyChart.WriteSvg(svg, series, $"{options.Name}: round trip at {options.Rate:N0} commands/s, durability {options.Durability}", 1000.0, "µs");
        foreach (var run in runs)
        {
            if (run.Latency.OverTime is not { } overTime) continue;
            string which = runs.Count > 1 ? $", run {run.Index + 1}" : "";
            using var svg = new StreamWriter(Path.Combine(dir, RunFile("latency-over-time", "svg", run.Index, runs.Count)));
            LatencyChart.WriteOverTimeSvg(svg, overTime.Intervals, $"{options.Name}: round trip over time at {options.Rate:N0} commands/s{which}", 1000.0, "µs");
        }

        string table = Table(options, runs, all, byType, counts, lost, sendErrors, backPressured, achieved, maxLag, engineDescription, machine, setup, failures);
        File.WriteAllText(Path.Combine(dir, "summary.md"), table);
        using (var stream = File.Create(Path.Combine(dir, "summary.json")))
            WriteJson(stream, options, runs, all, byType, counts, lost, sendErrors, backPressured, achieved, maxLag, engineDescription, machine, setup, failures, date);
        return new E2eSummary(dir, failures.Count > 0, failures, setup.Warnings, table);
    }

    private static string Table(E2eOptions o, IReadOnlyList<E2eRun> runs, HistogramBase all, HistogramBase[] byType, AckCounts counts,
        long lost, long sendErrors, long backPressured, double achieved, double maxLag, string engine, string machine, E2eSetup setup, List<string> failures)
    {
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.AppendLine(inv, $"# e2e: {o.Name}");
        b.AppendLine();
        b.AppendLine(inv, $"{(o.Client == "fix" ? "FIX client → gateway → engine → gateway → client" : "Client → engine → client")} round trip, measured from each command's intended send time to its acknowledgement " +
            $"(open loop, no coordinated omission). {o.Sessions} session(s), mix {o.Mix}, depth {o.Depth} ticks, " +
            $"{o.WarmupSeconds:0.#} s warm-up excluded, {o.Seconds:0.#} s measured, {runs.Count} run(s).{AuthNote(o)}");
        b.AppendLine();
        b.AppendLine(inv, $"Engine: {engine}. Machine: {machine}; load average {Load(setup.LoadAtStart)} at the start, {Load(setup.LoadAtEnd)} at the end. " +
            $"Idle strategies: {setup.Idle}.");
        b.AppendLine();
        if (setup.Warnings.Count > 0)
        {
            b.AppendLine("**Warnings: the setup makes these figures doubtful.**");
            b.AppendLine();
            foreach (string warning in setup.Warnings) b.AppendLine(inv, $"- WARNING: {warning}");
            b.AppendLine();
        }
        b.AppendLine("| commands | count | p50 µs | p90 µs | p99 µs | p99.9 µs | p99.99 µs | max µs |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        Row(b, "all", all);
        for (int t = 1; t < byType.Length; t++) if (byType[t].TotalCount > 0) Row(b, ((CommandType)t).ToString().ToLowerInvariant(), byType[t]);
        if (runs.Count > 1)
        {
            b.AppendLine();
            b.AppendLine("| run | p50 µs | p99 µs | p99.9 µs | max µs | achieved/s |");
            b.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var r in runs)
            {
                var h = r.Latency.All;
                b.AppendLine(inv, $"| {r.Index + 1} | {Micros(At(h, 50))} | {Micros(At(h, 99))} | {Micros(At(h, 99.9))} | {Micros(h.GetMaxValue())} | {r.AchievedRate:N0} |");
            }
        }
        b.AppendLine();
        b.AppendLine(inv, $"- rate: requested {o.Rate:N0}/s, achieved {achieved:N0}/s; generator's largest lag behind schedule {maxLag:N0} µs; {backPressured:N0} back-pressured sends retried");
        b.AppendLine(inv, $"- acknowledgements: {counts.Sent:N0} sent, {counts.Acked:N0} acknowledged ({counts.Rejected:N0} rejects), " +
            $"{lost:N0} lost, {counts.Duplicated:N0} duplicated, {counts.Unexpected:N0} unexpected; {sendErrors:N0} send errors; {counts.Fills:N0} fills");
        if (o.StandbysStarted > 0)
        {
            string loss = o.StandbyLoss > 0 ? string.Create(inv, $", {o.StandbyLoss:P1} of the replication datagrams to each dropped") : "";
            b.AppendLine(inv, $"- replication {o.ReplicationMode}: {o.StandbysStarted} standby(s), the first {o.ReplicationMode}, the others async{loss}; at the end of each run:");
            foreach (var r in runs)
            {
                if (r.Replication is not { } rep) continue;
                string which = runs.Count > 1 ? $"run {r.Index + 1}: " : "";
                b.AppendLine(inv, $"  - {which}{(rep.ReplicasEqual ? "replicas equal" : "replicas NOT equal")}: {Describe(rep)}");
            }
        }
        if (runs.Any(r => r.Cpu is { Count: > 0 }))
        {
            b.AppendLine(inv, $"- CPU over each run (warm-up and drain included), per cent of one core, {setup.Cores * 100} available:");
            foreach (var r in runs.Where(r => r.Cpu is { Count: > 0 }))
            {
                string which = runs.Count > 1 ? $"run {r.Index + 1}: " : "";
                b.AppendLine(inv, $"  - {which}{string.Join(", ", r.Cpu!.Select(c => $"{c.Process} {c.Percent:0}"))}; together {r.Cpu!.Sum(c => c.Percent):0}");
            }
        }
        Stages(b, runs, all);
        Floor(b, setup.Floor, all);
        string warned = setup.Warnings.Count > 0 ? $" ({setup.Warnings.Count} warning(s) above)" : "";
        b.AppendLine(failures.Count == 0 ? $"- result: **passed**{warned}" : $"- result: **FAILED**: {string.Join("; ", failures)}{warned}");
        b.AppendLine();
        b.AppendLine(runs.Count > 1
            ? "Files: `latency.hgrm` (HdrHistogram percentile distribution, µs), `latency.svg`, `summary.json`; per run `latency-runN.hlog` (HdrHistogram interval log, one interval per second) and `latency-over-time-runN.svg`."
            : "Files: `latency.hgrm` (HdrHistogram percentile distribution, µs), `latency.svg`, `latency.hlog` (HdrHistogram interval log, one interval per second), `latency-over-time.svg`, `summary.json`.");
        return b.ToString();
    }

    /// <summary>The floor (--floor): the bare transport's round trip in the same sitting, and what the run's p50 takes above it.</summary>
    private static void Floor(System.Text.StringBuilder b, FloorResult? floor, HistogramBase all)
    {
        if (floor == null) return;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        b.AppendLine();
        if (floor.Failure != null)
        {
            b.AppendLine(inv, $"Floor (bare transport ping-pong over {floor.Media}): not measured: {floor.Failure}");
            b.AppendLine();
            return;
        }
        double p50 = all.TotalCount > 0 ? Micros(At(all, 50)) : 0;
        b.AppendLine(inv, $"Floor, measured just before the runs: exchange-stream ping ↔ pong over {floor.Media}, idle {floor.Idle}, " +
            $"{floor.Messages:N0} round trips of 32 bytes, one in flight: p50 {floor.P50Us:0.0} µs, p90 {floor.P90Us:0.0} µs, p99 {floor.P99Us:0.0} µs. " +
            $"The run's p50 is {p50:0.0} µs: {Math.Max(0, p50 - floor.P50Us):0.0} µs above the transport's own round trip" +
            $"{(p50 > 0 && floor.P50Us > 0 ? $" ({p50 / floor.P50Us:0.0}×)" : "")}.");
        b.AppendLine();
    }

    /// <summary>Where the time goes inside the engine: each run's stage line (one command in N timed on the engine's
    /// own clock from its receipt to its responses' hand-over to the transport), next to the round trip the clients saw.
    /// What the stages do not cover is the transport both ways, the client library and, for FIX or WebSocket, the gateway.</summary>
    private static void Stages(StringBuilder b, IReadOnlyList<E2eRun> runs, HistogramBase all)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = runs.Where(r => r.EngineStages != null).ToList();
        if (lines.Count == 0) return;
        b.AppendLine();
        b.AppendLine("Where the time goes inside the engine (sampled commands, the engine's clock; each stage from the end of the previous one, " +
            "received = handed over by the transport):");
        b.AppendLine();
        b.AppendLine("| run | samples | stage | p50 µs | p90 µs | p99 µs | max µs |");
        b.AppendLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (var r in lines)
        {
            var words = r.EngineStages!.Split(' ');
            string samples = words.FirstOrDefault(w => w.StartsWith("samples=", StringComparison.Ordinal))?[8..] ?? "?";
            long sumP50 = 0;
            long[]? own = null;
            string? fsync = null;
            foreach (string word in words.Skip(1))
            {
                int eq = word.IndexOf('=');
                string[] values = word[(eq + 1)..].Split('/');
                if (values.Length != 4) continue;
                long[] ns = [.. values.Select(v => long.Parse(v, inv))];
                if (word[..eq] == "fsync")
                {
                    // Not a stage: the disk's own time per fsync, which the durable stage waits for.
                    string count = words.FirstOrDefault(w => w.StartsWith("fsyncs=", StringComparison.Ordinal))?[7..] ?? "?";
                    fsync = $"| {r.Index + 1} | {count} fsyncs | journal fsync, each (not a stage: what the durable stage waits for) | {ns[0] / 1000.0:0.0} | {ns[1] / 1000.0:0.0} | {ns[2] / 1000.0:0.0} | {ns[3] / 1000.0:0.0} |";
                    continue;
                }
                if (word[..eq] == "total")
                {
                    own = ns; // each sampled command's received to sent
                    continue;
                }
                sumP50 += ns[0];
                b.AppendLine(inv, $"| {r.Index + 1} | {samples} | {word[..eq]} | {ns[0] / 1000.0:0.0} | {ns[1] / 1000.0:0.0} | {ns[2] / 1000.0:0.0} | {ns[3] / 1000.0:0.0} |");
            }
            b.AppendLine(inv, $"| {r.Index + 1} | | engine, received to sent (sum of p50s) | {sumP50 / 1000.0:0.0} | | | |");
            if (own != null)
                b.AppendLine(inv, $"| {r.Index + 1} | {samples} | engine, received to sent (each command's own) | {own[0] / 1000.0:0.0} | {own[1] / 1000.0:0.0} | {own[2] / 1000.0:0.0} | {own[3] / 1000.0:0.0} |");
            double engineP50 = (own?[0] ?? sumP50) / 1000.0;
            double total = r.Latency.All.TotalCount > 0 ? At(r.Latency.All, 50) / 1000.0 : 0;
            b.AppendLine(inv, $"| {r.Index + 1} | | the rest of the round trip (client p50 − engine p50{(own != null ? "" : ", sum of stages")}): transport both ways, client{(total > 0 ? "" : " (no round trip measured)")} | {Math.Max(0, total - engineP50):0.0} | | | |");
            if (fsync != null) b.AppendLine(fsync);
        }
    }

    /// <summary>A percentile of <paramref name="h"/>, 0 for an empty one (a run nothing was acknowledged in: the failures
    /// say so; HdrHistogram throws when asked for a percentile of an empty histogram).</summary>
    private static long At(HistogramBase h, double percentile) => h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(percentile);

    private static string Load(double? load) => load is { } l ? l.ToString("0.00", CultureInfo.InvariantCulture) : "unknown";

    private static void Row(StringBuilder b, string name, HistogramBase h)
    {
        b.Append(CultureInfo.InvariantCulture, $"| {name} | {h.TotalCount:N0} |");
        foreach (var (_, p) in Percentiles) b.Append(CultureInfo.InvariantCulture, $" {Micros(At(h, p))} |");
        b.AppendLine(CultureInfo.InvariantCulture, $" {Micros(h.GetMaxValue())} |");
    }

    private static void WriteJson(Stream stream, E2eOptions o, IReadOnlyList<E2eRun> runs, HistogramBase all, HistogramBase[] byType,
        AckCounts counts, long lost, long sendErrors, long backPressured, double achieved, double maxLag, string engine, string machine,
        E2eSetup setup, List<string> failures, string date)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("mode", "e2e");
        json.WriteString("name", o.Name);
        json.WriteString("date", date);
        json.WriteString("machine", machine);
        json.WriteString("engine", engine);
        json.WriteNumber("cores", setup.Cores);
        if (setup.LoadAtStart is { } loadAtStart) json.WriteNumber("loadAverageStart", loadAtStart);
        if (setup.LoadAtEnd is { } loadAtEnd) json.WriteNumber("loadAverageEnd", loadAtEnd);
        json.WriteStartObject("idle");
        json.WriteString("generator", setup.Idle.Generator);
        if (setup.Idle.Engine != null) json.WriteString("engine", setup.Idle.Engine);
        if (setup.Idle.Gateway != null) json.WriteString("gateway", setup.Idle.Gateway);
        json.WriteEndObject();
        if (setup.Floor is { } floor)
        {
            json.WriteStartObject("floor");
            json.WriteString("media", floor.Media);
            json.WriteString("idle", floor.Idle);
            if (floor.Failure != null) json.WriteString("failure", floor.Failure);
            else
            {
                json.WriteNumber("messages", floor.Messages);
                json.WriteNumber("p50Us", floor.P50Us);
                json.WriteNumber("p90Us", floor.P90Us);
                json.WriteNumber("p99Us", floor.P99Us);
            }
            json.WriteEndObject();
        }
        json.WriteString("client", o.Client);
        json.WriteString("auth", o.Auth);
        json.WriteString("media", o.Media);
        json.WriteString("durability", o.Durability);
        json.WriteNumber("sessions", o.Sessions);
        json.WriteString("mix", o.Mix.ToString());
        json.WriteNumber("depth", o.Depth);
        json.WriteNumber("warmupSeconds", o.WarmupSeconds);
        json.WriteNumber("seconds", o.Seconds);
        json.WriteNumber("runs", runs.Count);
        json.WriteNumber("requestedRate", o.Rate);
        json.WriteNumber("achievedRate", Math.Round(achieved));
        json.WriteNumber("count", all.TotalCount);
        foreach (var (name, p) in Percentiles) json.WriteNumber(Key(name), Micros(At(all, p)));
        json.WriteNumber("maxUs", Micros(all.GetMaxValue()));
        // A run that measured nothing (it failed early: its failures say why) has no mean: null, not NaN, which JSON cannot hold.
        if (all.TotalCount > 0)
        {
            json.WriteNumber("meanUs", Math.Round(all.GetMean() / 1000, 2));
            json.WriteNumber("stdDevUs", Math.Round(all.GetStdDeviation() / 1000, 2));
        }
        else
        {
            json.WriteNull("meanUs");
            json.WriteNull("stdDevUs");
        }
        json.WriteNumber("sent", counts.Sent);
        json.WriteNumber("acked", counts.Acked);
        json.WriteNumber("rejected", counts.Rejected);
        json.WriteNumber("lost", lost);
        json.WriteNumber("duplicated", counts.Duplicated);
        json.WriteNumber("unexpected", counts.Unexpected);
        json.WriteNumber("sendErrors", sendErrors);
        json.WriteNumber("errors", sendErrors + counts.Unexpected);
        json.WriteNumber("backPressured", backPressured);
        json.WriteNumber("fills", counts.Fills);
        json.WriteNumber("maxScheduleLagUs", Math.Round(maxLag, 1));
        json.WriteString("replication", o.ReplicationMode);
        json.WriteNumber("standbys", o.StandbysStarted);
        if (o.StandbysStarted > 0) WriteReplication(json, o, runs);
        json.WriteStartObject("byType");
        for (int t = 1; t < byType.Length; t++)
        {
            if (byType[t].TotalCount == 0) continue;
            json.WriteStartObject(((CommandType)t).ToString().ToLowerInvariant());
            json.WriteNumber("count", byType[t].TotalCount);
            foreach (var (name, p) in Percentiles) json.WriteNumber(Key(name), Micros(At(byType[t], p)));
            json.WriteNumber("maxUs", Micros(byType[t].GetMaxValue()));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteStartArray("perRun");
        foreach (var r in runs)
        {
            json.WriteStartObject();
            json.WriteNumber("achievedRate", Math.Round(r.AchievedRate));
            foreach (var (name, p) in Percentiles) json.WriteNumber(Key(name), Micros(At(r.Latency.All, p)));
            json.WriteNumber("maxUs", Micros(r.Latency.All.GetMaxValue()));
            json.WriteNumber("lost", r.Lost);
            json.WriteNumber("duplicated", r.Counts.Duplicated);
            if (r.EngineStopped != null) json.WriteString("engineStopped", r.EngineStopped);
            if (r.Cpu is { Count: > 0 } cpu)
            {
                json.WriteStartObject("cpuPercent");
                foreach (var c in cpu) json.WriteNumber(c.Process, Math.Round(c.Percent, 1));
                json.WriteEndObject();
            }
            if (r.Replication is { } replication)
            {
                json.WritePropertyName("replication");
                WriteOutcome(json, replication);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("warnings");
        foreach (string w in setup.Warnings) json.WriteStringValue(w);
        json.WriteEndArray();
        json.WriteBoolean("failed", failures.Count > 0);
        json.WriteStartArray("failures");
        foreach (string f in failures) json.WriteStringValue(f);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The primary and each standby where they stopped, and the lag the primary reported.</summary>
    private static string Describe(ReplicationOutcome r) =>
        $"primary sequence {r.PrimarySequence} hash {r.PrimaryStateHash}; " + string.Join("; ", r.Replicas.Select(x =>
            $"{x.Name} ({x.Mode}) sequence {x.Sequence} hash {x.StateHash}, lag max {x.MaxLagRecords} records/{x.MaxLagMicros} µs, " +
            $"last {x.LastLagRecords}/{x.LastLagMicros} µs" + (x.ReplicationDatagrams > 0 ? $", {x.DroppedDatagrams:N0} of {x.ReplicationDatagrams:N0} datagrams dropped" : ""))) +
        (r.SyncAlarms > 0 ? $"; {r.SyncAlarms} sync standby alarm(s)" : "") + (r.Failure != null ? $"; {r.Failure}" : "");

    /// <summary>summary.json's replication fields: whether every run's standbys ended equal to the primary, the last
    /// run's primary and standbys, and the replication lag the primary's status lines showed (max over every run and
    /// standby; last: the last run's final status line, largest over its standbys).</summary>
    private static void WriteReplication(Utf8JsonWriter json, E2eOptions o, IReadOnlyList<E2eRun> runs)
    {
        var outcomes = runs.Select(r => r.Replication).OfType<ReplicationOutcome>().ToList();
        json.WriteNumber("standbyLoss", o.StandbyLoss);
        json.WriteBoolean("replicasEqual", outcomes.Count == runs.Count && outcomes.All(r => r.ReplicasEqual));
        var all = outcomes.SelectMany(r => r.Replicas).ToList();
        var last = outcomes.Count > 0 ? outcomes[^1].Replicas : [];
        json.WriteNumber("maxLagRecords", all.Count > 0 ? all.Max(x => x.MaxLagRecords) : 0);
        json.WriteNumber("maxLagUs", all.Count > 0 ? all.Max(x => x.MaxLagMicros) : 0);
        json.WriteNumber("lastLagRecords", last.Count > 0 ? last.Max(x => x.LastLagRecords) : 0);
        json.WriteNumber("lastLagUs", last.Count > 0 ? last.Max(x => x.LastLagMicros) : 0);
        json.WriteNumber("syncAlarms", outcomes.Sum(r => r.SyncAlarms));
        if (outcomes.Count == 0) return;
        json.WriteStartObject("primary");
        json.WriteNumber("sequence", outcomes[^1].PrimarySequence);
        json.WriteString("stateHash", outcomes[^1].PrimaryStateHash);
        json.WriteEndObject();
        json.WriteStartArray("replicas");
        foreach (var x in last) WriteReplica(json, x);
        json.WriteEndArray();
    }

    private static void WriteOutcome(Utf8JsonWriter json, ReplicationOutcome r)
    {
        json.WriteStartObject();
        json.WriteBoolean("replicasEqual", r.ReplicasEqual);
        json.WriteNumber("primarySequence", r.PrimarySequence);
        json.WriteString("primaryStateHash", r.PrimaryStateHash);
        json.WriteNumber("syncAlarms", r.SyncAlarms);
        if (r.Failure != null) json.WriteString("failure", r.Failure);
        json.WriteStartArray("replicas");
        foreach (var x in r.Replicas) WriteReplica(json, x);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteReplica(Utf8JsonWriter json, ReplicaOutcome x)
    {
        json.WriteStartObject();
        json.WriteString("name", x.Name);
        json.WriteString("mode", x.Mode);
        json.WriteNumber("sequence", x.Sequence);
        json.WriteString("stateHash", x.StateHash);
        json.WriteBoolean("equal", x.Equal);
        json.WriteNumber("maxLagRecords", x.MaxLagRecords);
        json.WriteNumber("maxLagUs", x.MaxLagMicros);
        json.WriteNumber("lastLagRecords", x.LastLagRecords);
        json.WriteNumber("lastLagUs", x.LastLagMicros);
        json.WriteNumber("replicationDatagrams", x.ReplicationDatagrams);
        json.WriteNumber("droppedDatagrams", x.DroppedDatagrams);
        json.WriteEndObject();
    }

    /// <summary>Replication variants of one session side by side: each one's percentiles (merged over its runs, and its
    /// runs' p50s), its p50 against the first variant's, and whether its standbys ended equal to the primary.</summary>
    public static E2eSummary WriteVariants(string dir, E2eOptions o, IReadOnlyList<(string Mode, E2eSummary Summary, IReadOnlyList<E2eRun> Runs)> variants, string machine)
    {
        var inv = CultureInfo.InvariantCulture;
        string date = DateTime.UtcNow.ToString("yyyy-MM-dd", inv);
        var docs = variants.Select(v => JsonDocument.Parse(File.ReadAllText(Path.Combine(v.Summary.Directory, "summary.json")))).ToList();
        try
        {
            double baseP50 = docs[0].RootElement.GetProperty("p50Us").GetDouble();
            var failures = variants.SelectMany(v => v.Summary.Failures.Select(f => $"{v.Mode}: {f}")).ToList();
            var warnings = variants.SelectMany(v => v.Summary.Warnings).Distinct().ToList();
            var b = new StringBuilder();
            b.AppendLine(inv, $"# e2e: {o.Name}, replication {string.Join(" vs ", variants.Select(v => v.Mode))}");
            b.AppendLine();
            string loss = o.StandbyLoss > 0 ? string.Create(inv, $"; {o.StandbyLoss:P1} of the replication datagrams to each standby dropped") : "";
            b.AppendLine(inv, $"The variants ran alternately in one session ({string.Join(", ", variants.Select(v => v.Mode))}, then again), {o.Runs} run(s) each, " +
                $"each run against fresh engines: {o.Rate:N0} commands/s, durability {o.Durability}, {o.Sessions} session(s), {o.WarmupSeconds:0.#} s warm-up excluded, " +
                $"{o.Seconds:0.#} s measured. sync: the first of {o.Standbys} standby(s) sync, the others async; async: all async{loss}. " +
                $"Machine: {machine}. Each variant's full report is in its directory.");
            b.AppendLine();
            if (warnings.Count > 0)
            {
                b.AppendLine("**Warnings: the setup makes these figures doubtful.**");
                b.AppendLine();
                foreach (string warning in warnings) b.AppendLine(inv, $"- WARNING: {warning}");
                b.AppendLine();
            }
            b.AppendLine(inv, $"| replication | standbys | p50 µs | p50 per run µs | p90 µs | p99 µs | p99.9 µs | max µs | p50 − {variants[0].Mode} µs | replicas equal | result |");
            b.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---|");
            for (int i = 0; i < variants.Count; i++)
            {
                var j = docs[i].RootElement;
                var runs = variants[i].Runs;
                string perRun = string.Join(", ", runs.Select(r => Micros(At(r.Latency.All, 50)).ToString(inv)));
                double p50 = j.GetProperty("p50Us").GetDouble();
                string equal = j.TryGetProperty("replicasEqual", out var e) ? (e.GetBoolean() ? "yes" : "**no**") : "–";
                b.AppendLine(inv, $"| {variants[i].Mode} | {j.GetProperty("standbys").GetInt32()} | {p50} | {perRun} | {j.GetProperty("p90Us").GetDouble()} | " +
                    $"{j.GetProperty("p99Us").GetDouble()} | {j.GetProperty("p999Us").GetDouble()} | {j.GetProperty("maxUs").GetDouble()} | " +
                    $"{(i == 0 ? "–" : Math.Round(p50 - baseP50, 1).ToString("+0.0;−0.0;0", inv))} | {equal} | {(variants[i].Summary.Failed ? "**FAILED**" : "passed")} |");
            }
            b.AppendLine();
            b.AppendLine(failures.Count == 0 ? "- result: **passed**" : $"- result: **FAILED**: {string.Join("; ", failures)}");
            b.AppendLine();
            b.AppendLine(inv, $"Files: {string.Join(", ", variants.Select(v => $"`{VariantDirectory(v.Mode)}/`"))} (each a full report), `summary.json`.");
            string table = b.ToString();
            File.WriteAllText(Path.Combine(dir, "summary.md"), table);

            using var stream = File.Create(Path.Combine(dir, "summary.json"));
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("mode", "e2e");
            json.WriteString("name", o.Name);
            json.WriteString("date", date);
            json.WriteString("machine", machine);
            json.WriteString("client", o.Client);
            json.WriteString("durability", o.Durability);
            json.WriteNumber("requestedRate", o.Rate);
            json.WriteNumber("runs", o.Runs);
            json.WriteNumber("standbyLoss", o.StandbyLoss);
            json.WriteStartArray("variants");
            for (int i = 0; i < variants.Count; i++)
            {
                var j = docs[i].RootElement;
                json.WriteStartObject();
                json.WriteString("replication", variants[i].Mode);
                json.WriteString("directory", VariantDirectory(variants[i].Mode));
                foreach (string key in new[] { "standbys", "achievedRate", "count", "p50Us", "p90Us", "p99Us", "p999Us", "p9999Us", "maxUs" })
                    json.WriteNumber(key, j.GetProperty(key).GetDouble());
                json.WriteStartArray("p50RunsUs");
                foreach (var r in variants[i].Runs) json.WriteNumberValue(Micros(At(r.Latency.All, 50)));
                json.WriteEndArray();
                json.WriteNumber("p50DeltaUs", Math.Round(j.GetProperty("p50Us").GetDouble() - baseP50, 1));
                if (j.TryGetProperty("replicasEqual", out var equal)) json.WriteBoolean("replicasEqual", equal.GetBoolean());
                foreach (string key in new[] { "maxLagRecords", "maxLagUs", "lastLagRecords", "lastLagUs" })
                    if (j.TryGetProperty(key, out var lag)) json.WriteNumber(key, lag.GetDouble());
                json.WriteBoolean("failed", variants[i].Summary.Failed);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("warnings");
            foreach (string w in warnings) json.WriteStringValue(w);
            json.WriteEndArray();
            json.WriteBoolean("failed", failures.Count > 0);
            json.WriteStartArray("failures");
            foreach (string f in failures) json.WriteStringValue(f);
            json.WriteEndArray();
            json.WriteEndObject();
            return new E2eSummary(dir, failures.Count > 0, failures, warnings, table);
        }
        finally
        {
            foreach (var d in docs) d.Dispose();
        }
    }

    /// <summary>`compare A.json B.json`: every number both summaries have, side by side, with B/A.</summary>
    public static string Compare(string pathA, string pathB)
    {
        using var a = JsonDocument.Parse(File.ReadAllText(pathA));
        using var b = JsonDocument.Parse(File.ReadAllText(pathB));
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        string Label(JsonDocument d, string path) =>
            d.RootElement.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? $"{n.GetString()} ({Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)))})" : path;
        text.AppendLine(inv, $"A: {Label(a, pathA)}");
        text.AppendLine(inv, $"B: {Label(b, pathB)}");
        foreach (string key in new[] { "auth", "durability", "engine" })
            if (a.RootElement.TryGetProperty(key, out var va) && b.RootElement.TryGetProperty(key, out var vb) && va.ToString() != vb.ToString())
                text.AppendLine(inv, $"  {key}: A {va} | B {vb}");
        text.AppendLine();
        text.AppendLine(inv, $"{"",-18} {"A",14} {"B",14} {"B/A",8}");
        foreach (var property in a.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number) continue;
            if (!b.RootElement.TryGetProperty(property.Name, out var other) || other.ValueKind != JsonValueKind.Number) continue;
            double x = property.Value.GetDouble(), y = other.GetDouble();
            string ratio = x != 0 ? (y / x).ToString("0.00", inv) : y == 0 ? "=" : "∞";
            text.AppendLine(inv, $"{property.Name,-18} {x,14:0.###} {y,14:0.###} {ratio,8}");
        }
        return text.ToString();
    }

    /// <summary>How the binary sessions logged on, for the report's first paragraph.</summary>
    private static string AuthNote(E2eOptions o) => o.Client != "binary" ? ""
        : o.Auth == "clear" ? " Sessions logged on with the clear-key logon: messages NOT sealed (--auth clear)."
        : " Sessions sealed (challenge-response logon, every message authenticated).";
}
