// What exchange-mm connects to, what it quotes and for how long; CommandLine.cs reads it from the command line.
namespace Exchange.Client.Example;

internal sealed record Settings
{
    public const string DefaultEngine = "aeron:udp?endpoint=127.0.0.1:40123";

    public List<ShardEndpoint> Engines { get; init; } = [];
    public string ApiKey { get; init; } = "mm-1001-key";
    public long Account { get; init; }
    public int Symbol { get; init; } = 1;
    public long Price { get; init; }
    public long Spread { get; init; } = 10;
    public long Quantity { get; init; }
    public int IntervalMs { get; init; } = 200;
    public int TakeEvery { get; init; } = 5;
    /// <summary>After each fill of a quote, a stop order on the other side this many price units beyond the fill
    /// (0: none).</summary>
    public long StopLoss { get; init; }
    /// <summary>The quotes' time in force: GTC, or Day (they expire at the symbol's session end).</summary>
    public TimeInForce QuoteTimeInForce { get; init; } = TimeInForce.GoodTillCancel;
    /// <summary>Quotes as icebergs showing this much at a time (0: shown whole).</summary>
    public long Display { get; init; }
    public int Seconds { get; init; } = 10;
    public string ResponseHost { get; init; } = "127.0.0.1";
    public uint HeartbeatMs { get; init; } = 1000;
    public bool Json { get; init; }

    /// <summary>Demo reference price and lot of the built-in engine config, by symbol id.</summary>
    public static (long Price, long Lot)? Demo(int symbol) => symbol switch
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
}
