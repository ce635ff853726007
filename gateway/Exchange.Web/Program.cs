// exchange-web's command line (the conventions of Exchange.Hosting.Cli: --help, --version, unknown options refused
// with one line and exit 2). WebHost runs the door the config describes. Secrets are never options: API keys live in
// the config file, token keys in files it names or in the environment.
using System.CommandLine;
using Exchange.Hosting;
using Exchange.Web;

var config = new Option<string?>("--config") { Description = "exchange-web config (JSON; gateway/Exchange.Web/README.md lists the keys). Default: built in, matching the engine's demo config" };
var engine = new Option<string?>("--engine") { Description = "route every symbol to this one engine shard instead of the config's" };
var listen = new Option<string?>("--listen") { Description = "http://HOST:PORT to serve the page, REST and WebSocket on (default http://127.0.0.1:8080; port 0 picks a free one)" };
var devTokens = new Option<bool>("--dev-tokens") { Description = "issue tokens for the configured subjects to anyone who asks (demo only)" };
var printConfig = new Option<bool>("--print-config") { Description = "print the effective config as JSON (API keys hidden) and exit" };

var root = new RootCommand("""
    exchange-web: the WebSocket (JSON) door for web and retail front ends, and the trading page. One engine session per
    web account on one thread; public market data fanned out to every browser. Prints 'listening url=...' once browsers
    can connect; SIGTERM or Ctrl-C stops it.
    """)
{
    config, engine, listen, devTokens, printConfig,
};
root.SetAction(parsed =>
{
    WebConfig effective;
    try
    {
        effective = parsed.GetValue(config) is { } path ? WebConfig.Load(path) : new WebConfig();
        if (parsed.GetValue(engine) is { } channel) effective.Engines = [new WebEngine(channel)];
        if (parsed.GetValue(listen) is { } url) effective.Listen = url;
        if (parsed.GetValue(devTokens)) effective.DevTokens = true;
        effective.Validate("command line");
    }
    catch (WebConfigException e)
    {
        throw new UsageException(e.Message);
    }
    if (parsed.GetValue(printConfig))
    {
        Console.WriteLine(effective.ToJson());
        return 0;
    }
    return WebHost.Run(effective).GetAwaiter().GetResult();
});
return Cli.Run(root, args);
