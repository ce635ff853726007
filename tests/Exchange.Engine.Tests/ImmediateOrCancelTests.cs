using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class ImmediateOrCancelTests : EngineFixture
{
    private const TimeInForce Ioc = TimeInForce.ImmediateOrCancel;

    [Fact]
    public void Ioc_remainder_is_cancelled_not_rested()
    {
        Sell(Bob, 21, 10_000, 30);

        var events = Buy(Alice, 11, 10_000, 100, Ioc);

        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 10_000, 100, Ioc),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            MakerFill(1, Bob, 21, 1, Side.Sell, 10_000, 30, 30, 30, 0),
            TakerFill(1, Alice, 11, 2, Side.Buy, 10_000, 30, 60, 30, 70),
            Traded(1, Side.Buy, 10_000, 30),
            Balance(Bob, BaseAsset, InitialBase - 30, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 30_000 - 30, 0),
            Balance(Alice, BaseAsset, InitialBase + 30, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 70_140), // hold = Required(70 leaves) = 70,000 + 140
            Balance(FeeAccount, QuoteAsset, 90, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Cancelled(Alice, 11, 2, Side.Buy, CancelReason.ImmediateOrCancelRemainder, 70, 30),
            Balance(Alice, QuoteAsset, InitialQuote - 30_060, 0),
            Bbo(0, 0, 0, 0));
        Assert.False(HasOrder(Alice, 11));
    }

    [Fact]
    public void Ioc_with_nothing_to_match_is_cancelled_whole_without_market_data()
    {
        var events = Buy(Alice, 11, 10_000, 100, Ioc);

        AssertEvents(events,
            Accepted(Alice, 11, 1, Side.Buy, 10_000, 100, Ioc),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.ImmediateOrCancelRemainder, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
    }

    [Fact]
    public void Ioc_that_does_not_cross_is_cancelled_and_leaves_the_book_alone()
    {
        Sell(Bob, 21, 10_100, 100);

        var events = Buy(Alice, 11, 10_000, 100, Ioc);

        Assert.Empty(events.OfType<Fill>());
        Assert.Empty(events.OfType<LevelChanged>());
        Assert.Empty(events.OfType<BestBidOffer>());
        Assert.Equal(CancelReason.ImmediateOrCancelRemainder, events.OfType<OrderCancelled>().Single().Reason);
        Assert.Equal(1, Engine.OpenOrderCount);
    }

    [Fact]
    public void Ioc_that_fills_completely_is_not_cancelled()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = Buy(Alice, 11, 10_000, 100, Ioc);

        Assert.Empty(events.OfType<OrderCancelled>());
        Assert.Equal(100, events.OfType<Fill>().Single(f => f.Liquidity == Liquidity.Taker).Quantity);
        Assert.Equal(0, Engine.OpenOrderCount);
    }

    [Fact]
    public void Ioc_sell_remainder_is_cancelled_and_its_base_released()
    {
        Buy(Alice, 11, 10_000, 30);

        var events = Sell(Bob, 21, 10_000, 100, Ioc);

        Assert.Equal(new object[]
        {
            Level(Side.Buy, 10_000, 0, 0),
            Cancelled(Bob, 21, 2, Side.Sell, CancelReason.ImmediateOrCancelRemainder, 70, 30),
            Balance(Bob, BaseAsset, InitialBase - 30, 0),
            Bbo(0, 0, 0, 0),
        }, events.TakeLast(4).ToArray());
    }

    [Fact]
    public void Ioc_never_rests_even_when_nothing_trades()
    {
        Buy(Alice, 11, 9_900, 100, Ioc);

        Assert.Equal(0, Engine.OpenOrderCount);
        Assert.Empty(Engine.Levels(Sym, Side.Buy));
        Assert.Equal(new BalanceView(InitialQuote, 0), BalanceOf(Alice, QuoteAsset));
    }
}
