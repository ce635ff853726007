// Order entry: new, cancel, replace and mass cancel, and the bookkeeping of an order's life
// (resting, leaving the book, returning its slot).
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    public void Apply(long sequence, long timestamp, in NewOrder c)
    {
        Sequence(sequence, timestamp);
        int account = AccountSlot(c.Account);
        OrderBook? book = BookOf(c.Symbol);
        long hold = 0, expireAt = 0;
        var reason = account == None ? RejectReason.UnknownAccount
            : !MayPlace(account) ? RejectReason.NotPermitted
            : book == null ? RejectReason.UnknownSymbol
            : OverRateLimit(account, timestamp) ? RejectReason.RateLimited
            : CheckNewOrder(in c, book, account, out hold);
        if (reason == RejectReason.None) reason = CheckExpiry(in c, book!, out expireAt);
        if (account != None) NoteClientOrder(account, c.ClientOrderId);
        if (reason != RejectReason.None)
        {
            if (account != None) RecordRejected(c.Account, c.ClientOrderId, c.Symbol, c.Side, c.Price, c.Quantity, reason);
            Reject(CommandKind.NewOrder, c.Account, c.ClientOrderId, c.Symbol, reason);
            return;
        }
        ref readonly SymbolSpec spec = ref book!.Spec;
        bool stop = c.Type is OrderType.Stop or OrderType.StopLimit;
        bool market = c.Type is OrderType.Market or OrderType.Stop;
        bool buy = c.Side == Side.Buy;

        int slot = Rests(c.TimeInForce) || stop ? AllocateOrder() : TakerSlot;
        ref Order o = ref _orders[slot];
        o.OrderId = _nextOrderId++;
        o.Account = c.Account;
        o.ClientOrderId = c.ClientOrderId;
        o.Price = market ? (buy ? book.BandHigh : book.BandLow) : c.Price;
        o.Quantity = c.Quantity;
        o.Filled = 0;
        o.Held = hold;
        o.AccountSlot = account;
        o.Symbol = c.Symbol;
        o.Level = None;
        o.Prev = None;
        o.Next = None;
        o.AccountPrev = None;
        o.AccountNext = None;
        o.Side = c.Side;
        o.SelfTrade = c.SelfTrade;
        o.PostOnly = c.PostOnly;
        o.IsMarket = market;
        o.IsOpen = false;
        o.Ended = 0;
        o.Pending = stop;
        o.TimeInForce = c.TimeInForce;
        o.Display = c.DisplayQuantity;
        o.Shown = 0;
        o.ExpireAt = expireAt;
        o.ExpiryPosition = 0;

        _output.OnAccepted(new OrderAccepted(c.Account, c.ClientOrderId, o.OrderId, c.Symbol, c.Side, c.Type,
            c.TimeInForce, market ? 0 : c.Price, c.Quantity, stop ? c.StopPrice : 0, c.DisplayQuantity));
        int asset = buy ? spec.QuoteAsset : spec.BaseAsset;
        int i = Balance(account, asset);
        _available[i] -= hold;
        _held[i] += hold;
        EmitBalance(account, asset);
        if (stop)
        {
            // Its condition does not hold (checked), so it waits; nothing of the book changed.
            JoinStops(book, slot, c.StopPrice);
            if (expireAt != 0) JoinExpiries(slot);
            return;
        }

        bool cancelled = !c.PostOnly && Match(book, slot);
        if (!cancelled)
        {
            if (o.Leaves > 0)
            {
                if (Rests(c.TimeInForce))
                {
                    Rest(book, slot);
                    if (expireAt != 0) JoinExpiries(slot);
                    EmitBestBidOfferIfChanged(book);
                    if (book.HasStops) RunStops(book);
                    return;
                }
                CancelTaker(book, ref o, market ? CancelReason.MarketRemainder : CancelReason.ImmediateOrCancelRemainder);
            }
            else if (market && buy)
            {
                ReleaseHold(book, ref o);
            }
        }
        Retire(slot);
        EmitBestBidOfferIfChanged(book);
        if (book.HasStops) RunStops(book);
    }

    private RejectReason CheckNewOrder(in NewOrder c, OrderBook book, int account, out long hold)
    {
        hold = 0;
        ref readonly SymbolSpec spec = ref book.Spec;
        if (book.Status == SymbolStatus.Halted) return RejectReason.SymbolHalted;
        if (c.Side is not (Side.Buy or Side.Sell)) return RejectReason.InvalidSide;
        if (c.Type is not (OrderType.Limit or OrderType.Market or OrderType.Stop or OrderType.StopLimit)) return RejectReason.InvalidOrderType;
        bool stop = c.Type is OrderType.Stop or OrderType.StopLimit;
        bool market = c.Type is OrderType.Market or OrderType.Stop;
        bool buy = c.Side == Side.Buy;
        if ((market || stop) && c.PostOnly) return RejectReason.InvalidOrderType;
        if (c.TimeInForce is not (TimeInForce.GoodTillCancel or TimeInForce.ImmediateOrCancel or TimeInForce.FillOrKill or TimeInForce.Day or TimeInForce.GoodTillDate)) return RejectReason.InvalidTimeInForce;
        if (market && c.TimeInForce != TimeInForce.ImmediateOrCancel) return RejectReason.InvalidTimeInForce;
        if (stop && c.TimeInForce == TimeInForce.FillOrKill) return RejectReason.InvalidTimeInForce;
        if (c.PostOnly && !Rests(c.TimeInForce)) return RejectReason.InvalidTimeInForce;
        if (c.SelfTrade > SelfTradePrevention.Decrement) return RejectReason.InvalidSelfTradePrevention;
        var reason = CheckQuantity(c.Quantity, in spec);
        if (reason != RejectReason.None) return reason;
        if (c.DisplayQuantity != 0 && (reason = CheckIceberg(in c, in spec)) != RejectReason.None) return reason;
        if (stop && CheckPrice(c.StopPrice, book) != RejectReason.None) return RejectReason.InvalidStopPrice;
        long lots = c.Quantity / spec.LotSize;
        long budget = 0;
        if (market)
        {
            if (buy)
            {
                // A market buy that names no budget gets what its whole quantity costs at the top of the band.
                budget = c.QuoteBudget == 0 ? Risk.MarketBuyBudget(book.BandHigh, c.Quantity, spec.LotSize, spec.TakerFeeBps) : c.QuoteBudget;
                if (budget <= 0 || budget > Limits.MaxAmount) return RejectReason.InvalidQuoteBudget;
            }
            if ((buy ? budget : spec.ReferencePrice * lots) > spec.MaxNotional) return RejectReason.NotionalAboveLimit;
        }
        else
        {
            reason = CheckPrice(c.Price, book);
            if (reason != RejectReason.None) return reason;
            if (c.Price * lots > spec.MaxNotional) return RejectReason.NotionalAboveLimit;
        }
        if (_orderIndex.Find(account, c.ClientOrderId) != None) return RejectReason.DuplicateClientOrderId;
        PrefetchNextClientOrder(account, c.ClientOrderId);
        if (Rests(c.TimeInForce) || stop)
        {
            if (_accounts[account].OpenOrders >= _config.MaxOpenOrdersPerAccount) return RejectReason.TooManyOpenOrders;
            if (_freeOrders == 0) return RejectReason.OrderCapacityExhausted;
            // A pending stop takes a level of its symbol's stops at its stop price; a limit order one of the book.
            if (_freeLevels == 0 && (stop ? book.StopsOf(c.Side).Find(c.StopPrice) : book.SideOf(c.Side).Find(c.Price)) == None)
                return RejectReason.PriceLevelCapacityExhausted;
        }
        hold = !buy ? c.Quantity : market ? budget : Risk.BuyHold(c.Price, c.Quantity, spec.LotSize, book.MaxFeeBps);
        if (_available[Balance(account, buy ? spec.QuoteAsset : spec.BaseAsset)] < hold) return RejectReason.InsufficientFunds;
        if (c.PostOnly && WouldTake(book, c.Side, c.Price)) return RejectReason.PostOnlyWouldTake;
        if (c.TimeInForce == TimeInForce.FillOrKill && !FillOrKillFillable(book, c.Side, c.Price, c.Quantity, account, c.SelfTrade))
            return RejectReason.FillOrKillNotFillable;
        if (stop && OrderBook.Triggers(c.Side, c.StopPrice, book.LastPrice)) return RejectReason.StopWouldTrigger;
        return RejectReason.None;
    }

    private static RejectReason CheckQuantity(long quantity, in SymbolSpec spec)
    {
        if (quantity <= 0) return RejectReason.InvalidQuantity;
        if (quantity % spec.LotSize != 0) return RejectReason.QuantityOffLot;
        if (quantity < spec.MinQuantity) return RejectReason.QuantityBelowMinimum;
        if (quantity > spec.MaxQuantity) return RejectReason.QuantityAboveMaximum;
        return RejectReason.None;
    }

    private static RejectReason CheckPrice(long price, OrderBook book)
    {
        if (price <= 0) return RejectReason.InvalidPrice;
        if (price % book.Spec.TickSize != 0) return RejectReason.PriceOffTick;
        if (price < book.BandLow || price > book.BandHigh) return RejectReason.PriceOutsideBand;
        return RejectReason.None;
    }

    private bool WouldTake(OrderBook book, Side side, long price)
    {
        BookSide opposite = book.Opposite(side);
        return opposite.Count > 0 && OrderBook.Crosses(side, price, _levels[opposite.Best].Price);
    }

    public void Apply(long sequence, long timestamp, in CancelOrder c)
    {
        Sequence(sequence, timestamp);
        int account = AccountSlot(c.Account);
        var reason = account == None ? RejectReason.UnknownAccount : !MayCancel(account) ? RejectReason.NotPermitted : RejectReason.None;
        int slot = reason == RejectReason.None ? _orderIndex.Find(account, c.ClientOrderId) : None;
        if (slot == None)
        {
            Reject(CommandKind.CancelOrder, c.Account, c.ClientOrderId, -1, reason == RejectReason.None ? RejectReason.UnknownOrder : reason);
            return;
        }
        OrderBook book = _books[_orders[slot].Symbol]!;
        CancelResting(book, slot, CancelReason.ByClient);
        EmitBestBidOfferIfChanged(book);
    }

    public void Apply(long sequence, long timestamp, in ReplaceOrder c)
    {
        Sequence(sequence, timestamp);
        int account = AccountSlot(c.Account);
        int slot = account == None ? None : _orderIndex.Find(account, c.OrigClientOrderId);
        var reason = account == None ? RejectReason.UnknownAccount
            : !MayPlace(account) ? RejectReason.NotPermitted
            : slot == None ? RejectReason.UnknownOrder
            : _orders[slot].Pending ? RejectReason.PendingStopNotReplaceable
            : OverRateLimit(account, timestamp) ? RejectReason.RateLimited
            : CheckReplace(in c, slot);
        if (account != None) NoteClientOrder(account, c.ClientOrderId);
        if (reason != RejectReason.None)
        {
            if (account != None) RecordRejected(c.Account, c.ClientOrderId, slot == None ? -1 : _orders[slot].Symbol,
                slot == None ? Side.None : _orders[slot].Side, c.Price, c.Quantity, reason);
            Reject(CommandKind.ReplaceOrder, c.Account, c.OrigClientOrderId, -1, reason);
            return;
        }
        ref Order o = ref _orders[slot];
        OrderBook book = _books[o.Symbol]!;
        if (c.Quantity <= o.Filled)
        {
            CancelResting(book, slot, CancelReason.ReplacedBelowFilled);
            EmitBestBidOfferIfChanged(book);
            return;
        }

        bool keepPriority = c.Price == o.Price && c.Quantity <= o.Quantity;
        long oldLeaves = o.Visible;
        if (c.ClientOrderId != c.OrigClientOrderId)
        {
            _orderIndex.Remove(account, c.OrigClientOrderId);
            _orderIndex.Add(account, c.ClientOrderId, slot);
            o.ClientOrderId = c.ClientOrderId;
        }
        o.Quantity = c.Quantity;
        long newHeld = RequiredHold(book, ref o, c.Price);
        int asset = HoldAsset(book, o.Side);
        int i = Balance(o.AccountSlot, asset);
        _available[i] -= newHeld - o.Held;
        _held[i] += newHeld - o.Held;
        o.Held = newHeld;
        _output.OnReplaced(new OrderReplaced(c.Account, c.OrigClientOrderId, c.ClientOrderId, o.OrderId, o.Symbol, o.Side,
            c.Price, c.Quantity, o.Leaves, keepPriority));
        EmitBalance(o.AccountSlot, asset);

        ref PriceLevel level = ref _levels[o.Level];
        if (keepPriority)
        {
            // An iceberg keeps its slice, cut to its new leaves if they are fewer.
            if (o.Display != 0) o.Shown = Math.Min(o.Shown, o.Leaves);
            level.Quantity -= oldLeaves - o.Visible;
            EmitLevel(book, o.Side, ref level);
            EmitBestBidOfferIfChanged(book);
            return;
        }
        level.Quantity -= oldLeaves;
        LeaveLevel(book, slot);
        o.Price = c.Price;
        bool cancelled = Match(book, slot);
        if (!cancelled && o.Leaves > 0) Rest(book, slot);
        else Retire(slot);
        EmitBestBidOfferIfChanged(book);
        if (book.HasStops) RunStops(book);
    }

    private RejectReason CheckReplace(in ReplaceOrder c, int slot)
    {
        ref Order o = ref _orders[slot];
        OrderBook book = _books[o.Symbol]!;
        ref readonly SymbolSpec spec = ref book.Spec;
        if (book.Status == SymbolStatus.Halted) return RejectReason.SymbolHalted;
        var reason = CheckQuantity(c.Quantity, in spec);
        if (reason == RejectReason.None) reason = CheckPrice(c.Price, book);
        if (reason != RejectReason.None) return reason;
        if (c.Price * (c.Quantity / spec.LotSize) > spec.MaxNotional) return RejectReason.NotionalAboveLimit;
        if (c.ClientOrderId != c.OrigClientOrderId)
        {
            if (_orderIndex.Find(o.AccountSlot, c.ClientOrderId) != None) return RejectReason.DuplicateClientOrderId;
            PrefetchNextClientOrder(o.AccountSlot, c.ClientOrderId);
        }
        if (c.Quantity <= o.Filled) return RejectReason.None;
        long newLeaves = c.Quantity - o.Filled;
        long newHeld = o.Side == Side.Buy ? Risk.BuyHold(c.Price, newLeaves, spec.LotSize, book.MaxFeeBps) : newLeaves;
        if (newHeld - o.Held > _available[Balance(o.AccountSlot, HoldAsset(book, o.Side))]) return RejectReason.InsufficientFunds;
        if (o.PostOnly && c.Price != o.Price && WouldTake(book, o.Side, c.Price)) return RejectReason.PostOnlyWouldTake;
        // Moving to a new price may need a level: only if none is free, none exists there, and leaving
        // the current level will not free one.
        bool keepPriority = c.Price == o.Price && c.Quantity <= o.Quantity;
        if (!keepPriority && _freeLevels == 0 && _levels[o.Level].Count > 1 && book.SideOf(o.Side).Find(c.Price) == None)
            return RejectReason.PriceLevelCapacityExhausted;
        return RejectReason.None;
    }

    public void Apply(long sequence, long timestamp, in MassCancel c)
    {
        Sequence(sequence, timestamp);
        int account = AccountSlot(c.Account);
        var reason = account == None ? RejectReason.UnknownAccount
            : !MayCancel(account) ? RejectReason.NotPermitted
            : c.Symbol != -1 && BookOf(c.Symbol) == null ? RejectReason.UnknownSymbol
            : c.Side is not (Side.None or Side.Buy or Side.Sell) ? RejectReason.InvalidSide
            : RejectReason.None;
        if (reason != RejectReason.None)
        {
            Reject(CommandKind.MassCancel, c.Account, 0, c.Symbol, reason);
            return;
        }
        int count = 0;
        // The account's list is in the order its orders first rested, which is ascending order id.
        for (int slot = _accounts[account].FirstOrder; slot != None;)
        {
            ref Order o = ref _orders[slot];
            int next = o.AccountNext;
            if ((c.Symbol == -1 || o.Symbol == c.Symbol) && (c.Side == Side.None || o.Side == c.Side))
            {
                OrderBook book = _books[o.Symbol]!;
                CancelResting(book, slot, CancelReason.MassCancel);
                EmitBestBidOfferIfChanged(book);
                count++;
            }
            slot = next;
        }
        _output.OnMassCancelled(new MassCancelled(c.Account, c.Symbol, c.Side, count));
    }

    // ---- an order's life ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HoldAsset(OrderBook book, Side side) => side == Side.Buy ? book.Spec.QuoteAsset : book.Spec.BaseAsset;

    /// <summary>What the order must hold for its leaves at <paramref name="price"/>; a market buy keeps its budget.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long RequiredHold(OrderBook book, ref Order o, long price) =>
        o.Side == Side.Sell ? o.Leaves
        : o.IsMarket ? o.Held
        : Risk.BuyHold(price, o.Leaves, book.Spec.LotSize, book.MaxFeeBps);

    /// <summary>Adjusts the hold to what the leaves now require, returning the difference to available.</summary>
    private void RecomputeHold(OrderBook book, ref Order o)
    {
        long required = RequiredHold(book, ref o, o.Price);
        int i = Balance(o.AccountSlot, HoldAsset(book, o.Side));
        _held[i] -= o.Held - required;
        _available[i] += o.Held - required;
        o.Held = required;
        EmitBalance(o.AccountSlot, HoldAsset(book, o.Side));
    }

    private void ReleaseHold(OrderBook book, ref Order o)
    {
        int asset = HoldAsset(book, o.Side);
        int i = Balance(o.AccountSlot, asset);
        _held[i] -= o.Held;
        _available[i] += o.Held;
        o.Held = 0;
        EmitBalance(o.AccountSlot, asset);
    }

    /// <summary>Cancels a resting order: event, hold back to available, out of its level and account.</summary>
    private void CancelResting(OrderBook book, int slot, CancelReason reason)
    {
        ref Order o = ref _orders[slot];
        o.Ended = reason;
        _output.OnCancelled(new OrderCancelled(o.Account, o.ClientOrderId, o.OrderId, o.Symbol, o.Side, reason, o.Leaves, o.Filled));
        ReleaseHold(book, ref o);
        if (o.Pending)
        {
            // A pending stop is not in the book: nothing for market data.
            LeaveStops(book, slot);
            Retire(slot);
            return;
        }
        _levels[o.Level].Quantity -= o.Visible;
        LeaveLevel(book, slot);
        Retire(slot);
    }

    /// <summary>Unlinks an order whose quantity the level no longer counts; publishes the level and drops it if empty.</summary>
    private void LeaveLevel(OrderBook book, int slot)
    {
        ref Order o = ref _orders[slot];
        int levelSlot = o.Level;
        ref PriceLevel level = ref _levels[levelSlot];
        Unlink(ref level, slot);
        EmitLevel(book, o.Side, ref level);
        DropIfEmpty(book.SideOf(o.Side), levelSlot);
    }

    /// <summary>Removes a level left with no order from <paramref name="side"/> and returns it to the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void DropIfEmpty(BookSide side, int levelSlot)
    {
        ref PriceLevel level = ref _levels[levelSlot];
        if (level.Count != 0) return;
        side.Remove(level.Price);
        FreeLevel(levelSlot);
    }

    private void Unlink(ref PriceLevel level, int slot)
    {
        ref Order o = ref _orders[slot];
        if (o.Prev != None) _orders[o.Prev].Next = o.Next; else level.Head = o.Next;
        if (o.Next != None) _orders[o.Next].Prev = o.Prev; else level.Tail = o.Prev;
        level.Count--;
        o.Level = None;
    }

    /// <summary>Puts an order with leaves at the back of its price level and makes it known to its account.</summary>
    private void Rest(OrderBook book, int slot)
    {
        ref Order o = ref _orders[slot];
        // An iceberg rests with a full slice (or what is left of it, if less).
        if (o.Display != 0) o.Shown = Math.Min(o.Display, o.Leaves);
        JoinLevel(book, slot);
        ref PriceLevel level = ref _levels[o.Level];

        if (!o.IsOpen) JoinAccount(slot);
        EmitLevel(book, o.Side, ref level);
    }

    /// <summary>Makes an order known to its account (the index by client order id, the account's list of open orders):
    /// cancel, mass cancel and queries find it from then on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void JoinAccount(int slot)
    {
        ref Order o = ref _orders[slot];
        ref AccountState account = ref _accounts[o.AccountSlot];
        _orderIndex.Add(o.AccountSlot, o.ClientOrderId, slot);
        o.AccountPrev = account.LastOrder;
        o.AccountNext = None;
        if (account.LastOrder != None) _orders[account.LastOrder].AccountNext = slot; else account.FirstOrder = slot;
        account.LastOrder = slot;
        account.OpenOrders++;
        o.IsOpen = true;
    }

    /// <summary>Ends an order that is out of the book: forgets it in its account and returns its slot.</summary>
    private void Retire(int slot)
    {
        ref Order o = ref _orders[slot];
        if (o.ExpiryPosition != 0) LeaveExpiries(slot);
        RecordFinished(ref o);
        if (o.IsOpen)
        {
            ref AccountState account = ref _accounts[o.AccountSlot];
            _orderIndex.Remove(o.AccountSlot, o.ClientOrderId);
            if (o.AccountPrev != None) _orders[o.AccountPrev].AccountNext = o.AccountNext; else account.FirstOrder = o.AccountNext;
            if (o.AccountNext != None) _orders[o.AccountNext].AccountPrev = o.AccountPrev; else account.LastOrder = o.AccountPrev;
            account.OpenOrders--;
            o.IsOpen = false;
        }
        if (slot == TakerSlot) return;
        o.Next = _freeOrder;
        _freeOrder = slot;
        _freeOrders++;
    }

    private int AllocateOrder()
    {
        int slot = _freeOrder;
        _freeOrder = _orders[slot].Next;
        _freeOrders--;
        return slot;
    }

    private int AllocateLevel(long price)
    {
        int slot = _freeLevel;
        ref PriceLevel level = ref _levels[slot];
        _freeLevel = level.Tail;
        _freeLevels--;
        level = new PriceLevel { Price = price, Quantity = 0, Count = 0, Head = None, Tail = None };
        return slot;
    }

    private void FreeLevel(int slot)
    {
        _levels[slot].Tail = _freeLevel;
        _freeLevel = slot;
        _freeLevels++;
    }
}
