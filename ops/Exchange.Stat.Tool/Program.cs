// exchange-stat: the counters every exchange process on this host publishes (engines, gateways, clients, tools; each
// maps a counters file in the counters directory), read without disturbing them: live on a terminal like aeron-stat,
// once as text or JSON, or as Prometheus metrics, printed or served over HTTP for a scraper.
// Exit 0; 2 on bad arguments or an address it cannot listen on.
using System.CommandLine;
using Exchange.Hosting;
using Exchange.Stat.Tool;

var directory = new Option<string?>("--dir") { Description = "The counters directory (default: EXCHANGE_COUNTERS_DIR, else /dev/shm/exchange-USER)", HelpName = "DIR" };
var once = new Option<bool>("--once") { Description = "Print one reading and exit (the default when not on a terminal)" };
var json = new Option<bool>("--json") { Description = "One JSON object per reading" };
var prometheus = new Option<bool>("--prometheus") { Description = "The Prometheus text format" };
var filter = new Option<string?>("--filter") { Description = "Only counters whose name contains this", HelpName = "TEXT" };
var all = new Option<bool>("--all") { Description = "Text: show counters that are zero too" };
var interval = Cli.IntInRange("--interval-ms", "Live: time between readings", 1000, 100);
var listen = new Option<string>("--listen") { Description = "serve: the address to listen on (loopback unless configured otherwise)", DefaultValueFactory = _ => "127.0.0.1:9464", HelpName = "HOST:PORT" };

var root = new RootCommand("""
    Every exchange process's counters on this host: transport traffic and drops, inputs and rejects, journal and fsyncs,
    replication lag, sessions. Live on a terminal; --once, --json or --prometheus for scripts; `serve` for Prometheus.
    """)
{
    directory, once, json, prometheus, filter, all, interval,
};
root.SetAction(parsed =>
{
    string dir = parsed.GetValue(directory) ?? CountersFile.DefaultDirectory();
    string? only = parsed.GetValue(filter);
    bool live = !parsed.GetValue(once) && !Console.IsOutputRedirected;
    Dictionary<(int, string, string), long>? previous = null;
    long previousAt = 0;
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    while (true)
    {
        var processes = Snapshot.Read(dir, only);
        long at = Environment.TickCount64;
        string output = parsed.GetValue(json) ? Snapshot.Json(processes) + "\n"
            : parsed.GetValue(prometheus) ? Snapshot.Prometheus(processes)
            : Snapshot.Text(processes, previous, (at - previousAt) / 1000.0, !parsed.GetValue(all)) + (processes.Count == 0 ? $"(no counters in {dir})\n" : "");
        if (live && !parsed.GetValue(json) && !parsed.GetValue(prometheus)) Console.Write("\u001b[H\u001b[2J");
        Console.Write(output);
        Console.Out.Flush();
        if (!live) return 0;
        previous = Snapshot.Values(processes);
        previousAt = at;
        try { Task.Delay(parsed.GetValue(interval), stop.Token).Wait(); }
        catch (AggregateException) { return 0; }
    }
});

var serve = new Command("serve", "Serve GET /metrics (Prometheus text format, every process on the host) and GET /health over HTTP")
{
    listen,
};
serve.SetAction(parsed => MetricsServer.Run(parsed.GetValue(listen)!, parsed.GetValue(directory) ?? CountersFile.DefaultDirectory()));
foreach (Option option in new Option[] { directory, filter }) option.Recursive = true;
root.Subcommands.Add(serve);

return Cli.Run(root, args);
