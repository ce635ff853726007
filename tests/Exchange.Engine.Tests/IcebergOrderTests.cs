// Iceberg orders (engine README "Iceberg orders"): a GTC limit order showing a slice of its quantity at a time; market
// data sees only the slice, the owner the whole order; a used-up slice is replenished at the back of its level; sweeps,
// self-trade prevention, fill-or-kill, cancel and replace, holds, snapshots and the state hash.
using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class IcebergOrderTests : EngineFixture
{
    private const TimeInForce Gtc = TimeInForce.GoodTillCancel;
    private const TimeInForce Ioc = TimeInForce.ImmediateOrCancel;
    private const TimeInForce Fok = TimeInForce.FillOrKill;

    private List<object> Iceberg(long account, long cid, Side side, long price, long qty, long display,
        SelfTradePrevention stp = SelfTradePrevention.None, int symbol = Sym)
        => Run(new NewOrder(account, cid, symbol, side, OrderType.Limit, Gtc, price, qty, 0, stp, DisplayQuantity: display));

    private static (long Account, long ClientOrderId, long Quantity)[] MakerFills(List<object> events) =>
        events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Maker).Select(f => (f.Account, f.ClientOrderId, f.Quantity)).ToArray();

    [Fact]
    public void An_iceberg_is_accepted_with_its_display_quantity_and_market_data_shows_only_its_slice()
    {
        var events = Iceberg(Alice, 11, Side.Sell, 10_100, 100, 20);

        AssertEvents(events,
            new OrderAccepted(Alice, 11, 1, Sym, Side.Sell, OrderType.Limit, Gtc, 10_100, 100, 0, 20),
            Balance(Alice, BaseAsset, InitialBase - 100, 100), // the hold is for the whole order
            Level(Side.Sell, 10_100, 20, 1),
            Bbo(0, 0, 10_100, 20));
        Assert.Equal(new LevelView(10_100, 20, 1), Assert.Single(Engine.Levels(Sym, Side.Sell)));
        // Its owner sees the whole order and its display quantity.
        var order = OrderOf(Alice, 11);
        Assert.Equal((100L, 100L, 20L, 20L), (order.Quantity, order.Leaves, order.DisplayQuantity, order.Shown));
        var status = Engine.OrderStatus(Alice, 11);
        Assert.Equal((OrderState.Open, 100L, 20L), (status.State, status.Leaves, status.DisplayQuantity));
    }

    [Fact]
    public void Only_a_gtc_limit_order_with_a_display_quantity_below_its_quantity_on_the_lot_and_at_least_the_minimum_is_an_iceberg()
    {
        AssertRejectedWithoutChange(OrderRejected(Alice, 11, RejectReason.InvalidDisplayQuantity), () => Iceberg(Alice, 11, Side.Sell, 10_100, 100, -10));
        AssertRejectedWithoutChange(OrderRejected(Alice, 12, RejectReason.InvalidDisplayQuantity), () => Iceberg(Alice, 12, Side.Sell, 10_100, 100, 100));
        AssertRejectedWithoutChange(OrderRejected(Alice, 13, RejectReason.InvalidDisplayQuantity), () => Iceberg(Alice, 13, Side.Sell, 10_100, 100, 200));
        AssertRejectedWithoutChange(OrderRejected(Alice, 14, RejectReason.InvalidDisplayQuantity), () => Iceberg(Alice, 14, Side.Sell, 10_100, 100, 15));
        // Symbol 2: lot 1, minimum 5.
        AssertRejectedWithoutChange(OrderRejected(Alice, 15, RejectReason.InvalidDisplayQuantity, Sym2),
            () => Iceberg(Alice, 15, Side.Sell, 1_000, 50, 3, symbol: Sym2));
        AssertRejectedWithoutChange(OrderRejected(Alice, 16, RejectReason.InvalidOrderType),
            () => Run(new NewOrder(Alice, 16, Sym, Side.Sell, OrderType.Market, Ioc, 0, 100, DisplayQuantity: 20)));
        AssertRejectedWithoutChange(OrderRejected(Alice, 17, RejectReason.InvalidOrderType),
            () => Run(new NewOrder(Alice, 17, Sym, Side.Sell, OrderType.StopLimit, Gtc, 9_500, 100, StopPrice: 9_600, DisplayQuantity: 20)));
        AssertRejectedWithoutChange(OrderRejected(Alice, 18, RejectReason.InvalidTimeInForce),
            () => Run(new NewOrder(Alice, 18, Sym, Side.Sell, OrderType.Limit, Ioc, 10_100, 100, DisplayQuantity: 20)));
        AssertRejectedWithoutChange(OrderRejected(Alice, 19, RejectReason.InvalidTimeInForce),
            () => Run(new NewOrder(Alice, 19, Sym, Side.Sell, OrderType.Limit, Fok, 10_100, 100, DisplayQuantity: 20)));
        // The smallest iceberg of symbol 2: display 5 of 6.
        Assert.IsType<OrderAccepted>(Iceberg(Alice, 20, Side.Sell, 1_000, 6, 5, symbol: Sym2)[0]);
    }

    [Fact]
    public void A_used_up_slice_is_replenished_from_the_hidden_rest_at_the_back_of_its_level()
    {
        Iceberg(Alice, 11, Side.Sell, 10_100, 50, 20);
        Sell(Bob, 21, 10_100, 30);

        var events = Buy(Carol, 31, 10_100, 20, Ioc);
        Assert.Equal([(Alice, 11L, 20L)], MakerFills(events));
        Assert.Contains(Level(Side.Sell, 10_100, 50, 2), events); // Bob's 30 and Alice's new slice of 20
        Assert.Equal([21L, 11L], BookCids(Side.Sell));
        var alice = OrderOf(Alice, 11);
        Assert.Equal((20L, 30L, 20L), (alice.Filled, alice.Leaves, alice.Shown));

        // Bob is first now; Alice's slice then fills in part.
        events = Buy(Carol, 32, 10_100, 40, Ioc);
        Assert.Equal([(Bob, 21L, 30L), (Alice, 11L, 10L)], MakerFills(events));
        Assert.Equal(new LevelView(10_100, 10, 1), Assert.Single(Engine.Levels(Sym, Side.Sell)));

        // The last replenish is what is left (10, less than the display quantity of 20).
        events = Buy(Carol, 33, 10_100, 20, Ioc);
        Assert.Equal([(Alice, 11L, 10L), (Alice, 11L, 10L)], MakerFills(events));
        Assert.Contains(Level(Side.Sell, 10_100, 0, 0), events);
        Assert.False(HasOrder(Alice, 11));
        Assert.Equal(new BalanceView(InitialBase - 50, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void A_sweep_reaches_the_other_orders_at_the_price_before_an_icebergs_replenished_slices()
    {
        Iceberg(Alice, 11, Side.Sell, 10_100, 60, 20);
        Sell(Bob, 21, 10_100, 30);
        Sell(Bob, 22, 10_200, 10);

        var events = Buy(Carol, 31, 10_200, 100, Ioc);

        Assert.Equal([(Alice, 11L, 20L), (Bob, 21L, 30L), (Alice, 11L, 20L), (Alice, 11L, 20L), (Bob, 22L, 10L)], MakerFills(events));
        Assert.Equal([20L, 30L, 20L, 20L, 10L], events.OfType<Trade>().Select(t => t.Quantity).ToArray());
        // One LevelChanged per level visited, at the end of the visit.
        Assert.Equal([Level(Side.Sell, 10_100, 0, 0), Level(Side.Sell, 10_200, 0, 0)], events.OfType<LevelChanged>().ToArray());
        Assert.Empty(Engine.Levels(Sym, Side.Sell));
        Assert.Equal(new BalanceView(InitialBase + 100, 0), BalanceOf(Carol, BaseAsset));
    }

    [Fact]
    public void An_iceberg_taker_matches_with_its_whole_quantity_and_rests_with_a_slice()
    {
        Sell(Bob, 21, 10_100, 30);
        var events = Iceberg(Alice, 11, Side.Buy, 10_100, 100, 20);
        Assert.Equal([(Bob, 21L, 30L)], MakerFills(events));
        Assert.Contains(Level(Side.Buy, 10_100, 20, 1), events);
        Assert.Contains(Bbo(10_100, 20, 0, 0), events);
        var alice = OrderOf(Alice, 11);
        Assert.Equal((30L, 70L, 20L), (alice.Filled, alice.Leaves, alice.Shown));
        Assert.Equal(new BalanceView(InitialQuote - N(10_100, 30) - TakerFee(N(10_100, 30)) - BuyHold(10_100, 70), BuyHold(10_100, 70)),
            BalanceOf(Alice, QuoteAsset));
    }

    [Fact]
    public void Cancel_oldest_cancels_the_whole_iceberg()
    {
        Iceberg(Alice, 11, Side.Sell, 10_100, 60, 20);
        Sell(Bob, 21, 10_100, 30);

        var events = Buy(Alice, 12, 10_100, 30, Ioc, SelfTradePrevention.CancelOldest);

        Assert.Contains(Cancelled(Alice, 11, 1, Side.Sell, CancelReason.SelfTradePrevention, 60, 0), events);
        Assert.Equal([(Bob, 21L, 30L)], MakerFills(events));
        Assert.Contains(Level(Side.Sell, 10_100, 0, 0), events);
        Assert.Equal(new BalanceView(InitialBase + 30, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Decrement_takes_from_the_slice_and_a_used_up_slice_is_replenished_at_the_back()
    {
        Iceberg(Alice, 11, Side.Sell, 10_100, 60, 20);
        Sell(Bob, 21, 10_100, 30);

        var events = Buy(Alice, 12, 10_100, 30, Ioc, SelfTradePrevention.Decrement);

        Assert.Contains(new OrderReduced(Alice, 11, 1, Sym, Side.Sell, 20, 40), events);
        Assert.Contains(new OrderReduced(Alice, 12, 3, Sym, Side.Buy, 20, 10), events);
        Assert.Equal([(Bob, 21L, 10L)], MakerFills(events));
        Assert.Equal([21L, 11L], BookCids(Side.Sell));
        Assert.Equal(new LevelView(10_100, 40, 2), Assert.Single(Engine.Levels(Sym, Side.Sell)));
        var alice = OrderOf(Alice, 11);
        Assert.Equal((40L, 40L, 20L), (alice.Quantity, alice.Leaves, alice.Shown));
        Assert.Equal(new BalanceView(InitialBase - 60 + 20 + 10, 40), BalanceOf(Alice, BaseAsset)); // 20 decremented, 10 bought
    }

    [Fact]
    public void Hidden_quantity_counts_toward_fill_or_kill_as_far_as_the_sweep_would_reach_it()
    {
        Iceberg(Bob, 21, Side.Sell, 10_100, 60, 20);
        AssertRejectedWithoutChange(OrderRejected(Carol, 31, RejectReason.FillOrKillNotFillable), () => Buy(Carol, 31, 10_100, 70, Fok));

        // Carol's own offer behind Bob's slice: a CancelNewest sweep would stop at it once the slice is used up.
        Sell(Carol, 30, 10_100, 10);
        AssertRejectedWithoutChange(OrderRejected(Carol, 32, RejectReason.FillOrKillNotFillable),
            () => Buy(Carol, 32, 10_100, 30, Fok, SelfTradePrevention.CancelNewest));
        var events = Buy(Carol, 33, 10_100, 20, Fok, SelfTradePrevention.CancelNewest);
        Assert.Equal([(Bob, 21L, 20L)], MakerFills(events));
        Assert.Equal([30L, 21L], BookCids(Side.Sell));

        // Skipping its own offer (CancelOldest would cancel it), the whole of Bob's iceberg fills a FOK.
        events = Buy(Carol, 34, 10_100, 40, Fok, SelfTradePrevention.CancelOldest);
        Assert.Equal([(Bob, 21L, 20L), (Bob, 21L, 20L)], MakerFills(events));
        Assert.Empty(Engine.Levels(Sym, Side.Sell));
    }

    [Fact]
    public void Cancelling_an_iceberg_releases_its_whole_hold_and_takes_its_slice_off_the_level()
    {
        Iceberg(Alice, 11, Side.Buy, 9_900, 100, 20);
        Buy(Bob, 21, 9_900, 10);
        Assert.Equal(new BalanceView(InitialQuote - BuyHold(9_900, 100), BuyHold(9_900, 100)), BalanceOf(Alice, QuoteAsset));

        AssertEvents(Cancel(Alice, 11),
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.ByClient, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            Level(Side.Buy, 9_900, 10, 1),
            Bbo(9_900, 10, 0, 0));
    }

    [Fact]
    public void A_replace_keeps_the_display_quantity_and_the_slice_while_priority_is_kept()
    {
        Iceberg(Alice, 11, Side.Sell, 10_100, 100, 20);
        Sell(Bob, 21, 10_100, 10);

        // Down to 10: priority kept, the slice cut to the leaves.
        var events = Replace(Alice, 11, 12, 10_100, 10);
        Assert.Contains(new OrderReplaced(Alice, 11, 12, 1, Sym, Side.Sell, 10_100, 10, 10, true), events);
        Assert.Contains(Level(Side.Sell, 10_100, 20, 2), events);
        Assert.Equal([12L, 21L], BookCids(Side.Sell));
        Assert.Equal((20L, 10L), (OrderOf(Alice, 12).DisplayQuantity, OrderOf(Alice, 12).Shown));

        // Up to 100: priority lost, back of the level with a full slice.
        events = Replace(Alice, 12, 13, 10_100, 100);
        Assert.Contains(new OrderReplaced(Alice, 12, 13, 1, Sym, Side.Sell, 10_100, 100, 100, false), events);
        Assert.Equal([21L, 13L], BookCids(Side.Sell));
        Assert.Equal(new LevelView(10_100, 30, 2), Assert.Single(Engine.Levels(Sym, Side.Sell)));
        Assert.Equal(new BalanceView(InitialBase - 100, 100), BalanceOf(Alice, BaseAsset));

        // A new price: its slice moves there.
        Replace(Alice, 13, 14, 10_200, 100);
        Assert.Equal([new LevelView(10_100, 10, 1), new LevelView(10_200, 20, 1)], Engine.Levels(Sym, Side.Sell));
        Assert.Equal((20L, 20L), (OrderOf(Alice, 14).DisplayQuantity, OrderOf(Alice, 14).Shown));
    }

    [Fact]
    public void A_resting_iceberg_buys_hold_follows_its_leaves_as_slices_fill()
    {
        Iceberg(Alice, 11, Side.Buy, 10_000, 100, 20);
        Assert.Equal(BuyHold(10_000, 100), BalanceOf(Alice, QuoteAsset).Held);
        Sell(Bob, 21, 10_000, 30, Ioc);
        Assert.Equal(BuyHold(10_000, 70), BalanceOf(Alice, QuoteAsset).Held);
        Assert.Equal(new LevelView(10_000, 10, 1), Assert.Single(Engine.Levels(Sym, Side.Buy)));
        Assert.Equal(3 * InitialQuote, TotalOf(QuoteAsset));
    }

    [Fact]
    public void The_state_hash_covers_the_display_quantity()
    {
        var a = new EngineFixture();
        var b = new EngineFixture();
        // Both end with 90 leaves showing a slice of 10 at 10,100; they differ in display quantity only.
        a.Run(new NewOrder(Alice, 11, Sym, Side.Sell, OrderType.Limit, Gtc, 10_100, 100, DisplayQuantity: 20));
        b.Run(new NewOrder(Alice, 11, Sym, Side.Sell, OrderType.Limit, Gtc, 10_100, 100, DisplayQuantity: 10));
        a.Buy(Carol, 31, 10_100, 10, Ioc);
        b.Buy(Carol, 31, 10_100, 10, Ioc);
        Assert.Equal(a.Engine.Levels(Sym, Side.Sell), b.Engine.Levels(Sym, Side.Sell));
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void A_snapshot_with_icebergs_restores_the_same_state_and_the_same_future()
    {
        Iceberg(Alice, 11, Side.Sell, 10_100, 100, 20);
        Sell(Bob, 21, 10_100, 30);
        Buy(Carol, 31, 10_100, 30, Ioc); // Alice's slice used up and replenished behind Bob; Bob's in part
        Iceberg(Carol, 32, Side.Buy, 9_900, 50, 10);

        var stream = new MemoryStream();
        Engine.Capture().WriteTo(stream);
        stream.Position = 0;
        var snapshot = EngineSnapshot.ReadFrom(stream);
        Assert.Equal(2, snapshot.Orders.Count(o => o.Display != 0));
        var restored = new EngineFixture(null, setup: false);
        restored.Engine.Restore(snapshot);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
        Assert.Equal(Engine.Orders(Sym, Side.Sell), restored.Engine.Orders(Sym, Side.Sell));
        Assert.Equal(Engine.Levels(Sym, Side.Buy), restored.Engine.Levels(Sym, Side.Buy));

        Out.Clear(); restored.Out.Clear();
        long s = Engine.LastSequence;
        foreach (var command in new[]
        {
            new NewOrder(Carol, 98, Sym, Side.Buy, OrderType.Limit, Ioc, 10_100, 90),
            new NewOrder(Bob, 97, Sym, Side.Sell, OrderType.Limit, Ioc, 9_900, 25),
        })
        {
            s++;
            Engine.Apply(s, s, command);
            restored.Engine.Apply(s, s, command);
        }
        Assert.True(Out.Events.OfType<Fill>().Count() >= 8, "the commands swept both icebergs");
        Assert.Equal(Out.Events, restored.Out.Events);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
    }

    [Fact]
    public void A_snapshot_of_the_format_before_icebergs_still_loads()
    {
        Buy(Alice, 11, 9_500, 10);
        var snapshot = Engine.Capture();
        var stream = new MemoryStream();
        snapshot.WriteTo(stream);
        // "ENGSNAP4" is this format without the trailing iceberg count.
        byte[] bytes = stream.ToArray()[..^4];
        bytes[7] = (byte)'4';
        var old = EngineSnapshot.ReadFrom(new MemoryStream(bytes));
        var restored = new EngineFixture(null, setup: false);
        restored.Engine.Restore(old);
        Assert.Equal(Engine.StateHash(), restored.Engine.StateHash());
    }

    [Fact]
    public void A_snapshot_with_an_inconsistent_slice_is_refused()
    {
        Iceberg(Alice, 11, Side.Sell, 10_100, 100, 20);
        var snapshot = Engine.Capture();
        var bad = new EngineSnapshot
        {
            Sequence = snapshot.Sequence, Timestamp = snapshot.Timestamp, NextOrderId = snapshot.NextOrderId, NextTradeId = snapshot.NextTradeId,
            AssetCount = snapshot.AssetCount, Symbols = snapshot.Symbols, Accounts = snapshot.Accounts, Available = snapshot.Available,
            Held = snapshot.Held, Orders = [snapshot.Orders[0] with { Shown = 30 }],
        };
        var restored = new EngineFixture(null, setup: false);
        Assert.Throws<InvalidDataException>(() => restored.Engine.Restore(bad));
    }

    [Fact]
    public void The_same_inputs_give_the_same_events_and_hash()
    {
        static (List<object> Events, long Hash) Play()
        {
            var f = new EngineFixture();
            var all = new List<object>();
            all.AddRange(f.Run(new NewOrder(Alice, 1, Sym, Side.Sell, OrderType.Limit, Gtc, 10_100, 200, DisplayQuantity: 30)));
            all.AddRange(f.Sell(Bob, 1, 10_100, 40));
            all.AddRange(f.Run(new NewOrder(Bob, 2, Sym, Side.Sell, OrderType.Limit, Gtc, 10_100, 90, DisplayQuantity: 20)));
            for (int i = 0; i < 6; i++) all.AddRange(f.Buy(Carol, 10 + i, 10_100, 50, Ioc));
            all.AddRange(f.Buy(Alice, 20, 10_100, 40, Ioc, SelfTradePrevention.Decrement));
            return (all, f.Engine.StateHash());
        }
        var first = Play();
        var second = Play();
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.Hash, second.Hash);
    }
}
