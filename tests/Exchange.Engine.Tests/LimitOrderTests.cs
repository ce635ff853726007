using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class LimitOrderTests : EngineFixture
{
    [Fact]
    public void Gtc_buy_that_does_not_cross_is_accepted_held_and_rested()
    {
        var events = Buy(Alice, 11, 9_900, 100);

        // hold = 9,900 × 100 / 10 + ceil(99,000 × 20 / 10,000) = 99,000 + 198
        AssertEvents(events,
            Accepted(Alice, 11, 1, Side.Buy, 9_900, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 99_198, 99_198),
            Level(Side.Buy, 9_900, 100, 1),
            Bbo(9_900, 100, 0, 0));
    }

    [Fact]
    public void Gtc_sell_that_does_not_cross_is_accepted_held_and_rested()
    {
        var events = Sell(Bob, 21, 10_100, 100);

        AssertEvents(events,
            Accepted(Bob, 21, 1, Side.Sell, 10_100, 100),
            Balance(Bob, BaseAsset, InitialBase - 100, 100),
            Level(Side.Sell, 10_100, 100, 1),
            Bbo(0, 0, 10_100, 100));
    }

    [Fact]
    public void Resting_order_is_visible_with_its_fields()
    {
        Buy(Alice, 11, 9_900, 100, stp: SelfTradePrevention.CancelOldest);

        Assert.Equal(
            new OrderView(1, Alice, 11, Sym, Side.Buy, 9_900, 100, 0, 99_198, SelfTradePrevention.CancelOldest, false),
            OrderOf(Alice, 11));
        Assert.Equal(1, Engine.OpenOrderCount);
    }

    [Fact]
    public void Crossing_buy_trades_at_the_resting_ask_price()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = Buy(Alice, 11, 10_100, 100);

        // Alice holds 101,000 + 202 at her limit, pays 100,000 + 200 at the maker's price; the excess returns.
        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 10_100, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 101_202, 101_202),
            MakerFill(1, Bob, 21, 1, Side.Sell, 10_000, 100, 100, 100, 0),
            TakerFill(1, Alice, 11, 2, Side.Buy, 10_000, 100, 200, 100, 0),
            Traded(1, Side.Buy, 10_000, 100),
            Balance(Bob, BaseAsset, InitialBase - 100, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 100_000 - 100, 0),
            Balance(Alice, BaseAsset, InitialBase + 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 0),
            Balance(FeeAccount, QuoteAsset, 300, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Crossing_sell_trades_at_the_resting_bid_price()
    {
        Buy(Alice, 11, 10_000, 100);

        var events = Sell(Bob, 21, 9_900, 100);

        // The maker buyer pays 100,000 + maker fee 100 out of a hold of 100,000 + 200; 100 returns.
        AssertEvents(events,
            Accepted(Bob, 21, 2, Side.Sell, 9_900, 100),
            Balance(Bob, BaseAsset, InitialBase - 100, 100),
            MakerFill(1, Alice, 11, 1, Side.Buy, 10_000, 100, 100, 100, 0),
            TakerFill(1, Bob, 21, 2, Side.Sell, 10_000, 100, 200, 100, 0),
            Traded(1, Side.Sell, 10_000, 100),
            Balance(Alice, BaseAsset, InitialBase + 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 100_100, 0),
            Balance(Bob, BaseAsset, InitialBase - 100, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 100_000 - 200, 0),
            Balance(FeeAccount, QuoteAsset, 300, 0),
            Level(Side.Buy, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Partial_fill_of_a_maker_leaves_its_remainder_on_the_book()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = Buy(Alice, 11, 10_000, 30);

        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 10_000, 30),
            Balance(Alice, QuoteAsset, InitialQuote - 30_060, 30_060),
            MakerFill(1, Bob, 21, 1, Side.Sell, 10_000, 30, 30, 30, 70),
            TakerFill(1, Alice, 11, 2, Side.Buy, 10_000, 30, 60, 30, 0),
            Traded(1, Side.Buy, 10_000, 30),
            Balance(Bob, BaseAsset, InitialBase - 100, 70),
            Balance(Bob, QuoteAsset, InitialQuote + 30_000 - 30, 0),
            Balance(Alice, BaseAsset, InitialBase + 30, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 30_060, 0),
            Balance(FeeAccount, QuoteAsset, 90, 0),
            Level(Side.Sell, 10_000, 70, 1),
            Bbo(0, 0, 10_000, 70));
        Assert.Equal(30, OrderOf(Bob, 21).Filled);
    }

    [Fact]
    public void Partially_filled_gtc_taker_rests_its_remainder()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = Buy(Alice, 11, 10_000, 300);

        Assert.Equal(new object[] { Level(Side.Buy, 10_000, 200, 1), Bbo(10_000, 200, 0, 0) }, events.TakeLast(2).ToArray());
        var order = OrderOf(Alice, 11);
        Assert.Equal((300L, 100L, 200L), (order.Quantity, order.Filled, order.Leaves));
        Assert.Equal(BuyHold(10_000, 200), order.Held);
    }

    [Fact]
    public void Fully_filled_taker_does_not_rest()
    {
        Sell(Bob, 21, 10_000, 100);

        Buy(Alice, 11, 10_000, 100);

        Assert.False(HasOrder(Alice, 11));
        Assert.False(HasOrder(Bob, 21));
        Assert.Equal(0, Engine.OpenOrderCount);
        Assert.Empty(Engine.Orders(Sym, Side.Buy));
        Assert.Empty(Engine.Orders(Sym, Side.Sell));
    }

    [Fact]
    public void Limit_buy_does_not_trade_above_its_price()
    {
        Sell(Bob, 21, 10_100, 100);

        var events = Buy(Alice, 11, 10_000, 100);

        Assert.Empty(events.OfType<Fill>());
        Assert.Equal(new[] { new LevelView(10_000, 100, 1) }, Engine.Levels(Sym, Side.Buy));
        Assert.Equal(new[] { new LevelView(10_100, 100, 1) }, Engine.Levels(Sym, Side.Sell));
    }

    [Fact]
    public void Limit_sell_does_not_trade_below_its_price()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Sell(Bob, 21, 10_000, 100);

        Assert.Empty(events.OfType<Fill>());
        Assert.Equal(2, Engine.OpenOrderCount);
    }

    [Fact]
    public void Taker_sweeps_levels_until_its_limit_and_rests_the_rest()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Bob, 22, 10_100, 100);
        Sell(Bob, 23, 10_200, 100);

        var events = Buy(Alice, 11, 10_100, 250);

        Assert.Equal(new[] { (10_000L, 100L), (10_100L, 100L) },
            events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Taker).Select(f => (f.Price, f.Quantity)).ToArray());
        Assert.Equal(new[] { new LevelView(10_100, 50, 1) }, Engine.Levels(Sym, Side.Buy));
        Assert.Equal(new[] { new LevelView(10_200, 100, 1) }, Engine.Levels(Sym, Side.Sell));
    }

    [Fact]
    public void Fill_reports_cumulative_filled_and_leaves_of_the_maker()
    {
        Sell(Bob, 21, 10_000, 100);
        Buy(Alice, 11, 10_000, 30);

        var events = Buy(Carol, 31, 10_000, 50);

        var maker = events.OfType<Fill>().Single(f => f.Liquidity == Liquidity.Maker);
        Assert.Equal((80L, 20L), (maker.FilledQuantity, maker.LeavesQuantity));
    }

    [Fact]
    public void Trade_ids_count_from_one_in_order()
    {
        Sell(Bob, 21, 10_000, 50);
        Sell(Carol, 31, 10_000, 50);

        var events = Buy(Alice, 11, 10_000, 100);

        Assert.Equal(new long[] { 1, 1, 2, 2 }, events.OfType<Fill>().Select(f => f.TradeId).ToArray());
    }

    [Fact]
    public void Order_ids_count_from_one_and_rejected_orders_take_none()
    {
        var first = Buy(Alice, 11, 9_900, 100);
        Buy(Alice, 12, 9_950, 100); // off tick: rejected
        var second = Buy(Alice, 13, 9_800, 100);

        Assert.Equal(1, first.OfType<OrderAccepted>().Single().OrderId);
        Assert.Equal(2, second.OfType<OrderAccepted>().Single().OrderId);
    }

    [Fact]
    public void Client_order_id_of_a_filled_order_can_be_reused()
    {
        Sell(Bob, 21, 10_000, 100);
        Buy(Alice, 11, 10_000, 100);

        var events = Buy(Alice, 11, 9_900, 100);

        Assert.IsType<OrderAccepted>(events[0]);
    }

    [Fact]
    public void Same_client_order_id_may_be_used_by_different_accounts()
    {
        Buy(Alice, 7, 9_900, 100);

        var events = Buy(Bob, 7, 9_900, 100);

        Assert.IsType<OrderAccepted>(events[0]);
        Assert.Equal(2, Engine.OpenOrderCount);
    }
}
