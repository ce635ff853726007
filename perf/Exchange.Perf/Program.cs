// exchange-perf: the benchmark harness. Each mode prints a human summary, or one JSON object with --json.
using System.Text.Json;
using Exchange.Perf;

const string Usage = """
    usage: exchange-perf <mode> [options]

    modes:
      book --orders FILE      replay an order-flow file through one book, in process
                              (lines: 'A <id> <B|S> <price> <qty>' and 'C <id>')
      book --lobster FILE     replay a LOBSTER message file instead (types 1-4; 5-7 skipped)
      gen-orders --out FILE   write a synthetic order-flow file: about half cancels, a tenth crossing
      journal --dir DIR       append --records N records of --payload BYTES to a new journal in DIR
                              (--durability none|batch|always, --commit-every N) and time it
      replay --journal DIR    rebuild a journal written by `book --journal` through the engine and time it
      snapshot --dir DIR      capture, write and load a snapshot of an engine with --orders N resting orders
      e2e                     open-loop round trip through the binary client: --rate commands/s for --seconds over
                              --sessions against an engine it starts (--durability none|batch|always), or a running
                              one (--engine CHANNEL --api-keys K1,K2); writes perf/results/<date>-<name>/
      compare A.json B.json   two e2e summaries side by side, with ratios
      stream                  stream --messages N (default 10000000) of --size BYTES (default 64) to a child
                              process over the UDP transport on loopback (--term-length, default 1m; --idle)

    options:
      --runs N                book: timed and untimed passes, each from a fresh engine (default 5)
      --journal DIR           book: one more pass that journals every input to DIR (must hold no journal)
                              as the engine does, so `exchange-replay rebuild DIR` gives the same stateHash
      --durability POLICY     with --journal: none | batch | always (default batch)
      --commit-every N        with --journal: inputs per commit, i.e. per group commit (default 100)
      --count N               gen-orders: operations to write (default 1000000)
      --seed N                gen-orders: random seed (default 1)
      --json                  print one JSON object instead of text

    e2e options:
      --rate N                commands per second, all sessions together (default 50000)
      --seconds S             measured duration (default 10); --warmup S before it, not recorded (default 2)
      --sessions N            client sessions, each its own account (default 1)
      --client KIND           binary (SBE over UDP, default) or fix (FIX 4.4 through an exchange-gateway it starts)
      --mix SHARES            new=50,cancel=30,replace=10,cross=10 (percent; cross = IOC through the book)
      --symbols 1,2           symbol ids to trade (default: all of the engine's config); --depth N ticks (default 20)
      --runs N                repeat with a fresh engine each time; the report gives each run and the merged result
      --engine-idle S         idle strategy of the started engine (default busy-spin); --idle S the generator's
      --group-commit-us N     batch durability: the started engine's group commit wait (default: the engine's, 0)
      --stall-every N --stall-us U   self-test: the started engine stalls U µs after every N commands
      --name NAME --out DIR   results directory (default perf/results/<date>-<name>, name 'e2e')
      --help                  this text
    """;

try
{
    if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(Usage);
        return args.Length == 0 ? 2 : 0;
    }
    var options = args[0] == "compare" ? new Options() : Options.Parse(args.AsSpan(1));
    switch (args[0])
    {
        case "book":
            return Book(options);
        case "journal":
        {
            string dir = options.Get("dir") ?? throw new UsageException("journal needs --dir DIR");
            var a = JournalBench.Append(dir, ParseDurability(options.Get("durability")), options.GetInt("records", 5_000_000),
                options.GetInt("payload", 57), Math.Max(1, options.GetInt("commit-every", 100)));
            Report(options, [("mode", "journal"), ("durability", a.Durability.ToString().ToLowerInvariant()), ("records", a.Records),
                ("payloadBytes", a.PayloadBytes), ("commitEvery", a.CommitEvery), ("seconds", Math.Round(a.Seconds, 3)),
                ("recordsPerSec", Math.Round(a.RecordsPerSec)), ("megabytesPerSec", Math.Round(a.MegabytesPerSec, 1)), ("bytes", a.Bytes), ("fsyncs", a.Fsyncs)]);
            return 0;
        }
        case "replay":
        {
            string dir = options.Get("journal") ?? throw new UsageException("replay needs --journal DIR");
            var r = JournalBench.Replay(dir);
            Report(options, [("mode", "replay"), ("records", r.Records), ("seconds", Math.Round(r.Seconds, 3)),
                ("commandsPerSec", Math.Round(r.CommandsPerSec)), ("stateHash", r.StateHash.ToString("x16")), ("start", r.Start)]);
            return 0;
        }
        case "snapshot":
        {
            string dir = options.Get("dir") ?? throw new UsageException("snapshot needs --dir DIR");
            var s = JournalBench.Snapshot(dir, options.GetInt("orders", 1_000_000));
            Report(options, [("mode", "snapshot"), ("restingOrders", s.RestingOrders), ("engineStallMs", Math.Round(s.CaptureMs, 1)),
                ("walkAndWriteMs", Math.Round(s.WriteMs, 1)), ("fileBytes", s.FileBytes), ("loadMs", Math.Round(s.LoadMs, 1)),
                ("restoreMs", Math.Round(s.RestoreMs, 1)), ("hashesMatch", s.HashesMatch)]);
            return s.HashesMatch ? 0 : 1;
        }
        case "stream":
        {
            var s = StreamBench.Run(options.GetInt("messages", 10_000_000), options.GetInt("size", 64),
                options.Get("term-length") ?? "1m", options.Get("idle") ?? "busy-spin");
            Report(options, [("mode", "stream"), ("messages", s.Messages), ("messageBytes", s.MessageBytes), ("seconds", Math.Round(s.Seconds, 3)),
                ("messagesPerSec", Math.Round(s.MessagesPerSec)), ("megabytesPerSec", Math.Round(s.MegabytesPerSec, 1)),
                ("backPressured", s.BackPressured), ("naks", s.Naks), ("retransmits", s.Retransmits), ("outOfOrder", s.OutOfOrder)]);
            return s.OutOfOrder == 0 ? 0 : 1;
        }
        case "e2e":
        {
            var summary = Exchange.Perf.E2e.E2eBench.Run(E2eOptionsFrom(options), Console.Error);
            if (options.Flag("json")) Console.WriteLine(File.ReadAllText(Path.Combine(summary.Directory, "summary.json")));
            else Console.Write(summary.Table);
            Console.Error.WriteLine($"exchange-perf: results in {summary.Directory}");
            return summary.Failed ? 1 : 0;
        }
        case "compare":
            if (args.Length != 3) throw new UsageException("compare needs two summary.json files");
            Console.Write(Exchange.Perf.E2e.E2eReport.Compare(args[1], args[2]));
            return 0;
        case "stream-receive":
            return StreamBench.Receive(options.GetInt("messages", 10_000_000), options.Get("idle") ?? "busy-spin");
        case "gen-orders":
            string output = options.Get("out") ?? throw new UsageException("gen-orders needs --out FILE");
            File.WriteAllLines(output, OrderFlow.Generate(options.GetInt("count", 1_000_000), options.GetInt("seed", 1)));
            Console.Error.WriteLine($"wrote {output}");
            return 0;
        default:
            throw new UsageException($"unknown mode '{args[0]}' (try --help)");
    }
}
catch (Exception e) when (e is UsageException or IOException or UnauthorizedAccessException or Exchange.Journal.JournalException)
{
    Console.Error.WriteLine($"exchange-perf: {e.Message}");
    return 2;
}

static int Book(Options options)
{
    string? orders = options.Get("orders"), lobster = options.Get("lobster");
    if ((orders == null) == (lobster == null)) throw new UsageException("book needs exactly one of --orders FILE or --lobster FILE");
    int skipped = 0;
    var ops = orders != null ? OrderFlow.ReadOrderFile(orders) : OrderFlow.ReadLobster(lobster!, out skipped);
    if (ops.Length == 0) throw new UsageException("the flow is empty");
    int runs = options.GetInt("runs", 5);
    if (runs < 1) throw new UsageException("--runs must be at least 1");
    var r = BookReplay.Run(Path.GetFileName(orders ?? lobster!), ops, runs);
    JournaledResult? journaled = null;
    if (options.Get("journal") is { } journalDirectory)
    {
        var durability = ParseDurability(options.Get("durability"));
        int commitEvery = options.GetInt("commit-every", 100);
        if (commitEvery < 1) throw new UsageException("--commit-every must be at least 1");
        journaled = BookReplay.RunJournaled(ops, journalDirectory, durability, commitEvery, r.StateHash);
    }
    if (options.Flag("json"))
    {
        using var json = new Utf8JsonWriter(Console.OpenStandardOutput());
        json.WriteStartObject();
        json.WriteString("mode", "book");
        json.WriteString("source", r.Source);
        json.WriteNumber("operations", r.Operations);
        json.WriteNumber("skipped", skipped);
        json.WriteNumber("runs", r.Runs);
        json.WriteNumber("opsPerSec", Math.Round(r.OpsPerSec));
        json.WriteNumber("opsPerSecMin", Math.Round(r.OpsPerSecMin));
        json.WriteNumber("opsPerSecMax", Math.Round(r.OpsPerSecMax));
        json.WriteNumber("p50Ns", r.P50Ns);
        json.WriteNumber("p90Ns", r.P90Ns);
        json.WriteNumber("p99Ns", r.P99Ns);
        json.WriteNumber("p999Ns", r.P999Ns);
        json.WriteNumber("maxNs", r.MaxNs);
        json.WriteNumber("trades", r.Trades);
        json.WriteNumber("resting", r.Resting);
        json.WriteNumber("rejects", r.Rejects);
        json.WriteString("stateHash", r.StateHash.ToString("x16"));
        json.WriteNumber("gcCollections", r.GcCollections);
        if (journaled != null)
        {
            json.WriteString("journal", journaled.Directory);
            json.WriteNumber("journaledOpsPerSec", Math.Round(journaled.OpsPerSec));
            json.WriteNumber("journalRecords", journaled.Records);
            json.WriteNumber("journalBytes", journaled.Bytes);
            json.WriteNumber("journalFsyncs", journaled.Fsyncs);
        }
        json.WriteEndObject();
        json.Flush();
        Console.WriteLine();
    }
    else
    {
        Console.WriteLine($"book: {r.Operations:N0} operations from {r.Source}{(skipped > 0 ? $" ({skipped:N0} events skipped)" : "")}, {r.Runs} runs");
        Console.WriteLine($"  throughput  {r.OpsPerSec / 1e6:F2}M ops/s (runs {r.OpsPerSecMin / 1e6:F2}-{r.OpsPerSecMax / 1e6:F2}M)");
        Console.WriteLine($"  latency ns  p50 {r.P50Ns}  p90 {r.P90Ns}  p99 {r.P99Ns}  p99.9 {r.P999Ns}  max {r.MaxNs}");
        Console.WriteLine($"  trades {r.Trades:N0}  resting {r.Resting:N0}  rejects {r.Rejects:N0}  gc {r.GcCollections}  stateHash {r.StateHash:x16}");
        if (journaled != null)
            Console.WriteLine($"  journaled   {journaled.OpsPerSec / 1e6:F2}M ops/s into {journaled.Directory}: {journaled.Records:N0} records, " +
                $"{journaled.Bytes / 1e6:F1} MB, {journaled.Fsyncs:N0} fsyncs");
    }
    return 0;
}

static Exchange.Perf.E2e.E2eOptions E2eOptionsFrom(Options o)
{
    double Seconds(string name, double fallback) =>
        o.Get(name) is { } text ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
            ? v : throw new UsageException($"--{name} must be a number of seconds, not '{text}'") : fallback;
    string[] List(string name) => o.Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
    var defaults = new Exchange.Perf.E2e.E2eOptions();
    return new Exchange.Perf.E2e.E2eOptions
    {
        Rate = o.GetInt("rate", defaults.Rate),
        Seconds = Seconds("seconds", defaults.Seconds),
        WarmupSeconds = Seconds("warmup", defaults.WarmupSeconds),
        DrainSeconds = Seconds("drain", defaults.DrainSeconds),
        Sessions = o.GetInt("sessions", defaults.Sessions),
        Mix = o.Get("mix") is { } mix ? Exchange.Perf.E2e.OrderMix.Parse(mix) : defaults.Mix,
        Symbols = List("symbols").Select(t => int.TryParse(t, out int id) ? id : throw new UsageException($"--symbols: '{t}' is not a symbol id")).ToArray(),
        Depth = o.GetInt("depth", defaults.Depth),
        MaxLots = o.GetInt("max-lots", defaults.MaxLots),
        Seed = (ulong)o.GetInt("seed", 1),
        Runs = o.GetInt("runs", defaults.Runs),
        EngineChannel = o.Get("engine"),
        ApiKeys = List("api-keys"),
        EngineConfig = o.Get("engine-config"),
        EngineExecutable = o.Get("engine-exe"),
        Durability = o.Get("durability") ?? defaults.Durability,
        EngineIdle = o.Get("engine-idle") ?? defaults.EngineIdle,
        Idle = o.Get("idle") ?? defaults.Idle,
        Client = o.Get("client") ?? defaults.Client,
        GatewayExecutable = o.Get("gateway-exe"),
        StallEvery = o.GetInt("stall-every", 0),
        StallMicros = o.GetInt("stall-us", 0),
        GroupCommitMicros = o.Get("group-commit-us") is { } gcu ? int.TryParse(gcu, out int g) && g >= 0 ? g : throw new UsageException("--group-commit-us must be a non-negative integer") : null,
        Name = o.Get("name") ?? defaults.Name,
        OutputDirectory = o.Get("out"),
    };
}

static Exchange.Journal.Durability ParseDurability(string? text) => text switch
{
    null or "batch" => Exchange.Journal.Durability.Batch,
    "none" => Exchange.Journal.Durability.None,
    "always" => Exchange.Journal.Durability.Always,
    _ => throw new UsageException($"--durability must be none, batch or always, not '{text}'"),
};

/// <summary>Prints named results: one JSON object with --json, else aligned lines.</summary>
static void Report(Options options, (string Name, object Value)[] fields)
{
    if (options.Flag("json"))
    {
        using var json = new Utf8JsonWriter(Console.OpenStandardOutput());
        json.WriteStartObject();
        foreach (var (name, value) in fields)
        {
            switch (value)
            {
                case string text: json.WriteString(name, text); break;
                case bool flag: json.WriteBoolean(name, flag); break;
                case double d: json.WriteNumber(name, d); break;
                case int i: json.WriteNumber(name, i); break;
                case long l: json.WriteNumber(name, l); break;
                default: json.WriteString(name, value.ToString()); break;
            }
        }
        json.WriteEndObject();
        json.Flush();
        Console.WriteLine();
        return;
    }
    foreach (var (name, value) in fields) Console.WriteLine($"  {name,-16} {value}");
}

/// <summary>--name value pairs and --flag switches; anything else is a usage error.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new();

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{args[i]}'");
            string name = args[i][2..];
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options._values[name] = hasValue ? args[++i] : null;
        }
        return options;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v ?? throw new UsageException($"--{name} needs a value") : null;

    public bool Flag(string name) => _values.ContainsKey(name);

    public int GetInt(string name, int fallback) =>
        Get(name) is { } text ? int.TryParse(text, out int v) ? v : throw new UsageException($"--{name} must be an integer, not '{text}'") : fallback;
}
