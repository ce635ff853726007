// What the Redis sink holds, for reconciliation: the position, every symbol's book and ticker read in one MULTI/EXEC
// (so an exporter writing meanwhile changes nothing that is read), then the streams checked for gaps and repeats in
// their running count and for entries past the position.
using StackExchange.Redis;

namespace Exchange.Export.Redis;

public static class RedisContents
{
    public static long ReadPosition(string configuration, RedisKeys? keys = null)
    {
        keys ??= new RedisKeys();
        using var connection = Connect(configuration);
        return RedisSink.ParseLong(connection.GetDatabase().HashGet(keys.Export, "position"));
    }

    public static MarketContents Read(string configuration, RedisKeys? keys = null)
    {
        keys ??= new RedisKeys();
        using var connection = Connect(configuration);
        var db = connection.GetDatabase();
        var ids = db.HashKeys(keys.Symbols).Select(v => (int)RedisSink.ParseLong(v)).Order().ToList();
        var tx = db.CreateTransaction();
        var export = tx.HashGetAllAsync(keys.Export);
        var bids = ids.Select(id => tx.SortedSetRangeByScoreAsync(keys.Bids(id), order: Order.Descending)).ToList();
        var asks = ids.Select(id => tx.SortedSetRangeByScoreAsync(keys.Asks(id))).ToList();
        var tickers = ids.Select(id => tx.HashGetAllAsync(keys.Ticker(id))).ToList();
        var lastTrade = tx.StreamRangeAsync(keys.TradeStream, "-", "+", 1, Order.Descending);
        var lastLevel = tx.StreamRangeAsync(keys.BookStream, "-", "+", 1, Order.Descending);
        if (!tx.Execute()) throw new InvalidOperationException("the read transaction did not run");

        var e = export.Result.ToDictionary(x => x.Name.ToString(), x => x.Value);
        var contents = new MarketContents
        {
            Position = RedisSink.ParseLong(e.GetValueOrDefault("position")), Timestamp = RedisSink.ParseLong(e.GetValueOrDefault("ts")),
            Depth = (int)RedisSink.ParseLong(e.GetValueOrDefault("depth")), TradeEntries = RedisSink.ParseLong(e.GetValueOrDefault("trades")),
            BookEntries = RedisSink.ParseLong(e.GetValueOrDefault("book")),
        };
        for (int i = 0; i < ids.Count; i++)
        {
            contents.Books[ids[i]] = ([.. bids[i].Result.Select(Level)], [.. asks[i].Result.Select(Level)]);
            var t = tickers[i].Result.ToDictionary(x => x.Name.ToString(), x => x.Value);
            long F(string name) => RedisSink.ParseLong(t.GetValueOrDefault(name));
            if (t.Count > 0)
                contents.Tickers[ids[i]] = new TickerView(F("last"), F("last_qty"), F("bid"), F("bid_qty"), F("ask"), F("ask_qty"),
                    F("volume_24h"), F("high_24h"), F("low_24h"), F("trades_24h"));
        }
        CheckStream(db, keys.TradeStream, "trade", contents.TradeEntries, lastTrade.Result, contents);
        CheckStream(db, keys.BookStream, "book", contents.BookEntries, lastLevel.Result, contents);
        return contents;
    }

    /// <summary>The stream's newest entry carries the count the position says, and the entries it still holds (it is
    /// trimmed to a length, oldest first) count up by one: none missing, none twice.</summary>
    private static void CheckStream(IDatabase db, string key, string name, long count, StreamEntry[] last, MarketContents contents)
    {
        void Problem(string text)
        {
            if (contents.StreamProblems.Count < 20) contents.StreamProblems.Add($"{name} stream {key}: {text}");
        }
        if (count == 0 && last.Length == 0) return;
        if (last.Length == 0) { Problem($"empty, but {count} entries were written"); return; }
        long lastN = RedisSink.ParseLong(last[0]["n"]);
        if (lastN != count) Problem($"the newest entry is n={lastN}, the position says {count}");
        if (SequenceOf(last[0].Id) > contents.Position) Problem($"the newest entry {last[0].Id} is past the position {contents.Position}");
        // Read up to the newest entry seen in the transaction (an exporter may be adding more meanwhile, and trimming the oldest).
        long expected = -1;
        RedisValue from = "-";
        while (true)
        {
            var page = db.StreamRange(key, from, last[0].Id, 10_000);
            bool more = false;
            foreach (var entry in page)
            {
                if (entry.Id == from) continue;
                more = true;
                long n = RedisSink.ParseLong(entry["n"]);
                if (expected >= 0 && n != expected) Problem($"entry {entry.Id} has n={n}, expected {expected}");
                expected = n + 1;
                from = entry.Id;
            }
            if (!more) break;
        }
    }

    private static long SequenceOf(RedisValue id)
    {
        string s = id.ToString();
        int dash = s.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(dash < 0 ? s : s[..dash], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static BookLevel Level(RedisValue member)
    {
        var parts = member.ToString().Split(':');
        if (parts.Length != 3) throw new InvalidDataException($"book level \"{member}\" is not price:quantity:orders");
        return new BookLevel(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static ConnectionMultiplexer Connect(string configuration)
    {
        var connection = RedisDatabase.Connect(configuration);
        if (!connection.IsConnected)
        {
            connection.Dispose();
            throw new IOException($"cannot connect to redis {RedisDatabase.Describe(configuration)}");
        }
        return connection;
    }
}
