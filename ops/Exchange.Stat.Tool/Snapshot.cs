// One reading of every exchange process's counters on this host, and the ways exchange-stat shows it.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Exchange.Stat.Tool;

internal sealed record ProcessCounters(string Name, int Pid, DateTimeOffset Started, long Heartbeat, List<CounterValue> Counters);

internal static class Snapshot
{
    public static List<ProcessCounters> Read(string directory, string? filter)
    {
        var processes = new List<ProcessCounters>();
        foreach (var reader in CountersReader.OpenAll(directory))
            using (reader)
            {
                var counters = reader.Read();
                if (filter != null) counters = counters.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
                processes.Add(new ProcessCounters(reader.ProcessName, reader.Pid, reader.Started, reader.Heartbeat, counters));
            }
        return processes;
    }

    /// <summary>A screenful: each process, then its counters with their rate since the last reading.</summary>
    public static string Text(List<ProcessCounters> processes, Dictionary<(int, string, string), long>? previous, double seconds, bool nonZero)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z  {processes.Count} process(es)\n");
        foreach (var p in processes)
        {
            string beat = p.Heartbeat == 0 ? "no heartbeat yet" : $"heartbeat {Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - p.Heartbeat) / 1000.0:0.0} s ago";
            text.Append(CultureInfo.InvariantCulture, $"\n== {p.Name} (pid {p.Pid}, up {Up(p.Started)}, {beat})\n");
            foreach (var c in p.Counters)
            {
                if (nonZero && c.Value == 0) continue;
                string label = c.Labels.Length == 0 ? c.Name : $"{c.Name}{{{c.Labels}}}";
                text.Append(CultureInfo.InvariantCulture, $"  {label,-90} {c.Value,16:N0}");
                if (c.Kind == CounterKind.Total && previous != null && seconds > 0 && previous.TryGetValue((p.Pid, c.Name, c.Labels), out long before))
                    text.Append(CultureInfo.InvariantCulture, $"  {(c.Value - before) / seconds,12:N0}/s");
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    public static Dictionary<(int, string, string), long> Values(List<ProcessCounters> processes)
    {
        var values = new Dictionary<(int, string, string), long>();
        foreach (var p in processes)
            foreach (var c in p.Counters) values[(p.Pid, c.Name, c.Labels)] = c.Value;
        return values;
    }

    private static string Up(DateTimeOffset started)
    {
        var up = DateTimeOffset.UtcNow - started;
        return up.TotalHours >= 1 ? $"{(int)up.TotalHours}h{up.Minutes:00}m" : up.TotalMinutes >= 1 ? $"{(int)up.TotalMinutes}m{up.Seconds:00}s" : $"{up.TotalSeconds:0}s";
    }

    public static string Json(List<ProcessCounters> processes)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.UtcNow);
            json.WriteStartArray("processes");
            foreach (var p in processes)
            {
                json.WriteStartObject();
                json.WriteString("name", p.Name);
                json.WriteNumber("pid", p.Pid);
                json.WriteString("started", p.Started);
                json.WriteNumber("heartbeatUnixMs", p.Heartbeat);
                json.WriteStartArray("counters");
                foreach (var c in p.Counters)
                {
                    json.WriteStartObject();
                    json.WriteString("name", c.Name);
                    json.WriteString("labels", c.Labels);
                    json.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
                    json.WriteNumber("value", c.Value);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The Prometheus text exposition format (version 0.0.4): one family per counter name across every process,
    /// named exchange_…, totals with _total, microseconds (…_us) in seconds as Prometheus' base unit, each sample
    /// labelled with its process and pid.</summary>
    public static string Prometheus(List<ProcessCounters> processes)
    {
        var families = new SortedDictionary<string, (string Type, string Help, List<string> Samples)>(StringComparer.Ordinal);
        foreach (var p in processes)
        {
            string process = $"process=\"{Escape(p.Name)}\",pid=\"{p.Pid}\"";
            foreach (var c in p.Counters)
            {
                string name = "exchange_" + c.Name, labels = c.Labels, value = c.Value.ToString(CultureInfo.InvariantCulture);
                string family, type, sample;
                switch (c.Kind)
                {
                    case CounterKind.Total: family = sample = name + "_total"; type = "counter"; break;
                    case CounterKind.Histogram: family = HistogramFamily(name); type = "histogram"; sample = name; break;
                    default: family = sample = name; type = "gauge"; break;
                }
                if (family.EndsWith("_us", StringComparison.Ordinal))
                {
                    string seconds = family[..^3] + "_seconds";
                    sample = seconds + sample[family.Length..];
                    family = seconds;
                    if (!sample.EndsWith("_count", StringComparison.Ordinal) && !sample.EndsWith("_bucket", StringComparison.Ordinal)) value = Seconds(c.Value);
                    labels = LeInSeconds(labels);
                }
                if (!families.TryGetValue(family, out var f)) families[family] = f = (type, c.Help, []);
                f.Samples.Add($"{sample}{{{process}{(labels.Length == 0 ? "" : "," + labels)}}} {value}");
            }
        }
        var text = new StringBuilder();
        foreach (var (family, f) in families)
        {
            text.Append("# HELP ").Append(family).Append(' ').Append(EscapeHelp(f.Help)).Append('\n');
            text.Append("# TYPE ").Append(family).Append(' ').Append(f.Type).Append('\n');
            foreach (var sample in f.Samples) text.Append(sample).Append('\n');
        }
        return text.ToString();
    }

    private static string Seconds(long micros) => (micros / 1e6).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A bucket's bound le="N" (microseconds) as seconds.</summary>
    private static string LeInSeconds(string labels)
    {
        int at = labels.IndexOf("le=\"", StringComparison.Ordinal);
        if (at < 0) return labels;
        int start = at + 4, end = labels.IndexOf('"', start);
        return long.TryParse(labels.AsSpan(start, end - start), out long micros) ? labels[..start] + Seconds(micros) + labels[end..] : labels;
    }

    private static string HistogramFamily(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");
}
