// exchange-engine: one shard's engine process. Clients' SBE commands arrive over the UDP transport; each is
// sequenced, journaled, applied, and answered on the client's response stream, with market data alongside.
// SIGTERM (or Ctrl-C) stops it in order; a restart resumes from the newest snapshot plus the journal.
// --console runs the older operator mode instead: commands typed on stdin, no transport, no journal.
using Exchange.Engine;
using Exchange.Engine.Host;
using Exchange.Engine.Wire;
using Exchange.Journal;
using Exchange.Transport;

const string Usage = """
    usage: exchange-engine [options]

      --config FILE          shard config (JSON); without it the built-in demo config is used
      --shard-id N           override the shard id
      --listen CHANNEL       where clients connect, e.g. 'aeron:udp?endpoint=127.0.0.1:40123|term-length=1m'
      --symbols A,B          keep only these symbols of the config (the ones this shard owns)
      --journal DIR          journal directory (default data/shard-<id>)
      --in-memory            no journal: state is lost when the process ends
      --durability POLICY    none | batch | always (default batch): when a response may leave
      --idle STRATEGY        busy-spin | yield | backoff (default backoff)
      --market-data CHANNEL  also publish market data to this channel
      --group-commit-us N    with batch: longest wait to gather one fsync's records (default 0: fsync at the end of
                             each duty cycle that journaled something, batching what arrived during the last fsync)
      --stall-every N        benchmark self-test: after every N commands, stall the engine thread for --stall-us
      --stall-us MICROS      (a deliberately slow engine, to show that a load generator reports stalls)
      --repair               truncate the journal at damage instead of refusing to start
      --print-config         print the effective config as JSON and exit
      --console              operator mode: commands on stdin, no transport and no journal
      --json                 with --console, events as JSON lines
      --help                 this text

    Prints 'listening ...' once clients can connect, a 'status ...' line after each burst of activity,
    and 'stopped ...' with the final sequence and state hash after SIGTERM or Ctrl-C.
    """;

var config = new ShardConfig();
bool json = false, printConfig = false, consoleMode = false, repair = false;
int stallEvery = 0, stallMicros = 0, groupCommitMicros = 0;
string? symbols = null;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ConfigException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--help" or "-h": Console.WriteLine(Usage); return 0;
            case "--json": json = true; break;
            case "--print-config": printConfig = true; break;
            case "--console": consoleMode = true; break;
            case "--repair": repair = true; break;
            case "--in-memory": config = config with { InMemory = true }; break;
            case "--config": config = ShardConfig.Load(Value()); break;
            case "--shard-id": config = config with { ShardId = int.TryParse(Value(), out int id) && id > 0 ? id : throw new ConfigException("--shard-id must be a positive integer") }; break;
            case "--listen": config = config with { Listen = Value() }; break;
            case "--symbols": symbols = Value(); break;
            case "--journal": config = config with { JournalDirectory = Value() }; break;
            case "--market-data": config = config with { MarketDataChannel = Value() }; break;
            case "--idle": config = config with { Idle = Value() }; break;
            case "--group-commit-us": groupCommitMicros = int.TryParse(Value(), out int gc) && gc >= 0 ? gc : throw new ConfigException("--group-commit-us must be a non-negative integer"); break;
            case "--stall-every": stallEvery = int.TryParse(Value(), out int every) && every >= 0 ? every : throw new ConfigException("--stall-every must be a non-negative integer"); break;
            case "--stall-us": stallMicros = int.TryParse(Value(), out int micros) && micros >= 0 ? micros : throw new ConfigException("--stall-us must be a non-negative integer"); break;
            case "--durability":
                string policy = Value();
                config = config with
                {
                    Durability = policy switch
                    {
                        "none" => Durability.None,
                        "batch" => Durability.Batch,
                        "always" => Durability.Always,
                        _ => throw new ConfigException($"--durability must be none, batch or always, not '{policy}'"),
                    },
                };
                break;
            default: throw new ConfigException($"unexpected argument '{args[i]}' (try --help)");
        }
    }
    if (symbols != null)
    {
        var names = symbols.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string name in names)
            if (config.Symbol(name) == null) throw new ConfigException($"--symbols: '{name}' is not in the config ({string.Join(", ", config.Symbols.Select(s => s.Name))})");
        config = config with { Symbols = config.Symbols.Where(s => names.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList() };
    }
    if (IdleStrategies.Parse(config.Idle) == null) throw new ConfigException($"idle strategy '{config.Idle}' is not one of {IdleStrategies.Names}");
    if (!ChannelUri.TryParse(config.Listen, out _, out string listenError)) throw new ConfigException($"listen channel: {listenError}");
    if (config.MarketDataChannel != null && !ChannelUri.TryParse(config.MarketDataChannel, out _, out string mdError))
        throw new ConfigException($"market-data channel: {mdError}");
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"exchange-engine: {e.Message}");
    return 2;
}
if (printConfig) { Console.WriteLine(config.ToJson()); return 0; }
return consoleMode ? RunConsole(config, json) : RunNetwork(config, repair, stallEvery, TimeSpan.FromMicroseconds(stallMicros), TimeSpan.FromMicroseconds(groupCommitMicros));

static int RunNetwork(ShardConfig config, bool repair, int stallEvery, TimeSpan stall, TimeSpan groupCommit)
{
    var transport = new Transport();
    TransportLinks links;
    try { links = new TransportLinks(transport, config.Listen, 1024, config.MarketDataChannel); }
    catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
    {
        Console.Error.WriteLine($"exchange-engine: cannot listen on {config.Listen}: {e.Message}");
        transport.Dispose();
        return 2;
    }
    var options = new EngineServiceOptions
    {
        JournalDirectory = config.InMemory ? null : config.EffectiveJournalDirectory,
        Durability = config.Durability,
        Repair = repair,
        BatchMaxDelay = groupCommit,
        StallEveryCommands = stallEvery,
        StallDuration = stall,
        Log = line => Console.Error.WriteLine($"exchange-engine: {line}"),
    };
    EngineService service;
    try { service = EngineService.Open(config, links, options); }
    catch (Exception e) when (e is ConfigException or JournalException or InvalidDataException or IOException or ArgumentException)
    {
        Console.Error.WriteLine($"exchange-engine: cannot start: {e.Message}");
        transport.Dispose();
        return 1;
    }
    var loop = new EngineLoop(transport, links, service, IdleStrategies.Parse(config.Idle)!);
    var signals = loop.StopOnSignals();
    string journal = config.InMemory ? "no journal (in memory)" : $"journal {Path.GetFullPath(config.EffectiveJournalDirectory)} ({config.Durability.ToString().ToLowerInvariant()})";
    Console.Error.WriteLine($"exchange-engine: shard {config.ShardId}: {config.Symbols.Count} symbols " +
        $"({string.Join(", ", config.Symbols.Select(s => $"{s.Name}={s.Spec.Id}"))}), {journal}; {service.Rebuild?.Describe() ?? "state from the config"}");
    Console.Error.WriteLine($"exchange-engine: connect with: exchange-mm --engine '{config.Listen}' --api-key " +
        $"{config.Accounts.FirstOrDefault(a => a.ApiKey != null)?.ApiKey ?? "KEY"}; Ctrl-C stops");
    Console.WriteLine($"listening shard={config.ShardId} channel={config.Listen} port={links.Commands.LocalEndPoint.Port} sequence={service.LastSequence} stateHash={service.StateHash():x16}");
    Console.Out.Flush();
    loop.Run();
    Console.WriteLine($"stopped shard={config.ShardId} sequence={service.LastSequence} stateHash={service.StateHash():x16}");
    Console.Error.WriteLine($"exchange-engine: transport {transport.Counters}");
    service.Dispose();
    transport.Dispose();
    foreach (var signal in signals) signal.Dispose();
    return 0;
}

static int RunConsole(ShardConfig config, bool json)
{
    var output = Console.Out;
    var printer = new EventPrinter(output, json);
    MatchingEngine<EventPrinter> engine;
    try { engine = new MatchingEngine<EventPrinter>(config.Engine, printer); }
    catch (ArgumentException e) { Console.Error.WriteLine($"exchange-engine: bad engine config: {e.Message}"); return 2; }
    var sequencer = new Sequencer(Sequencer.UnixNanos);

    // The opening state is made of ordinary commands, so it is sequenced like any other input.
    var console = new OperatorConsole(config, engine, sequencer, output);
    List<byte[]> opening;
    try { opening = config.OpeningCommands(); }
    catch (ConfigException e) { Console.Error.WriteLine($"exchange-engine: {e.Message}"); return 2; }
    foreach (byte[] message in opening)
    {
        var (seq, ts) = sequencer.Next();
        var apply = new EngineCommandHandler<EventPrinter>(engine, seq, ts);
        CommandCodec.Decode(message, ref apply);
    }

    Console.Error.WriteLine($"exchange-engine: shard {config.ShardId} up with {config.Symbols.Count} symbols " +
        $"({string.Join(", ", config.Symbols.Select(s => s.Name))}) and {config.Accounts.Count} accounts " +
        $"({string.Join(", ", config.Accounts.Select(a => a.Id))}); commands on stdin, 'help' lists them, Ctrl-D or 'quit' stops.");
    Console.CancelKeyPress += (_, _) => Console.Error.WriteLine($"exchange-engine: stopped at sequence {sequencer.Last}");

    while (Console.ReadLine() is { } line)
        if (!console.Execute(line)) break;
    Console.Error.WriteLine($"exchange-engine: stopped at sequence {sequencer.Last}, stateHash {engine.StateHash():x16}");
    return 0;
}
