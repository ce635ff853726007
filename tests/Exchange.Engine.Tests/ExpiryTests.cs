// Day and GoodTillDate orders (engine README "Day and GoodTillDate orders, and the timer input"): validation, when they
// expire, that only the timer input expires them and in (expiry, order id) order, what expiry emits and releases, and
// expiries in snapshots and the state hash.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class ExpiryTests : EngineFixture
{
    private const TimeInForce Gtd = TimeInForce.GoodTillDate;
    private const TimeInForce Day = TimeInForce.Day;
    private const long Second = 1_000_000_000;
    private const long Hour = 3_600 * Second;
    /// <summary>2026-12-05 00:00 UTC.</summary>
    private const long Midnight = 1_796_428_800 * Second;
    /// <summary>Symbol 3: symbol 1's rules, with Day orders ending at 16:00 UTC.</summary>
    private const int DaySym = 3;
    private const long SessionEnd = 16 * Hour;

    private long _now = Midnight + 9 * Hour;

    private static SymbolName Name(string text)
    {
        Assert.True(SymbolName.TryParse(text, out var name, out _));
        return name;
    }

    public ExpiryTests()
    {
        RunAt(_now, new AddSymbol(Spec1 with { Id = DaySym }, Name("DAY-USD"), SessionEnd));
    }

    private List<object> Order(long account, long cid, Side side, long price, long qty, TimeInForce tif, long expireTime = 0,
        int symbol = Sym, bool postOnly = false, long at = 0)
        => RunAt(at == 0 ? _now : at, new NewOrder(account, cid, symbol, side, OrderType.Limit, tif, price, qty, 0, SelfTradePrevention.None, postOnly,
            ExpireTime: expireTime));

    private long ExpiryOf(long account, long cid)
    {
        Assert.True(Engine.TryGetExpiry(account, cid, out long expireAt));
        return expireAt;
    }

    [Fact]
    public void A_gtd_order_rests_until_the_timer_input_at_its_expire_time_cancels_it_with_its_hold_released()
    {
        long expireAt = _now + 10 * Second;
        var accepted = Order(Alice, 11, Side.Buy, 9_500, 10, Gtd, expireAt);
        Assert.Equal(Accepted(Alice, 11, 1, Side.Buy, 9_500, 10, Gtd), accepted[0]);
        Assert.Equal(expireAt, ExpiryOf(Alice, 11));
        Assert.Equal(expireAt, Engine.NextExpiry);

        Assert.Empty(Expire(expireAt - 1)); // not yet: nothing at all
        Assert.True(HasOrder(Alice, 11));

        var events = Expire(expireAt);
        AssertEvents(events,
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.Expired, 10, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            Level(Side.Buy, 9_500, 0, 0),
            Bbo(0, 0, 0, 0));
        Assert.False(HasOrder(Alice, 11));
        Assert.Equal(long.MaxValue, Engine.NextExpiry);
        Assert.Equal(0, Engine.ExpiringOrderCount);
        Assert.Equal(OrderState.Cancelled, Engine.OrderStatus(Alice, 11).State);
        Assert.Equal(CancelReason.Expired, Engine.OrderStatus(Alice, 11).CancelReason);
    }

    [Fact]
    public void A_gtd_order_without_an_expire_time_or_one_not_after_the_input_is_rejected()
    {
        AssertRejectedWithoutChange(OrderRejected(Alice, 11, RejectReason.InvalidExpireTime), () => Order(Alice, 11, Side.Buy, 9_500, 10, Gtd, 0));
        AssertRejectedWithoutChange(OrderRejected(Alice, 12, RejectReason.InvalidExpireTime), () => Order(Alice, 12, Side.Buy, 9_500, 10, Gtd, _now));
        AssertRejectedWithoutChange(OrderRejected(Alice, 13, RejectReason.InvalidExpireTime), () => Order(Alice, 13, Side.Buy, 9_500, 10, Gtd, _now - 1));
        Assert.Equal(Accepted(Alice, 14, 1, Side.Buy, 9_500, 10, Gtd), Order(Alice, 14, Side.Buy, 9_500, 10, Gtd, _now + 1)[0]);
    }

    [Fact]
    public void Market_orders_cannot_be_day_or_gtd_and_other_times_in_force_ignore_the_expire_time()
    {
        AssertRejectedWithoutChange(OrderRejected(Alice, 11, RejectReason.InvalidTimeInForce),
            () => RunAt(_now, new NewOrder(Alice, 11, Sym, Side.Sell, OrderType.Market, Gtd, 0, 10, ExpireTime: _now + Second)));
        Order(Alice, 12, Side.Buy, 9_500, 10, TimeInForce.GoodTillCancel, expireTime: _now + Second);
        Assert.Equal(0, ExpiryOf(Alice, 12));
        Assert.Equal(long.MaxValue, Engine.NextExpiry);
        Assert.Empty(Expire(_now + 2 * Second));
        Assert.True(HasOrder(Alice, 12));
    }

    [Fact]
    public void A_day_order_on_a_symbol_without_a_session_end_is_rejected()
    {
        AssertRejectedWithoutChange(OrderRejected(Alice, 11, RejectReason.NoSessionEnd), () => Order(Alice, 11, Side.Buy, 9_500, 10, Day));
    }

    [Fact]
    public void A_session_end_outside_one_day_is_refused()
    {
        var spec = Spec2 with { Id = 4 };
        Assert.Equal(Rejected(CommandKind.AddSymbol, 0, 0, 4, RejectReason.InvalidSymbolSpec),
            SingleReject(RunAt(_now, new AddSymbol(spec, Name("X-1"), SessionEnds.Day + 1))));
        Assert.Equal(Rejected(CommandKind.AddSymbol, 0, 0, 4, RejectReason.InvalidSymbolSpec),
            SingleReject(RunAt(_now, new AddSymbol(spec, Name("X-1"), -5))));
        Assert.IsType<SymbolStatusChanged>(Assert.Single(RunAt(_now, new AddSymbol(spec, Name("X-1"), SessionEnds.Day))));
        Assert.Equal(SessionEnds.Day, Engine.SessionEndOf(4));
    }

    [Fact]
    public void A_day_order_expires_at_its_symbols_session_end_next_after_its_acceptance()
    {
        Order(Alice, 11, Side.Buy, 9_500, 10, Day, symbol: DaySym, at: Midnight + 10 * Hour);
        Order(Alice, 12, Side.Buy, 9_400, 10, Day, symbol: DaySym, at: Midnight + 16 * Hour); // exactly at the end: the next day's
        Order(Alice, 13, Side.Buy, 9_300, 10, Day, symbol: DaySym, at: Midnight + 17 * Hour);
        Order(Alice, 14, Side.Buy, 9_200, 10, Day, symbol: DaySym, at: Midnight - 1); // 23:59:59.999999999 the day before
        Assert.Equal(Midnight + 16 * Hour, ExpiryOf(Alice, 11));
        Assert.Equal(Midnight + 40 * Hour, ExpiryOf(Alice, 12));
        Assert.Equal(Midnight + 40 * Hour, ExpiryOf(Alice, 13));
        Assert.Equal(Midnight + 16 * Hour, ExpiryOf(Alice, 14));

        Assert.Empty(Expire(Midnight + 16 * Hour - 1));
        var events = Expire(Midnight + 16 * Hour);
        Assert.Equal([11L, 14L], events.OfType<OrderCancelled>().Select(c => c.ClientOrderId));
        Assert.All(events.OfType<OrderCancelled>(), c => Assert.Equal(CancelReason.Expired, c.Reason));
        Assert.Equal([12L, 13L], BookCids(Side.Buy, DaySym));
        Assert.Equal(2, Expire(Midnight + 40 * Hour).OfType<OrderCancelled>().Count());
        Assert.Equal(new BalanceView(InitialQuote, 0), BalanceOf(Alice, QuoteAsset));
    }

    [Fact]
    public void The_timer_input_expires_what_is_due_by_expiry_then_order_id_and_nothing_else()
    {
        Order(Alice, 1, Side.Buy, 9_500, 10, Gtd, _now + 3 * Second);  // order id 1
        Order(Bob, 2, Side.Sell, 10_500, 10, Gtd, _now + 2 * Second);  // 2
        Order(Carol, 3, Side.Buy, 9_400, 10, Gtd, _now + 2 * Second);  // 3
        Order(Alice, 4, Side.Sell, 10_600, 10, Gtd, _now + 1 * Second); // 4
        Order(Bob, 5, Side.Buy, 9_300, 10, Gtd, _now + 9 * Second);    // 5: not due
        Order(Carol, 6, Side.Buy, 9_200, 10, TimeInForce.GoodTillCancel);

        var events = Expire(_now + 3 * Second);
        Assert.Equal([4L, 2L, 3L, 1L], events.OfType<OrderCancelled>().Select(c => c.OrderId));
        Assert.Equal([5L, 6L], Engine.Orders(Sym, Side.Buy).Select(o => o.ClientOrderId).OrderBy(x => x));
        Assert.Equal(_now + 9 * Second, Engine.NextExpiry);
    }

    [Fact]
    public void An_order_whose_expiry_passed_trades_until_the_timer_input_expires_it()
    {
        long expireAt = _now + Second;
        Order(Alice, 11, Side.Sell, 10_000, 20, Gtd, expireAt);
        // Bob's buy is stamped after Alice's expiry, but no timer input came in between: it trades.
        var fills = Order(Bob, 12, Side.Buy, 10_000, 10, TimeInForce.ImmediateOrCancel, at: expireAt + Second).OfType<Fill>().ToList();
        Assert.Equal(2, fills.Count);
        var events = Expire(expireAt + 2 * Second);
        Assert.Equal(Cancelled(Alice, 11, 1, Side.Sell, CancelReason.Expired, 10, 10), events[0]);
        Assert.Equal(new BalanceView(InitialBase - 10, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Orders_that_end_otherwise_leave_the_expiries()
    {
        Order(Alice, 11, Side.Buy, 9_500, 10, Gtd, _now + Second);
        Order(Alice, 12, Side.Sell, 10_500, 10, Gtd, _now + 2 * Second);
        Order(Alice, 13, Side.Sell, 10_600, 10, Gtd, _now + 3 * Second);
        Assert.Equal(3, Engine.ExpiringOrderCount);

        RunAt(_now, new CancelOrder(Alice, 11));
        Assert.Equal(_now + 2 * Second, Engine.NextExpiry);
        Order(Bob, 21, Side.Buy, 10_500, 10, TimeInForce.ImmediateOrCancel); // fills 12 completely
        Assert.False(HasOrder(Alice, 12));
        Assert.Equal(_now + 3 * Second, Engine.NextExpiry);
        MassCancel(Alice);
        Assert.Equal(0, Engine.ExpiringOrderCount);
        Assert.Equal(long.MaxValue, Engine.NextExpiry);
        Assert.Empty(Expire(_now + 9 * Second));
    }

    [Fact]
    public void A_replaced_order_keeps_its_expiry()
    {
        Order(Alice, 11, Side.Buy, 9_500, 10, Gtd, _now + Second);
        RunAt(_now, new ReplaceOrder(Alice, 11, 12, 9_600, 20));
        Assert.Equal(_now + Second, ExpiryOf(Alice, 12));
        var events = Expire(_now + Second);
        Assert.Equal(Cancelled(Alice, 12, 1, Side.Buy, CancelReason.Expired, 20, 0), events[0]);
        Assert.Equal(new BalanceView(InitialQuote, 0), BalanceOf(Alice, QuoteAsset));
    }

    [Fact]
    public void Post_only_orders_may_be_day_or_gtd()
    {
        Assert.IsType<OrderAccepted>(Order(Alice, 11, Side.Buy, 9_500, 10, Gtd, _now + Second, postOnly: true)[0]);
        Assert.IsType<OrderAccepted>(Order(Alice, 12, Side.Buy, 9_500, 10, Day, symbol: DaySym, postOnly: true)[0]);
    }

    [Fact]
    public void A_pending_gtd_stop_limit_expires_without_market_data_and_a_triggered_day_one_rests_until_its_session_end()
    {
        RunAt(_now, new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.StopLimit, Gtd, 10_200, 10, StopPrice: 10_100, ExpireTime: _now + Second));
        var events = Expire(_now + Second);
        AssertEvents(events,
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.Expired, 10, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
        Assert.Empty(Engine.PendingStops(Sym, Side.Buy));

        RunAt(_now, new NewOrder(Alice, 12, DaySym, Side.Buy, OrderType.StopLimit, Day, 10_200, 20, StopPrice: 10_100));
        // A trade at 10,100 triggers it; the stop-limit finds nothing to buy and rests as a Day order.
        Order(Bob, 21, Side.Sell, 10_100, 10, TimeInForce.GoodTillCancel, symbol: DaySym);
        var trigger = Order(Carol, 22, Side.Buy, 10_100, 10, TimeInForce.ImmediateOrCancel, symbol: DaySym);
        Assert.Contains(trigger, e => e is StopTriggered);
        Assert.Equal([12L], BookCids(Side.Buy, DaySym));
        Assert.Equal(Midnight + SessionEnd, ExpiryOf(Alice, 12));
        events = Expire(Midnight + SessionEnd);
        Assert.Equal(Cancelled(Alice, 12, 2, Side.Buy, CancelReason.Expired, 20, 0, DaySym), events[0]);
        Assert.Contains(Level(Side.Buy, 10_200, 0, 0, DaySym), events);
    }

    [Fact]
    public void Expiries_survive_a_snapshot_and_both_engines_expire_the_same()
    {
        Order(Alice, 11, Side.Buy, 9_500, 10, Gtd, _now + 2 * Second);
        Order(Bob, 12, Side.Sell, 10_500, 10, Day, symbol: DaySym);
        Order(Carol, 13, Side.Buy, 9_400, 10, Gtd, _now + Second);
        RunAt(_now, new NewOrder(Alice, 14, Sym, Side.Sell, OrderType.StopLimit, Gtd, 9_000, 10, StopPrice: 9_100, ExpireTime: _now + 3 * Second));
        Order(Carol, 15, Side.Buy, 9_300, 10, TimeInForce.GoodTillCancel);

        var stream = new MemoryStream();
        Engine.Capture().WriteTo(stream);
        stream.Position = 0;
        var snapshot = EngineSnapshot.ReadFrom(stream);
        Assert.Equal(4, snapshot.Expiries.Length);
        var restored = new EngineFixture(null, setup: false);
        restored.Engine.Restore(snapshot);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
        Assert.Equal(Engine.Expiries(), restored.Engine.Expiries());
        Assert.Equal(SessionEnd, restored.Engine.SessionEndOf(DaySym));
        Assert.Equal(Engine.NextExpiry, restored.Engine.NextExpiry);

        Out.Clear(); restored.Out.Clear();
        long s = Engine.LastSequence;
        foreach (long at in new[] { _now + Second, _now + 3 * Second, Midnight + SessionEnd })
        {
            s++;
            Engine.Apply(s, at, new ExpireOrders(0));
            restored.Engine.Apply(s, at, new ExpireOrders(0));
        }
        Assert.Equal(4, Out.Events.OfType<OrderCancelled>().Count());
        Assert.Equal(Out.Events, restored.Out.Events);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
    }

    [Fact]
    public void A_snapshot_of_the_previous_format_still_loads_without_expiries()
    {
        Order(Carol, 15, Side.Buy, 9_300, 10, TimeInForce.GoodTillCancel);
        var fresh = new EngineFixture();
        fresh.Buy(Carol, 15, 9_300, 10);
        var snapshot = fresh.Engine.Capture();
        var stream = new MemoryStream();
        snapshot.WriteTo(stream);
        // Format 4 ("ENGSNAP4") is this one without the trailing session ends and expiries.
        byte[] bytes = stream.ToArray()[..^(snapshot.Symbols.Length * 8 + 4)];
        bytes[7] = (byte)'4';
        var old = EngineSnapshot.ReadFrom(new MemoryStream(bytes));
        Assert.Empty(old.Expiries);
        var restored = new EngineFixture(null, setup: false);
        restored.Engine.Restore(old);
        Assert.Equal(fresh.Engine.StateHash(), restored.Engine.StateHash());
    }

    [Fact]
    public void The_state_hash_covers_expiries_and_session_ends()
    {
        var a = new EngineFixture();
        var b = new EngineFixture();
        a.RunAt(_now, new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.Limit, Gtd, 9_500, 10, ExpireTime: _now + Second));
        b.RunAt(_now, new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.Limit, Gtd, 9_500, 10, ExpireTime: _now + 2 * Second));
        Assert.NotEqual(a.Engine.StateHash(), b.Engine.StateHash());

        var c = new EngineFixture();
        var d = new EngineFixture();
        c.RunAt(_now, new AddSymbol(Spec1 with { Id = 5 }, Name("S-5"), 10 * Hour));
        d.RunAt(_now, new AddSymbol(Spec1 with { Id = 5 }, Name("S-5"), 11 * Hour));
        Assert.NotEqual(c.Engine.StateHash(), d.Engine.StateHash());
    }

    [Fact]
    public void The_state_hash_with_expiries_allocates_nothing()
    {
        for (int i = 0; i < 20; i++) Order(Alice, 11 + i, Side.Buy, 9_000 + 100 * (i % 5), 10, Gtd, _now + (20 - i) * Second);
        long first = Engine.StateHash();
        long before = GC.GetAllocatedBytesForCurrentThread();
        long again = Engine.StateHash();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Random_expiries_and_cancels_expire_exactly_what_a_sorted_list_says_in_its_order()
    {
        var random = new Random(2212);
        var open = new List<(long ExpireAt, long OrderId, long Cid)>();
        long cid = 100;
        for (int round = 0; round < 400; round++)
        {
            int action = random.Next(10);
            if (action < 6)
            {
                long expireAt = _now + random.Next(1, 50) * Second;
                long price = 9_000 + random.Next(0, 5) * 100;
                var events = Order(Alice, ++cid, Side.Buy, price, 10, Gtd, expireAt);
                if (events[0] is OrderAccepted accepted) open.Add((expireAt, accepted.OrderId, cid));
            }
            else if (action < 8 && open.Count > 0)
            {
                var victim = open[random.Next(open.Count)];
                RunAt(_now, new CancelOrder(Alice, victim.Cid));
                open.Remove(victim);
            }
            else
            {
                long at = _now + random.Next(0, 50) * Second;
                var due = open.Where(o => o.ExpireAt <= at).OrderBy(o => o.ExpireAt).ThenBy(o => o.OrderId).ToList();
                var events = Expire(at);
                Assert.Equal(due.Select(o => o.OrderId), events.OfType<OrderCancelled>().Select(c => c.OrderId));
                open.RemoveAll(o => o.ExpireAt <= at);
            }
            Assert.Equal(open.Count, Engine.ExpiringOrderCount);
            Assert.Equal(open.Count == 0 ? long.MaxValue : open.Min(o => o.ExpireAt), Engine.NextExpiry);
        }
        Assert.Equal(open.Select(o => (o.ExpireAt, o.OrderId)).OrderBy(x => x), Engine.Expiries().Select(e => (e.ExpireAt, e.OrderId)));
    }
}
