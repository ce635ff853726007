// A side's sorted level array: Find agrees with a plain binary search over every depth (the top-8 scan and the
// branch-free bisection behind it), for prices present, between, above and below, on both sides; inserts and removals
// anywhere (short moves near the best, long ones deep in the side) keep each price with its level.
namespace Exchange.Engine.Tests;

public class BookSideTests
{
    [Theory]
    [InlineData(Side.Buy)]
    [InlineData(Side.Sell)]
    public void Find_gives_the_level_or_where_it_would_go_at_every_depth(Side sideOfBook)
    {
        var random = new Random(7);
        var side = new BookSide(sideOfBook, 4);
        var prices = new List<long>();
        var levelOf = new Dictionary<long, int>();
        for (int round = 0; round < 3_000; round++)
        {
            long price = 1_000 + random.Next(0, 4_000) * 5;
            int at = side.Find(price);
            Assert.Equal(Reference(prices, sideOfBook, price), at);
            if (at < 0)
            {
                side.InsertAt(~at, price, round);
                prices.Add(price);
                levelOf[price] = round;
            }
            else if (random.Next(4) == 0)
            {
                side.RemoveAt(at);
                prices.Remove(price);
                levelOf.Remove(price);
            }
            Assert.Equal(prices.Count, side.Count);
            // Probes around every tenth level: on it, one tick either side, and beyond both ends.
            if (round % 50 != 0) continue;
            // Every level where its price sorts, best last.
            var expected = prices.OrderBy(p => Key(sideOfBook, p)).Select(p => levelOf[p]).ToArray();
            Assert.Equal(expected, Enumerable.Range(0, side.Count).Select(side.LevelAt).ToArray());
            foreach (long p in prices.Where((_, i) => i % 10 == 0).SelectMany(p => new[] { p, p - 1, p + 1 }).Append(0).Append(1_000_000))
                Assert.Equal(Reference(prices, sideOfBook, p), side.Find(p));
        }
        Assert.True(side.Count > 1_000, $"deep enough to bisect: {side.Count}");
    }

    /// <summary>The answer by Array.BinarySearch over the side's keys (prices, negated for asks so both ascend).</summary>
    private static int Reference(List<long> prices, Side side, long price) =>
        Array.BinarySearch(prices.Select(p => Key(side, p)).Order().ToArray(), Key(side, price));

    private static long Key(Side side, long price) => side == Side.Buy ? price : -price;
}
