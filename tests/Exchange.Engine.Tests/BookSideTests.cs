// A side's levels in both layouts (the ladder of a narrow band, the sorted array of a wide one) against a sorted
// reference through long random runs: Find gives each price's level or none, the best is the best price's, and walking
// the side gives every level best first; inserts and removals anywhere, the best emptied again and again, levels far
// apart (gaps across the ladder's summary and top words), prices at both ends of the band, ticks that are not powers of two.
namespace Exchange.Engine.Tests;

public class BookSideTests
{
    [Theory]
    // side, tick, band in ticks, the spread of prices drawn (ticks), seed
    [InlineData(Side.Buy, 1L, 20_000, 400, 1)]
    [InlineData(Side.Sell, 1L, 20_000, 400, 2)]
    [InlineData(Side.Buy, 100L, BookSide.LadderTicks, BookSide.LadderTicks, 3)] // the widest ladder, levels scattered over it
    [InlineData(Side.Sell, 3L, BookSide.LadderTicks, BookSide.LadderTicks, 8)]
    [InlineData(Side.Buy, 2L, 1 << 20, 300_000, 9)]
    [InlineData(Side.Sell, 6L, 300_000, 300_000, 4)] // a tick with an odd factor: the exact division's inverse
    [InlineData(Side.Buy, 48L, 70_000, 9_000, 5)]
    [InlineData(Side.Sell, 5L, 64, 64, 6)] // one word
    [InlineData(Side.Buy, 7L, 130, 130, 7)] // a partial last word
    public void A_ladder_agrees_with_a_sorted_reference(Side sideOfBook, long tick, int ticks, int spread, int seed)
    {
        long low = tick * 1_000;
        long high = low + (ticks - 1) * tick;
        var side = new BookSide(sideOfBook, 4, low, high, tick);
        Assert.True(side.IsLadder);
        Exercise(side, sideOfBook, low, tick, ticks, spread, seed);
    }

    [Theory]
    [InlineData(Side.Buy, 11)]
    [InlineData(Side.Sell, 12)]
    public void A_band_too_wide_for_a_ladder_keeps_a_sorted_array(Side sideOfBook, int seed)
    {
        long tick = 5, low = 5;
        int ticks = BookSide.LadderTicks + 1;
        var side = new BookSide(sideOfBook, 4, low, low + (ticks - 1) * tick, tick);
        Assert.False(side.IsLadder);
        // Deep enough to bisect and to move long runs; prices near the top of the band and far out.
        Exercise(side, sideOfBook, low, tick, ticks, 4_000, seed);
        Exercise(new BookSide(sideOfBook, 4), sideOfBook, low, tick, ticks, 4_000, seed + 100);
    }

    [Fact]
    public void A_book_takes_a_ladder_unless_its_band_is_too_wide()
    {
        var narrow = new SymbolSpec(1, 1, 0, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: 100, ReferencePrice: 60_000, BandBps: 2_000,
            MakerFeeBps: 0, TakerFeeBps: 0, MaxNotional: 1L << 40);
        var book = new OrderBook(narrow, default, 16);
        Assert.True(book.Bids.IsLadder && book.Asks.IsLadder && book.BuyStops.IsLadder && book.SellStops.IsLadder);
        // A 20 % band around 6,000,000 ticks (a coin at 60,000.00 in cents) still fits; around 60,000,000 it does not.
        book = new OrderBook(narrow with { ReferencePrice = 6_000_000 }, default, 16);
        Assert.True(book.Bids.IsLadder && book.SellStops.IsLadder);
        var wide = narrow with { ReferencePrice = 60_000_000 };
        book = new OrderBook(wide, default, 16);
        Assert.False(book.Bids.IsLadder || book.Asks.IsLadder || book.BuyStops.IsLadder || book.SellStops.IsLadder);
    }

    private static void Exercise(BookSide side, Side sideOfBook, long low, long tick, int ticks, int spread, int seed)
    {
        var random = new Random(seed);
        var levels = new SortedDictionary<long, int>(); // price -> level slot
        long PriceAt(int k) => low + (long)k * tick;
        // A window of prices that wanders over the band, pinned to its ends at times.
        int center = ticks / 2;
        for (int round = 0; round < 20_000; round++)
        {
            if (round % 500 == 0) center = random.Next(3) switch { 0 => 0, 1 => ticks - 1, _ => random.Next(ticks) };
            int k = Math.Clamp(center + random.Next(-spread / 2, spread / 2 + 1), 0, ticks - 1);
            long price = PriceAt(k);
            int found = side.Find(price, out int where);
            Assert.Equal(levels.TryGetValue(price, out int expected) ? expected : BookSide.None, found);
            int action = random.Next(10);
            if (found == BookSide.None && action < 6)
            {
                side.Insert(where, price, round);
                levels[price] = round;
            }
            else if (found != BookSide.None && action < 4)
            {
                side.Remove(price);
                levels.Remove(price);
            }
            else if (levels.Count > 0 && action == 9)
            {
                long best = sideOfBook == Side.Buy ? levels.Keys.Max() : levels.Keys.Min();
                Assert.Equal(levels[best], side.Best);
                side.RemoveBest();
                levels.Remove(best);
            }
            Assert.Equal(levels.Count, side.Count);
            if (levels.Count > 0) Assert.Equal(levels[sideOfBook == Side.Buy ? levels.Keys.Max() : levels.Keys.Min()], side.Best);
            if (round % 997 == 0) AssertWalk(side, sideOfBook, levels);
        }
        AssertWalk(side, sideOfBook, levels);
        // Empty it from the best down, then use it again.
        while (side.Count > 0)
        {
            long best = sideOfBook == Side.Buy ? levels.Keys.Max() : levels.Keys.Min();
            Assert.Equal(levels[best], side.Best);
            side.RemoveBest();
            levels.Remove(best);
        }
        Assert.Empty(side.LevelsBestFirst());
        foreach (int k in new[] { 0, ticks - 1, ticks / 2 })
        {
            side.Find(PriceAt(k), out int where);
            side.Insert(where, PriceAt(k), k);
            levels[PriceAt(k)] = k;
        }
        AssertWalk(side, sideOfBook, levels);
        Assert.Equal(BookSide.None, side.Find(PriceAt(1)));
    }

    private static void AssertWalk(BookSide side, Side sideOfBook, SortedDictionary<long, int> levels)
    {
        var expected = (sideOfBook == Side.Buy ? levels.Reverse() : levels).Select(l => l.Value).ToArray();
        Assert.Equal(expected, side.LevelsBestFirst());
        var walked = new List<int>();
        foreach (int slot in side) walked.Add(slot);
        Assert.Equal(expected, walked);
        foreach (var (price, slot) in levels) Assert.Equal(slot, side.Find(price));
    }
}
