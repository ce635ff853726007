// exchange-engine: one shard's engine process. It sequences every input and applies it to the matching
// engine; until the UDP transport is in, inputs come from the operator console on stdin.
using Exchange.Engine;
using Exchange.Engine.Host;

const string Usage = """
    usage: exchange-engine [--config FILE] [--print-config] [--json] [--help]

      --config FILE     shard config (JSON); without it the built-in demo config is used
      --print-config    print the effective config as JSON and exit
      --json            print events as JSON lines instead of text

    Commands are read from stdin, one per line; 'help' lists them.
    """;

var config = new ShardConfig();
bool json = false, printConfig = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--help" or "-h": Console.WriteLine(Usage); return 0;
        case "--json": json = true; break;
        case "--print-config": printConfig = true; break;
        case "--config" when i + 1 < args.Length:
            try { config = ShardConfig.Load(args[++i]); }
            catch (ConfigException e) { Console.Error.WriteLine($"exchange-engine: {e.Message}"); return 2; }
            break;
        default: Console.Error.WriteLine($"exchange-engine: unexpected argument '{args[i]}' (try --help)"); return 2;
    }
}
if (printConfig) { Console.WriteLine(config.ToJson()); return 0; }

var output = Console.Out;
var printer = new EventPrinter(output, json);
MatchingEngine<EventPrinter> engine;
try { engine = new MatchingEngine<EventPrinter>(config.Engine, printer); }
catch (ArgumentException e) { Console.Error.WriteLine($"exchange-engine: bad engine config: {e.Message}"); return 2; }
var sequencer = new Sequencer(Sequencer.UnixNanos);

// The opening state is made of ordinary commands, so it is sequenced (and later journaled) like any other input.
var console = new OperatorConsole(config, engine, sequencer, output);
foreach (var symbol in config.Symbols)
{
    var (seq, ts) = sequencer.Next();
    engine.Apply(seq, ts, new AddSymbol(symbol.Spec));
}
foreach (var account in config.Accounts)
{
    var (seq, ts) = sequencer.Next();
    engine.Apply(seq, ts, new AddAccount(account.Id));
    foreach (var (asset, amount) in account.Balances)
    {
        (seq, ts) = sequencer.Next();
        try { engine.Apply(seq, ts, new Deposit(account.Id, config.AssetId(asset), amount)); }
        catch (ConfigException e) { Console.Error.WriteLine($"exchange-engine: account {account.Id}: {e.Message}"); return 2; }
    }
}

Console.Error.WriteLine($"exchange-engine: shard {config.ShardId} up with {config.Symbols.Count} symbols " +
    $"({string.Join(", ", config.Symbols.Select(s => s.Name))}) and {config.Accounts.Count} accounts " +
    $"({string.Join(", ", config.Accounts.Select(a => a.Id))}); commands on stdin, 'help' lists them, Ctrl-D or 'quit' stops.");
Console.CancelKeyPress += (_, _) => Console.Error.WriteLine($"exchange-engine: stopped at sequence {sequencer.Last}");

while (Console.ReadLine() is { } line)
    if (!console.Execute(line)) break;
Console.Error.WriteLine($"exchange-engine: stopped at sequence {sequencer.Last}, stateHash {engine.StateHash():x16}");
return 0;
