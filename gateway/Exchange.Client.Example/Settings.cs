// exchange-mm's command line: what to connect to, what to quote and for how long. Every problem is one line.
using System.Globalization;

namespace Exchange.Client.Example;

internal sealed record Settings
{
    public const string DefaultEngine = "aeron:udp?endpoint=127.0.0.1:40123";

    public const string Usage = """
        usage: exchange-mm [--engine [SYMBOLS@]CHANNEL]... [--api-key KEY] [--account N] [--symbol ID]
                           [--price P] [--spread TICKS] [--quantity Q] [--interval-ms N] [--take-every N]
                           [--seconds N] [--response-host HOST] [--heartbeat-ms N] [--json] [--help]

        Quotes a bid and an ask around a price on one symbol, moving them every interval, and every Nth interval
        also takes the best opposite quote with an immediate-or-cancel order, so trades happen (against its own
        quotes, or against another instance's when two run with different accounts). Prints fills and changes of
        the top of book, logs out after --seconds and prints a summary.

          --engine [SYMBOLS@]CHANNEL  an engine shard's listen channel, repeatable; with several, each lists the
                                      symbol ids it owns, e.g. --engine 1@aeron:udp?endpoint=10.0.0.5:40123
                                      (default: the --symbol on aeron:udp?endpoint=127.0.0.1:40123)
          --api-key KEY         the key the engine maps to an account (default: mm-1001-key, the demo account 1001)
          --account N           the account to trade as; 0 takes the key's (default 0)
          --symbol ID           the symbol to quote (default 1, BTC-USD in the demo config)
          --price P             centre of the quotes, in quote units per lot (default: the demo reference price:
                                60000 for symbol 1, 3000 for symbol 2)
          --spread TICKS        distance between bid and ask, in price units (default 10)
          --quantity Q          size of each quote and take, a multiple of the lot (default: one demo lot:
                                1000000 for symbol 1, 10000 for symbol 2)
          --interval-ms N       how often the quotes move (default 200)
          --take-every N        take liquidity every N intervals; 0 never (default 5)
          --seconds N           how long to run before logging out (default 10)
          --response-host HOST  the address engines send responses to (default 127.0.0.1)
          --heartbeat-ms N      requested heartbeat interval (default 1000)
          --json                one JSON object per line instead of text
          --help                this text

        Exit status: 0 after --seconds, 1 if the session fails (logon refused, no engine, disconnect), 2 on bad arguments.
        """;

    public List<ShardEndpoint> Engines { get; init; } = [];
    public string ApiKey { get; init; } = "mm-1001-key";
    public long Account { get; init; }
    public int Symbol { get; init; } = 1;
    public long Price { get; init; }
    public long Spread { get; init; } = 10;
    public long Quantity { get; init; }
    public int IntervalMs { get; init; } = 200;
    public int TakeEvery { get; init; } = 5;
    public int Seconds { get; init; } = 10;
    public string ResponseHost { get; init; } = "127.0.0.1";
    public uint HeartbeatMs { get; init; } = 1000;
    public bool Json { get; init; }
    public bool Help { get; init; }

    /// <summary>Demo reference price and lot of the built-in engine config, by symbol id.</summary>
    private static (long Price, long Lot)? Demo(int symbol) => symbol switch
    {
        1 => (60_000, 1_000_000),
        2 => (3_000, 10_000),
        _ => null,
    };

    public ClientOptions ClientOptions() => new()
    {
        ApiKey = ApiKey,
        Account = Account,
        Shards = Engines,
        ResponseHost = ResponseHost,
        HeartbeatIntervalMs = HeartbeatMs,
        CancelOnDisconnect = true,
    };

    /// <summary>Parses the arguments; on a problem returns false with a one-line <paramref name="error"/>.</summary>
    public static bool TryParse(string[] args, out Settings settings, out string error)
    {
        settings = new Settings();
        error = "";
        var engines = new List<string>();
        long? price = null, quantity = null;
        int symbol = 1;
        var s = settings;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h") { settings = s with { Help = true }; return true; }
            if (arg == "--json") { s = s with { Json = true }; continue; }
            if (!arg.StartsWith("--", StringComparison.Ordinal)) { error = $"unexpected argument '{arg}'"; return false; }
            if (arg is not ("--engine" or "--api-key" or "--account" or "--symbol" or "--price" or "--spread" or "--quantity" or
                "--interval-ms" or "--take-every" or "--seconds" or "--response-host" or "--heartbeat-ms"))
            {
                error = $"unknown option '{arg}'";
                return false;
            }
            if (i + 1 >= args.Length) { error = $"{arg} needs a value"; return false; }
            string value = args[++i];
            switch (arg)
            {
                case "--engine": engines.Add(value); break;
                case "--api-key":
                    if (value.Length == 0) { error = "--api-key must not be empty"; return false; }
                    s = s with { ApiKey = value };
                    break;
                case "--response-host": s = s with { ResponseHost = value }; break;
                case "--account":
                    if (!TryLong(value, 0, long.MaxValue, out long account)) { error = $"--account needs a non-negative integer, not '{value}'"; return false; }
                    s = s with { Account = account };
                    break;
                case "--symbol":
                    if (!TryLong(value, 0, int.MaxValue, out long id)) { error = $"--symbol needs a symbol id (a non-negative integer), not '{value}'"; return false; }
                    symbol = (int)id;
                    break;
                case "--price":
                    if (!TryLong(value, 1, long.MaxValue / 4, out long p)) { error = $"--price needs a positive integer, not '{value}'"; return false; }
                    price = p;
                    break;
                case "--spread":
                    if (!TryLong(value, 2, long.MaxValue / 4, out long spread)) { error = $"--spread needs an integer of at least 2, not '{value}'"; return false; }
                    s = s with { Spread = spread };
                    break;
                case "--quantity":
                    if (!TryLong(value, 1, long.MaxValue / 4, out long q)) { error = $"--quantity needs a positive integer, not '{value}'"; return false; }
                    quantity = q;
                    break;
                case "--interval-ms":
                    if (!TryLong(value, 1, 60_000, out long interval)) { error = $"--interval-ms needs an integer in 1..60000, not '{value}'"; return false; }
                    s = s with { IntervalMs = (int)interval };
                    break;
                case "--take-every":
                    if (!TryLong(value, 0, int.MaxValue, out long every)) { error = $"--take-every needs a non-negative integer, not '{value}'"; return false; }
                    s = s with { TakeEvery = (int)every };
                    break;
                case "--seconds":
                    if (!TryLong(value, 1, 86_400, out long seconds)) { error = $"--seconds needs an integer in 1..86400, not '{value}'"; return false; }
                    s = s with { Seconds = (int)seconds };
                    break;
                case "--heartbeat-ms":
                    if (!TryLong(value, 1, 3_600_000, out long heartbeat)) { error = $"--heartbeat-ms needs an integer in 1..3600000, not '{value}'"; return false; }
                    s = s with { HeartbeatMs = (uint)heartbeat };
                    break;
            }
        }

        var demo = Demo(symbol);
        if (price == null && demo == null) { error = $"--price is required for symbol {symbol} (only symbols 1 and 2 have demo defaults)"; return false; }
        if (quantity == null && demo == null) { error = $"--quantity is required for symbol {symbol} (only symbols 1 and 2 have demo defaults)"; return false; }
        if (s.Spread / 2 >= (price ?? demo!.Value.Price)) { error = $"--spread {s.Spread} is too wide for price {price ?? demo!.Value.Price}"; return false; }

        var shards = new List<ShardEndpoint>();
        if (engines.Count == 0) engines.Add(DefaultEngine);
        foreach (string engine in engines)
        {
            int at = engine.IndexOf('@');
            bool hasSymbols = at > 0 && !engine[..at].Contains(':');
            if (!hasSymbols)
            {
                if (engines.Count > 1) { error = $"with several --engine each must list its symbols, as SYMBOLS@CHANNEL: '{engine}'"; return false; }
                shards.Add(new ShardEndpoint(engine, [symbol]));
                continue;
            }
            var ids = new List<int>();
            foreach (string part in engine[..at].Split(','))
            {
                if (!TryLong(part, 0, int.MaxValue, out long id)) { error = $"--engine '{engine}': '{part}' is not a symbol id"; return false; }
                ids.Add((int)id);
            }
            shards.Add(new ShardEndpoint(engine[(at + 1)..], [.. ids]));
        }
        if (!shards.Exists(x => Array.IndexOf(x.Symbols, symbol) >= 0)) { error = $"no --engine lists symbol {symbol}"; return false; }

        settings = s with
        {
            Engines = shards,
            Symbol = symbol,
            Price = price ?? demo!.Value.Price,
            Quantity = quantity ?? demo!.Value.Lot,
        };
        try { settings.ClientOptions().Validate(); }
        catch (ArgumentException e) { error = e.Message; return false; }
        return true;
    }

    private static bool TryLong(string text, long min, long max, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
