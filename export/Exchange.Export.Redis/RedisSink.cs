// The Redis sink: per symbol the top levels of the book and a ticker (last trade, best bid and offer, 24-hour volume,
// high and low in sequencer time), and two streams with matching pub/sub channels, trades and book updates, whose
// entries carry the input sequence (the entry id) and a running count n so a reader sees any gap. Each batch is one
// MULTI/EXEC guarded by WATCH on the position: the position moves with the data or not at all, and a second writer
// finds it moved and stops. What the ticker needs from earlier batches (minute buckets, last trade, best prices) is kept
// in Redis too, and read back after a start or a failure, so a resumed export writes what an unbroken one would.
using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Exchange.Export.Redis;

public sealed class RedisSink(string configuration, int depth = RedisSink.DefaultDepth, long streamLength = RedisSink.DefaultStreamLength,
    RedisKeys? keys = null) : IExportSink
{
    public const int DefaultDepth = 10;
    public const long DefaultStreamLength = 1_000_000;

    private sealed class SymbolState
    {
        public TradeWindow Window { get; } = new();
        public HashSet<long> Touched { get; } = [];
        public long Last, LastQuantity, Bid, BidQuantity, Ask, AskQuantity;
    }

    private readonly RedisKeys _keys = keys ?? new RedisKeys();
    private readonly ConfigurationOptions _options = RedisDatabase.Options(configuration);
    private readonly Dictionary<int, SymbolState> _symbols = [];
    private ConnectionMultiplexer? _connection;
    private long _trades, _book;
    private bool _stale = true;

    public string Name => "redis";
    public RedisKeys Keys => _keys;

    public string Describe() => RedisDatabase.Describe(configuration);

    public bool IsTransient(Exception error) => RedisDatabase.IsTransient(error);

    private IDatabase Db
    {
        get
        {
            _connection ??= ConnectionMultiplexer.Connect(_options, TextWriter.Null);
            return _connection.GetDatabase();
        }
    }

    public long Open()
    {
        var db = Db;
        db.HashSet(_keys.Export, "position", "0", When.NotExists);
        db.HashSet(_keys.Export, "depth", depth.ToString(CultureInfo.InvariantCulture));
        Reload();
        return ReadPosition();
    }

    public long ReadPosition() => ParseLong(Db.HashGet(_keys.Export, "position"));

    public void Write(ExportBatch batch)
    {
        try
        {
            if (_stale) Reload();
            var tx = Db.CreateTransaction();
            string expected = (batch.FirstSequence - 1).ToString(CultureInfo.InvariantCulture);
            tx.AddCondition(Condition.HashEqual(_keys.Export, "position", expected));
            Queue(tx, batch);
            if (!tx.Execute())
            {
                _stale = true;
                throw new PositionMismatchException(batch.FirstSequence - 1, ReadPosition());
            }
        }
        catch
        {
            // What was folded into memory for this batch may not be in Redis: read it back before the next one.
            _stale = true;
            throw;
        }
    }

    private void Queue(ITransaction tx, ExportBatch batch)
    {
        foreach (var s in batch.Symbols)
        {
            State(s.Spec.Id);
            _ = tx.HashSetAsync(_keys.Symbols, s.Spec.Id, s.Name);
            _ = tx.HashSetAsync(_keys.Symbol(s.Spec.Id), [
                new("name", s.Name), new("status", s.Status == SymbolStatus.Halted ? "halted" : "open"),
                new("tick", s.Spec.TickSize), new("lot", s.Spec.LotSize), new("sequence", s.Sequence)]);
        }

        long sequence = 0;
        int k = 0;
        foreach (var t in batch.Trades)
        {
            k = t.Sequence == sequence ? k + 1 : 0;
            sequence = t.Sequence;
            long n = ++_trades;
            var state = State(t.Symbol);
            state.Touched.Add(state.Window.Add(t.Timestamp, t.Price, t.Quantity));
            state.Last = t.Price;
            state.LastQuantity = t.Quantity;
            string side = ExportBatch.Name(t.TakerSide);
            _ = tx.StreamAddAsync(_keys.TradeStream, [
                new("n", n), new("seq", t.Sequence), new("ts", t.Timestamp), new("symbol", t.Symbol), new("trade", t.TradeId),
                new("price", t.Price), new("qty", t.Quantity), new("side", side)],
                $"{t.Sequence}-{k}", streamLength, useApproximateMaxLength: true);
            _ = tx.PublishAsync(RedisChannel.Literal(_keys.TradeChannel),
                $"{{\"n\":{n},\"seq\":{t.Sequence},\"ts\":{t.Timestamp},\"symbol\":{t.Symbol},\"trade\":{t.TradeId},\"price\":{t.Price},\"qty\":{t.Quantity},\"side\":\"{side}\"}}");
        }

        foreach (var l in batch.Levels)
        {
            long n = ++_book;
            string side = ExportBatch.Name(l.Side);
            _ = tx.StreamAddAsync(_keys.BookStream, [
                new("n", n), new("seq", l.Sequence), new("ts", l.Timestamp), new("symbol", l.Symbol), new("side", side),
                new("price", l.Price), new("qty", l.Quantity), new("orders", l.OrderCount)],
                $"{l.Sequence}-{l.Index}", streamLength, useApproximateMaxLength: true);
            _ = tx.PublishAsync(RedisChannel.Literal(_keys.BookChannel),
                $"{{\"n\":{n},\"seq\":{l.Sequence},\"ts\":{l.Timestamp},\"symbol\":{l.Symbol},\"side\":\"{side}\",\"price\":{l.Price},\"qty\":{l.Quantity},\"orders\":{l.OrderCount}}}");
        }

        foreach (var book in batch.Books)
        {
            var state = State(book.Symbol);
            (state.Bid, state.BidQuantity) = book.Bids.Length > 0 ? (book.Bids[0].Price, book.Bids[0].Quantity) : (0, 0);
            (state.Ask, state.AskQuantity) = book.Asks.Length > 0 ? (book.Asks[0].Price, book.Asks[0].Quantity) : (0, 0);
            ReplaceSide(tx, _keys.Bids(book.Symbol), book.Bids);
            ReplaceSide(tx, _keys.Asks(book.Symbol), book.Asks);
        }

        // Every ticker moves with the position's time (its 24-hour window slides even without trades).
        long now = batch.LastTimestamp;
        foreach (var (symbol, state) in _symbols)
        {
            var gone = state.Window.Expire(now);
            if (gone.Count > 0) _ = tx.HashDeleteAsync(_keys.Minutes(symbol), [.. gone.Select(m => (RedisValue)m)]);
            state.Touched.ExceptWith(gone);
            if (state.Touched.Count > 0)
                _ = tx.HashSetAsync(_keys.Minutes(symbol), [.. state.Touched.Select(m => new HashEntry(m, Bucket(state.Window.Buckets[m])))]);
            state.Touched.Clear();
            var day = state.Window.Figures(now);
            _ = tx.HashSetAsync(_keys.Ticker(symbol), [
                new("last", state.Last), new("last_qty", state.LastQuantity), new("bid", state.Bid), new("bid_qty", state.BidQuantity),
                new("ask", state.Ask), new("ask_qty", state.AskQuantity), new("volume_24h", day.Volume), new("high_24h", day.High),
                new("low_24h", day.Low), new("trades_24h", day.Trades), new("sequence", batch.LastSequence), new("ts", now)]);
        }

        _ = tx.HashSetAsync(_keys.Export, [
            new("position", batch.LastSequence.ToString(CultureInfo.InvariantCulture)), new("ts", now), new("trades", _trades), new("book", _book),
            new("depth", depth)]);
    }

    private static void ReplaceSide(ITransaction tx, string key, BookLevel[] levels)
    {
        _ = tx.KeyDeleteAsync(key);
        if (levels.Length > 0)
            _ = tx.SortedSetAddAsync(key, [.. levels.Select(l => new SortedSetEntry(Level(l), l.Price))]);
    }

    public static string Level(in BookLevel l) => $"{l.Price}:{l.Quantity}:{l.OrderCount}";

    public static string Bucket(in MinuteBucket b) => $"{b.Volume} {b.High} {b.Low} {b.Trades}";

    private SymbolState State(int symbol)
    {
        if (!_symbols.TryGetValue(symbol, out var state)) _symbols[symbol] = state = new SymbolState();
        return state;
    }

    /// <summary>Reads back, in one transaction, what the next batch continues from: the stream counts, and per symbol the
    /// minute buckets, the last trade and the best prices.</summary>
    private void Reload()
    {
        var db = Db;
        var ids = db.HashKeys(_keys.Symbols).Select(v => (int)ParseLong(v)).ToList();
        var tx = db.CreateTransaction();
        var export = tx.HashGetAllAsync(_keys.Export);
        var minutes = ids.Select(id => tx.HashGetAllAsync(_keys.Minutes(id))).ToList();
        var tickers = ids.Select(id => tx.HashGetAllAsync(_keys.Ticker(id))).ToList();
        tx.Execute();
        var e = export.Result.ToDictionary(x => x.Name.ToString(), x => x.Value);
        _trades = ParseLong(e.GetValueOrDefault("trades"));
        _book = ParseLong(e.GetValueOrDefault("book"));
        _symbols.Clear();
        for (int i = 0; i < ids.Count; i++)
        {
            var state = State(ids[i]);
            foreach (var m in minutes[i].Result)
            {
                var parts = m.Value.ToString().Split(' ');
                if (parts.Length != 4) throw new ExportException($"redis {_keys.Minutes(ids[i])} field {m.Name}: \"{m.Value}\" is not \"volume high low trades\"");
                state.Window.Buckets[ParseLong(m.Name)] = new MinuteBucket(ParseLong(parts[0]), ParseLong(parts[1]), ParseLong(parts[2]), ParseLong(parts[3]));
            }
            var t = tickers[i].Result.ToDictionary(x => x.Name.ToString(), x => x.Value);
            state.Last = ParseLong(t.GetValueOrDefault("last"));
            state.LastQuantity = ParseLong(t.GetValueOrDefault("last_qty"));
            state.Bid = ParseLong(t.GetValueOrDefault("bid"));
            state.BidQuantity = ParseLong(t.GetValueOrDefault("bid_qty"));
            state.Ask = ParseLong(t.GetValueOrDefault("ask"));
            state.AskQuantity = ParseLong(t.GetValueOrDefault("ask_qty"));
        }
        _stale = false;
    }

    /// <summary>A number Redis holds for the sink; anything else there is not ours, and stops the export.</summary>
    public static long ParseLong(RedisValue value)
    {
        if (value.IsNull) return 0;
        if (long.TryParse(value.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return n;
        throw new ExportException($"redis holds \"{value}\" where the exporter keeps a number: not this exporter's data");
    }

    public void Dispose() => _connection?.Dispose();
}
