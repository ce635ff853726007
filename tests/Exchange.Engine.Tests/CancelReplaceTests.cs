using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class CancelReplaceTests : EngineFixture
{
    // ---- cancel ------------------------------------------------------------------------------------

    [Fact]
    public void Cancel_releases_the_hold_and_removes_the_level()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Cancel(Alice, 11);

        AssertEvents(events,
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.ByClient, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            Level(Side.Buy, 9_900, 0, 0),
            Bbo(0, 0, 0, 0));
        Assert.False(HasOrder(Alice, 11));
        Assert.Equal(0, Engine.OpenOrderCount);
    }

    [Fact]
    public void Cancel_of_a_partially_filled_order_reports_cancelled_and_filled_quantities()
    {
        Sell(Bob, 21, 10_000, 100);
        Buy(Alice, 11, 10_000, 30);

        var events = Cancel(Bob, 21);

        AssertEvents(events,
            Cancelled(Bob, 21, 1, Side.Sell, CancelReason.ByClient, 70, 30),
            Balance(Bob, BaseAsset, InitialBase - 30, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Cancel_of_one_of_two_orders_at_a_price_shrinks_the_level()
    {
        Buy(Alice, 11, 9_900, 100);
        Buy(Bob, 21, 9_900, 50);

        var events = Cancel(Alice, 11);

        Assert.Equal(new object[] { Level(Side.Buy, 9_900, 50, 1), Bbo(9_900, 50, 0, 0) }, events.TakeLast(2).ToArray());
    }

    [Fact]
    public void Cancel_behind_the_best_price_emits_no_best_bid_offer()
    {
        Buy(Alice, 11, 9_900, 100);
        Buy(Alice, 12, 9_800, 100);

        var events = Cancel(Alice, 12);

        AssertEvents(events,
            Cancelled(Alice, 12, 2, Side.Buy, CancelReason.ByClient, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 99_198, 99_198),
            Level(Side.Buy, 9_800, 0, 0));
    }

    [Fact]
    public void Cancel_of_another_accounts_order_is_rejected_as_unknown()
    {
        Buy(Alice, 11, 9_900, 100);

        AssertRejectedWithoutChange(
            Rejected(CommandKind.CancelOrder, Bob, 11, -1, RejectReason.UnknownOrder),
            () => Cancel(Bob, 11));
    }

    [Fact]
    public void Cancelled_client_order_id_can_be_reused()
    {
        Buy(Alice, 11, 9_900, 100);
        Cancel(Alice, 11);

        var events = Buy(Alice, 11, 9_800, 100);

        Assert.Equal(Accepted(Alice, 11, 2, Side.Buy, 9_800, 100), events[0]);
    }

    [Fact]
    public void Cancelling_twice_rejects_the_second_cancel()
    {
        Buy(Alice, 11, 9_900, 100);
        Cancel(Alice, 11);

        AssertRejectedWithoutChange(
            Rejected(CommandKind.CancelOrder, Alice, 11, -1, RejectReason.UnknownOrder),
            () => Cancel(Alice, 11));
    }

    // ---- replace: priority -------------------------------------------------------------------------

    [Fact]
    public void Replace_quantity_decrease_keeps_priority_with_exact_events()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Carol, 31, 10_000, 100);

        var events = Replace(Bob, 21, 22, 10_000, 50);

        AssertEvents(events,
            new OrderReplaced(Bob, 21, 22, 1, Sym, Side.Sell, 10_000, 50, 50, true),
            Balance(Bob, BaseAsset, InitialBase - 50, 50),
            Level(Side.Sell, 10_000, 150, 2),
            Bbo(0, 0, 10_000, 150));
        Assert.Equal(new long[] { 22, 31 }, BookCids(Side.Sell));
    }

    [Fact]
    public void Replace_quantity_decrease_still_fills_first()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Carol, 31, 10_000, 100);
        Replace(Bob, 21, 21, 10_000, 50);

        var events = Buy(Alice, 11, 10_000, 50);

        Assert.Equal(Bob, events.OfType<Fill>().Single(f => f.Liquidity == Liquidity.Maker).Account);
    }

    [Fact]
    public void Replace_price_change_loses_priority()
    {
        Sell(Bob, 21, 10_100, 100);
        Sell(Carol, 31, 10_000, 100);

        var events = Replace(Bob, 21, 21, 10_000, 100);

        Assert.False(events.OfType<OrderReplaced>().Single().KeptPriority);
        Assert.Equal(new long[] { 31, 21 }, BookCids(Side.Sell));
    }

    [Fact]
    public void Replace_quantity_increase_loses_priority()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Carol, 31, 10_000, 100);

        var events = Replace(Bob, 21, 21, 10_000, 150);

        Assert.False(events.OfType<OrderReplaced>().Single().KeptPriority);
        Assert.Equal(new long[] { 31, 21 }, BookCids(Side.Sell));
    }

    [Fact]
    public void Replace_to_the_same_price_and_quantity_keeps_priority()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Carol, 31, 10_000, 100);

        var events = Replace(Bob, 21, 22, 10_000, 100);

        Assert.True(events.OfType<OrderReplaced>().Single().KeptPriority);
        Assert.Equal(new long[] { 22, 31 }, BookCids(Side.Sell));
    }

    [Fact]
    public void Replace_price_change_moves_the_order_to_the_new_level_with_exact_events()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Replace(Alice, 11, 12, 9_800, 100);

        // New hold: 98,000 + 196.
        AssertEvents(events,
            new OrderReplaced(Alice, 11, 12, 1, Sym, Side.Buy, 9_800, 100, 100, false),
            Balance(Alice, QuoteAsset, InitialQuote - 98_196, 98_196),
            Level(Side.Buy, 9_900, 0, 0),
            Level(Side.Buy, 9_800, 100, 1),
            Bbo(9_800, 100, 0, 0));
    }

    [Fact]
    public void Replace_quantity_increase_leaves_and_rejoins_its_level_with_exact_events()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Replace(Alice, 11, 11, 9_900, 200);

        AssertEvents(events,
            new OrderReplaced(Alice, 11, 11, 1, Sym, Side.Buy, 9_900, 200, 200, false),
            Balance(Alice, QuoteAsset, InitialQuote - 198_396, 198_396),
            Level(Side.Buy, 9_900, 0, 0),
            Level(Side.Buy, 9_900, 200, 1),
            Bbo(9_900, 200, 0, 0));
    }

    // ---- replace: holds, fills, ids ------------------------------------------------------------

    [Fact]
    public void Replace_quantity_decrease_of_a_buy_returns_part_of_the_hold()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Replace(Alice, 11, 11, 9_900, 50);

        // 49,500 + ceil(99) = 49,599
        Assert.Equal(Balance(Alice, QuoteAsset, InitialQuote - 49_599, 49_599), events[1]);
        Assert.Equal(49_599, OrderOf(Alice, 11).Held);
    }

    [Fact]
    public void Replace_quantity_includes_what_already_filled()
    {
        Sell(Bob, 21, 10_000, 100);
        Buy(Alice, 11, 10_000, 40);

        var events = Replace(Bob, 21, 21, 10_000, 80);

        Assert.Equal(new OrderReplaced(Bob, 21, 21, 1, Sym, Side.Sell, 10_000, 80, 40, true), events[0]);
        Assert.Equal(Balance(Bob, BaseAsset, InitialBase - 80, 40), events[1]);
        var order = OrderOf(Bob, 21);
        Assert.Equal((80L, 40L, 40L), (order.Quantity, order.Filled, order.Leaves));
    }

    [Fact]
    public void Replace_below_filled_cancels_the_order()
    {
        Sell(Bob, 21, 10_000, 100);
        Buy(Alice, 11, 10_000, 60);

        var events = Replace(Bob, 21, 22, 10_000, 60);

        Assert.Equal(4, events.Count);
        var cancelled = Assert.IsType<OrderCancelled>(events[0]);
        // Which client order id the cancel carries (old or new) is not fixed by the README.
        Assert.Equal(Cancelled(Bob, cancelled.ClientOrderId, 1, Side.Sell, CancelReason.ReplacedBelowFilled, 40, 60), cancelled);
        Assert.Equal(new object[]
        {
            Balance(Bob, BaseAsset, InitialBase - 60, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0),
        }, events.Skip(1).ToArray());
        Assert.Equal(0, Engine.OpenOrderCount);
    }

    [Fact]
    public void Replace_that_crosses_trades_as_a_taker()
    {
        Buy(Alice, 11, 9_900, 100);
        Sell(Bob, 21, 10_000, 100);

        var events = Replace(Alice, 11, 11, 10_000, 100);

        AssertEvents(events,
            new OrderReplaced(Alice, 11, 11, 1, Sym, Side.Buy, 10_000, 100, 100, false),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Level(Side.Buy, 9_900, 0, 0),
            MakerFill(1, Bob, 21, 2, Side.Sell, 10_000, 100, 100, 100, 0),
            TakerFill(1, Alice, 11, 1, Side.Buy, 10_000, 100, 200, 100, 0),
            Traded(1, Side.Buy, 10_000, 100),
            Balance(Bob, BaseAsset, InitialBase - 100, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 99_900, 0),
            Balance(Alice, BaseAsset, InitialBase + 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 0),
            Balance(FeeAccount, QuoteAsset, 300, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
        Assert.Equal(0, Engine.OpenOrderCount);
    }

    [Fact]
    public void Replace_that_partly_crosses_rests_its_remainder_keeping_order_id_and_filled()
    {
        Buy(Alice, 11, 9_900, 100);
        Sell(Bob, 21, 10_000, 30);

        Replace(Alice, 11, 12, 10_000, 100);

        var order = OrderOf(Alice, 12);
        Assert.Equal((1L, 10_000L, 100L, 30L), (order.OrderId, order.Price, order.Quantity, order.Filled));
        Assert.Equal(new[] { new LevelView(10_000, 70, 1) }, Engine.Levels(Sym, Side.Buy));
    }

    [Fact]
    public void Replace_with_a_new_client_order_id_renames_the_order()
    {
        Buy(Alice, 11, 9_900, 100);

        Replace(Alice, 11, 12, 9_900, 50);

        Assert.False(HasOrder(Alice, 11));
        Assert.Equal(1, OrderOf(Alice, 12).OrderId);
        Assert.Equal(CancelReason.ByClient, Cancel(Alice, 12).OfType<OrderCancelled>().Single().Reason);
    }

    [Fact]
    public void Replace_with_a_new_client_order_id_frees_the_old_one()
    {
        Buy(Alice, 11, 9_900, 100);
        Replace(Alice, 11, 12, 9_900, 50);

        var events = Buy(Alice, 11, 9_800, 100);

        Assert.Equal(Accepted(Alice, 11, 2, Side.Buy, 9_800, 100), events[0]);
    }

    [Fact]
    public void Replace_to_a_client_order_id_of_another_open_order_is_rejected()
    {
        Buy(Alice, 11, 9_900, 100);
        Buy(Alice, 12, 9_800, 100);

        var rejected = AssertRejectedWithoutChange(() => Replace(Alice, 11, 12, 9_900, 50));

        Assert.Equal((CommandKind.ReplaceOrder, Alice, RejectReason.DuplicateClientOrderId), (rejected.Command, rejected.Account, rejected.Reason));
    }

    [Fact]
    public void Replace_that_grows_the_hold_beyond_available_is_rejected()
    {
        Buy(Alice, 11, 9_900, 100);

        var rejected = AssertRejectedWithoutChange(() => Replace(Alice, 11, 11, 9_900, 100_000));

        Assert.Equal((CommandKind.ReplaceOrder, Alice, RejectReason.InsufficientFunds), (rejected.Command, rejected.Account, rejected.Reason));
    }

    [Fact]
    public void Replace_of_an_unknown_order_is_rejected()
    {
        var rejected = AssertRejectedWithoutChange(() => Replace(Alice, 11, 12, 9_900, 100));

        Assert.Equal((CommandKind.ReplaceOrder, Alice, RejectReason.UnknownOrder), (rejected.Command, rejected.Account, rejected.Reason));
    }
}
