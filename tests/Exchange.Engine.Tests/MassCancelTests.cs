using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class MassCancelTests : EngineFixture
{
    /// <summary>Alice: bid 9,900 (order 1), ask 10,100 (order 2), bid 900 on symbol 2 (order 3),
    /// bid 10,000 (order 4, better than order 1). Bob: bid 9,800 (order 5).</summary>
    private void PlaceOrders()
    {
        Buy(Alice, 1, 9_900, 100);
        Sell(Alice, 2, 10_100, 100);
        Buy(Alice, 3, 900, 10, symbol: Sym2);
        Buy(Alice, 4, 10_000, 100);
        Buy(Bob, 5, 9_800, 100);
    }

    private static long[] CancelledOrderIds(List<object> events)
        => events.OfType<OrderCancelled>().Select(c => c.OrderId).ToArray();

    [Fact]
    public void Mass_cancel_of_an_account_cancels_its_orders_on_every_symbol_and_side()
    {
        PlaceOrders();

        var events = MassCancel(Alice);

        Assert.Equal(new long[] { 1, 2, 3, 4 }, CancelledOrderIds(events));
        Assert.All(events.OfType<OrderCancelled>(), c => Assert.Equal(CancelReason.MassCancel, c.Reason));
        Assert.Equal(new MassCancelled(Alice, -1, Side.None, 4), events[^1]);
        Assert.Equal(new BalanceView(InitialQuote, 0), BalanceOf(Alice, QuoteAsset));
        Assert.Equal(new BalanceView(InitialBase, 0), BalanceOf(Alice, BaseAsset));
    }

    [Fact]
    public void Mass_cancel_leaves_other_accounts_orders_alone()
    {
        PlaceOrders();

        MassCancel(Alice);

        Assert.Equal(1, Engine.OpenOrderCount);
        Assert.True(HasOrder(Bob, 5));
    }

    [Fact]
    public void Mass_cancel_by_symbol_cancels_only_that_symbol()
    {
        PlaceOrders();

        var events = MassCancel(Alice, Sym2);

        Assert.Equal(new long[] { 3 }, CancelledOrderIds(events));
        Assert.Equal(new MassCancelled(Alice, Sym2, Side.None, 1), events[^1]);
        Assert.True(HasOrder(Alice, 1));
    }

    [Fact]
    public void Mass_cancel_by_side_cancels_only_that_side()
    {
        PlaceOrders();

        var events = MassCancel(Alice, Sym, Side.Buy);

        Assert.Equal(new long[] { 1, 4 }, CancelledOrderIds(events));
        Assert.Equal(new MassCancelled(Alice, Sym, Side.Buy, 2), events[^1]);
        Assert.True(HasOrder(Alice, 2));
        Assert.True(HasOrder(Alice, 3));
    }

    [Fact]
    public void Mass_cancel_by_side_on_every_symbol_cancels_that_side_everywhere()
    {
        PlaceOrders();

        var events = MassCancel(Alice, -1, Side.Buy);

        Assert.Equal(new long[] { 1, 3, 4 }, CancelledOrderIds(events));
        Assert.Equal(new MassCancelled(Alice, -1, Side.Buy, 3), events[^1]);
    }

    [Fact]
    public void Mass_cancel_goes_in_ascending_order_id_with_market_data_after_each_cancel()
    {
        PlaceOrders();
        // Alice's quote holds: order 1 99,198; order 3 9,000 (symbol 2 has no fees); order 4 100,200.

        var events = MassCancel(Alice, Sym, Side.Buy);

        AssertEvents(events,
            Cancelled(Alice, 1, 1, Side.Buy, CancelReason.MassCancel, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 109_200, 109_200),
            Level(Side.Buy, 9_900, 0, 0),
            Cancelled(Alice, 4, 4, Side.Buy, CancelReason.MassCancel, 100, 0),
            Balance(Alice, QuoteAsset, InitialQuote - 9_000, 9_000),
            Level(Side.Buy, 10_000, 0, 0),
            Bbo(9_800, 100, 10_100, 100),
            new MassCancelled(Alice, Sym, Side.Buy, 2));
    }

    [Fact]
    public void Mass_cancel_with_nothing_to_cancel_reports_a_count_of_zero()
    {
        var events = MassCancel(Carol);

        AssertEvents(events, new MassCancelled(Carol, -1, Side.None, 0));
    }

    [Fact]
    public void Mass_cancel_frees_the_client_order_ids()
    {
        PlaceOrders();
        MassCancel(Alice);

        var events = Buy(Alice, 1, 9_900, 100);

        Assert.IsType<OrderAccepted>(events[0]);
    }
}
