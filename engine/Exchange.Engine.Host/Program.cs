// exchange-engine: one shard's engine process. Clients' SBE commands arrive over the UDP transport; each is
// sequenced, journaled, applied, and answered on the client's response stream, with market data alongside.
// SIGTERM (or Ctrl-C) stops it in order; a restart resumes from the newest snapshot plus the journal.
// --console runs the older operator mode instead: commands typed on stdin, no transport, no journal.
using System.CommandLine;
using Exchange.Engine;
using Exchange.Engine.Host;
using Exchange.Contract;
using Exchange.Hosting;
using Exchange.Journal;
using Exchange.Transport;

var configFile = new Option<string?>("--config") { Description = "Shard config (JSON); without it the built-in demo config is used", HelpName = "FILE" };
var shardId = new Option<int?>("--shard-id") { Description = "Override the shard id", HelpName = "N" };
var listen = new Option<string?>("--listen") { Description = "Where clients connect, e.g. 'aeron:udp?endpoint=127.0.0.1:40123|term-length=1m', or 'aeron:ipc?name=engine-1' for processes on this host", HelpName = "CHANNEL" };
var symbols = new Option<string?>("--symbols") { Description = "Keep only these symbols of the config (the ones this shard owns)", HelpName = "A,B" };
var journal = new Option<string?>("--journal") { Description = "Journal directory (default data/shard-<id>)", HelpName = "DIR" };
var inMemory = new Option<bool>("--in-memory") { Description = "No journal: state is lost when the process ends" };
var durability = new Option<string?>("--durability") { Description = "When a response may leave: none | batch | always (default: the config's, batch)", HelpName = "POLICY" };
durability.AcceptOnlyFromAmong("none", "batch", "always");
var idle = new Option<string?>("--idle") { Description = "The engine thread's idle strategy: busy-spin | yield | backoff (default: the config's, backoff)", HelpName = "STRATEGY" };
idle.AcceptOnlyFromAmong("busy-spin", "yield", "backoff");
var marketData = new Option<string?>("--market-data") { Description = "Also publish market data to this channel", HelpName = "CHANNEL" };
var groupCommit = Cli.IntInRange("--group-commit-us", "With batch: longest wait to gather one fsync's records (0: fsync at the end of each duty cycle that journaled something)", 0, 0);
var journalSync = new Option<string>("--journal-sync") { Description = "With batch: who fsyncs the journal: thread (its own sync thread; the engine thread never waits for the disk) | engine (the engine thread, waiting for each fsync). With none: who faults in the journal's next pages: thread (its own thread, so a busy engine does not take a page fault every few dozen records) | engine (the engine thread, in idle moments only); default: EXCHANGE_JOURNAL_SYNC if set, else thread on 4 cores or more and engine below (measured on 2 cores, a third busy thread loses more than the overlap gains)", HelpName = "WHO", DefaultValueFactory = _ => DefaultJournalSync() };
journalSync.AcceptOnlyFromAmong("thread", "engine");
var stallEvery = Cli.IntInRange("--stall-every", "Benchmark self-test: after every N commands, stall the engine thread for --stall-us", 0, 0);
var stageEvery = Cli.IntInRange("--stage-sample-every", "Time one order-entry command in N (on average, at random intervals) through the engine's stages (received, sequenced, journaled, matched, durable, sent), printed as a 'stages ...' line at the stop (0: none)", 64, 0);
var stallMicros = Cli.IntInRange("--stall-us", "Length of each self-test stall in microseconds (a deliberately slow engine)", 0, 0);
var repair = new Option<bool>("--repair") { Description = "Truncate the journal at damage instead of refusing to start" };
var forceEmpty = new Option<bool>("--force-empty") { Description = "Start even though the journal holds fewer records than its checkpoint says were durable (they are lost; the engine continues from what is on disk)" };
var standbyOf = new Option<string?>("--standby-of") { Description = "Run as a standby of the primary listening on this channel (needs --standby-name)", HelpName = "CHANNEL" };
var standbyName = new Option<string?>("--standby-name") { Description = "This standby's name, as the primary's config lists it", HelpName = "NAME" };
var standbys = new Option<string[]>("--standby")
{
    Description = "Run as a primary streaming its journal to this standby: NAME,sync|async,CHANNEL (the standby's listen channel); repeatable",
    HelpName = "NAME,MODE,CHANNEL", AllowMultipleArgumentsPerToken = false,
};
var etcd = new Option<string?>("--etcd") { Description = "Run as a member of a cluster whose leader is elected in this etcd (client URLs, comma-separated)", HelpName = "URLS" };
var member = new Option<string?>("--member") { Description = "This engine's name among the cluster's members", HelpName = "NAME" };
var members = new Option<string[]>("--cluster-member")
{
    Description = "A member of the cluster, this one included: NAME,sync|async,CHANNEL (its listen channel); repeatable",
    HelpName = "NAME,MODE,CHANNEL", AllowMultipleArgumentsPerToken = false,
};
var operatorListen = new Option<string?>("--operator-listen")
{
    Description = "Serve GET /health, /ready and /metrics over HTTP here (e.g. 127.0.0.1:9401; port 0 picks a free one)", HelpName = "HOST:PORT",
};
var segmentSize = Cli.Integer<long>("--segment-size", "Journal segment size in bytes for new segments (retention removes whole segments)", 128L << 20, 4096L, 1L << 40);
var snapshotEvery = Cli.Integer<long>("--snapshot-every", "Write a snapshot while running after every N inputs (0: not by count)", 0L, 0L, long.MaxValue);
var snapshotSeconds = Cli.Integer<int>("--snapshot-every-seconds", "Write a snapshot while running once this many seconds of sequencer time have passed since the last (0: not by time)", 0, 0, 86_400 * 365);
var retention = new Option<string?>("--journal-retention")
{
    Description = "Journal segments wholly before the newest snapshot, once no standby reading the journal needs them: keep | delete | archive (moved to <journal>/archive)",
    HelpName = "MODE",
};
retention.AcceptOnlyFromAmong("keep", "delete", "archive");
var snapshotBehind = Cli.Integer<long>("--snapshot-catch-up-behind", "As a primary: send a standby more than N records behind the newest snapshot instead of every record (0: only when the journal no longer holds what it needs)", 0L, 0L, long.MaxValue);
var faultCorrupt = Cli.Integer<int>("--fault-corrupt-snapshot-chunk", "Tests only: damage the Nth snapshot chunk sent to a standby", 0, 0, int.MaxValue);
faultCorrupt.Hidden = true;
var faultPause = Cli.Integer<int>("--fault-snapshot-chunk-pause-ms", "Tests only: pause between snapshot chunks sent to a standby", 0, 0, 60_000);
faultPause.Hidden = true;
var printConfig = new Option<bool>("--print-config") { Description = "Print the effective config as JSON (API keys left out) and exit" };
var consoleMode = new Option<bool>("--console") { Description = "Operator mode: commands on stdin, no transport and no journal" };
var json = new Option<bool>("--json") { Description = "With --console, events as JSON lines" };

var root = new RootCommand("""
    One shard's matching engine. Prints 'listening ...' once clients can connect, a 'status ...' line after each burst
    of activity, and at SIGTERM or Ctrl-C 'stages ...' (where sampled commands spent their time in the engine, in ns:
    p50/p90/p99/max per stage) and 'stopped ...' with the final sequence and state hash (exit 0; 1 if the
    shutdown snapshot could not be written, the journal being intact).
    """)
{
    configFile, shardId, listen, symbols, journal, inMemory, durability, idle, marketData, groupCommit, journalSync, stallEvery, stallMicros, stageEvery,
    repair, forceEmpty, segmentSize, snapshotEvery, snapshotSeconds, retention, snapshotBehind, faultCorrupt, faultPause, standbyOf, standbyName, standbys, etcd, member, members, operatorListen, printConfig, consoleMode, json,
};
root.SetAction(parsed =>
{
    ShardConfig config;
    try
    {
        config = parsed.GetValue(configFile) is { } path ? ShardConfig.Load(path) : new ShardConfig();
        if (parsed.GetValue(shardId) is { } id) config = config with { ShardId = id > 0 ? id : throw new ConfigException("--shard-id must be a positive integer") };
        if (parsed.GetValue(listen) is { } channel) config = config with { Listen = channel };
        if (parsed.GetValue(journal) is { } directory) config = config with { JournalDirectory = directory };
        if (parsed.GetValue(inMemory)) config = config with { InMemory = true };
        if (parsed.GetValue(marketData) is { } md) config = config with { MarketDataChannel = md };
        if (parsed.GetValue(operatorListen) is { } op) config = config with { OperatorListen = op };
        if (config.OperatorListen != null && OperatorEndpoint.Parse(config.OperatorListen) == null)
            throw new ConfigException($"operator endpoint '{config.OperatorListen}' is not HOST:PORT");
        if (parsed.GetValue(idle) is { } strategy) config = config with { Idle = strategy };
        if (parsed.GetValue(durability) is { } policy)
            config = config with { Durability = policy switch { "none" => Durability.None, "always" => Durability.Always, _ => Durability.Batch } };
        if (parsed.GetValue(symbols) is { } list)
        {
            var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string name in names)
                if (config.Symbol(name) == null) throw new ConfigException($"--symbols: '{name}' is not in the config ({string.Join(", ", config.Symbols.Select(s => s.Name))})");
            config = config with { Symbols = config.Symbols.Where(s => names.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList() };
        }
        if (parsed.GetValue(standbyOf) is { } primary) config = config with { Replication = config.Replication with { Primary = primary } };
        if (parsed.GetValue(standbyName) is { } ownName) config = config with { Replication = config.Replication with { Name = ownName } };
        if (parsed.GetValue(standbys) is { Length: > 0 } list2)
            config = config with { Replication = config.Replication with { Standbys = [.. list2.Select(ParseStandby)] } };
        if (parsed.GetValue(snapshotBehind) is > 0 and var behind) config = config with { Replication = config.Replication with { SnapshotCatchUpBehind = behind } };
        config.Replication.FaultCorruptSnapshotChunk = parsed.GetValue(faultCorrupt);
        config.Replication.FaultSnapshotChunkPauseMs = parsed.GetValue(faultPause);
        config.Replication.Validate(hasJournal: !config.InMemory);
        if (parsed.GetValue(snapshotEvery) is > 0 and var every) config = config with { Snapshots = config.Snapshots with { EveryInputs = every } };
        if (parsed.GetValue(snapshotSeconds) is > 0 and var seconds) config = config with { Snapshots = config.Snapshots with { EverySeconds = seconds } };
        if (parsed.GetValue(retention) is { } mode) config = config with { Snapshots = config.Snapshots with { JournalRetention = mode } };
        config.Snapshots.Validate();
        if (config.InMemory && (config.Snapshots.EveryInputs > 0 || config.Snapshots.EverySeconds > 0))
            throw new ConfigException("snapshots are written next to the journal: --in-memory has none");
        if (parsed.GetValue(etcd) is { } urls) config = config with { Cluster = config.Cluster with { Etcd = urls } };
        if (parsed.GetValue(member) is { } self) config = config with { Cluster = config.Cluster with { Member = self } };
        if (parsed.GetValue(members) is { Length: > 0 } list3)
            config = config with { Cluster = config.Cluster with { Members = [.. list3.Select(ParseStandby)] } };
        config.Cluster.Validate(hasJournal: !config.InMemory);
        if (config.Cluster.Enabled && (config.Replication.IsPrimary || config.Replication.IsStandby))
            throw new ConfigException("a cluster member's role comes from etcd: give --etcd or --standby/--standby-of, not both");
        if (IdleStrategies.Parse(config.Idle) == null) throw new ConfigException($"idle strategy '{config.Idle}' is not one of {IdleStrategies.Names}");
        if (!ChannelUri.TryParse(config.Listen, out var listenUri, out string listenError)) throw new ConfigException($"listen channel: {listenError}");
        if (listenUri.IsIpc && (config.Cluster.Enabled || config.Replication.IsPrimary || config.Replication.IsStandby))
            throw new ConfigException("listen channel: a replicated engine listens on udp (its standbys and clients fail over across hosts); ipc is for a single engine and the processes on its host");
        if (config.MarketDataChannel != null && !ChannelUri.TryParse(config.MarketDataChannel, out _, out string mdError))
            throw new ConfigException($"market-data channel: {mdError}");
        config.Limits.Validate();
    }
    catch (ConfigException e)
    {
        throw new UsageException(e.Message);
    }
    if (parsed.GetValue(printConfig)) { Console.WriteLine(config.ToJson(withSecrets: false)); return 0; }
    if (parsed.GetValue(consoleMode)) return EngineProcess.RunConsole(config, parsed.GetValue(json));
    return EngineProcess.RunNetwork(config, new EngineServiceOptions
    {
        JournalDirectory = config.InMemory ? null : config.EffectiveJournalDirectory,
        Durability = config.Durability,
        Repair = parsed.GetValue(repair),
        AcceptLostRecords = parsed.GetValue(forceEmpty),
        BatchMaxDelay = TimeSpan.FromMicroseconds(parsed.GetValue(groupCommit)),
        JournalSyncThread = parsed.GetValue(journalSync) != "engine",
        SegmentSize = parsed.GetValue(segmentSize),
        SnapshotEveryInputs = config.Snapshots.EveryInputs,
        SnapshotEvery = TimeSpan.FromSeconds(config.Snapshots.EverySeconds),
        SnapshotsKept = config.Snapshots.Keep,
        JournalRetention = config.Snapshots.RetentionMode,
        StallEveryCommands = parsed.GetValue(stallEvery),
        StageSampleEvery = parsed.GetValue(stageEvery),
        StallDuration = TimeSpan.FromMicroseconds(parsed.GetValue(stallMicros)),
        MaxSessions = EngineProcess.MaxConnections - config.Limits.MaxPendingConnections,
        SessionCommandsPerSecond = config.Limits.SessionCommandsPerSecond,
        SessionCommandBurst = config.Limits.SessionCommandBurst,
        AcceptClearKeyLogon = config.Limits.AcceptClearKeyLogon,
        StandbyOf = config.Replication.Primary,
        Log = EngineLog(config),
    });
});
return Cli.Run(root, args);

// The engine's log: every line names the shard (and the cluster member) it comes from.
static Log EngineLog(ShardConfig config)
{
    var output = LogOutput.FromEnvironment();
    output.AddContext("shard", config.ShardId);
    if (config.Cluster.Enabled) output.AddContext("member", config.Cluster.Member);
    return output.For("exchange-engine");
}

static StandbyConfig ParseStandby(string text)
{
    var parts = text.Split(',', 3, StringSplitOptions.TrimEntries);
    if (parts.Length != 3) throw new ConfigException($"--standby '{text}': give NAME,sync|async,CHANNEL");
    return new StandbyConfig(parts[0], parts[2], parts[1]);
}

/// <summary>--journal-sync's default: EXCHANGE_JOURNAL_SYNC (thread or engine; a deployment's or a test run's choice for
/// every engine it starts), else by the machine's cores.</summary>
static string DefaultJournalSync() => Environment.GetEnvironmentVariable("EXCHANGE_JOURNAL_SYNC") switch
{
    "thread" => "thread",
    "engine" => "engine",
    _ => Environment.ProcessorCount >= 4 ? "thread" : "engine",
};
