using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class FillOrKillTests : EngineFixture
{
    private const TimeInForce Fok = TimeInForce.FillOrKill;

    [Fact]
    public void Fok_that_can_fill_completely_trades_with_the_exact_event_sequence()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = Buy(Alice, 11, 10_000, 100, Fok);

        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 10_000, 100, Fok),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            MakerFill(1, Bob, 21, 1, Side.Sell, 10_000, 100, 100, 100, 0),
            TakerFill(1, Alice, 11, 2, Side.Buy, 10_000, 100, 200, 100, 0),
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
    public void Fok_fills_across_several_levels_and_makers()
    {
        Sell(Bob, 21, 10_000, 50);
        Sell(Carol, 31, 10_100, 50);

        var events = Buy(Alice, 11, 10_100, 100, Fok);

        Assert.Empty(events.OfType<OrderCancelled>());
        Assert.Equal(100, events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Taker).Sum(f => f.Quantity));
        Assert.Equal(0, Engine.OpenOrderCount);
    }

    [Fact]
    public void Fok_that_cannot_fill_completely_is_rejected_and_changes_nothing()
    {
        Sell(Bob, 21, 10_000, 50);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.FillOrKillNotFillable),
            () => Buy(Alice, 11, 10_000, 100, Fok));
        Assert.Equal(50, OrderOf(Bob, 21).Leaves);
    }

    [Fact]
    public void Fok_counts_only_liquidity_within_its_limit_price()
    {
        Sell(Bob, 21, 10_000, 50);
        Sell(Carol, 31, 10_200, 50);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.FillOrKillNotFillable),
            () => Buy(Alice, 11, 10_100, 100, Fok));
    }

    [Fact]
    public void Fok_sell_that_cannot_fill_is_rejected()
    {
        Buy(Alice, 11, 10_000, 50);

        AssertRejectedWithoutChange(
            OrderRejected(Bob, 21, RejectReason.FillOrKillNotFillable),
            () => Sell(Bob, 21, 10_000, 60, Fok));
    }

    [Fact]
    public void Rejected_fok_takes_no_order_id()
    {
        Buy(Alice, 11, 10_000, 100, Fok); // empty book: rejected

        var events = Buy(Alice, 12, 9_900, 100);

        Assert.Equal(1, events.OfType<OrderAccepted>().Single().OrderId);
    }

    [Fact]
    public void Fok_counts_decremented_self_trades_towards_its_quantity()
    {
        Sell(Alice, 1, 10_000, 50);
        Sell(Bob, 2, 10_000, 50);

        var events = Buy(Alice, 3, 10_000, 100, Fok, SelfTradePrevention.Decrement);

        Assert.IsType<OrderAccepted>(events[0]);
        Assert.Equal(50, events.OfType<Fill>().Single(f => f.Liquidity == Liquidity.Taker).Quantity);
        Assert.Equal(0, Engine.OpenOrderCount);
        Assert.Equal(new BalanceView(InitialBase + 50, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Fok_does_not_count_makers_it_would_cancel_as_oldest()
    {
        Sell(Alice, 1, 10_000, 50);
        Sell(Bob, 2, 10_000, 50);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 3, RejectReason.FillOrKillNotFillable),
            () => Buy(Alice, 3, 10_000, 100, Fok, SelfTradePrevention.CancelOldest));
        Assert.True(HasOrder(Alice, 1));
    }

    [Fact]
    public void Fok_reaching_a_cancel_newest_self_trade_before_it_is_covered_is_not_fillable()
    {
        Sell(Bob, 1, 10_000, 50);
        Sell(Alice, 2, 10_000, 50);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 3, RejectReason.FillOrKillNotFillable),
            () => Buy(Alice, 3, 10_000, 100, Fok, SelfTradePrevention.CancelNewest));
    }

    [Fact]
    public void Fok_reaching_a_cancel_both_self_trade_before_it_is_covered_is_not_fillable()
    {
        Sell(Bob, 1, 10_000, 50);
        Sell(Alice, 2, 10_000, 50);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 3, RejectReason.FillOrKillNotFillable),
            () => Buy(Alice, 3, 10_000, 100, Fok, SelfTradePrevention.CancelBoth));
    }

    [Fact]
    public void Fok_covered_before_reaching_its_own_order_fills_despite_cancel_newest()
    {
        Sell(Bob, 1, 10_000, 100);
        Sell(Alice, 2, 10_000, 50);

        var events = Buy(Alice, 3, 10_000, 100, Fok, SelfTradePrevention.CancelNewest);

        Assert.Equal(100, events.OfType<Fill>().Single(f => f.Liquidity == Liquidity.Taker).Quantity);
        Assert.Empty(events.OfType<OrderCancelled>());
        Assert.True(HasOrder(Alice, 2));
    }

    [Fact]
    public void Fok_with_insufficient_funds_is_rejected_for_funds_before_fillability()
    {
        // 10,000 lots at 10,000 need 10,000,000 + 20,000 quote; Alice has 10,000,000, and the book is empty.
        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.InsufficientFunds),
            () => Buy(Alice, 11, 10_000, 10_000, Fok));
    }
}
