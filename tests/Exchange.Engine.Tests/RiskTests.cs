using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class RiskTests : EngineFixture
{
    // ---- holds -------------------------------------------------------------------------------------

    [Fact]
    public void Buy_holds_notional_plus_the_max_fee_rounded_up()
    {
        // 10 at 10,100: notional 10,100; 20 bps of it is 20.2, held as 21.
        var events = Buy(Alice, 11, 10_100, 10);

        Assert.Equal(Balance(Alice, QuoteAsset, InitialQuote - 10_121, 10_121), events[1]);
        Assert.Equal(10_121, OrderOf(Alice, 11).Held);
    }

    [Fact]
    public void Buy_hold_uses_the_larger_of_maker_and_taker_fee()
    {
        var spec = Spec1 with { Id = 5, MakerFeeBps = 30, TakerFeeBps = 5 };
        Run(new AddSymbol(spec));

        var events = Buy(Alice, 11, 10_000, 100, symbol: 5);

        // 100,000 + 30 bps = 100,300
        Assert.Equal(Balance(Alice, QuoteAsset, InitialQuote - 100_300, 100_300), events[1]);
    }

    [Fact]
    public void Sell_holds_its_quantity_of_base()
    {
        var events = Sell(Bob, 21, 10_100, 100);

        Assert.Equal(Balance(Bob, BaseAsset, InitialBase - 100, 100), events[1]);
        Assert.Equal(100, OrderOf(Bob, 21).Held);
    }

    [Fact]
    public void Market_buy_holds_its_whole_quote_budget()
    {
        Sell(Bob, 21, 10_000, 100);

        var events = MarketBuy(Alice, 11, 10, 77_777);

        Assert.Equal(Balance(Alice, QuoteAsset, InitialQuote - 77_777, 77_777), events[1]);
    }

    [Fact]
    public void Held_is_the_sum_of_the_open_orders_holds()
    {
        Buy(Alice, 11, 9_900, 100);
        Buy(Alice, 12, 9_800, 50);
        Buy(Alice, 13, 900, 10, symbol: Sym2);

        long expected = BuyHold(9_900, 100) + BuyHold(9_800, 50) + 9_000;
        Assert.Equal(new BalanceView(InitialQuote - expected, expected), BalanceOf(Alice, QuoteAsset));
    }

    [Fact]
    public void Cancel_releases_the_whole_hold()
    {
        Buy(Alice, 11, 10_100, 10);
        Sell(Alice, 12, 10_200, 10);

        Cancel(Alice, 11);
        Cancel(Alice, 12);

        Assert.Equal(new BalanceView(InitialQuote, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Buy_needs_exactly_its_hold_available()
    {
        Withdraw(Alice, QuoteAsset, InitialQuote - 100_199);
        AssertRejectedWithoutChange(OrderRejected(Alice, 11, RejectReason.InsufficientFunds), () => Buy(Alice, 11, 10_000, 100));

        Deposit(Alice, QuoteAsset, 1);
        var events = Buy(Alice, 11, 10_000, 100);

        Assert.Equal(Balance(Alice, QuoteAsset, 0, 100_200), events[1]);
    }

    [Fact]
    public void Sell_needs_its_quantity_of_base_available()
    {
        Sell(Bob, 21, 10_100, InitialBase - 50);

        AssertRejectedWithoutChange(OrderRejected(Bob, 22, RejectReason.InsufficientFunds), () => Sell(Bob, 22, 10_100, 60));
    }

    [Fact]
    public void Market_buy_needs_its_budget_available()
    {
        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.InsufficientFunds),
            () => MarketBuy(Alice, 11, 100, InitialQuote + 1));
    }

    [Fact]
    public void Market_sell_needs_its_quantity_of_base_available()
    {
        Buy(Alice, 11, 10_000, 100);

        AssertRejectedWithoutChange(
            OrderRejected(Bob, 21, RejectReason.InsufficientFunds),
            () => MarketSell(Bob, 21, InitialBase + 10));
    }

    // ---- settlement and fees -----------------------------------------------------------------------

    [Fact]
    public void Fill_settles_both_sides_and_pays_maker_and_taker_fees_to_the_fee_account()
    {
        Sell(Bob, 21, 10_000, 100);
        Buy(Alice, 11, 10_000, 100);

        Assert.Equal(new BalanceView(InitialQuote - 100_200, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase + 100, 0), BalanceOf(Alice, BaseAsset));
        Assert.Equal(new BalanceView(InitialQuote + 99_900, 0), BalanceOf(Bob, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase - 100, 0), BalanceOf(Bob, BaseAsset));
        Assert.Equal(new BalanceView(300, 0), BalanceOf(FeeAccount, QuoteAsset));
    }

    [Fact]
    public void Fees_round_down()
    {
        Sell(Bob, 21, 10_100, 10);

        var events = Buy(Alice, 11, 10_100, 10);

        // notional 10,100: maker 10.1 → 10, taker 20.2 → 20
        Assert.Equal(new long[] { 10, 20 }, events.OfType<Fill>().Select(f => f.Fee).ToArray());
        Assert.Equal(new BalanceView(30, 0), BalanceOf(FeeAccount, QuoteAsset));
        Assert.Equal(new BalanceView(InitialQuote - 10_120, 0), BalanceOf(Alice, QuoteAsset));
    }

    [Fact]
    public void Price_improvement_returns_the_excess_hold()
    {
        Sell(Bob, 21, 10_000, 100);

        Buy(Alice, 11, 10_100, 100);

        Assert.Equal(new BalanceView(InitialQuote - 100_200, 0), BalanceOf(Alice, QuoteAsset));
    }

    [Fact]
    public void Partial_fill_recomputes_the_buy_hold_for_the_leaves()
    {
        Sell(Bob, 21, 10_000, 100);

        Buy(Alice, 11, 10_100, 300);

        // Paid 100,200 for the fill; holds 202,000 + 404 for the 200 left at 10,100.
        Assert.Equal(new BalanceView(InitialQuote - 100_200 - 202_404, 202_404), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(202_404, OrderOf(Alice, 11).Held);
    }

    [Fact]
    public void Maker_buy_pays_the_maker_fee_and_gets_the_rest_of_its_fee_hold_back()
    {
        Buy(Alice, 11, 10_000, 100);

        Sell(Bob, 21, 10_000, 100);

        Assert.Equal(new BalanceView(InitialQuote - 100_100, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialQuote + 99_800, 0), BalanceOf(Bob, QuoteAsset));
    }

    [Fact]
    public void Zero_fee_trade_emits_no_fee_account_balance()
    {
        Sell(Bob, 21, 1_000, 10, symbol: Sym2);

        var events = Buy(Alice, 11, 1_000, 10, symbol: Sym2);

        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 1_000, 10, symbol: Sym2),
            Balance(Alice, QuoteAsset, InitialQuote - 10_000, 10_000),
            MakerFill(1, Bob, 21, 1, Side.Sell, 1_000, 10, 0, 10, 0, Sym2),
            TakerFill(1, Alice, 11, 2, Side.Buy, 1_000, 10, 0, 10, 0, Sym2),
            Traded(1, Side.Buy, 1_000, 10, Sym2),
            Balance(Bob, Base2Asset, InitialBase - 10, 0),
            Balance(Bob, QuoteAsset, InitialQuote + 10_000, 0),
            Balance(Alice, Base2Asset, InitialBase + 10, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 10_000, 0),
            Level(Side.Sell, 1_000, 0, 0, Sym2),
            Bbo(0, 0, 0, 0, Sym2));
    }

    [Fact]
    public void Totals_per_asset_change_only_by_deposits_and_withdrawals()
    {
        long quote = TotalOf(QuoteAsset), @base = TotalOf(BaseAsset);

        Sell(Bob, 21, 10_000, 130);
        Sell(Carol, 31, 10_100, 70);
        Buy(Alice, 11, 10_100, 170);
        Buy(Carol, 32, 9_900, 40);
        Sell(Alice, 12, 9_900, 60, TimeInForce.ImmediateOrCancel);
        MarketBuy(Bob, 22, 200, 123_457);
        Buy(Bob, 23, 9_000, 10, stp: SelfTradePrevention.Decrement);
        Sell(Bob, 24, 9_000, 30, stp: SelfTradePrevention.Decrement);
        Replace(Carol, 32, 33, 10_000, 90);
        MarketSell(Alice, 13, 50);
        Deposit(Carol, QuoteAsset, 1_234);
        Withdraw(Bob, BaseAsset, 17);
        MassCancel(Carol);

        Assert.True(BalanceOf(FeeAccount, QuoteAsset).Available > 0);
        Assert.Equal(quote + 1_234, TotalOf(QuoteAsset));
        Assert.Equal(@base - 17, TotalOf(BaseAsset));
    }

    [Fact]
    public void Held_matches_the_open_orders_after_a_mix_of_trades()
    {
        Sell(Bob, 21, 10_000, 130);
        Sell(Carol, 31, 10_100, 70);
        Buy(Alice, 11, 10_100, 170);
        Buy(Alice, 12, 9_900, 40);
        Sell(Bob, 22, 9_900, 10);

        foreach (long account in new[] { Alice, Bob, Carol })
        {
            long quoteHeld = 0, baseHeld = 0;
            foreach (var side in new[] { Side.Buy, Side.Sell })
                foreach (var o in Engine.Orders(Sym, side).Where(o => o.Account == account))
                    if (side == Side.Buy) quoteHeld += o.Held; else baseHeld += o.Held;
            Assert.Equal(quoteHeld, BalanceOf(account, QuoteAsset).Held);
            Assert.Equal(baseHeld, BalanceOf(account, BaseAsset).Held);
        }
    }

    // ---- limits ------------------------------------------------------------------------------------

    [Fact]
    public void Open_order_limit_rejects_a_gtc_order_beyond_it()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOpenOrdersPerAccount = 2 });
        f.Buy(Alice, 11, 9_900, 10);
        f.Buy(Alice, 12, 9_800, 10);

        f.AssertRejectedWithoutChange(
            OrderRejected(Alice, 13, RejectReason.TooManyOpenOrders),
            () => f.Buy(Alice, 13, 9_700, 10));
    }

    [Fact]
    public void Open_order_limit_does_not_apply_to_ioc_orders()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOpenOrdersPerAccount = 2 });
        f.Buy(Alice, 11, 9_900, 10);
        f.Buy(Alice, 12, 9_800, 10);
        f.Sell(Bob, 21, 10_000, 10);

        var events = f.Buy(Alice, 13, 10_000, 10, TimeInForce.ImmediateOrCancel);

        Assert.IsType<OrderAccepted>(events[0]);
    }

    [Fact]
    public void Open_order_limit_counts_per_account()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOpenOrdersPerAccount = 2 });
        f.Buy(Alice, 11, 9_900, 10);
        f.Buy(Alice, 12, 9_800, 10);

        var events = f.Buy(Bob, 21, 9_700, 10);

        Assert.IsType<OrderAccepted>(events[0]);
    }

    [Fact]
    public void Cancelling_frees_room_under_the_open_order_limit()
    {
        var f = new EngineFixture(SmallConfig() with { MaxOpenOrdersPerAccount = 2 });
        f.Buy(Alice, 11, 9_900, 10);
        f.Buy(Alice, 12, 9_800, 10);
        f.Cancel(Alice, 11);

        var events = f.Buy(Alice, 13, 9_700, 10);

        Assert.IsType<OrderAccepted>(events[0]);
    }

    [Fact]
    public void Notional_limit_rejects_a_limit_order_above_it()
    {
        // 501 at 1,000 on symbol 2: notional 501,000 > 500,000.
        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.NotionalAboveLimit, Sym2),
            () => Buy(Alice, 11, 1_000, 501, symbol: Sym2));
    }

    [Fact]
    public void Notional_limit_accepts_an_order_exactly_at_it()
    {
        var events = Buy(Alice, 11, 1_000, 500, symbol: Sym2);

        Assert.IsType<OrderAccepted>(events[0]);
    }

    [Fact]
    public void Notional_limit_of_a_market_buy_is_its_quote_budget()
    {
        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.NotionalAboveLimit, Sym2),
            () => MarketBuy(Alice, 11, 10, 500_001, symbol: Sym2));
    }

    [Fact]
    public void Notional_limit_of_a_market_sell_uses_the_reference_price()
    {
        // 600 at the reference 1,000 is 600,000 > 500,000, although the band allows a limit sell at 500.
        AssertRejectedWithoutChange(
            OrderRejected(Bob, 21, RejectReason.NotionalAboveLimit, Sym2),
            () => MarketSell(Bob, 21, 600, symbol: Sym2));
        Assert.IsType<OrderAccepted>(Sell(Bob, 22, 500, 600, symbol: Sym2)[0]);
    }
}
