using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class MarketOrderTests : EngineFixture
{
    private const TimeInForce Ioc = TimeInForce.ImmediateOrCancel;

    [Fact]
    public void Market_buy_that_fills_completely_releases_its_leftover_budget()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = MarketBuy(Alice, 11, 100, 200_000);

        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 0, 100, Ioc, OrderType.Market),
            Balance(Alice, QuoteAsset, InitialQuote - 200_000, 200_000),
            MakerFill(1, Bob, 21, 1, Side.Sell, 10_000, 100, 100, 100, 0),
            TakerFill(1, Alice, 11, 2, Side.Buy, 10_000, 100, 200, 100, 0),
            Traded(1, Side.Buy, 10_000, 100),
            Balance(Bob, BaseAsset, InitialBase - 100, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 99_900, 0),
            Balance(Alice, BaseAsset, InitialBase + 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 200_000, 99_800), // the budget shrinks by the cost
            Balance(FeeAccount, QuoteAsset, 300, 0),
            Level(Side.Sell, 10_000, 0, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 0),
            Bbo(0, 0, 0, 0));
    }

    [Fact]
    public void Quote_budget_limits_a_market_buy_and_the_remainder_is_cancelled()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Bob, 22, 10_100, 100);

        var events = MarketBuy(Alice, 11, 200, 150_000);

        // First level: 100 at 10,000 costs 100,000 + 200, leaving 49,800 of budget.
        // Second level: 40 at 10,100 costs 40,400 + 80 = 40,480 (50 would cost 50,600), leaving 9,320,
        // which cannot buy one more lot (10,100 + 20), so matching stops and 60 is cancelled.
        AssertEvents(events,
            Accepted(Alice, 11, 3, Side.Buy, 0, 200, Ioc, OrderType.Market),
            Balance(Alice, QuoteAsset, InitialQuote - 150_000, 150_000),
            MakerFill(1, Bob, 21, 1, Side.Sell, 10_000, 100, 100, 100, 0),
            TakerFill(1, Alice, 11, 3, Side.Buy, 10_000, 100, 200, 100, 100),
            Traded(1, Side.Buy, 10_000, 100),
            Balance(Bob, BaseAsset, InitialBase - 200, 100),
            Balance(Bob, QuoteAsset, InitialQuote + 99_900, 0),
            Balance(Alice, BaseAsset, InitialBase + 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 150_000, 49_800),
            Balance(FeeAccount, QuoteAsset, 300, 0),
            Level(Side.Sell, 10_000, 0, 0),
            MakerFill(2, Bob, 22, 2, Side.Sell, 10_100, 40, 40, 40, 60),
            TakerFill(2, Alice, 11, 3, Side.Buy, 10_100, 40, 80, 140, 60),
            Traded(2, Side.Buy, 10_100, 40),
            Balance(Bob, BaseAsset, InitialBase - 200, 60),
            Balance(Bob, QuoteAsset, InitialQuote + 99_900 + 40_360, 0),
            Balance(Alice, BaseAsset, InitialBase + 140, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 150_000, 9_320),
            Balance(FeeAccount, QuoteAsset, 420, 0),
            Level(Side.Sell, 10_100, 60, 1),
            Cancelled(Alice, 11, 3, Side.Buy, CancelReason.MarketRemainder, 60, 140),
            Balance(Alice, QuoteAsset, InitialQuote - 140_680, 0),
            Bbo(0, 0, 10_100, 60));
    }

    [Fact]
    public void Market_buy_stops_when_its_budget_is_exactly_spent()
    {
        Sell(Bob, 21, 10_000, 300);

        var events = MarketBuy(Alice, 11, 200, 100_200);

        Assert.Equal(100, events.OfType<Fill>().Single(f => f.Liquidity == Liquidity.Taker).Quantity);
        Assert.Equal(Cancelled(Alice, 11, 2, Side.Buy, CancelReason.MarketRemainder, 100, 100), events.OfType<OrderCancelled>().Single());
        Assert.Equal(new BalanceView(InitialQuote - 100_200, 0), BalanceOf(Alice, QuoteAsset));
    }

    [Fact]
    public void Market_buy_whose_budget_cannot_buy_one_lot_trades_nothing()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = MarketBuy(Alice, 11, 100, 10_019); // one lot costs 10,000 + 20

        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 0, 100, Ioc, OrderType.Market),
            Balance(Alice, QuoteAsset, InitialQuote - 10_019, 10_019),
            Cancelled(Alice, 11, 2, Side.Buy, CancelReason.MarketRemainder, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
    }

    [Fact]
    public void Market_buy_on_an_empty_book_is_cancelled_whole()
    {
        var events = MarketBuy(Alice, 11, 100, 200_000);

        AssertEvents(events,
            Accepted(Alice, 11, 1, Side.Buy, 0, 100, Ioc, OrderType.Market),
            Balance(Alice, QuoteAsset, InitialQuote - 200_000, 200_000),
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.MarketRemainder, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
    }

    [Fact]
    public void Market_buy_remainder_is_cancelled_when_the_book_runs_out()
    {
        Sell(Bob, 21, 10_000, 30);

        var events = MarketBuy(Alice, 11, 100, 200_000);

        Assert.Equal(new object[]
        {
            Level(Side.Sell, 10_000, 0, 0),
            Cancelled(Alice, 11, 2, Side.Buy, CancelReason.MarketRemainder, 70, 30),
            Balance(Alice, QuoteAsset, InitialQuote - 30_060, 0),
            Bbo(0, 0, 0, 0),
        }, events.TakeLast(4).ToArray());
    }

    [Fact]
    public void Market_buy_takes_asks_up_to_and_including_band_high()
    {
        Sell(Bob, 21, 10_000, 50);
        Sell(Carol, 31, 11_000, 50); // BandHigh

        var events = MarketBuy(Alice, 11, 100, 1_000_000);

        Assert.Equal(new[] { 10_000L, 11_000L },
            events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Taker).Select(f => f.Price).ToArray());
        Assert.Empty(events.OfType<OrderCancelled>());
    }

    [Fact]
    public void Market_sell_takes_bids_down_to_and_including_band_low()
    {
        Buy(Alice, 11, 10_000, 50);
        Buy(Carol, 31, 9_000, 50); // BandLow

        var events = MarketSell(Bob, 21, 100);

        Assert.Equal(new[] { 10_000L, 9_000L },
            events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Taker).Select(f => f.Price).ToArray());
        Assert.Empty(events.OfType<OrderCancelled>());
    }

    [Fact]
    public void Market_sell_holds_its_quantity_of_base()
    {
        Buy(Alice, 11, 10_000, 100);

        var events = MarketSell(Bob, 21, 100);

        Assert.Equal(Accepted(Bob, 21, 2, Side.Sell, 0, 100, Ioc, OrderType.Market), events[0]);
        Assert.Equal(Balance(Bob, BaseAsset, InitialBase - 100, 100), events[1]);
    }

    [Fact]
    public void Market_sell_remainder_is_cancelled_and_its_base_released()
    {
        Buy(Alice, 11, 10_000, 30);

        var events = MarketSell(Bob, 21, 100);

        Assert.Equal(new object[]
        {
            Level(Side.Buy, 10_000, 0, 0),
            Cancelled(Bob, 21, 2, Side.Sell, CancelReason.MarketRemainder, 70, 30),
            Balance(Bob, BaseAsset, InitialBase - 30, 0),
            Bbo(0, 0, 0, 0),
        }, events.TakeLast(4).ToArray());
    }

    [Fact]
    public void Market_order_ignores_its_price_field_and_is_accepted_with_price_zero()
    {
        var events = Run(new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.Market, Ioc, Price: 12_345, Quantity: 100, QuoteBudget: 200_000));

        Assert.Equal(Accepted(Alice, 11, 1, Side.Buy, 0, 100, Ioc, OrderType.Market), events[0]);
    }

    [Fact]
    public void Market_order_never_rests()
    {
        Sell(Bob, 21, 10_000, 30);

        MarketBuy(Alice, 11, 100, 200_000);
        MarketSell(Carol, 31, 100);

        Assert.Equal(0, Engine.OpenOrderCount);
        Assert.False(HasOrder(Alice, 11));
        Assert.False(HasOrder(Carol, 31));
    }

    [Fact]
    public void Market_buy_without_a_budget_holds_its_quantity_at_band_high_plus_the_taker_fee()
    {
        var events = MarketBuy(Alice, 11, 100, 0);

        // 10 lots at band high 11,000 = 110,000, plus 20 bps taker fee = 220.
        AssertEvents(events,
            Accepted(Alice, 11, 1, Side.Buy, 0, 100, Ioc, OrderType.Market),
            Balance(Alice, QuoteAsset, InitialQuote - 110_220, 110_220),
            Cancelled(Alice, 11, 1, Side.Buy, CancelReason.MarketRemainder, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote, 0));
    }

    [Fact]
    public void Market_buy_without_a_budget_fills_completely_at_band_high()
    {
        Sell(Bob, 21, 11_000, 100); // BandHigh

        var events = MarketBuy(Alice, 11, 100, 0);

        Assert.Equal(100, events.OfType<Fill>().Single(f => f.Liquidity == Liquidity.Taker).Quantity);
        Assert.Empty(events.OfType<OrderCancelled>());
        Assert.Equal(new BalanceView(InitialQuote - 110_220, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase + 100, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Market_buy_without_a_budget_releases_what_it_did_not_spend_below_band_high()
    {
        Sell(Bob, 21, 10_000, 100);

        MarketBuy(Alice, 11, 100, 0);

        Assert.Equal(new BalanceView(InitialQuote - 100_200, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase + 100, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Market_buy_pays_the_taker_fee_within_its_budget()
    {
        Sell(Bob, 21, 10_000, 100);

        MarketBuy(Alice, 11, 100, 100_200);

        Assert.Equal(new BalanceView(InitialQuote - 100_200, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase + 100, 0), BalanceOf(Alice, BaseAsset));
        Assert.Equal(new BalanceView(300, 0), BalanceOf(FeeAccount, QuoteAsset));
    }
}
