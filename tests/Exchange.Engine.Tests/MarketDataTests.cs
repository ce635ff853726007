using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class MarketDataTests : EngineFixture
{
    [Fact]
    public void First_resting_order_emits_its_level_then_the_new_top_of_book()
    {
        var events = Sell(Bob, 21, 10_100, 100);

        Assert.Equal(new object[] { Level(Side.Sell, 10_100, 100, 1), Bbo(0, 0, 10_100, 100) }, events.TakeLast(2).ToArray());
    }

    [Fact]
    public void Top_of_book_carries_both_sides()
    {
        Sell(Bob, 21, 10_100, 100);

        var events = Buy(Alice, 11, 9_900, 50);

        Assert.Equal(Bbo(9_900, 50, 10_100, 100), events[^1]);
    }

    [Fact]
    public void Order_behind_the_best_price_emits_its_level_but_no_top_of_book()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Buy(Bob, 21, 9_800, 100);

        Assert.Equal(Level(Side.Buy, 9_800, 100, 1), events[^1]);
        Assert.Empty(events.OfType<BestBidOffer>());
    }

    [Fact]
    public void Order_joining_the_best_level_emits_the_new_total_at_the_top()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Buy(Bob, 21, 9_900, 50);

        Assert.Equal(new object[] { Level(Side.Buy, 9_900, 150, 2), Bbo(9_900, 150, 0, 0) }, events.TakeLast(2).ToArray());
    }

    [Fact]
    public void Better_price_emits_the_new_top_of_book()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Buy(Bob, 21, 10_000, 10);

        Assert.Equal(Bbo(10_000, 10, 0, 0), events[^1]);
    }

    [Fact]
    public void One_level_changed_per_level_visited_not_per_fill()
    {
        Sell(Bob, 21, 10_000, 50);
        Sell(Carol, 31, 10_000, 50);
        Sell(Bob, 22, 10_000, 50);

        var events = Buy(Alice, 11, 10_000, 120);

        Assert.Equal(new[] { Level(Side.Sell, 10_000, 30, 1) }, events.OfType<LevelChanged>().ToArray());
    }

    [Fact]
    public void Each_level_used_up_is_reported_gone_in_the_order_visited()
    {
        Sell(Bob, 21, 10_000, 50);
        Sell(Carol, 31, 10_100, 50);
        Sell(Bob, 22, 10_200, 50);

        var events = Buy(Alice, 11, 10_200, 120);

        Assert.Equal(new[] { Level(Side.Sell, 10_000, 0, 0), Level(Side.Sell, 10_100, 0, 0), Level(Side.Sell, 10_200, 30, 1) },
            events.OfType<LevelChanged>().ToArray());
        Assert.Equal(Bbo(0, 0, 10_200, 30), events[^1]);
    }

    [Fact]
    public void Trade_that_empties_the_book_reports_zeros()
    {
        Sell(Bob, 21, 10_000, 50);

        var events = Buy(Alice, 11, 10_000, 50);

        Assert.Equal(Bbo(0, 0, 0, 0), events[^1]);
    }

    [Fact]
    public void Level_change_behind_the_top_emits_no_top_of_book()
    {
        Buy(Alice, 11, 9_900, 100);
        Buy(Alice, 12, 9_800, 100);

        var events = Replace(Alice, 12, 12, 9_800, 50);

        Assert.Equal(Level(Side.Buy, 9_800, 50, 1), events[^1]);
        Assert.Empty(events.OfType<BestBidOffer>());
    }

    [Fact]
    public void Ioc_that_trades_nothing_emits_no_market_data()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Sell(Bob, 21, 10_000, 100, TimeInForce.ImmediateOrCancel);

        Assert.Empty(events.OfType<LevelChanged>());
        Assert.Empty(events.OfType<BestBidOffer>());
    }

    [Fact]
    public void Self_trade_cancel_newest_that_changes_no_level_emits_no_market_data()
    {
        Sell(Alice, 1, 10_000, 100);

        var events = Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.CancelNewest);

        Assert.Empty(events.OfType<LevelChanged>());
        Assert.Empty(events.OfType<BestBidOffer>());
    }

    [Fact]
    public void Top_of_book_is_tracked_per_symbol()
    {
        Buy(Alice, 11, 9_900, 100);

        var events = Buy(Alice, 12, 900, 10, symbol: Sym2);

        Assert.Equal(new object[] { Level(Side.Buy, 900, 10, 1, Sym2), Bbo(900, 10, 0, 0, Sym2) }, events.TakeLast(2).ToArray());
    }

    [Fact]
    public void Top_of_book_returning_to_a_previous_state_is_emitted_again()
    {
        Buy(Alice, 11, 9_900, 100);
        Buy(Alice, 12, 10_000, 100);

        var events = Cancel(Alice, 12);

        Assert.Equal(Bbo(9_900, 100, 0, 0), events[^1]);
    }

    [Fact]
    public void Top_of_book_is_emitted_after_all_other_events_of_the_command()
    {
        Sell(Bob, 21, 10_000, 30);

        var events = Buy(Alice, 11, 10_000, 100);

        Assert.IsType<BestBidOffer>(events[^1]);
        Assert.Single(events.OfType<BestBidOffer>());
        Assert.Equal(Bbo(10_000, 70, 0, 0), events[^1]);
    }
}
