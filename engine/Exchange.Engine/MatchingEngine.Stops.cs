// Stop and stop-limit orders: waiting (holding what they need) in their symbol's pending stops, ordered by stop price
// and arrival, until the last trade price reaches their stop price; then matching as market or limit orders.
namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>Puts an accepted stop at the back of its stop price in its symbol's pending stops and makes it known to its
    /// account (cancel, mass cancel and queries find it like any open order). Publishes nothing.</summary>
    private void JoinStops(OrderBook book, int slot, long stopPrice)
    {
        JoinStopLevel(book, slot, stopPrice);
        JoinAccount(slot);
    }

    /// <summary>Appends a stop at the back of its stop price in its symbol's pending stops, creating that level if needed.</summary>
    private void JoinStopLevel(OrderBook book, int slot, long stopPrice) => AppendToLevel(book.StopsOf(_orders[slot].Side), slot, stopPrice);

    /// <summary>Takes a pending stop out of its symbol's pending stops (it stays known to its account).</summary>
    private void LeaveStops(OrderBook book, int slot)
    {
        ref Order o = ref _orders[slot];
        int levelSlot = o.Level;
        ref PriceLevel level = ref _levels[levelSlot];
        level.Quantity -= o.Leaves;
        Unlink(ref level, slot);
        o.Pending = false;
        DropIfEmpty(book.StopsOf(o.Side), levelSlot);
    }

    /// <summary>Triggers, one at a time, every pending stop whose condition holds at the symbol's last trade price, until
    /// none does. Each triggered order's trades move the last price, which may trigger more (a cascade): the pending
    /// stops are the work queue, each turn takes one out for good, so the loop ends after at most as many turns as
    /// there were pending stops; no recursion, nothing allocated.
    /// The next to trigger: of the buy stop with the lowest stop price (oldest first at that price) and the sell stop
    /// with the highest (oldest first), those whose condition holds, the one that arrived first (lower order id).</summary>
    private void RunStops(OrderBook book)
    {
        while (true)
        {
            long last = book.LastPrice;
            int buy = None, sell = None;
            if (book.BuyStops.Count > 0)
            {
                ref PriceLevel level = ref _levels[book.BuyStops.Best];
                if (OrderBook.Triggers(Side.Buy, level.Price, last)) buy = level.Head;
            }
            if (book.SellStops.Count > 0)
            {
                ref PriceLevel level = ref _levels[book.SellStops.Best];
                if (OrderBook.Triggers(Side.Sell, level.Price, last)) sell = level.Head;
            }
            if (buy == None && sell == None) return;
            Trigger(book, buy == None ? sell : sell == None ? buy : _orders[buy].OrderId < _orders[sell].OrderId ? buy : sell);
        }
    }

    /// <summary>A pending stop whose condition holds: StopTriggered, then NewOrder's steps 3 to 6 as a market (IOC) or
    /// limit order (its time in force), with the hold it took when accepted.</summary>
    private void Trigger(OrderBook book, int slot)
    {
        ref Order o = ref _orders[slot];
        long stopPrice = _levels[o.Level].Price;
        LeaveStops(book, slot);
        _output.OnStopTriggered(new StopTriggered(o.Account, o.ClientOrderId, o.OrderId, o.Symbol, o.Side,
            o.IsMarket ? OrderType.Stop : OrderType.StopLimit, stopPrice, book.LastPrice));

        bool cancelled = Match(book, slot);
        if (!cancelled)
        {
            if (o.Leaves > 0)
            {
                if (o.IsMarket) CancelTaker(book, ref o, CancelReason.MarketRemainder);
                else if (!Rests(o.TimeInForce)) CancelTaker(book, ref o, CancelReason.ImmediateOrCancelRemainder);
                // Capacity was checked for the stop, not for where it would rest: with no level free it cannot.
                else if (_freeLevels == 0 && book.SideOf(o.Side).Find(o.Price) == None) CancelTaker(book, ref o, CancelReason.NoPriceLevel);
                else
                {
                    Rest(book, slot);
                    EmitBestBidOfferIfChanged(book);
                    return;
                }
            }
            else if (o.IsMarket && o.Side == Side.Buy)
            {
                ReleaseHold(book, ref o);
            }
        }
        Retire(slot);
        EmitBestBidOfferIfChanged(book);
    }
}
