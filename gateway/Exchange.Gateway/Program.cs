// exchange-gateway: the FIX 4.4 acceptor for brokers. Sessions come from a QuickFIX-style settings file; each
// order-entry session trades through its own engine session (the binary client), so the engine sees the broker's
// account and routes by symbol as for any client. One thread runs the FIX sessions and the engine clients.
using System.Runtime.InteropServices;
using Exchange.Fix.Session;
using Exchange.Gateway;
using Exchange.Transport;

const string Usage = """
    usage: exchange-gateway --settings FILE [options]

      --settings FILE        FIX sessions, QuickFIX-style ([DEFAULT] and [SESSION] sections). Per session, besides the
                             standard keys: ApiKey (the engine account's key), Account, SessionType (order-entry |
                             drop-copy), DropCopyAccounts (for drop-copy), CancelOnDisconnect (Y | N, default Y)
      --config FILE          gateway config (JSON): engine shards, symbols and their decimals (default: built in,
                             matching the engine's demo config)
      --engine CHANNEL       route every symbol to this one engine shard instead of the config's
      --idle STRATEGY        busy-spin | yield | backoff (default backoff)
      --print-config         print the effective gateway config as JSON and exit
      --help                 this text

    Prints 'listening port=...' once brokers can connect; SIGTERM or Ctrl-C logs the sessions out and stops.
    """;

string? settingsPath = null, idleName = "backoff";
var config = new GatewayConfig();
bool printConfig = false;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new GatewayConfigException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--help" or "-h": Console.WriteLine(Usage); return 0;
            case "--settings": settingsPath = Value(); break;
            case "--config": config = GatewayConfig.Load(Value()); break;
            case "--engine": config = config with { Engines = [new GatewayEngine(Value(), config.Symbols.Select(s => s.Id).ToArray())] }; break;
            case "--idle": idleName = Value(); break;
            case "--print-config": printConfig = true; break;
            default: throw new GatewayConfigException($"unexpected argument '{args[i]}' (try --help)");
        }
    }
    if (printConfig) { Console.WriteLine(config.ToJson()); return 0; }
    if (settingsPath == null) throw new GatewayConfigException("--settings FILE is required (try --help)");
    if (IdleStrategies.Parse(idleName) == null) throw new GatewayConfigException($"--idle must be one of {IdleStrategies.Names}");
}
catch (GatewayConfigException e)
{
    Console.Error.WriteLine($"exchange-gateway: {e.Message}");
    return 2;
}

IReadOnlyList<SessionSettings> settings;
try { settings = SessionSettings.Load(settingsPath); }
catch (Exception e) when (e is FixSessionException or IOException)
{
    Console.Error.WriteLine($"exchange-gateway: {e.Message}");
    return 2;
}

var gateway = new Gateway(config, Exchange.Fix.UtcTimestamp.Now);
FixAcceptor acceptor;
try
{
    acceptor = new FixAcceptor(settings, gateway, Exchange.Fix.UtcTimestamp.Now);
}
catch (Exception e) when (e is FixSessionException or System.Net.Sockets.SocketException or IOException)
{
    Console.Error.WriteLine($"exchange-gateway: cannot start: {e.Message}");
    return 1;
}
try { gateway.Attach(acceptor.Sessions, TimeSpan.FromSeconds(10)); }
catch (Exception e) when (e is GatewayConfigException or TimeoutException or Exchange.Client.LogonRejectedException or ArgumentException)
{
    Console.Error.WriteLine($"exchange-gateway: cannot connect to the engines: {e.Message}");
    acceptor.Dispose();
    gateway.Dispose();
    return 1;
}

int stop = 0;
void OnSignal(PosixSignalContext context) { context.Cancel = true; Volatile.Write(ref stop, 1); }
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

Console.WriteLine($"listening port={acceptor.Port} sessions={acceptor.Sessions.Count}");
Console.Out.Flush();
var idle = IdleStrategies.Parse(idleName)!;
while (Volatile.Read(ref stop) == 0)
{
    int work = acceptor.DoWork(Exchange.Fix.UtcTimestamp.Now());
    work += gateway.PollEngines();
    idle.Idle(work);
}

// Log every FIX session out and give the brokers a moment to answer, then leave the engines.
foreach (var session in acceptor.Sessions) if (session.IsLoggedOn) session.Logout("Gateway shutting down");
var until = DateTime.UtcNow.AddSeconds(2);
while (DateTime.UtcNow < until && acceptor.Sessions.Any(s => s.IsLoggedOn))
{
    int work = acceptor.DoWork(Exchange.Fix.UtcTimestamp.Now()) + gateway.PollEngines();
    idle.Idle(work);
}
acceptor.Dispose();
gateway.Dispose();
Console.WriteLine("stopped");
return 0;
