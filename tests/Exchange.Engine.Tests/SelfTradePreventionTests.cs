using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class SelfTradePreventionTests : EngineFixture
{
    [Fact]
    public void None_lets_an_account_trade_with_itself()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.None);

        var fills = events.OfType<Fill>().ToArray();
        Assert.Equal(new[] { MakerFill(1, Alice, 1, 1, Side.Sell, 10_000, 100, 100, 100, 0),
                             TakerFill(1, Alice, 2, 2, Side.Buy, 10_000, 100, 200, 100, 0) }, fills);
        Assert.Equal(new BalanceView(InitialBase, 0), BalanceOf(Alice, BaseAsset));
        Assert.Equal(new BalanceView(InitialQuote - 300, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(300, 0), BalanceOf(FeeAccount, QuoteAsset));
    }

    [Fact]
    public void Prevention_applies_only_between_orders_of_the_same_account()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = Buy(Alice, 11, 10_000, 100, stp: SelfTradePrevention.CancelNewest);

        Assert.Equal(2, events.OfType<Fill>().Count());
        Assert.Empty(events.OfType<OrderCancelled>());
    }

    [Fact]
    public void The_takers_mode_applies_not_the_makers()
    {
        Sell(Alice, 1, 10_000, 100, stp: SelfTradePrevention.CancelNewest);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.None);

        Assert.Equal(2, events.OfType<Fill>().Count());
        Assert.Empty(events.OfType<OrderCancelled>());
    }

    // ---- CancelNewest ------------------------------------------------------------------------------

    [Fact]
    public void Cancel_newest_cancels_the_incoming_order_and_keeps_the_resting_one()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.CancelNewest);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 2, 2, Side.Buy, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
        Assert.Equal(100, OrderOf(Alice, 1).Leaves);
        Assert.False(HasOrder(Alice, 2));
    }

    [Fact]
    public void Cancel_newest_keeps_the_fills_made_before_reaching_the_own_order()
    {
        Sell(Bob, 1, 10_000, 50);
        Sell(Alice, 2, 10_000, 50);

        var events = Buy(Alice, 3, 10_000, 100, stp: SelfTradePrevention.CancelNewest);

        AssertEvents(events,
            Accepted(Alice, 3, 3, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            MakerFill(1, Bob, 1, 1, Side.Sell, 10_000, 50, 50, 50, 0),
            TakerFill(1, Alice, 3, 3, Side.Buy, 10_000, 50, 100, 50, 50),
            Traded(1, Side.Buy, 10_000, 50),
            Balance(Bob, BaseAsset, InitialBase - 50, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 49_950, 0),
            Balance(Alice, BaseAsset, InitialBase, 50),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 50_100),
            Balance(FeeAccount, QuoteAsset, 150, 0),
            Cancelled(Alice, 3, 3, Side.Buy, CancelReason.SelfTradePrevention, 50, 50),
            Balance(Alice, QuoteAsset, InitialQuote - 50_100, 0),
            Level(Side.Sell, 10_000, 50, 1),
            Bbo(0, 0, 10_000, 50));
    }

    // ---- CancelOldest ------------------------------------------------------------------------------

    [Fact]
    public void Cancel_oldest_cancels_the_resting_order_and_continues_with_the_next_maker()
    {
        Sell(Alice, 1, 10_000, 100);
        Sell(Bob, 2, 10_000, 100);

        var events = Buy(Alice, 3, 10_000, 100, stp: SelfTradePrevention.CancelOldest);

        AssertEvents(events,
            Accepted(Alice, 3, 3, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            MakerFill(1, Bob, 2, 2, Side.Sell, 10_000, 100, 100, 100, 0),
            TakerFill(1, Alice, 3, 3, Side.Buy, 10_000, 100, 200, 100, 0),
            Traded(1, Side.Buy, 10_000, 100),
            Balance(Bob, BaseAsset, InitialBase - 100, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 99_900, 0),
            Balance(Alice, BaseAsset, InitialBase + 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 0),
            Balance(FeeAccount, QuoteAsset, 300, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Cancel_oldest_rests_the_taker_when_only_own_orders_were_in_the_way()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.CancelOldest);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Level(Side.Buy, 10_000, 100, 1),
            Bbo(10_000, 100, 0, 0));
    }

    // ---- CancelBoth --------------------------------------------------------------------------------

    [Fact]
    public void Cancel_both_cancels_the_resting_order_then_the_incoming_one()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.CancelBoth);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            Cancelled(Alice, 2, 2, Side.Buy, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
        Assert.Equal(0, Engine.OpenOrderCount);
    }

    [Fact]
    public void Cancel_both_stops_matching_and_leaves_later_makers_untouched()
    {
        Sell(Alice, 1, 10_000, 100);
        Sell(Bob, 2, 10_000, 100);

        var events = Buy(Alice, 3, 10_000, 100, stp: SelfTradePrevention.CancelBoth);

        Assert.Empty(events.OfType<Fill>());
        Assert.Equal(100, OrderOf(Bob, 2).Leaves);
        Assert.Equal(new[] { new LevelView(10_000, 100, 1) }, Engine.Levels(Sym, Side.Sell));
    }

    // ---- Decrement ---------------------------------------------------------------------------------

    [Fact]
    public void Decrement_with_a_smaller_taker_reduces_the_maker_and_cancels_the_taker()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = Buy(Alice, 2, 10_000, 60, stp: SelfTradePrevention.Decrement);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Buy, 10_000, 60),
            Balance(Alice, QuoteAsset, InitialQuote - 60_120, 60_120),
            new OrderReduced(Alice, 1, 1, Sym, Side.Sell, 60, 40),
            Balance(Alice, BaseAsset, InitialBase - 40, 40),
            Cancelled(Alice, 2, 2, Side.Buy, CancelReason.SelfTradePrevention, 60, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            Level(Side.Sell, 10_000, 40, 1),
            Bbo(0, 0, 10_000, 40));
        Assert.Empty(events.OfType<Fill>());
        Assert.Equal(40, OrderOf(Alice, 1).Leaves);
    }

    [Fact]
    public void Decrement_with_a_larger_taker_cancels_the_maker_and_rests_the_reduced_taker()
    {
        Sell(Alice, 1, 10_000, 60);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.Decrement);

        // The reduced taker holds Required(40) = 40,000 + 80.
        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 60, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            new OrderReduced(Alice, 2, 2, Sym, Side.Buy, 60, 40),
            Balance(Alice, QuoteAsset, InitialQuote - 40_080, 40_080),
            Level(Side.Sell, 10_000, 0, 0),
            Level(Side.Buy, 10_000, 40, 1),
            Bbo(10_000, 40, 0, 0));
        var taker = OrderOf(Alice, 2);
        Assert.Equal((40L, 0L, 40L, 40_080L), (taker.Quantity, taker.Filled, taker.Leaves, taker.Held));
    }

    [Fact]
    public void Decrement_of_equal_quantities_cancels_both_orders()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.Decrement);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            Cancelled(Alice, 2, 2, Side.Buy, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Decrement_by_a_sell_taker_reduces_a_resting_buy_and_releases_part_of_its_hold()
    {
        Buy(Alice, 1, 10_000, 100);

        var events = Sell(Alice, 2, 10_000, 40, stp: SelfTradePrevention.Decrement);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Sell, 10_000, 40),
            Balance(Alice, BaseAsset, InitialBase - 40, 40),
            new OrderReduced(Alice, 1, 1, Sym, Side.Buy, 40, 60),
            Balance(Alice, QuoteAsset, InitialQuote - 60_120, 60_120),
            Cancelled(Alice, 2, 2, Side.Sell, CancelReason.SelfTradePrevention, 40, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            Level(Side.Buy, 10_000, 60, 1),
            Bbo(10_000, 60, 0, 0));
    }

    [Fact]
    public void Decrement_by_a_larger_sell_taker_cancels_the_resting_buy_and_rests_the_reduced_sell()
    {
        Buy(Alice, 1, 10_000, 40);

        var events = Sell(Alice, 2, 10_000, 100, stp: SelfTradePrevention.Decrement);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Sell, 10_000, 100),
            Balance(Alice, BaseAsset, InitialBase - 100, 100),
            Cancelled(Alice, 1, 1, Side.Buy, CancelReason.SelfTradePrevention, 40, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0),
            new OrderReduced(Alice, 2, 2, Sym, Side.Sell, 40, 60),
            Balance(Alice, BaseAsset, InitialBase - 60, 60),
            Level(Side.Buy, 10_000, 0, 0),
            Level(Side.Sell, 10_000, 60, 1),
            Bbo(0, 0, 10_000, 60));
    }

    [Fact]
    public void Decrement_then_trades_the_remainder_with_the_next_maker()
    {
        Sell(Alice, 1, 10_000, 50);
        Sell(Bob, 2, 10_000, 50);

        var events = Buy(Alice, 3, 10_000, 100, stp: SelfTradePrevention.Decrement);

        AssertEvents(events,
            Accepted(Alice, 3, 3, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 50, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            new OrderReduced(Alice, 3, 3, Sym, Side.Buy, 50, 50),
            Balance(Alice, QuoteAsset, InitialQuote - 50_100, 50_100),
            MakerFill(1, Bob, 2, 2, Side.Sell, 10_000, 50, 50, 50, 0),
            TakerFill(1, Alice, 3, 3, Side.Buy, 10_000, 50, 100, 50, 0),
            Traded(1, Side.Buy, 10_000, 50),
            Balance(Bob, BaseAsset, InitialBase - 50, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 49_950, 0),
            Balance(Alice, BaseAsset, InitialBase + 50, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 50_100, 0),
            Balance(FeeAccount, QuoteAsset, 150, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Decrement_of_a_partially_filled_maker_reports_its_filled_quantity_when_cancelling_it()
    {
        Sell(Alice, 1, 10_000, 100);
        Buy(Bob, 21, 10_000, 40);

        var events = Buy(Alice, 2, 10_000, 60, stp: SelfTradePrevention.Decrement);

        Assert.Equal(Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 60, 40),
            events.OfType<OrderCancelled>().First());
    }

    // ---- market takers -----------------------------------------------------------------------------

    [Fact]
    public void Cancel_newest_market_buy_is_cancelled_and_its_budget_released()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = MarketBuy(Alice, 2, 100, 200_000, SelfTradePrevention.CancelNewest);

        AssertEvents(events,
            Accepted(Alice, 2, 2, Side.Buy, 0, 100, TimeInForce.ImmediateOrCancel, OrderType.Market),
            Balance(Alice, QuoteAsset, InitialQuote - 200_000, 200_000),
            Cancelled(Alice, 2, 2, Side.Buy, CancelReason.SelfTradePrevention, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
    }

    [Fact]
    public void Decrement_of_a_market_buy_keeps_its_budget_hold_until_it_finishes()
    {
        Sell(Alice, 1, 10_000, 40);
        Sell(Bob, 2, 10_000, 100);

        var events = MarketBuy(Alice, 3, 100, 200_000, SelfTradePrevention.Decrement);

        AssertEvents(events,
            Accepted(Alice, 3, 3, Side.Buy, 0, 100, TimeInForce.ImmediateOrCancel, OrderType.Market),
            Balance(Alice, QuoteAsset, InitialQuote - 200_000, 200_000),
            Cancelled(Alice, 1, 1, Side.Sell, CancelReason.SelfTradePrevention, 40, 0),
            Balance(Alice, BaseAsset, InitialBase, 0),
            new OrderReduced(Alice, 3, 3, Sym, Side.Buy, 40, 60),
            Balance(Alice, QuoteAsset, InitialQuote - 200_000, 200_000),
            MakerFill(1, Bob, 2, 2, Side.Sell, 10_000, 60, 60, 60, 40),
            TakerFill(1, Alice, 3, 3, Side.Buy, 10_000, 60, 120, 60, 0),
            Traded(1, Side.Buy, 10_000, 60),
            Balance(Bob, BaseAsset, InitialBase - 100, 40),
            Balance(Bob, QuoteAsset, InitialQuote + 59_940, 0),
            Balance(Alice, BaseAsset, InitialBase + 60, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 200_000, 200_000 - 60_120),
            Balance(FeeAccount, QuoteAsset, 180, 0),
            Level(Side.Sell, 10_000, 40, 1),
            Balance(Alice, QuoteAsset, InitialQuote - 60_120, 0),
            Bbo(0, 0, 10_000, 40));
    }

    [Fact]
    public void Cancel_oldest_market_sell_skips_the_own_bid_and_sells_to_the_next()
    {
        Buy(Alice, 1, 10_000, 100);
        Buy(Bob, 2, 9_900, 100);

        var events = MarketSell(Alice, 3, 100, SelfTradePrevention.CancelOldest);

        Assert.Equal(Cancelled(Alice, 1, 1, Side.Buy, CancelReason.SelfTradePrevention, 100, 0), events.OfType<OrderCancelled>().Single());
        Assert.Equal(new[] { (Bob, 9_900L, 100L) },
            events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Maker).Select(f => (f.Account, f.Price, f.Quantity)).ToArray());
    }
}
