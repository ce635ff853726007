using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class PostOnlyTests : EngineFixture
{
    [Fact]
    public void Post_only_order_that_does_not_cross_rests_like_a_gtc_order()
    {
        Sell(Bob, 21, 10_100, 100);

        var events = Buy(Alice, 11, 10_000, 100, postOnly: true);

        AssertEvents(events,
            Accepted(Alice, 11, 2, Side.Buy, 10_000, 100),
            Balance(Alice, QuoteAsset, InitialQuote - 100_200, 100_200),
            Level(Side.Buy, 10_000, 100, 1),
            Bbo(10_000, 100, 10_100, 100));
        Assert.True(OrderOf(Alice, 11).PostOnly);
    }

    [Fact]
    public void Post_only_buy_at_the_best_ask_is_rejected()
    {
        Sell(Bob, 21, 10_000, 100);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.PostOnlyWouldTake),
            () => Buy(Alice, 11, 10_000, 100, postOnly: true));
    }

    [Fact]
    public void Post_only_sell_below_the_best_bid_is_rejected()
    {
        Buy(Alice, 11, 10_000, 100);

        AssertRejectedWithoutChange(
            OrderRejected(Bob, 21, RejectReason.PostOnlyWouldTake),
            () => Sell(Bob, 21, 9_900, 100, postOnly: true));
    }

    [Fact]
    public void Post_only_is_rejected_when_it_would_cross_the_accounts_own_order()
    {
        Sell(Alice, 1, 10_000, 100);

        AssertRejectedWithoutChange(
            OrderRejected(Alice, 2, RejectReason.PostOnlyWouldTake),
            () => Buy(Alice, 2, 10_000, 100, stp: SelfTradePrevention.CancelNewest, postOnly: true));
    }

    [Fact]
    public void Post_only_must_be_good_till_cancel()
    {
        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.InvalidTimeInForce),
            () => Buy(Alice, 11, 10_000, 100, TimeInForce.ImmediateOrCancel, postOnly: true));
    }

    [Fact]
    public void Post_only_market_order_is_an_invalid_order_type()
    {
        AssertRejectedWithoutChange(
            OrderRejected(Alice, 11, RejectReason.InvalidOrderType),
            () => Run(new NewOrder(Alice, 11, Sym, Side.Buy, OrderType.Market, TimeInForce.ImmediateOrCancel, 0, 100, 200_000, PostOnly: true)));
    }

    [Fact]
    public void Resting_post_only_order_is_filled_as_maker_with_the_maker_fee()
    {
        Buy(Alice, 11, 10_000, 100, postOnly: true);

        var events = Sell(Bob, 21, 10_000, 100);

        Assert.Equal(MakerFill(1, Alice, 11, 1, Side.Buy, 10_000, 100, 100, 100, 0), events.OfType<Fill>().First());
    }

    [Fact]
    public void Replacing_a_post_only_order_to_a_crossing_price_is_rejected()
    {
        Sell(Bob, 21, 10_100, 100);
        Buy(Alice, 11, 10_000, 100, postOnly: true);

        var rejected = AssertRejectedWithoutChange(() => Replace(Alice, 11, 11, 10_100, 100));

        Assert.Equal((CommandKind.ReplaceOrder, Alice, RejectReason.PostOnlyWouldTake), (rejected.Command, rejected.Account, rejected.Reason));
    }

    [Fact]
    public void Replacing_a_post_only_order_to_a_non_crossing_price_is_accepted()
    {
        Sell(Bob, 21, 10_100, 100);
        Buy(Alice, 11, 10_000, 100, postOnly: true);

        var events = Replace(Alice, 11, 12, 9_900, 100);

        Assert.IsType<OrderReplaced>(events[0]);
        Assert.True(OrderOf(Alice, 12).PostOnly);
    }
}
