// exchange-mm's command line (System.CommandLine, with ops/Exchange.Hosting's conventions): each option, and the
// checks between them that make the Settings. Every problem is one line.
using System.CommandLine;
using Exchange.Hosting;

namespace Exchange.Client.Example;

internal sealed class CommandLine
{
    private static readonly Settings Defaults = new();

    private readonly Option<string[]> _engines = new("--engine")
    {
        Description = "an engine shard's listen channel, repeatable; with several, each lists the symbol ids it owns, e.g. " +
            $"--engine 1@aeron:udp?endpoint=10.0.0.5:40123 (default: the --symbol on {Settings.DefaultEngine}); a shard run as a cluster " +
            "lists every member's channel, comma-separated, and the market maker follows its leader through a failover",
        HelpName = "[SYMBOLS@]CHANNEL[,CHANNEL...]",
    };
    // No default shown in --help: a key is printed nowhere, the demo's included.
    private readonly Option<string?> _apiKey = new("--api-key") { Description = "the key the engine maps to an account (default: the demo account 1001's)" };
    private readonly Option<long> _account = Cli.Integer("--account", "the account to trade as; 0 takes the key's", Defaults.Account, 0L, long.MaxValue);
    private readonly Option<int> _symbol = Cli.Integer("--symbol", "the symbol id to quote (1 is BTC-USD in the demo config)", Defaults.Symbol, 0, int.MaxValue);
    private readonly Option<long?> _price = Cli.Integer("--price", "centre of the quotes, in quote units per lot (default: the demo reference price: 60000 for symbol 1, 3000 for symbol 2)", 1L, long.MaxValue / 4);
    private readonly Option<long> _spread = Cli.Integer("--spread", "distance between bid and ask, in price units", Defaults.Spread, 2L, long.MaxValue / 4);
    private readonly Option<long?> _quantity = Cli.Integer("--quantity", "size of each quote and take, a multiple of the lot (default: one demo lot: 1000000 for symbol 1, 10000 for symbol 2)", 1L, long.MaxValue / 4);
    private readonly Option<int> _intervalMs = Cli.Integer("--interval-ms", "how often the quotes move", Defaults.IntervalMs, 1, 60_000);
    private readonly Option<int> _takeEvery = Cli.Integer("--take-every", "take liquidity every N intervals; 0 never", Defaults.TakeEvery, 0, int.MaxValue);
    private readonly Option<long> _stopLoss = Cli.Integer("--stop-loss", "after each fill of a quote, protect the position it opened with a stop " +
        $"order on the other side this many price units beyond the fill price; at most {MarketMaker.MaxStops} wait at once, the oldest is " +
        "cancelled for a new one; 0 never", 0L, 0L, long.MaxValue / 4);
    private readonly Option<string> _quoteTif = Cli.WithDefault("--quote-tif", "the quotes' time in force: gtc, or day (they expire at the symbol's session end)", "gtc");
    private readonly Option<long> _display = Cli.Integer("--display", "quote as icebergs showing this much at a time (a multiple of the lot, below --quantity); 0 shows them whole", 0L, 0L, long.MaxValue / 4);
    private readonly Option<int> _seconds = Cli.Integer("--seconds", "how long to run before logging out", Defaults.Seconds, 1, 86_400);
    private readonly Option<string> _responseHost = Cli.WithDefault("--response-host", "the address engines send responses to", Defaults.ResponseHost);
    private readonly Option<uint> _heartbeatMs = Cli.Integer("--heartbeat-ms", "requested heartbeat interval", Defaults.HeartbeatMs, 1u, 3_600_000u);
    private readonly Option<bool> _json = new("--json") { Description = "one JSON object per line instead of text" };

    public CommandLine()
    {
        _apiKey.HelpName = "KEY";
        _apiKey.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.Tokens[^1].Value.Length == 0) r.AddError("--api-key must not be empty");
        });
        _symbol.HelpName = "ID";
        _price.HelpName = "P";
        _spread.HelpName = "TICKS";
        _quantity.HelpName = "Q";
        _stopLoss.HelpName = "P";
        _quoteTif.HelpName = "gtc|day";
        _display.HelpName = "Q";
        _responseHost.HelpName = "HOST";
        Root = new RootCommand("""
            Quotes a bid and an ask around a price on one symbol, moving them every interval, and every Nth interval also
            takes the best opposite quote with an immediate-or-cancel order, so trades happen (against its own quotes, or
            against another instance's when two run with different accounts). Prints fills and changes of the top of
            book, logs out after --seconds and prints a summary.
            Exit status: 0 after --seconds, 1 if the session fails (logon refused, no engine, disconnect), 2 on bad arguments.
            """)
        {
            _engines, _apiKey, _account, _symbol, _price, _spread, _quantity, _intervalMs, _takeEvery, _stopLoss, _quoteTif, _display, _seconds, _responseHost, _heartbeatMs, _json,
        };
    }

    public RootCommand Root { get; }

    /// <summary>The settings a parsed command line asks for; what no single option can check is a <see cref="UsageException"/>.</summary>
    public Settings Read(ParseResult r)
    {
        int symbol = r.GetValue(_symbol);
        long? price = r.GetValue(_price), quantity = r.GetValue(_quantity);
        long spread = r.GetValue(_spread);
        var demo = Settings.Demo(symbol);
        if (price == null && demo == null) throw new UsageException($"--price is required for symbol {symbol} (only symbols 1 and 2 have demo defaults)");
        if (quantity == null && demo == null) throw new UsageException($"--quantity is required for symbol {symbol} (only symbols 1 and 2 have demo defaults)");
        if (spread / 2 >= (price ?? demo!.Value.Price)) throw new UsageException($"--spread {spread} is too wide for price {price ?? demo!.Value.Price}");

        var settings = new Settings
        {
            Engines = Shards(r.GetValue(_engines) ?? [], symbol),
            ApiKey = r.GetValue(_apiKey) ?? Defaults.ApiKey,
            Account = r.GetValue(_account),
            Symbol = symbol,
            Price = price ?? demo!.Value.Price,
            Spread = spread,
            Quantity = quantity ?? demo!.Value.Lot,
            IntervalMs = r.GetValue(_intervalMs),
            TakeEvery = r.GetValue(_takeEvery),
            StopLoss = r.GetValue(_stopLoss),
            QuoteTimeInForce = r.GetValue(_quoteTif) switch
            {
                "gtc" => TimeInForce.GoodTillCancel,
                "day" => TimeInForce.Day,
                var other => throw new UsageException($"--quote-tif '{other}' is not gtc or day"),
            },
            Display = r.GetValue(_display),
            Seconds = r.GetValue(_seconds),
            ResponseHost = r.GetValue(_responseHost)!,
            HeartbeatMs = r.GetValue(_heartbeatMs),
            Json = r.GetValue(_json),
        };
        if (settings.Display != 0 && settings.QuoteTimeInForce != TimeInForce.GoodTillCancel)
            throw new UsageException("--display: icebergs are GTC orders only, not --quote-tif day");
        if (settings.Display != 0 && settings.Display >= settings.Quantity)
            throw new UsageException($"--display {settings.Display} must be below the quotes' quantity {settings.Quantity}");
        try { settings.ClientOptions().Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        return settings;
    }

    /// <summary>The shards of the --engine options: one without symbols serves the quoted symbol; with several, each names its symbols.</summary>
    private static List<ShardEndpoint> Shards(string[] engines, int symbol)
    {
        if (engines.Length == 0) engines = [Settings.DefaultEngine];
        var shards = new List<ShardEndpoint>();
        foreach (string engine in engines)
        {
            int at = engine.IndexOf('@');
            bool hasSymbols = at > 0 && !engine[..at].Contains(':');
            if (!hasSymbols)
            {
                if (engines.Length > 1) throw new UsageException($"with several --engine each must list its symbols, as SYMBOLS@CHANNEL: '{engine}'");
                shards.Add(Endpoint(engine, [symbol]));
                continue;
            }
            var ids = new List<int>();
            foreach (string part in engine[..at].Split(','))
            {
                if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
                    throw new UsageException($"--engine '{engine}': '{part}' is not a symbol id");
                ids.Add(id);
            }
            shards.Add(Endpoint(engine[(at + 1)..], [.. ids]));
        }
        if (!shards.Exists(x => Array.IndexOf(x.Symbols, symbol) >= 0)) throw new UsageException($"no --engine lists symbol {symbol}");
        return shards;
    }

    /// <summary>A shard's channels: its first member's, and the others' as its replicas.</summary>
    private static ShardEndpoint Endpoint(string channels, int[] symbols)
    {
        string[] members = channels.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (members.Length == 0) throw new UsageException($"--engine '{channels}' names no channel");
        return new ShardEndpoint(members[0], symbols) { Replicas = members[1..] };
    }
}
