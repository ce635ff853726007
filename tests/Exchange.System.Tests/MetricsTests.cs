// The counters an engine publishes, read from outside by exchange-stat: they move as orders flow, the Prometheus
// text passes promtool, the HTTP endpoint serves it, and a killed engine's file does not linger as a live process.
using Exchange.Client;
using Exchange.Contract;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class MetricsTests : IDisposable
{
    private const int Btc = 1;
    private const long BtcLot = 1_000_000;
    private readonly string _root = Directory.CreateTempSubdirectory("exchange-metrics-").FullName;
    private string Counters => Path.Combine(_root, "counters");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string> Environment => new() { ["EXCHANGE_COUNTERS_DIR"] = Counters };

    private ChildProcess StartEngine(string name) =>
        ChildProcess.StartDll("exchange-engine.dll", EngineProcess.Arguments(1, "BTC-USD", Path.Combine(_root, name), Ports.FreeUdp()), Environment);

    private ProcessResult Stat(params string[] args) =>
        ChildProcess.Run(ChildProcess.StartDll("exchange-stat.dll", ["--dir", Counters, .. args]), TimeSpan.FromSeconds(30));

    /// <summary>The value of the sample whose line starts with <paramref name="prefix"/> and contains <paramref name="contains"/>.</summary>
    private static long Sample(string text, string prefix, string contains = "")
    {
        foreach (string line in text.Split('\n'))
            if (line.StartsWith(prefix, StringComparison.Ordinal) && line.Contains(contains, StringComparison.Ordinal))
                return long.Parse(line[(line.LastIndexOf(' ') + 1)..]);
        throw new KeyNotFoundException($"no sample {prefix}…{contains} in:\n{text}");
    }

    [Fact]
    public void An_engines_counters_move_as_orders_flow_and_pass_promtool()
    {
        using var engine = StartEngine("j");
        string channel = EngineProcess.Channel(int.Parse(StatusLines.Field(engine.WaitForLine("listening"), "port")));

        var before = Stat("--prometheus");
        Assert.Equal(0, before.ExitCode);
        long inputsBefore = Sample(before.Stdout, "exchange_engine_inputs_total{", "kind=\"NewOrder\"");
        Assert.Equal(0, inputsBefore);

        using (var maker = Clients.Connect("mm-1001-key", new ShardEndpoint(channel, [Btc])))
        {
            for (int i = 0; i < 20; i++)
                Assert.True(maker.NewOrder(new NewOrder(0, 1 + i, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 60_000 + i, BtcLot)) > 0);
            // One the engine refuses: off the tick.
            Assert.True(maker.NewOrder(new NewOrder(0, 100, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 60_000, BtcLot / 3)) > 0);
            Clients.PollUntil(() => maker.Listener.Accepted.Count == 20 && maker.Listener.Rejected.Count == 1, TimeSpan.FromSeconds(10), () => maker.Poll());
            // A market maker's client is one connection of its own, with no lanes (the gauges are set once a second).
            string connected = "";
            Clients.PollUntil(() =>
            {
                connected = Stat("--prometheus").Stdout;
                return Sample(connected, "exchange_engine_client_connections{") == 1 && Sample(connected, "exchange_engine_sessions{") == 1;
            }, TimeSpan.FromSeconds(10), () => maker.Poll());
            Assert.Equal(0, Sample(connected, "exchange_engine_lanes{"));
        }

        string after = "";
        Clients.PollUntil(() =>
        {
            after = Stat("--prometheus").Stdout;
            return Sample(after, "exchange_engine_inputs_total{", "kind=\"NewOrder\"") == 21 && Sample(after, "exchange_journal_fsyncs_total{") > 0;
        }, TimeSpan.FromSeconds(10));
        Assert.Contains($"pid=\"{engine.Id}\"", after);
        Assert.True(Sample(after, "exchange_engine_rejects_total{", "reason=\"InvalidQuantity\"") + Sample(after, "exchange_engine_rejects_total{", "reason=\"QuantityOffLot\"") >= 1, after);
        Assert.True(Sample(after, "exchange_transport_bytes_received_total{") > 0);
        Assert.True(Sample(after, "exchange_journal_fsync_seconds_count{") > 0);
        Assert.True(Sample(after, "exchange_engine_input_cycle_seconds_count{") >= 21);
        Assert.True(Sample(after, "exchange_engine_sequence{") >= 21);

        string file = Path.Combine(_root, "metrics.txt");
        File.WriteAllText(file, after + "\n");
        var check = ChildProcess.Run(ChildProcess.Start("sh", ["-c", "\"$0\" check metrics < \"$1\"", ServerScripts.Path("promtool.sh"), file], name: "promtool"),
            TimeSpan.FromMinutes(5));
        Assert.True(check.ExitCode == 0, $"promtool: {check.Stdout}\n{check.Stderr}");

        // The live text view shows the same process by name.
        var text = Stat("--once");
        Assert.Contains($"exchange-engine shard 1 (pid {engine.Id}", text.Stdout);
        Assert.Contains("engine_inputs{shard=\"1\",kind=\"NewOrder\"}", text.Stdout);
    }

    [Fact]
    public void The_alert_rules_and_the_dashboard_pass_promtool_and_name_only_metrics_the_processes_publish()
    {
        string rules = OpsFiles.AlertRules;
        var check = ChildProcess.Run(ChildProcess.Start(ServerScripts.Path("promtool.sh"), ["check", "rules", rules], name: "promtool"), TimeSpan.FromMinutes(5));
        Assert.True(check.ExitCode == 0, $"promtool: {check.Stdout}\n{check.Stderr}");
        // Every panel's query parses: promtool checks them as recording rules.
        var queries = OpsFiles.DashboardQueries();
        Assert.True(queries.Count >= 20, $"{queries.Count} dashboard queries");
        string asRules = Path.Combine(_root, "dashboard-rules.yml");
        File.WriteAllText(asRules, "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(queries.Select((q, i) =>
            $"      - record: dashboard:panel_{i}\n        expr: '{q.Expr.Replace("'", "''", StringComparison.Ordinal)}'\n")));
        var dashboardCheck = ChildProcess.Run(ChildProcess.Start(ServerScripts.Path("promtool.sh"), ["check", "rules", asRules], name: "promtool"), TimeSpan.FromMinutes(5));
        Assert.True(dashboardCheck.ExitCode == 0, $"promtool on the dashboard's queries: {dashboardCheck.Stdout}\n{dashboardCheck.Stderr}");

        // A primary with a standby publishes the engine's, the journal's, the transport's and replication's metrics.
        int p = Ports.FreeUdp(), s = Ports.FreeUdp();
        using var standby = ChildProcess.StartDll("exchange-engine.dll", EngineProcess.Arguments(1, "BTC-USD", Path.Combine(_root, "s"), s,
            extra: ["--standby-of", EngineProcess.Channel(p), "--standby-name", "a"]), Environment);
        standby.WaitForLine("listening");
        using var primary = ChildProcess.StartDll("exchange-engine.dll", EngineProcess.Arguments(1, "BTC-USD", Path.Combine(_root, "p"), p,
            extra: ["--standby", $"a,sync,{EngineProcess.Channel(s)}"]), Environment);
        primary.WaitForLine("listening");
        string published = "";
        Clients.PollUntil(() => (published = Stat("--prometheus").Stdout).Contains("exchange_replication_lag_seconds{", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
        var families = OpsFiles.Declared(published);
        foreach (string file in new[] { rules, OpsFiles.Dashboard })
        {
            var named = OpsFiles.MetricFamilies(file);
            Assert.NotEmpty(named);
            // The FIX gateway's, the exporter's and exchange-web's are checked by their own tests; here they need those processes.
            foreach (string family in named.Where(f => !new[] { "exchange_fix_", "exchange_gateway_", "exchange_export_", "exchange_web_" }.Any(p => f.StartsWith(p, StringComparison.Ordinal))))
                Assert.True(families.Contains(family), $"{Path.GetFileName(file)} names {family}, which no process publishes");
        }
    }

    [Fact]
    public void The_metrics_endpoint_serves_every_process_and_refuses_what_is_not_a_scrape()
    {
        using var engine = StartEngine("j");
        engine.WaitForLine("listening");
        int port = Ports.FreeTcp();
        using var server = ChildProcess.StartDll("exchange-stat.dll", ["--dir", Counters, "serve", "--listen", $"127.0.0.1:{port}"]);
        server.WaitForLine("listening");

        string metrics = Http.Exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", metrics);
        Assert.Contains($"exchange_engine_sequence{{process=\"exchange-engine shard 1\",pid=\"{engine.Id}\",shard=\"1\"}}", metrics);
        Assert.StartsWith("HTTP/1.1 404", Http.Exchange(port, "GET /secrets HTTP/1.1\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 405", Http.Exchange(port, "POST /metrics HTTP/1.1\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", Http.Exchange(port, "garbage\r\n\r\n"));
        // A peer that sends an endless header is cut off at the request bound, and the server still answers the next.
        Assert.DoesNotContain("200 OK", Http.Exchange(port, "GET /metrics HTTP/1.1\r\nX: " + new string('a', 20_000)));
        Assert.StartsWith("HTTP/1.1 200", Http.Exchange(port, "GET /health HTTP/1.1\r\n\r\n"));

        // The engine killed outright leaves its file behind; it is no longer shown as a process.
        engine.Kill();
        engine.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain($"pid=\"{engine.Id}\"", Http.Exchange(port, "GET /metrics HTTP/1.1\r\n\r\n"));
    }
}
