// The operators' files of the checkout a test was built from (ops/: alert rules, the Grafana dashboard, systemd
// units), and what they name.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Exchange.Testing;

public static partial class OpsFiles
{
    /// <summary>ops/<paramref name="relative"/> of this checkout.</summary>
    public static string Path(string relative) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(ServerScripts.Path("promtool.sh"))!, "..", relative));

    public static string AlertRules => Path("prometheus/alerts.yml");

    public static string Dashboard => Path("grafana/exchange.json");

    /// <summary>Every exchange_… metric a file names (a histogram's _bucket/_sum/_count named by its family).</summary>
    public static HashSet<string> MetricFamilies(string file) =>
        MetricName().Matches(File.ReadAllText(file)).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")).ToHashSet();

    /// <summary>The PromQL of every dashboard panel, with Grafana's variables given values Prometheus accepts.</summary>
    public static List<(string Panel, string Expr)> DashboardQueries()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var queries = new List<(string, string)>();
        foreach (var panel in document.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray())
                queries.Add((panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!
                    .Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$shard", ".*", StringComparison.Ordinal)));
        }
        return queries;
    }

    /// <summary>The families a Prometheus text exposition declares (its "# TYPE" lines).</summary>
    public static HashSet<string> Declared(string exposition) =>
        exposition.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToHashSet();

    [GeneratedRegex(@"exchange_[a-z_]+")]
    private static partial Regex MetricName();
}
