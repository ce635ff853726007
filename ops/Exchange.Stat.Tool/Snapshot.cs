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

    public static string Prometheus(List<ProcessCounters> processes) =>
        PrometheusText.Format(processes.Select(p => (p.Name, p.Pid, (IReadOnlyList<CounterValue>)p.Counters)));

}
