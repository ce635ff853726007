// exchange-gateway's command line (System.CommandLine, with the conventions of Exchange.Hosting.Cli: --help, --version,
// unknown options refused with one line and exit 2). GatewayHost runs the gateway the options describe;
// `hash-password` makes a session's PasswordHash.
using System.CommandLine;
using Exchange.Fix.Session;
using Exchange.Gateway;
using Exchange.Hosting;

var settings = new Option<string?>("--settings")
{
    Description = "FIX sessions, QuickFIX-style ([DEFAULT] and [SESSION] sections; gateway/README.md lists the keys). Required to run",
};
var config = new Option<string?>("--config")
{
    Description = "gateway config (JSON): engine shards, symbols and their decimals (default: built in, matching the engine's demo config)",
};
var engine = new Option<string?>("--engine")
{
    Description = "route every symbol to this one engine shard instead of the config's; CHANNEL,CHANNEL,... names its replicas (the leader is found among them)",
};
var idle = Cli.OneOf("--idle", "how the loop waits when there is no work", "backoff", "busy-spin", "yield", "backoff");
var printConfig = new Option<bool>("--print-config") { Description = "print the effective gateway config as JSON and exit" };
var operatorListen = new Option<string?>("--operator-listen")
{
    Description = "serve GET /health, /ready (every engine session up) and /metrics over HTTP here (e.g. 127.0.0.1:9411; port 0 picks a free one)",
    HelpName = "HOST:PORT",
};

var iterations = Cli.IntInRange("--iterations", "PBKDF2 rounds: more is slower to check and to guess",
    PasswordHash.DefaultIterations, PasswordHash.MinIterations, PasswordHash.MaxIterations);
var hashPassword = new Command("hash-password", """
    Reads a password from stdin (never from the command line, where other users and the shell's history see it) and
    prints the PasswordHash line for a session's settings: pbkdf2-sha256$<iterations>$<salt>$<hash>.
    """)
{
    iterations,
};
hashPassword.SetAction(parsed => PasswordCommand.Run(parsed.GetValue(iterations)));

var certificatesDirectory = new Argument<string>("DIR") { Description = "where to write ca.crt, server.crt and server.key (kept if already there)" };
var demoCertificates = new Command("demo-certificates", """
    Writes a demo CA (ca.crt, its key not kept) and a server certificate it signed for localhost, 127.0.0.1 and ::1
    (server.crt, server.key readable by the owner only): what the example settings' Transport=tls uses. Demos only.
    """)
{
    certificatesDirectory,
};
demoCertificates.SetAction(parsed => DemoCertificatesCommand.Run(parsed.GetValue(certificatesDirectory)!));

var root = new RootCommand("""
    exchange-gateway: the FIX 4.4 acceptor for brokers. Each order-entry session trades through its own engine
    session. Prints 'listening port=...' once brokers can connect; SIGTERM or Ctrl-C logs the sessions out and stops.
    """)
{
    settings, config, engine, idle, printConfig, operatorListen, hashPassword, demoCertificates,
};
root.SetAction(parsed =>
{
    var gatewayConfig = LoadConfig(parsed.GetValue(config), parsed.GetValue(engine));
    if (parsed.GetValue(printConfig))
    {
        Console.WriteLine(gatewayConfig.ToJson());
        return 0;
    }
    string settingsPath = parsed.GetValue(settings) ?? throw new UsageException("--settings FILE is required (try --help)");
    string? listen = parsed.GetValue(operatorListen);
    if (listen != null && Exchange.Runtime.OperatorEndpoint.Parse(listen) == null) throw new UsageException($"--operator-listen '{listen}' is not HOST:PORT");
    return GatewayHost.Run(settingsPath, gatewayConfig, parsed.GetValue(idle)!, listen);
});
return Cli.Run(root, args);

static GatewayConfig LoadConfig(string? path, string? engineChannel)
{
    try
    {
        var loaded = path == null ? new GatewayConfig() : GatewayConfig.Load(path);
        if (engineChannel == null) return loaded;
        string[] replicas = engineChannel.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (replicas.Length == 0) throw new GatewayConfigException("--engine names no channel");
        return loaded with { Engines = [new GatewayEngine(replicas[0], Replicas: replicas[1..])] };
    }
    catch (GatewayConfigException e)
    {
        throw new UsageException(e.Message);
    }
}
