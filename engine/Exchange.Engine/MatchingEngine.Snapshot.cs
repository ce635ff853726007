// Capturing and restoring the engine's state. Capture copies the logical state (not the pools), so a
// restored engine may place orders in different slots but holds the same books, balances and priorities.
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>Captures and completes a snapshot on the calling thread.</summary>
    public EngineSnapshot Capture() => BeginCapture().Complete();

    /// <summary>The part of taking a snapshot that must happen on the engine thread: copying the pools as they are,
    /// at memory speed. <see cref="PendingSnapshot.Complete"/> then walks the copy, on any thread, while the
    /// engine goes on matching.</summary>
    public PendingSnapshot BeginCapture() => Pending(copyPools: true);

    /// <summary>The live state walked straight into a snapshot on the calling thread (which must be the engine's), without
    /// copying the pools first: the cost grows with the open orders, price levels and accounts in use, not with the
    /// configured capacities, whose copy (<see cref="BeginCapture"/>) costs the full pools every time. For a running
    /// engine's periodic snapshots, whose serialising and writing then happen on another thread.</summary>
    public EngineSnapshot CaptureLive() => Pending(copyPools: false).Complete();

    private PendingSnapshot Pending(bool copyPools)
    {
        var books = new List<(SnapshotSymbol Symbol, int[] Bids, int[] Asks, int[] BuyStops, int[] SellStops)>();
        foreach (var book in _books)
        {
            if (book == null) continue;
            books.Add((new SnapshotSymbol(book.Spec, book.Name, book.Status, book.LastBidPrice, book.LastBidQuantity, book.LastAskPrice, book.LastAskQuantity,
                book.LastPrice, book.SessionEnd), book.Bids.LevelsBestFirst(), book.Asks.LevelsBestFirst(), book.BuyStops.LevelsBestFirst(), book.SellStops.LevelsBestFirst()));
        }
        var accounts = new long[_accountCount];
        var lastIds = new long[_accountCount];
        var lastSequences = new long[_accountCount];
        var rateLimits = new long[3 * _accountCount];
        bool anyPermission = false;
        for (int i = 0; i < _accountCount; i++) anyPermission |= _accounts[i].Permission != AccountPermission.Trade;
        var permissions = anyPermission ? new AccountPermission[_accountCount] : [];
        for (int i = 0; i < _accountCount; i++)
        {
            if (anyPermission) permissions[i] = _accounts[i].Permission;
            accounts[i] = _accounts[i].Id;
            lastIds[i] = _accounts[i].LastClientOrderId;
            lastSequences[i] = _accounts[i].LastClientOrderSequence;
            rateLimits[3 * i] = _accounts[i].RateInterval;
            rateLimits[3 * i + 1] = _accounts[i].RateTolerance;
            rateLimits[3 * i + 2] = _accounts[i].RateDue;
        }
        return new PendingSnapshot(
            new EngineSnapshot
            {
                Sequence = _lastSequence, Timestamp = _timestamp, NextOrderId = _nextOrderId, NextTradeId = _nextTradeId, AssetCount = _assets,
                Symbols = [.. books.Select(b => b.Symbol)], Accounts = accounts,
                Available = _available.AsSpan(0, _accountCount * _assets).ToArray(),
                Held = _held.AsSpan(0, _accountCount * _assets).ToArray(),
                Orders = [], LastClientOrderIds = lastIds, LastClientOrderSequences = lastSequences, RecentOrders = RecentOrders(), RateLimits = rateLimits,
                Expiries = SnapshotExpiries(), Permissions = permissions,
            },
            books.Select(b => (b.Bids, b.Asks, b.BuyStops, b.SellStops)).ToArray(), copyPools ? (Order[])_orders.Clone() : _orders, copyPools ? (PriceLevel[])_levels.Clone() : _levels, OpenOrderCount);
    }

    /// <summary>Loads a snapshot into this engine, which must be new (no command applied yet). A snapshot that
    /// does not fit the engine's config or contradicts itself is an <see cref="InvalidDataException"/>.</summary>
    public void Restore(EngineSnapshot snapshot)
    {
        if (_lastSequence != 0 || _accountCount != 1) throw new InvalidOperationException("restore needs a new engine");
        if (snapshot.AssetCount != _assets) throw new InvalidDataException($"snapshot has {snapshot.AssetCount} assets, engine is configured for {_assets}");
        if (snapshot.Accounts.Length == 0 || snapshot.Accounts[0] != _config.FeeAccount)
            throw new InvalidDataException("snapshot's first account is not this engine's fee account");
        if (snapshot.Accounts.Length > _config.MaxAccounts) throw new InvalidDataException($"snapshot has {snapshot.Accounts.Length} accounts, more than MaxAccounts");
        if (snapshot.Orders.Length + snapshot.Stops.Length > _config.MaxOrders)
            throw new InvalidDataException($"snapshot has {snapshot.Orders.Length} orders and {snapshot.Stops.Length} stops, more than MaxOrders");

        foreach (var s in snapshot.Symbols)
        {
            if (s.Spec.Validate(_assets, _config.MaxSymbols) != RejectReason.None || _books[s.Spec.Id] != null || (s.SessionEnd != 0 && !SessionEnds.IsValid(s.SessionEnd)))
                throw new InvalidDataException($"snapshot symbol {s.Spec.Id} is invalid or repeated");
            var book = new OrderBook(s.Spec, s.Name, _config.InitialLevelsPerSide)
            {
                Status = s.Status, LastPrice = s.LastPrice, SessionEnd = s.SessionEnd,
                LastBidPrice = s.BidPrice, LastBidQuantity = s.BidQuantity, LastAskPrice = s.AskPrice, LastAskQuantity = s.AskQuantity,
            };
            _books[s.Spec.Id] = book;
        }
        for (int i = 1; i < snapshot.Accounts.Length; i++)
        {
            if (_accountIndex.Find(0, snapshot.Accounts[i]) != None) throw new InvalidDataException($"snapshot repeats account {snapshot.Accounts[i]}");
            CreateAccount(snapshot.Accounts[i]);
        }
        if (snapshot.LastClientOrderIds.Length != 0)
        {
            if (snapshot.LastClientOrderIds.Length != snapshot.Accounts.Length || snapshot.LastClientOrderSequences.Length != snapshot.Accounts.Length)
                throw new InvalidDataException("snapshot's last client order ids do not match its accounts");
            for (int i = 0; i < snapshot.Accounts.Length; i++)
            {
                _accounts[i].LastClientOrderId = snapshot.LastClientOrderIds[i];
                _accounts[i].LastClientOrderSequence = snapshot.LastClientOrderSequences[i];
            }
        }
        if (snapshot.RateLimits.Length != 0)
        {
            if (snapshot.RateLimits.Length != 3 * snapshot.Accounts.Length) throw new InvalidDataException("snapshot's rate limits do not match its accounts");
            for (int i = 0; i < snapshot.Accounts.Length; i++)
            {
                long interval = snapshot.RateLimits[3 * i], tolerance = snapshot.RateLimits[3 * i + 1];
                if (interval < 0 || tolerance < 0) throw new InvalidDataException($"snapshot account {snapshot.Accounts[i]} has a negative rate limit");
                _accounts[i].RateInterval = interval;
                _accounts[i].RateTolerance = tolerance;
                _accounts[i].RateDue = snapshot.RateLimits[3 * i + 2];
            }
        }
        if (snapshot.Permissions.Length != 0)
        {
            if (snapshot.Permissions.Length != snapshot.Accounts.Length) throw new InvalidDataException("snapshot's permissions do not match its accounts");
            for (int i = 0; i < snapshot.Accounts.Length; i++)
            {
                if (!AccountPermissions.IsValid(snapshot.Permissions[i])) throw new InvalidDataException($"snapshot account {snapshot.Accounts[i]} has permission {(byte)snapshot.Permissions[i]}");
                _accounts[i].Permission = snapshot.Permissions[i];
            }
        }
        // A ring larger than this engine's keeps its newest entries.
        var recent = snapshot.RecentOrders;
        for (int i = Math.Max(0, recent.Length - _finished.Length); i < recent.Length; i++) Remember(in recent[i]);
        snapshot.Available.CopyTo(_available, 0);
        snapshot.Held.CopyTo(_held, 0);

        // Orders come best price first, but a side in the sorted layout keeps its best level at the end of its array:
        // create each side's levels worst first, so every insert is an append rather than a shift of the whole array.
        for (int end = snapshot.Orders.Length; end > 0;)
        {
            int start = end - 1;
            var run = snapshot.Orders[start];
            while (start > 0 && snapshot.Orders[start - 1].Symbol == run.Symbol && snapshot.Orders[start - 1].Side == run.Side) start--;
            var book = BookOf(run.Symbol) ?? throw new InvalidDataException($"order {run.OrderId} on unknown symbol {run.Symbol}");
            if (run.Side is not (Side.Buy or Side.Sell)) throw new InvalidDataException($"order {run.OrderId} has no side");
            BookSide side = book.SideOf(run.Side);
            for (int i = end - 1; i >= start; i--)
            {
                long price = snapshot.Orders[i].Price;
                if (CheckPrice(price, book) != RejectReason.None) throw new InvalidDataException($"order {snapshot.Orders[i].OrderId} has a price off the symbol's ticks or band");
                if (side.Find(price, out int where) != None) continue;
                if (_freeLevels == 0) throw new InvalidDataException("snapshot needs more price levels than configured");
                side.Insert(where, price, AllocateLevel(price));
            }
            end = start;
        }

        // Rest every order in book priority order, then link accounts' lists in ascending order id, the order
        // they first rested in, so mass cancels cancel in the same order as before.
        var slots = new int[snapshot.Orders.Length];
        for (int i = 0; i < snapshot.Orders.Length; i++)
        {
            var s = snapshot.Orders[i];
            var book = BookOf(s.Symbol) ?? throw new InvalidDataException($"order {s.OrderId} on unknown symbol {s.Symbol}");
            int account = AccountSlot(s.Account);
            if (account == None || s.Side is not (Side.Buy or Side.Sell) || s.Quantity <= s.Filled || s.Filled < 0 || s.OrderId >= snapshot.NextOrderId)
                throw new InvalidDataException($"order {s.OrderId} is inconsistent");
            // An iceberg shows a slice of at least one unit and at most its display quantity and its leaves.
            if (s.Display < 0 || (s.Display == 0 ? s.Shown != 0 : s.Shown <= 0 || s.Shown > Math.Min(s.Display, s.Quantity - s.Filled)))
                throw new InvalidDataException($"order {s.OrderId} has an inconsistent display quantity");
            if (_orderIndex.Find(account, s.ClientOrderId) != None) throw new InvalidDataException($"order {s.OrderId} repeats a client order id");
            int slot = AllocateOrder();
            _orders[slot] = new Order
            {
                OrderId = s.OrderId, Account = s.Account, ClientOrderId = s.ClientOrderId, Price = s.Price, Quantity = s.Quantity, Filled = s.Filled,
                Held = s.Held, AccountSlot = account, Symbol = s.Symbol, Level = None, Prev = None, Next = None, AccountPrev = None, AccountNext = None,
                Side = s.Side, SelfTrade = s.SelfTrade, PostOnly = s.PostOnly, IsOpen = true, Display = s.Display, Shown = s.Shown,
            };
            _orderIndex.Add(account, s.ClientOrderId, slot);
            _accounts[account].OpenOrders++;
            JoinLevel(book, slot);
            slots[i] = slot;
        }
        // Pending stops, in trigger order per side: each joins the back of its stop price, which keeps that order.
        Array.Resize(ref slots, snapshot.Orders.Length + snapshot.Stops.Length);
        for (int i = 0; i < snapshot.Stops.Length; i++)
        {
            var s = snapshot.Stops[i];
            var book = BookOf(s.Symbol) ?? throw new InvalidDataException($"stop {s.OrderId} on unknown symbol {s.Symbol}");
            int account = AccountSlot(s.Account);
            bool market = s.Type == OrderType.Stop;
            if (account == None || s.Side is not (Side.Buy or Side.Sell) || s.Type is not (OrderType.Stop or OrderType.StopLimit) || s.Quantity <= 0
                || s.OrderId >= snapshot.NextOrderId || s.StopPrice <= 0 || (!market && s.Price <= 0)
                || s.TimeInForce is not (TimeInForce.GoodTillCancel or TimeInForce.ImmediateOrCancel or TimeInForce.Day or TimeInForce.GoodTillDate))
                throw new InvalidDataException($"stop {s.OrderId} is inconsistent");
            if (_orderIndex.Find(account, s.ClientOrderId) != None) throw new InvalidDataException($"stop {s.OrderId} repeats a client order id");
            if (CheckPrice(s.StopPrice, book) != RejectReason.None || (!market && CheckPrice(s.Price, book) != RejectReason.None)) throw new InvalidDataException($"stop {s.OrderId} has a price off the symbol's ticks or band");
            if (_freeLevels == 0 && book.StopsOf(s.Side).Find(s.StopPrice) == None) throw new InvalidDataException("snapshot needs more price levels than configured");
            int slot = AllocateOrder();
            _orders[slot] = new Order
            {
                OrderId = s.OrderId, Account = s.Account, ClientOrderId = s.ClientOrderId,
                Price = market ? (s.Side == Side.Buy ? book.BandHigh : book.BandLow) : s.Price, Quantity = s.Quantity, Filled = 0,
                Held = s.Held, AccountSlot = account, Symbol = s.Symbol, Level = None, Prev = None, Next = None, AccountPrev = None, AccountNext = None,
                Side = s.Side, SelfTrade = s.SelfTrade, IsMarket = market, IsOpen = true, Pending = true, TimeInForce = s.TimeInForce,
            };
            _orderIndex.Add(account, s.ClientOrderId, slot);
            _accounts[account].OpenOrders++;
            JoinStopLevel(book, slot, s.StopPrice);
            slots[snapshot.Orders.Length + i] = slot;
        }
        var orderIds = new long[slots.Length];
        for (int i = 0; i < slots.Length; i++) orderIds[i] = _orders[slots[i]].OrderId;
        Array.Sort(orderIds, slots);
        RestoreExpiries(snapshot.Expiries, orderIds, slots);
        foreach (int slot in slots)
        {
            ref Order o = ref _orders[slot];
            ref AccountState account = ref _accounts[o.AccountSlot];
            o.AccountPrev = account.LastOrder;
            if (account.LastOrder != None) _orders[account.LastOrder].AccountNext = slot; else account.FirstOrder = slot;
            account.LastOrder = slot;
        }
        _nextOrderId = snapshot.NextOrderId;
        _nextTradeId = snapshot.NextTradeId;
        _lastSequence = snapshot.Sequence;
        _timestamp = snapshot.Timestamp;
    }

    /// <summary>Appends an order at the back of its price level, creating the level if needed. Publishes nothing.</summary>
    private void JoinLevel(OrderBook book, int slot)
    {
        ref Order o = ref _orders[slot];
        AppendToLevel(book.SideOf(o.Side), slot, o.Price);
    }

    /// <summary>Appends an order at the back of <paramref name="price"/>'s level of <paramref name="side"/> (a book side,
    /// or a symbol's pending stops of one side), creating the level if needed. Publishes nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AppendToLevel(BookSide side, int slot, long price)
    {
        ref Order o = ref _orders[slot];
        int levelSlot = side.Find(price, out int where);
        if (levelSlot == None)
        {
            levelSlot = AllocateLevel(price);
            side.Insert(where, price, levelSlot);
        }
        ref PriceLevel level = ref _levels[levelSlot];
        o.Prev = level.Tail;
        o.Next = None;
        if (level.Tail != None) _orders[level.Tail].Next = slot; else level.Head = slot;
        level.Tail = slot;
        level.Count++;
        level.Quantity += o.Visible;
        o.Level = levelSlot;
    }
}

/// <summary>A snapshot whose pools have been copied but not yet walked.</summary>
public sealed class PendingSnapshot
{
    private const int None = -1;
    private readonly EngineSnapshot _header;
    private readonly (int[] Bids, int[] Asks, int[] BuyStops, int[] SellStops)[] _sides;
    private readonly Order[] _orders;
    private readonly PriceLevel[] _levels;
    private readonly int _openOrders;

    internal PendingSnapshot(EngineSnapshot header, (int[] Bids, int[] Asks, int[] BuyStops, int[] SellStops)[] sides, Order[] orders, PriceLevel[] levels, int openOrders)
    {
        _header = header;
        _sides = sides;
        _orders = orders;
        _levels = levels;
        _openOrders = openOrders;
    }

    public long Sequence => _header.Sequence;

    /// <summary>Walks the copied books in priority order into the snapshot. Safe on any thread.</summary>
    public EngineSnapshot Complete()
    {
        var orders = new SnapshotOrder[_openOrders];
        var stops = new List<SnapshotStop>();
        int n = 0;
        foreach (var (_, _, buyStops, sellStops) in _sides)
            foreach (int[] side in (ReadOnlySpan<int[]>)[buyStops, sellStops])
                foreach (int level in side)
                    for (int slot = _levels[level].Head; slot != None; slot = _orders[slot].Next)
                    {
                        ref Order o = ref _orders[slot];
                        stops.Add(new SnapshotStop(o.OrderId, o.Account, o.ClientOrderId, o.Symbol, o.Side, o.IsMarket ? OrderType.Stop : OrderType.StopLimit,
                            o.TimeInForce, _levels[level].Price, o.IsMarket ? 0 : o.Price, o.Quantity, o.Held, o.SelfTrade));
                    }
        foreach (var (bids, asks, _, _) in _sides)
            foreach (int[] side in (ReadOnlySpan<int[]>)[bids, asks])
                foreach (int level in side)
                    for (int slot = _levels[level].Head; slot != None; slot = _orders[slot].Next)
                    {
                        ref Order o = ref _orders[slot];
                        orders[n++] = new SnapshotOrder(o.OrderId, o.Account, o.ClientOrderId, o.Symbol, o.Side, o.Price, o.Quantity, o.Filled,
                            o.Held, o.SelfTrade, o.PostOnly, o.Display, o.Display == 0 ? 0 : o.Shown);
                    }
        return new EngineSnapshot
        {
            Sequence = _header.Sequence, Timestamp = _header.Timestamp, NextOrderId = _header.NextOrderId, NextTradeId = _header.NextTradeId,
            AssetCount = _header.AssetCount, Symbols = _header.Symbols, Accounts = _header.Accounts, Available = _header.Available,
            Held = _header.Held, Orders = n == orders.Length ? orders : orders[..n],
            LastClientOrderIds = _header.LastClientOrderIds, LastClientOrderSequences = _header.LastClientOrderSequences, RecentOrders = _header.RecentOrders,
            Stops = [.. stops], RateLimits = _header.RateLimits, Expiries = _header.Expiries, Permissions = _header.Permissions,
        };
    }
}
