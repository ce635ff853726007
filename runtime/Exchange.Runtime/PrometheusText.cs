// Counters in the Prometheus text exposition format (version 0.0.4), for exchange-stat and each process's operator
// endpoint alike.
using System.Globalization;
using System.Text;

namespace Exchange.Runtime;

public static class PrometheusText
{
    /// <summary>The Prometheus text exposition format (version 0.0.4): one family per counter name across every process,
    /// named exchange_…, totals with _total, microseconds (…_us) in seconds as Prometheus' base unit, each sample
    /// labelled with its process and pid.</summary>
    public static string Format(IEnumerable<(string Name, int Pid, IReadOnlyList<CounterValue> Counters)> processes)
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
