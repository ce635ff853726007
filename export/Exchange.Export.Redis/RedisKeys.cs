// Where the Redis sink keeps what it writes. Every key and channel starts with one prefix ("exchange" by default), so
// one Redis server can hold several shards under different prefixes.
namespace Exchange.Export.Redis;

public sealed class RedisKeys(string prefix = RedisKeys.DefaultPrefix)
{
    public const string DefaultPrefix = "exchange";

    public string Prefix { get; } = prefix;

    /// <summary>Hash: position (last input sequence whose every change is here), ts (its sequencer time, ns), trades and
    /// book (how many entries the trade and book streams have had: the last n of each), depth (levels per side kept).</summary>
    public string Export => $"{Prefix}:export";
    /// <summary>Hash: symbol id → name.</summary>
    public string Symbols => $"{Prefix}:symbols";
    /// <summary>Hash: name, status (open, halted), tick, lot.</summary>
    public string Symbol(int symbol) => $"{Prefix}:symbol:{symbol}";
    /// <summary>Sorted set of the top bid levels: score the price, member "price:quantity:orders".</summary>
    public string Bids(int symbol) => $"{Prefix}:book:{symbol}:bids";
    /// <summary>Sorted set of the top ask levels, as the bids.</summary>
    public string Asks(int symbol) => $"{Prefix}:book:{symbol}:asks";
    /// <summary>Hash: last, last_qty, bid, bid_qty, ask, ask_qty, volume_24h, high_24h, low_24h, trades_24h, sequence, ts.</summary>
    public string Ticker(int symbol) => $"{Prefix}:ticker:{symbol}";
    /// <summary>Hash: minute of sequencer time (ns / 60e9) → "volume high low trades", the last 24 hours' worth.</summary>
    public string Minutes(int symbol) => $"{Prefix}:minutes:{symbol}";
    /// <summary>Stream of trades, entry id "sequence-k" (k-th trade of that input), field n counting entries from 1.</summary>
    public string TradeStream => $"{Prefix}:trades";
    /// <summary>Stream of price level changes, as the trades.</summary>
    public string BookStream => $"{Prefix}:book";
    /// <summary>Pub/sub channels carrying each stream entry as JSON as it is written.</summary>
    public string TradeChannel => $"{Prefix}:trades";
    public string BookChannel => $"{Prefix}:book";
}
