// Stop and stop-limit orders (engine README "Stop and stop-limit orders"): accepted pending their trigger with their hold
// taken, triggered by the symbol's last trade price, in a fixed order (nearest stop price first, then arrival), and
// cascading; cancel, mass cancel, replace refusal, snapshots and the state hash.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class StopOrderTests : EngineFixture
{
    private const TimeInForce Gtc = TimeInForce.GoodTillCancel;
    private const TimeInForce Ioc = TimeInForce.ImmediateOrCancel;

    private List<object> Stop(long account, long cid, Side side, long stopPrice, long qty, long budget = 0, int symbol = Sym)
        => Run(new NewOrder(account, cid, symbol, side, OrderType.Stop, Ioc, 0, qty, budget, StopPrice: stopPrice));

    private List<object> StopLimit(long account, long cid, Side side, long stopPrice, long price, long qty, TimeInForce tif = Gtc,
        SelfTradePrevention stp = SelfTradePrevention.None)
        => Run(new NewOrder(account, cid, Sym, side, OrderType.StopLimit, tif, price, qty, 0, stp, StopPrice: stopPrice));

    /// <summary>A trade between Bob (resting) and Carol (taking) at <paramref name="price"/>, to move the last price.</summary>
    private List<object> Print(long price, long qty, long cid, Side carolSide = Side.Buy)
    {
        Limit(Bob, cid, carolSide == Side.Buy ? Side.Sell : Side.Buy, price, qty);
        return Limit(Carol, cid, carolSide, price, qty, Ioc);
    }

    private static long MarketBuyBudget(long qty) => N(11_000, qty) + TakerFee(N(11_000, qty));

    [Fact]
    public void A_buy_stop_is_accepted_pending_with_its_hold_and_changes_nothing_in_the_book()
    {
        var events = Stop(Alice, 11, Side.Buy, 10_100, 50);

        AssertEvents(events,
            new OrderAccepted(Alice, 11, 1, Sym, Side.Buy, OrderType.Stop, Ioc, 0, 50, 10_100),
            Balance(Alice, QuoteAsset, InitialQuote - MarketBuyBudget(50), MarketBuyBudget(50)));
        Assert.Empty(BookCids(Side.Buy));
        var stop = Assert.Single(Engine.PendingStops(Sym, Side.Buy));
        Assert.Equal((OrderType.Stop, 10_100L, 11L), (stop.Type, stop.StopPrice, stop.Order.ClientOrderId));
        Assert.Equal(OrderState.Open, Engine.OrderStatus(Alice, 11).State);
        Assert.Equal(1, Engine.OpenOrderCount);
    }

    [Fact]
    public void A_buy_stop_triggers_when_the_last_price_reaches_its_stop_and_then_buys_as_a_market_order()
    {
        Sell(Bob, 90, 10_200, 100); // what the triggered stop will buy
        Print(10_000, 10, 1);
        Stop(Alice, 11, Side.Buy, 10_100, 50);
        long aliceOrderId = OrderOf(Alice, 11).OrderId;

        var below = Print(10_000, 10, 2); // 10,000 < 10,100: not triggered
        Assert.DoesNotContain(below, e => e is StopTriggered);
        Assert.Single(Engine.PendingStops(Sym, Side.Buy));

        var events = Print(10_100, 10, 3); // 10,100 ≥ 10,100
        int at = events.FindIndex(e => e is StopTriggered);
        Assert.True(at > 0, "the stop triggered");
        Assert.Equal(new StopTriggered(Alice, 11, aliceOrderId, Sym, Side.Buy, OrderType.Stop, 10_100, 10_100), events[at]);
        // After the trigger: the stop's own matching, as a market buy (maker Bob at 10,200), then its leftover budget back.
        var fills = events.Skip(at).OfType<Fill>().ToList();
        Assert.Equal(2, fills.Count);
        Assert.Equal((Liquidity.Taker, aliceOrderId, 10_200L, 50L, 0L), (fills[1].Liquidity, fills[1].OrderId, fills[1].Price, fills[1].Quantity, fills[1].LeavesQuantity));
        Assert.Empty(Engine.PendingStops(Sym, Side.Buy));
        Assert.False(HasOrder(Alice, 11));
        long cost = N(10_200, 50) + TakerFee(N(10_200, 50));
        Assert.Equal(new BalanceView(InitialQuote - cost, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(10_200, Engine.LastTradePrice(Sym));
    }

    [Fact]
    public void A_sell_stop_triggers_when_the_last_price_falls_to_its_stop()
    {
        Buy(Bob, 90, 9_800, 100);
        Print(10_000, 10, 1);
        Stop(Alice, 11, Side.Sell, 9_900, 30);
        Assert.Equal(new BalanceView(InitialBase - 30, 30), BalanceOf(Alice, BaseAsset));

        Assert.DoesNotContain(Print(9_950, 10, 2, Side.Sell), e => e is StopTriggered);
        var events = Print(9_900, 10, 3, Side.Sell);

        var triggered = Assert.Single(events.OfType<StopTriggered>());
        Assert.Equal((Side.Sell, 9_900L, 9_900L), (triggered.Side, triggered.StopPrice, triggered.LastPrice));
        var fill = events.OfType<Fill>().Last();
        Assert.Equal((Alice, 9_800L, 30L), (fill.Account, fill.Price, fill.Quantity));
        Assert.Equal(new BalanceView(InitialBase - 30, 0), BalanceOf(Alice, BaseAsset));
        Assert.Equal(9_800, Engine.LastTradePrice(Sym)); // its own trade is now the last
    }

    [Fact]
    public void A_triggered_stop_limit_matches_what_it_can_and_rests_at_its_limit()
    {
        Sell(Bob, 90, 10_200, 20);
        Print(10_000, 10, 1);
        StopLimit(Alice, 11, Side.Buy, 10_100, 10_200, 50);
        Assert.Equal(new BalanceView(InitialQuote - BuyHold(10_200, 50), BuyHold(10_200, 50)), BalanceOf(Alice, QuoteAsset));

        var events = Print(10_100, 10, 2);

        Assert.Equal(OrderType.StopLimit, Assert.Single(events.OfType<StopTriggered>()).Type);
        var rested = OrderOf(Alice, 11);
        Assert.Equal((10_200L, 50L, 20L), (rested.Price, rested.Quantity, rested.Filled));
        Assert.Equal([11L], BookCids(Side.Buy));
        Assert.Equal(Level(Side.Buy, 10_200, 30, 1), events.OfType<LevelChanged>().Last());
        Assert.Equal(BuyHold(10_200, 30), BalanceOf(Alice, QuoteAsset).Held);
        Assert.Empty(Engine.PendingStops(Sym, Side.Buy));
    }

    [Fact]
    public void An_immediate_or_cancel_stop_limit_cancels_its_remainder_once_triggered()
    {
        Print(10_000, 10, 1);
        StopLimit(Alice, 11, Side.Buy, 10_100, 10_200, 50, Ioc);
        long orderId = OrderOf(Alice, 11).OrderId;

        var events = Print(10_100, 10, 2);

        Assert.Equal(
            [Cancelled(Alice, 11, orderId, Side.Buy, CancelReason.ImmediateOrCancelRemainder, 50, 0), Balance(Alice, QuoteAsset, InitialQuote, 0)],
            events.SkipWhile(e => e is not StopTriggered).Skip(1).Take(2).ToArray());
        Assert.False(HasOrder(Alice, 11));
    }

    [Fact]
    public void Triggered_stops_go_nearest_stop_price_first_then_by_arrival()
    {
        Print(10_000, 10, 1);
        // Buy stops: 10,300 (first), 10,100 (second), 10,100 (third), 10,200 (fourth). All trigger at 10,300.
        StopLimit(Alice, 11, Side.Buy, 10_300, 9_000, 10);
        StopLimit(Alice, 12, Side.Buy, 10_100, 9_000, 10);
        StopLimit(Carol, 13, Side.Buy, 10_100, 9_000, 10);
        StopLimit(Alice, 14, Side.Buy, 10_200, 9_000, 10);
        Assert.Equal([12L, 13L, 14L, 11L], Engine.PendingStops(Sym, Side.Buy).Select(s => s.Order.ClientOrderId).ToArray());

        var events = Print(10_300, 10, 2);

        Assert.Equal([12L, 13L, 14L, 11L], events.OfType<StopTriggered>().Select(t => t.ClientOrderId).ToArray());
        Assert.Empty(Engine.PendingStops(Sym, Side.Buy));
        Assert.Equal([12L, 13L, 14L, 11L], BookCids(Side.Buy)); // all at 9,000, in the order they were triggered
    }

    [Fact]
    public void A_triggered_stop_whose_trades_reach_another_stop_triggers_it_in_the_same_input()
    {
        // Asks at 10,200 and 10,400. Alice's buy stop at 10,100 buys the 10,200 ask and then the 10,400 one;
        // 10,400 triggers Carol's buy stop at 10,300, which finds nothing left and is cancelled.
        Sell(Bob, 91, 10_200, 10);
        Sell(Bob, 92, 10_400, 10);
        Print(10_000, 10, 1);
        Stop(Alice, 11, Side.Buy, 10_100, 20);
        Stop(Carol, 12, Side.Buy, 10_300, 10);

        var events = Print(10_100, 10, 2);

        var triggered = events.OfType<StopTriggered>().ToList();
        Assert.Equal([11L, 12L], triggered.Select(t => t.ClientOrderId).ToArray());
        Assert.Equal([10_100L, 10_400L], triggered.Select(t => t.LastPrice).ToArray());
        Assert.Contains(events, e => e is OrderCancelled c && c.ClientOrderId == 12 && c.Reason == CancelReason.MarketRemainder);
        // Events of the first triggered stop all come before the second trigger.
        int second = events.IndexOf(triggered[1]);
        Assert.Equal(2, events.Take(second).OfType<Fill>().Count(f => f.ClientOrderId == 11));
        Assert.Equal(0, BalanceOf(Carol, QuoteAsset).Held);
    }

    [Fact]
    public void A_sell_stop_cascade_walks_down_the_bids()
    {
        Buy(Bob, 91, 9_800, 10);
        Buy(Bob, 92, 9_600, 10);
        Buy(Bob, 93, 9_400, 10);
        Print(10_000, 10, 1);
        Stop(Alice, 11, Side.Sell, 9_900, 10);
        Stop(Alice, 12, Side.Sell, 9_800, 10);
        Stop(Carol, 13, Side.Sell, 9_600, 10);

        var events = Print(9_900, 10, 2, Side.Sell);

        Assert.Equal([11L, 12L, 13L], events.OfType<StopTriggered>().Select(t => t.ClientOrderId).ToArray());
        Assert.Equal([9_900L, 9_800L, 9_600L], events.OfType<StopTriggered>().Select(t => t.LastPrice).ToArray());
        Assert.Equal(9_400, Engine.LastTradePrice(Sym));
        Assert.Empty(BookCids(Side.Buy));
    }

    [Fact]
    public void After_every_input_no_pending_stop_condition_holds_so_one_price_triggers_one_side()
    {
        Print(10_000, 10, 1);
        StopLimit(Alice, 11, Side.Sell, 9_900, 9_000, 10);
        StopLimit(Carol, 12, Side.Buy, 10_100, 11_000, 10);
        // Pending sells are below the last price and pending buys above it, so no price can reach both.
        var events = Print(10_100, 10, 2);
        Assert.Equal([12L], events.OfType<StopTriggered>().Select(t => t.ClientOrderId).ToArray());
        Assert.Single(Engine.PendingStops(Sym, Side.Sell));
    }

    [Fact]
    public void Cancel_of_a_pending_stop_releases_its_hold_and_publishes_no_market_data()
    {
        Print(10_000, 10, 1);
        StopLimit(Alice, 11, Side.Buy, 10_100, 10_200, 50);
        long orderId = OrderOf(Alice, 11).OrderId;

        var events = Cancel(Alice, 11);

        AssertEvents(events,
            Cancelled(Alice, 11, orderId, Side.Buy, CancelReason.ByClient, 50, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
        Assert.Empty(Engine.PendingStops(Sym, Side.Buy));
        Assert.Equal(OrderState.Cancelled, Engine.OrderStatus(Alice, 11).State);
        Assert.DoesNotContain(Print(10_100, 10, 2), e => e is StopTriggered);
    }

    [Fact]
    public void Mass_cancel_takes_pending_stops_with_the_resting_orders_in_order_id_order()
    {
        Print(10_000, 10, 1);
        Buy(Alice, 11, 9_500, 10);
        Stop(Alice, 12, Side.Sell, 9_000, 10);
        Sell(Alice, 13, 10_500, 10);

        var events = MassCancel(Alice);

        Assert.Equal([11L, 12L, 13L], events.OfType<OrderCancelled>().Select(c => c.ClientOrderId).ToArray());
        Assert.Equal(new MassCancelled(Alice, -1, Side.None, 3), events.Last());
        Assert.Empty(Engine.PendingStops(Sym, Side.Sell));
        Assert.Equal(new BalanceView(InitialBase, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Stop_rejects_say_why_and_change_nothing()
    {
        Print(10_000, 10, 1);
        AssertRejectedWithoutChange(OrderRejected(Alice, 11, RejectReason.StopWouldTrigger), () => Stop(Alice, 11, Side.Buy, 10_000, 10));
        AssertRejectedWithoutChange(OrderRejected(Alice, 12, RejectReason.StopWouldTrigger), () => Stop(Alice, 12, Side.Sell, 10_100, 10));
        AssertRejectedWithoutChange(OrderRejected(Alice, 13, RejectReason.InvalidStopPrice), () => Stop(Alice, 13, Side.Buy, 0, 10));
        AssertRejectedWithoutChange(OrderRejected(Alice, 14, RejectReason.InvalidStopPrice), () => Stop(Alice, 14, Side.Buy, 10_150, 10));
        AssertRejectedWithoutChange(OrderRejected(Alice, 15, RejectReason.InvalidStopPrice), () => Stop(Alice, 15, Side.Buy, 11_100, 10));
        AssertRejectedWithoutChange(OrderRejected(Alice, 16, RejectReason.InvalidTimeInForce),
            () => Run(new NewOrder(Alice, 16, Sym, Side.Buy, OrderType.Stop, Gtc, 0, 10, StopPrice: 10_100)));
        AssertRejectedWithoutChange(OrderRejected(Alice, 17, RejectReason.InvalidTimeInForce),
            () => StopLimit(Alice, 17, Side.Buy, 10_100, 10_200, 10, TimeInForce.FillOrKill));
        AssertRejectedWithoutChange(OrderRejected(Alice, 18, RejectReason.InvalidOrderType),
            () => Run(new NewOrder(Alice, 18, Sym, Side.Buy, OrderType.StopLimit, Gtc, 10_200, 10, PostOnly: true, StopPrice: 10_100)));
        AssertRejectedWithoutChange(OrderRejected(Alice, 19, RejectReason.PriceOffTick), () => StopLimit(Alice, 19, Side.Buy, 10_100, 10_250, 10));
        AssertRejectedWithoutChange(OrderRejected(Alice, 20, RejectReason.InsufficientFunds), () => Stop(Alice, 20, Side.Sell, 9_000, InitialBase + 10));
    }

    [Fact]
    public void A_triggered_stop_limit_that_finds_no_free_price_level_is_cancelled_with_its_hold_released()
    {
        var f = new EngineFixture(SmallConfig() with { MaxPriceLevels = 4 });
        f.Limit(Bob, 1, Side.Sell, 10_000, 10);
        f.Limit(Carol, 1, Side.Buy, 10_000, 10, Ioc);                                         // last price 10,000; no level in use
        f.Limit(Bob, 2, Side.Sell, 10_100, 20);                                               // level 1
        f.Run(new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.StopLimit, Gtc, 9_000, 10, StopPrice: 10_100)); // level 2 (stops)
        f.Run(new NewOrder(Carol, 12, Sym, Side.Buy, OrderType.StopLimit, Gtc, 9_100, 10, StopPrice: 10_100)); // same stop level
        f.Limit(Bob, 3, Side.Buy, 9_500, 10);                                                 // level 3
        f.Limit(Bob, 4, Side.Buy, 9_600, 10);                                                 // level 4: none free
        long aliceOrderId = f.Engine.PendingStops(Sym, Side.Buy)[0].Order.OrderId;

        var events = f.Limit(Carol, 5, Side.Buy, 10_100, 10, Ioc); // trades 10 of the 20 at 10,100: the level stays

        Assert.Equal([11L, 12L], events.OfType<StopTriggered>().Select(t => t.ClientOrderId).ToArray());
        Assert.Contains(Cancelled(Alice, 11, aliceOrderId, Side.Buy, CancelReason.NoPriceLevel, 10, 0), events);
        Assert.Equal(new BalanceView(InitialQuote, 0), f.BalanceOf(Alice, QuoteAsset));
        // Carol's stop left the stop level last, which freed it for her order to rest on.
        Assert.Equal((9_100L, 10L), (f.OrderOf(Carol, 12).Price, f.OrderOf(Carol, 12).Quantity));
        Assert.Equal(CancelReason.NoPriceLevel, f.Engine.OrderStatus(Alice, 11).CancelReason);
    }

    [Fact]
    public void Before_the_first_trade_no_stop_condition_holds()
    {
        var events = Stop(Alice, 11, Side.Sell, 10_000, 10);
        Assert.IsType<OrderAccepted>(events[0]);
        Assert.Equal(0, Engine.LastTradePrice(Sym));
    }

    [Fact]
    public void A_pending_stop_cannot_be_replaced()
    {
        Print(10_000, 10, 1);
        StopLimit(Alice, 11, Side.Buy, 10_100, 10_200, 50);
        AssertRejectedWithoutChange(Rejected(CommandKind.ReplaceOrder, Alice, 11, -1, RejectReason.PendingStopNotReplaceable),
            () => Replace(Alice, 11, 12, 10_300, 50));
    }

    [Fact]
    public void A_triggered_stop_applies_its_self_trade_prevention()
    {
        Sell(Alice, 90, 10_200, 10);
        Print(10_000, 10, 1);
        StopLimit(Alice, 11, Side.Buy, 10_100, 10_200, 10, Gtc, SelfTradePrevention.CancelNewest);

        var events = Print(10_100, 10, 2);

        Assert.Contains(events, e => e is OrderCancelled c && c.ClientOrderId == 11 && c.Reason == CancelReason.SelfTradePrevention);
        Assert.Equal([90L], Engine.Orders(Sym, Side.Sell).Where(o => o.Account == Alice).Select(o => o.ClientOrderId).ToArray());
        Assert.Equal(0, BalanceOf(Alice, QuoteAsset).Held);
    }

    [Fact]
    public void Holds_of_stops_are_part_of_the_balances_and_totals_are_conserved_through_triggers()
    {
        long quote = TotalOf(QuoteAsset), @base = TotalOf(BaseAsset);
        Sell(Bob, 90, 10_200, 100);
        Buy(Bob, 91, 9_800, 100);
        Print(10_000, 10, 1);
        Stop(Alice, 11, Side.Buy, 10_100, 30, budget: 400_000);
        Stop(Alice, 12, Side.Sell, 9_900, 30);
        Assert.Equal(new BalanceView(InitialQuote - 400_000, 400_000), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase - 30, 30), BalanceOf(Alice, BaseAsset));

        Print(10_100, 10, 2);
        Print(9_900, 10, 3, Side.Sell);

        Assert.Equal(0, BalanceOf(Alice, QuoteAsset).Held);
        Assert.Equal(0, BalanceOf(Alice, BaseAsset).Held);
        Assert.Equal(quote, TotalOf(QuoteAsset));
        Assert.Equal(@base, TotalOf(BaseAsset));
    }

    [Fact]
    public void Pending_stops_and_the_last_price_are_in_the_state_hash()
    {
        var a = new EngineFixture();
        var b = new EngineFixture();
        a.Limit(Bob, 1, Side.Sell, 10_000, 10); a.Limit(Carol, 1, Side.Buy, 10_000, 10, Ioc);
        b.Limit(Bob, 1, Side.Sell, 10_000, 10); b.Limit(Carol, 1, Side.Buy, 10_000, 10, Ioc);
        Assert.Equal(a.Hash, b.Hash);
        a.Run(new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.StopLimit, Gtc, 10_200, 10, StopPrice: 10_100));
        b.Run(new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.StopLimit, Gtc, 10_200, 10, StopPrice: 10_200));
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void A_snapshot_with_pending_stops_restores_the_same_state_and_the_same_future()
    {
        Sell(Bob, 90, 10_200, 100);
        Print(10_000, 10, 1);
        Stop(Alice, 11, Side.Buy, 10_100, 30);
        StopLimit(Carol, 12, Side.Buy, 10_100, 10_200, 20);
        StopLimit(Alice, 13, Side.Sell, 9_500, 9_400, 10, Ioc);

        var stream = new MemoryStream();
        Engine.Capture().WriteTo(stream);
        stream.Position = 0;
        var snapshot = EngineSnapshot.ReadFrom(stream);
        Assert.Equal(3, snapshot.Stops.Length);
        var restored = new EngineFixture(null, setup: false);
        restored.Engine.Restore(snapshot);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
        Assert.Equal(Engine.PendingStops(Sym, Side.Buy), restored.Engine.PendingStops(Sym, Side.Buy));
        Assert.Equal(10_000, restored.Engine.LastTradePrice(Sym));

        // The same inputs trigger the same cascade in both: Bob offers at 10,100, Carol takes it.
        Out.Clear(); restored.Out.Clear();
        long s = Engine.LastSequence;
        foreach (var command in new[]
        {
            new NewOrder(Bob, 99, Sym, Side.Sell, OrderType.Limit, Gtc, 10_100, 10),
            new NewOrder(Carol, 98, Sym, Side.Buy, OrderType.Limit, Ioc, 10_100, 10),
        })
        {
            s++;
            Engine.Apply(s, s, command);
            restored.Engine.Apply(s, s, command);
        }
        Assert.Equal(2, Out.Events.OfType<StopTriggered>().Count());
        Assert.Equal(Out.Events, restored.Out.Events);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
    }

    [Fact]
    public void A_snapshot_of_the_previous_format_still_loads()
    {
        Buy(Alice, 11, 9_500, 10);
        var snapshot = Engine.Capture();
        var stream = new MemoryStream();
        snapshot.WriteTo(stream);
        // Format 3 ("ENGSNAP3") is this one without the trailing last prices and stops, and format 5's icebergs, rate limits,
        // session ends and expiries after them (none here but the counts, the rate limits and the session ends).
        byte[] bytes = stream.ToArray()[..^(2 * (snapshot.Symbols.Length * 8 + 4) + 4 + 4 + snapshot.RateLimits.Length * 8)];
        bytes[7] = (byte)'3';
        var old = EngineSnapshot.ReadFrom(new MemoryStream(bytes));
        Assert.Empty(old.Stops);
        var restored = new EngineFixture(null, setup: false);
        restored.Engine.Restore(old);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
    }

    [Fact]
    public void The_same_inputs_give_the_same_events_and_hash()
    {
        static (List<object> Events, long Hash) Play()
        {
            var f = new EngineFixture();
            var all = new List<object>();
            all.AddRange(f.Limit(Bob, 1, Side.Sell, 10_200, 50));
            all.AddRange(f.Limit(Bob, 2, Side.Buy, 9_800, 50));
            all.AddRange(f.Limit(Bob, 3, Side.Sell, 10_000, 10));
            all.AddRange(f.Limit(Carol, 3, Side.Buy, 10_000, 10, Ioc));
            all.AddRange(f.Run(new NewOrder(Alice, 4, Sym, Side.Buy, OrderType.Stop, Ioc, 0, 20, StopPrice: 10_100)));
            all.AddRange(f.Run(new NewOrder(Carol, 5, Sym, Side.Sell, OrderType.StopLimit, Gtc, 9_800, 20, StopPrice: 9_900)));
            all.AddRange(f.Limit(Bob, 6, Side.Sell, 10_100, 10));
            all.AddRange(f.Limit(Carol, 6, Side.Buy, 10_100, 10, Ioc));
            all.AddRange(f.Limit(Bob, 7, Side.Buy, 9_900, 10));
            all.AddRange(f.Limit(Carol, 7, Side.Sell, 9_900, 10, Ioc));
            return (all, f.Engine.StateHash());
        }
        var (events, hash) = Play();
        Assert.Equal(2, events.OfType<StopTriggered>().Count());
        var again = Play();
        Assert.Equal(events, again.Events);
        Assert.Equal(hash, again.Hash);
    }
}
