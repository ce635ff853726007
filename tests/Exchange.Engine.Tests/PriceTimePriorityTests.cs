using Exchange.Contract;
using Exchange.Engine;

namespace Exchange.Engine.Tests;

public class PriceTimePriorityTests : EngineFixture
{
    private static long[] MakerAccounts(List<object> events)
        => events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Maker).Select(f => f.Account).ToArray();

    [Fact]
    public void Lower_ask_fills_before_an_older_higher_ask()
    {
        Sell(Bob, 21, 10_100, 100);
        Sell(Carol, 31, 10_000, 100);

        var events = Buy(Alice, 11, 10_100, 100);

        Assert.Equal(new[] { Carol }, MakerAccounts(events));
        Assert.Equal(10_000, events.OfType<Fill>().First().Price);
    }

    [Fact]
    public void Higher_bid_fills_before_an_older_lower_bid()
    {
        Buy(Bob, 21, 9_900, 100);
        Buy(Carol, 31, 10_000, 100);

        var events = Sell(Alice, 11, 9_900, 100);

        Assert.Equal(new[] { Carol }, MakerAccounts(events));
    }

    [Fact]
    public void Same_price_fills_oldest_first()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Carol, 31, 10_000, 100);

        var events = Buy(Alice, 11, 10_000, 100);

        Assert.Equal(new[] { Bob }, MakerAccounts(events));
    }

    [Fact]
    public void Taker_works_through_a_level_oldest_first_then_the_next_level()
    {
        Sell(Bob, 21, 10_000, 50);
        Sell(Carol, 31, 10_000, 50);
        Sell(Bob, 22, 10_100, 50);

        var events = Buy(Alice, 11, 10_100, 130);

        var makers = events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Maker).Select(f => (f.ClientOrderId, f.Quantity)).ToArray();
        Assert.Equal(new[] { (21L, 50L), (31L, 50L), (22L, 30L) }, makers);
    }

    [Fact]
    public void Partially_filled_maker_keeps_its_place_at_the_front()
    {
        Sell(Bob, 21, 10_000, 100);
        Sell(Carol, 31, 10_000, 100);
        Buy(Alice, 11, 10_000, 30);

        var events = Buy(Alice, 12, 10_000, 80);

        var makers = events.OfType<Fill>().Where(f => f.Liquidity == Liquidity.Maker).Select(f => (f.Account, f.Quantity)).ToArray();
        Assert.Equal(new[] { (Bob, 70L), (Carol, 10L) }, makers);
    }

    [Fact]
    public void Orders_are_listed_in_book_priority_order()
    {
        Buy(Alice, 1, 9_800, 10);
        Buy(Bob, 2, 9_900, 10);
        Buy(Carol, 3, 9_800, 10);
        Buy(Alice, 4, 9_900, 10);

        Assert.Equal(new long[] { 2, 4, 1, 3 }, BookCids(Side.Buy));
    }

    [Fact]
    public void Ask_levels_are_listed_lowest_first()
    {
        Sell(Bob, 1, 10_200, 10);
        Sell(Bob, 2, 10_000, 20);
        Sell(Carol, 3, 10_100, 30);
        Sell(Carol, 4, 10_000, 40);

        Assert.Equal(new[] { new LevelView(10_000, 60, 2), new LevelView(10_100, 30, 1), new LevelView(10_200, 10, 1) },
            Engine.Levels(Sym, Side.Sell));
    }

    [Fact]
    public void Bid_levels_are_listed_highest_first()
    {
        Buy(Alice, 1, 9_800, 10);
        Buy(Alice, 2, 9_900, 20);
        Buy(Bob, 3, 9_700, 30);

        Assert.Equal(new[] { new LevelView(9_900, 20, 1), new LevelView(9_800, 10, 1), new LevelView(9_700, 30, 1) },
            Engine.Levels(Sym, Side.Buy));
    }

    [Fact]
    public void Books_of_different_symbols_are_independent()
    {
        Sell(Bob, 21, 1_000, 10, symbol: Sym2);

        var events = Buy(Alice, 11, 10_000, 10);

        Assert.Empty(events.OfType<Fill>());
        Assert.Single(Engine.Orders(Sym2, Side.Sell));
        Assert.Single(Engine.Orders(Sym, Side.Buy));
    }
}
