// The matching loop: an incoming order against the opposite side, best price first and oldest first,
// with trades settled against holds as they happen and self-trade prevention applied per maker.
namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>Matches the order in <paramref name="takerSlot"/> as far as its limit (and a market buy's
    /// budget) allows. Returns true if self-trade prevention cancelled it.</summary>
    private bool Match(OrderBook book, int takerSlot)
    {
        ref Order t = ref _orders[takerSlot];
        BookSide opposite = book.Opposite(t.Side);
        bool marketBuy = t.IsMarket && t.Side == Side.Buy;
        while (t.Leaves > 0 && opposite.Count > 0)
        {
            int levelSlot = opposite.Best;
            ref PriceLevel level = ref _levels[levelSlot];
            if (!OrderBook.Crosses(t.Side, t.Price, level.Price)) break;

            bool changed = false, takerCancelled = false, budgetSpent = false;
            for (int makerSlot = level.Head; makerSlot != None && t.Leaves > 0;)
            {
                ref Order m = ref _orders[makerSlot];
                if (m.AccountSlot == t.AccountSlot && t.SelfTrade != SelfTradePrevention.None)
                {
                    changed |= t.SelfTrade != SelfTradePrevention.CancelNewest;
                    takerCancelled = PreventSelfTrade(book, ref level, makerSlot, ref t);
                    if (takerCancelled) break;
                }
                else
                {
                    // An iceberg trades its displayed slice; what is hidden comes back later at the back of the level.
                    long quantity = Math.Min(t.Leaves, m.Visible);
                    if (marketBuy)
                    {
                        quantity = Risk.Affordable(level.Price, quantity, book.Spec.LotSize, t.Held, book.Spec.TakerFeeBps);
                        if (quantity == 0) { budgetSpent = true; break; }
                    }
                    bool makerUsedUp = quantity == m.Visible;
                    Trade(book, ref level, makerSlot, ref t, quantity);
                    changed = true;
                    // A maker with leaves left is still first in line: the taker is done, or it is a market
                    // buy whose budget may still stretch to another lot of this maker (and no further).
                    if (!makerUsedUp) continue;
                }
                // The maker left the level, or (an iceberg whose slice was used up) went to its back with a new
                // slice: either way every order before it is gone, so the next in line is the level's head.
                makerSlot = level.Head;
            }

            if (changed) EmitLevel(book, opposite.Side, ref level);
            if (level.Count == 0)
            {
                opposite.RemoveBest();
                FreeLevel(levelSlot);
            }
            if (takerCancelled) return true;
            if (budgetSpent) return false;
        }
        return false;
    }

    private void Trade(OrderBook book, ref PriceLevel level, int makerSlot, ref Order t, long quantity)
    {
        ref Order m = ref _orders[makerSlot];
        ref readonly SymbolSpec spec = ref book.Spec;
        long price = level.Price;
        long notional = Risk.Notional(price, quantity, spec.LotSize);
        long makerFee = Risk.Fee(notional, spec.MakerFeeBps);
        long takerFee = Risk.Fee(notional, spec.TakerFeeBps);
        long tradeId = _nextTradeId++;
        book.LastPrice = price;

        m.Filled += quantity;
        t.Filled += quantity;
        level.Quantity -= quantity;
        if (m.Display != 0) m.Shown -= quantity;
        if (t.Side == Side.Buy)
        {
            SettleBuyer(book, ref t, notional + takerFee, quantity);
            SettleSeller(book, ref m, notional - makerFee, quantity);
        }
        else
        {
            SettleBuyer(book, ref m, notional + makerFee, quantity);
            SettleSeller(book, ref t, notional - takerFee, quantity);
        }
        _available[Balance(FeeAccountSlot, spec.QuoteAsset)] += makerFee + takerFee;

        _output.OnFill(new Fill(tradeId, m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, Liquidity.Maker,
            price, quantity, makerFee, m.Filled, m.Leaves));
        _output.OnFill(new Fill(tradeId, t.Account, t.ClientOrderId, t.OrderId, t.Symbol, t.Side, Liquidity.Taker,
            price, quantity, takerFee, t.Filled, t.Leaves));
        _output.OnTrade(new Trade(t.Symbol, tradeId, price, quantity, t.Side));
        EmitBalance(m.AccountSlot, spec.BaseAsset);
        EmitBalance(m.AccountSlot, spec.QuoteAsset);
        EmitBalance(t.AccountSlot, spec.BaseAsset);
        EmitBalance(t.AccountSlot, spec.QuoteAsset);
        if (makerFee + takerFee > 0) EmitBalance(FeeAccountSlot, spec.QuoteAsset);

        if (m.Leaves == 0)
        {
            Unlink(ref level, makerSlot);
            Retire(makerSlot);
        }
        else if (m.Display != 0 && m.Shown == 0) Replenish(ref level, makerSlot);
    }

    /// <summary>The buyer pays <paramref name="cost"/> out of its hold and receives base.</summary>
    private void SettleBuyer(OrderBook book, ref Order o, long cost, long quantity)
    {
        int quote = Balance(o.AccountSlot, book.Spec.QuoteAsset);
        if (o.IsMarket)
        {
            o.Held -= cost;
            _held[quote] -= cost;
        }
        else
        {
            long required = Risk.BuyHold(o.Price, o.Leaves, book.Spec.LotSize, book.MaxFeeBps);
            long released = o.Held - required;
            _held[quote] -= released;
            _available[quote] += released - cost;
            o.Held = required;
        }
        _available[Balance(o.AccountSlot, book.Spec.BaseAsset)] += quantity;
    }

    /// <summary>The seller delivers base out of its hold and receives <paramref name="proceeds"/>.</summary>
    private void SettleSeller(OrderBook book, ref Order o, long proceeds, long quantity)
    {
        o.Held -= quantity;
        _held[Balance(o.AccountSlot, book.Spec.BaseAsset)] -= quantity;
        _available[Balance(o.AccountSlot, book.Spec.QuoteAsset)] += proceeds;
    }

    /// <summary>Applies the taker's self-trade prevention mode to one maker of the same account.
    /// Returns true if the taker was cancelled.</summary>
    private bool PreventSelfTrade(OrderBook book, ref PriceLevel level, int makerSlot, ref Order t)
    {
        switch (t.SelfTrade)
        {
            case SelfTradePrevention.CancelNewest:
                CancelTaker(book, ref t, CancelReason.SelfTradePrevention);
                return true;
            case SelfTradePrevention.CancelOldest:
                CancelMaker(book, ref level, makerSlot);
                return false;
            case SelfTradePrevention.CancelBoth:
                CancelMaker(book, ref level, makerSlot);
                CancelTaker(book, ref t, CancelReason.SelfTradePrevention);
                return true;
            default:
                return Decrement(book, ref level, makerSlot, ref t);
        }
    }

    private void CancelMaker(OrderBook book, ref PriceLevel level, int makerSlot)
    {
        ref Order m = ref _orders[makerSlot];
        long leaves = m.Leaves;
        m.Ended = CancelReason.SelfTradePrevention;
        _output.OnCancelled(new OrderCancelled(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side,
            CancelReason.SelfTradePrevention, leaves, m.Filled));
        ReleaseHold(book, ref m);
        level.Quantity -= m.Visible;
        Unlink(ref level, makerSlot);
        Retire(makerSlot);
    }

    private void CancelTaker(OrderBook book, ref Order t, CancelReason reason)
    {
        t.Ended = reason;
        _output.OnCancelled(new OrderCancelled(t.Account, t.ClientOrderId, t.OrderId, t.Symbol, t.Side, reason, t.Leaves, t.Filled));
        ReleaseHold(book, ref t);
    }

    /// <summary>Shrinks both orders by the smaller leaves without a trade. Returns true if the taker has nothing left.</summary>
    private bool Decrement(OrderBook book, ref PriceLevel level, int makerSlot, ref Order t)
    {
        ref Order m = ref _orders[makerSlot];
        long d = Math.Min(t.Leaves, m.Visible);

        m.Quantity -= d;
        level.Quantity -= d;
        if (m.Display != 0) m.Shown -= d;
        if (m.Leaves == 0)
        {
            m.Ended = CancelReason.SelfTradePrevention;
            _output.OnCancelled(new OrderCancelled(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, CancelReason.SelfTradePrevention, d, m.Filled));
        }
        else
            _output.OnReduced(new OrderReduced(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, d, m.Leaves));
        RecomputeHold(book, ref m);
        if (m.Leaves == 0)
        {
            Unlink(ref level, makerSlot);
            Retire(makerSlot);
        }
        else if (m.Display != 0 && m.Shown == 0) Replenish(ref level, makerSlot);

        t.Quantity -= d;
        if (t.Leaves == 0)
        {
            t.Ended = CancelReason.SelfTradePrevention;
            _output.OnCancelled(new OrderCancelled(t.Account, t.ClientOrderId, t.OrderId, t.Symbol, t.Side, CancelReason.SelfTradePrevention, d, t.Filled));
            ReleaseHold(book, ref t);
            return true;
        }
        _output.OnReduced(new OrderReduced(t.Account, t.ClientOrderId, t.OrderId, t.Symbol, t.Side, d, t.Leaves));
        RecomputeHold(book, ref t);
        return false;
    }

    /// <summary>Walks the book as matching would, without changing it: can <paramref name="quantity"/> be covered?</summary>
    private bool FillOrKillFillable(OrderBook book, Side side, long price, long quantity, int account, SelfTradePrevention selfTrade)
    {
        BookSide opposite = book.Opposite(side);
        long needed = quantity;
        foreach (int levelSlot in opposite)
        {
            ref PriceLevel level = ref _levels[levelSlot];
            if (!OrderBook.Crosses(side, price, level.Price)) return false;
            // Matching takes each order's displayed part in turn; icebergs' hidden parts come back after the last
            // order of the level (every slice then joins the back), so they count only once the whole level was passed.
            long hidden = 0;
            for (int slot = level.Head; slot != None; slot = _orders[slot].Next)
            {
                ref Order m = ref _orders[slot];
                if (m.AccountSlot == account && selfTrade != SelfTradePrevention.None)
                {
                    if (selfTrade is SelfTradePrevention.CancelNewest or SelfTradePrevention.CancelBoth) return false;
                    if (selfTrade == SelfTradePrevention.CancelOldest) continue;
                }
                needed -= Math.Min(needed, m.Visible);
                if (needed == 0) return true;
                hidden += m.Leaves - m.Visible;
            }
            needed -= Math.Min(needed, hidden);
            if (needed == 0) return true;
        }
        return false;
    }
}
