// Reading the engine's state: views for tools and tests, and the state hash that proves two engines
// (primary and standby, live and replayed) hold the same state. Not used on the hot path.
namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    public bool TryGetBalance(long account, int asset, out BalanceView balance)
    {
        int slot = AccountSlot(account);
        if (slot == None || (uint)asset >= (uint)_assets) { balance = default; return false; }
        int i = Balance(slot, asset);
        balance = new BalanceView(_available[i], _held[i]);
        return true;
    }

    public bool TryGetSymbol(int symbol, out SymbolSpec spec, out SymbolStatus status)
    {
        var book = BookOf(symbol);
        spec = book?.Spec ?? default;
        status = book?.Status ?? default;
        return book != null;
    }

    /// <summary>The name the symbol was added with (empty for an unknown symbol or one added without a name).</summary>
    public SymbolName SymbolNameOf(int symbol) => BookOf(symbol)?.Name ?? default;

    /// <summary>The ids of every symbol this engine trades, ascending.</summary>
    public IReadOnlyList<int> SymbolIds()
    {
        var ids = new List<int>();
        for (int s = 0; s < _books.Length; s++)
            if (_books[s] != null) ids.Add(s);
        return ids;
    }

    /// <summary>Every account in creation order; the fee account first.</summary>
    public IReadOnlyList<long> AccountIds()
    {
        var ids = new long[_accountCount];
        for (int i = 0; i < _accountCount; i++) ids[i] = _accounts[i].Id;
        return ids;
    }

    public bool TryGetOrder(long account, long clientOrderId, out OrderView order)
    {
        int accountSlot = AccountSlot(account);
        int slot = accountSlot == None ? None : _orderIndex.Find(accountSlot, clientOrderId);
        order = slot == None ? default : View(slot);
        return slot != None;
    }

    /// <summary>Resting orders of one side in priority order: best price first, oldest first within a price.</summary>
    public IReadOnlyList<OrderView> Orders(int symbol, Side side)
    {
        var result = new List<OrderView>();
        var book = BookOf(symbol);
        if (book == null) return result;
        BookSide levels = book.SideOf(side);
        foreach (int levelSlot in levels)
            for (int slot = _levels[levelSlot].Head; slot != None; slot = _orders[slot].Next)
                result.Add(View(slot));
        return result;
    }

    /// <summary>Price levels of one side, best first.</summary>
    public IReadOnlyList<LevelView> Levels(int symbol, Side side)
    {
        var result = new List<LevelView>();
        var book = BookOf(symbol);
        if (book == null) return result;
        BookSide levels = book.SideOf(side);
        foreach (int levelSlot in levels)
        {
            ref PriceLevel level = ref _levels[levelSlot];
            result.Add(new LevelView(level.Price, level.Quantity, level.Count));
        }
        return result;
    }

    private OrderView View(int slot)
    {
        ref Order o = ref _orders[slot];
        return new OrderView(o.OrderId, o.Account, o.ClientOrderId, o.Symbol, o.Side, o.IsMarket ? 0 : o.Price, o.Quantity, o.Filled,
            o.Held, o.SelfTrade, o.PostOnly, !o.Pending ? OrderType.Limit : o.IsMarket ? OrderType.Stop : OrderType.StopLimit,
            o.Pending ? _levels[o.Level].Price : 0, o.Pending || o.ExpireAt != 0 ? o.TimeInForce : TimeInForce.GoodTillCancel)
            { DisplayQuantity = o.Display, Shown = o.Display == 0 ? 0 : o.Shown };
    }

    /// <summary>Pending stops of one side in trigger order: nearest stop price first (buy: lowest, sell: highest), then
    /// oldest first.</summary>
    public IReadOnlyList<StopView> PendingStops(int symbol, Side side)
    {
        var result = new List<StopView>();
        var book = BookOf(symbol);
        if (book == null || side is not (Side.Buy or Side.Sell)) return result;
        BookSide stops = book.StopsOf(side);
        foreach (int levelSlot in stops)
        {
            ref PriceLevel level = ref _levels[levelSlot];
            for (int slot = level.Head; slot != None; slot = _orders[slot].Next)
            {
                ref Order o = ref _orders[slot];
                result.Add(new StopView(View(slot), o.IsMarket ? OrderType.Stop : OrderType.StopLimit, o.TimeInForce, level.Price));
            }
        }
        return result;
    }

    /// <summary>The symbol's last trade price (0 before its first trade): what stops trigger on.</summary>
    public long LastTradePrice(int symbol) => BookOf(symbol)?.LastPrice ?? 0;

    /// <summary>A 64-bit digest of all books, orders, balances and id counters, and (unless <paramref name="history"/> is
    /// false) of what the engine remembers for queries: each account's last sequenced client order id and the ring of
    /// recent orders; folded in a fixed order.</summary>
    public long StateHash(bool history = true)
    {
        var h = new StateHasher();
        for (int s = 0; s < _books.Length; s++)
        {
            var book = _books[s];
            if (book == null) continue;
            ref readonly SymbolSpec spec = ref book.Spec;
            h.Add(spec.Id); h.Add(spec.BaseAsset); h.Add(spec.QuoteAsset); h.Add(spec.TickSize); h.Add(spec.LotSize);
            h.Add(spec.MinQuantity); h.Add(spec.MaxQuantity); h.Add(spec.ReferencePrice); h.Add(spec.BandBps);
            h.Add(spec.MakerFeeBps); h.Add(spec.TakerFeeBps); h.Add(spec.MaxNotional); h.Add((long)book.Status);
            h.Add((long)book.Name.Words.Low); h.Add((long)book.Name.Words.High);
            AddSide(ref h, book.Bids);
            AddSide(ref h, book.Asks);
            h.Add(book.LastPrice);
            AddStops(ref h, book.BuyStops);
            AddStops(ref h, book.SellStops);
        }
        for (int a = 0; a < _accountCount; a++)
        {
            h.Add(_accounts[a].Id);
            h.Add(_accounts[a].OpenOrders);
            // Folded only for an account with a limit, so engines without limits hash as they always did.
            if (_accounts[a].RateInterval != 0)
            {
                h.Add(_accounts[a].RateInterval);
                h.Add(_accounts[a].RateTolerance);
                h.Add(_accounts[a].RateDue);
            }
            // Likewise only a permission other than Trade.
            if (_accounts[a].Permission != AccountPermission.Trade) h.Add(100 + (long)_accounts[a].Permission);
            for (int asset = 0; asset < _assets; asset++)
            {
                h.Add(_available[Balance(a, asset)]);
                h.Add(_held[Balance(a, asset)]);
            }
        }
        h.Add(_nextOrderId);
        h.Add(_nextTradeId);
        AddExpiries(ref h);
        if (history) AddHistory(ref h);
        return h.Value;
    }

    private void AddStops(ref StateHasher h, BookSide stops)
    {
        h.Add(stops.Count);
        foreach (int levelSlot in stops)
        {
            ref PriceLevel level = ref _levels[levelSlot];
            h.Add(level.Price); h.Add(level.Count);
            for (int slot = level.Head; slot != None; slot = _orders[slot].Next)
            {
                ref Order o = ref _orders[slot];
                h.Add(o.OrderId); h.Add(o.Account); h.Add(o.ClientOrderId); h.Add((long)o.Side); h.Add(o.IsMarket ? 0 : o.Price);
                h.Add(o.Quantity); h.Add(o.Held); h.Add((long)o.SelfTrade); h.Add(o.IsMarket ? 1 : 0); h.Add((long)o.TimeInForce);
            }
        }
    }

    private void AddSide(ref StateHasher h, BookSide side)
    {
        h.Add(side.Count);
        foreach (int levelSlot in side)
        {
            ref PriceLevel level = ref _levels[levelSlot];
            h.Add(level.Price); h.Add(level.Quantity); h.Add(level.Count);
            for (int slot = level.Head; slot != None; slot = _orders[slot].Next)
            {
                ref Order o = ref _orders[slot];
                h.Add(o.OrderId); h.Add(o.Account); h.Add(o.ClientOrderId); h.Add((long)o.Side); h.Add(o.Price);
                h.Add(o.Quantity); h.Add(o.Filled); h.Add(o.Held); h.Add((long)o.SelfTrade); h.Add(o.PostOnly ? 1 : 0);
                // An iceberg adds its display quantity and its slice (orders shown whole add nothing, as before icebergs).
                if (o.Display != 0) { h.Add(o.Display); h.Add(o.Shown); }
            }
        }
    }
}

/// <summary>An order-sensitive 64-bit fold (xxHash64's round function); stable across machines and runs.</summary>
internal struct StateHasher
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private ulong _h;
    public StateHasher() => _h = 0x27D4EB2F165667C5UL;

    public void Add(long value) => _h = System.Numerics.BitOperations.RotateLeft(_h ^ ((ulong)value * Prime2), 31) * Prime1;

    public readonly long Value
    {
        get
        {
            ulong h = _h;
            h ^= h >> 33; h *= Prime2; h ^= h >> 29; h *= Prime1; h ^= h >> 32;
            return (long)h;
        }
    }
}
