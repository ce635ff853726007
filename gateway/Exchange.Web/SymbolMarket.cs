// One symbol's public market as exchange-web keeps it on its engine thread: the L2 book built from the engine's level
// updates, checked against every best-bid-offer the engine sends (a top of book that disagrees means updates were
// lost: the top is repaired from it at once, and the whole book rebuilt from the engine's book snapshot when that
// comes), recent trades, the ticker and candles built from trades on the sequencer's timestamps.
using Exchange.Contract;

namespace Exchange.Web;

/// <summary>A symbol as the web shows it: the engine's reference data and the decimals its integers have.</summary>
public sealed record WebSymbol(string Name, int Id, int PriceDecimals, int QuantityDecimals, string BaseAsset, int BaseAssetId,
    int BaseDecimals, string QuoteAsset, int QuoteAssetId, int QuoteDecimals, SymbolReference Reference)
{
    public static WebSymbol? From(SymbolReference r) => r.PriceDecimals is { } pd
        ? new(r.Name, r.Id, pd, r.QuantityDecimals, r.BaseAsset, r.Spec.BaseAsset, r.BaseDecimals, r.QuoteAsset, r.Spec.QuoteAsset, r.QuoteDecimals, r)
        : null;

    public string Price(long price) => Units.Format(price, PriceDecimals);
    public string Quantity(long quantity) => Units.Format(quantity, QuantityDecimals);
}

public readonly record struct Level(long Price, long Quantity, int Orders);

public readonly record struct TradePrint(long Sequence, long Timestamp, long TradeId, long Price, long Quantity, Side Aggressor);

public struct Candle
{
    public long Start, Open, High, Low, Close, Volume;
    public int Trades;
}

/// <summary>Candles of one interval in a ring that keeps the configured window.</summary>
public sealed class CandleSeries(string name, long intervalNanos, int capacity)
{
    private readonly Candle[] _ring = new Candle[capacity];
    private int _count, _head;

    public string Name { get; } = name;
    public long IntervalNanos { get; } = intervalNanos;
    public int Count => _count;

    /// <summary>Adds a trade; returns the candle it went into.</summary>
    public Candle Add(long timestamp, long price, long quantity)
    {
        long start = timestamp - timestamp % IntervalNanos;
        ref var last = ref _ring[(_head + _count - 1 + _ring.Length) % _ring.Length];
        if (_count > 0 && last.Start == start)
        {
            last.High = Math.Max(last.High, price);
            last.Low = Math.Min(last.Low, price);
            last.Close = price;
            last.Volume += quantity;
            last.Trades++;
            return last;
        }
        // Sequencer time only moves forward, so a trade is in the newest candle or starts the next one.
        var candle = new Candle { Start = start, Open = price, High = price, Low = price, Close = price, Volume = quantity, Trades = 1 };
        if (_count < _ring.Length) _ring[(_head + _count++) % _ring.Length] = candle;
        else
        {
            _ring[_head] = candle;
            _head = (_head + 1) % _ring.Length;
        }
        return candle;
    }

    /// <summary>The newest <paramref name="limit"/> candles, oldest first.</summary>
    public IEnumerable<Candle> Newest(int limit)
    {
        int n = Math.Min(limit, _count);
        for (int i = _count - n; i < _count; i++) yield return _ring[(_head + i) % _ring.Length];
    }
}

public sealed class SymbolMarket
{
    public static readonly (string Name, long Nanos)[] Intervals = [("1m", 60_000_000_000L), ("5m", 300_000_000_000L), ("1h", 3_600_000_000_000L)];

    // Bids best (highest) first, asks best (lowest) first.
    private readonly SortedDictionary<long, Level> _bids = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<long, Level> _asks = new();
    private readonly TradePrint[] _trades;
    private int _tradeCount, _tradeHead;

    public SymbolMarket(WebSymbol symbol, int recentTrades, int candleWindowMinutes)
    {
        Symbol = symbol;
        Status = symbol.Reference.Status;
        _trades = new TradePrint[recentTrades];
        Candles = [.. Intervals.Select(i => new CandleSeries(i.Name, i.Nanos, Math.Max(2, (int)(candleWindowMinutes * 60_000_000_000L / i.Nanos))))];
    }

    public WebSymbol Symbol { get; }
    public SymbolStatus Status { get; set; }
    /// <summary>Counts the inputs that changed this book; every book frame carries it, so a subscriber sees a gap.</summary>
    public long Version { get; private set; }
    public long Sequence { get; private set; }
    public long Timestamp { get; private set; }
    public BestBidOffer Top { get; private set; }
    public TradePrint? LastTrade { get; private set; }
    public CandleSeries[] Candles { get; }
    /// <summary>Top-of-book disagreements found (each a sign that level updates were lost) and repaired.</summary>
    public long Repairs { get; private set; }

    /// <summary>Levels changed by the input being applied, for the increment frame.</summary>
    public List<(Side Side, Level Level)> Pending { get; } = [];

    public CandleSeries? Series(string interval) => Array.Find(Candles, c => c.Name == interval);

    /// <summary>The book snapshot asked of the engine and not yet in (its request id), if any.</summary>
    public ulong? RebuildRequest { get; set; }
    /// <summary>The sequence of the last book snapshot applied: level updates and tops at or below it are in the book already.</summary>
    public long SnapshotSequence { get; private set; }
    /// <summary>Books rebuilt from the engine's snapshot.</summary>
    public long Rebuilds { get; private set; }
    private readonly List<(long Sequence, Side Side, Level Level)> _sinceRequest = [];
    private readonly List<(Side Side, Level Level)> _snapshot = [];

    /// <summary>One level of the book snapshot coming in.</summary>
    public void AddSnapshotLevel(Side side, long price, long quantity, int orders) => _snapshot.Add((side, new Level(price, quantity, orders)));

    /// <summary>The book snapshot is complete, as after <paramref name="sequence"/>: the book becomes it, plus the level
    /// updates of later sequences that already came (the snapshot comes on the response stream, the updates on the
    /// market-data stream, so either may be ahead); updates of its sequence or earlier that come later are ignored.</summary>
    public void Rebuild(long sequence)
    {
        _bids.Clear();
        _asks.Clear();
        foreach (var (side, level) in _snapshot) (side == Side.Buy ? _bids : _asks)[level.Price] = level;
        foreach (var (s, side, level) in _sinceRequest)
        {
            if (s <= sequence) continue;
            var book = side == Side.Buy ? _bids : _asks;
            if (level.Quantity == 0) book.Remove(level.Price);
            else book[level.Price] = level;
        }
        _snapshot.Clear();
        _sinceRequest.Clear();
        SnapshotSequence = Math.Max(SnapshotSequence, sequence);
        RebuildRequest = null;
        Rebuilds++;
        Version++;
    }

    /// <summary>The snapshot will not come (the engine session was lost).</summary>
    public void AbandonRebuild()
    {
        _snapshot.Clear();
        _sinceRequest.Clear();
        RebuildRequest = null;
    }

    public void ApplyLevel(long sequence, long timestamp, Side side, long price, long quantity, int orders)
    {
        if (sequence <= SnapshotSequence) return;
        if (RebuildRequest != null) _sinceRequest.Add((sequence, side, new Level(price, quantity, orders)));
        var book = side == Side.Buy ? _bids : _asks;
        if (quantity == 0) book.Remove(price);
        else book[price] = new Level(price, quantity, orders);
        Sequence = sequence;
        if (timestamp != 0) Timestamp = timestamp;
        Pending.Add((side, new Level(price, quantity, orders)));
    }

    /// <summary>Ends an input's changes: the version moves on if anything changed.</summary>
    public bool EndInput()
    {
        if (Pending.Count == 0) return false;
        Version++;
        return true;
    }

    /// <summary>The engine's top of book after an input; when the book disagrees (level updates were lost) the levels
    /// better than the engine's best are dropped and the best set to its quantity. Returns whether a repair was needed.</summary>
    public bool CheckTop(long sequence, in BestBidOffer top)
    {
        if (sequence <= SnapshotSequence) return false;
        Top = top;
        Sequence = sequence;
        bool repaired = Repair(_bids, top.BidPrice, top.BidQuantity, Side.Buy) | Repair(_asks, top.AskPrice, top.AskQuantity, Side.Sell);
        if (repaired) Repairs++;
        return repaired;
    }

    private bool Repair(SortedDictionary<long, Level> book, long bestPrice, long bestQuantity, Side side)
    {
        bool changed = false;
        while (book.Count > 0)
        {
            var best = book.First().Value;
            bool better = bestQuantity == 0 || (side == Side.Buy ? best.Price > bestPrice : best.Price < bestPrice);
            if (!better) break;
            book.Remove(best.Price);
            Pending.Add((side, best with { Quantity = 0, Orders = 0 }));
            changed = true;
        }
        if (bestQuantity != 0 && (!book.TryGetValue(bestPrice, out var level) || level.Quantity != bestQuantity))
        {
            var fixedLevel = new Level(bestPrice, bestQuantity, Math.Max(1, level.Orders));
            book[bestPrice] = fixedLevel;
            Pending.Add((side, fixedLevel));
            changed = true;
        }
        return changed;
    }

    public IEnumerable<Level> Bids(int depth) => depth <= 0 ? _bids.Values : _bids.Values.Take(depth);
    public IEnumerable<Level> Asks(int depth) => depth <= 0 ? _asks.Values : _asks.Values.Take(depth);
    public int BidLevels => _bids.Count;
    public int AskLevels => _asks.Count;

    public TradePrint AddTrade(long sequence, long timestamp, in Trade trade)
    {
        var print = new TradePrint(sequence, timestamp, trade.TradeId, trade.Price, trade.Quantity, trade.AggressorSide);
        if (_tradeCount < _trades.Length) _trades[(_tradeHead + _tradeCount++) % _trades.Length] = print;
        else
        {
            _trades[_tradeHead] = print;
            _tradeHead = (_tradeHead + 1) % _trades.Length;
        }
        LastTrade = print;
        Sequence = sequence;
        if (timestamp != 0) Timestamp = timestamp;
        return print;
    }

    /// <summary>The newest <paramref name="limit"/> trades, oldest first.</summary>
    public IEnumerable<TradePrint> RecentTrades(int limit)
    {
        int n = Math.Min(limit, _tradeCount);
        for (int i = _tradeCount - n; i < _tradeCount; i++) yield return _trades[(_tradeHead + i) % _trades.Length];
    }
}
