// The book exchange-web keeps from the engine's level updates, and how it finds and repairs lost updates: the engine's
// best bid/offer after each input is the check; the top is repaired from it at once, the whole book from the engine's
// book snapshot when it comes.
namespace Exchange.Web.Tests;

public sealed class BookTests
{
    [Fact]
    public void Level_updates_build_both_sides_best_first_and_a_zero_removes_a_level()
    {
        var m = Markets.BtcUsd();
        m.ApplyLevel(1, 10, Side.Buy, 59_990, 2_000_000, 1);
        m.ApplyLevel(2, 11, Side.Buy, 59_995, 1_000_000, 1);
        m.ApplyLevel(3, 12, Side.Sell, 60_010, 3_000_000, 2);
        m.ApplyLevel(4, 13, Side.Sell, 60_005, 1_000_000, 1);
        m.ApplyLevel(5, 14, Side.Sell, 60_005, 0, 0);
        Assert.Equal([59_995L, 59_990L], m.Bids(0).Select(l => l.Price));
        Assert.Equal([60_010L], m.Asks(0).Select(l => l.Price));
        Assert.Equal([59_995L], m.Bids(1).Select(l => l.Price));
    }

    [Fact]
    public void A_best_bid_offer_that_agrees_with_the_book_changes_nothing()
    {
        var m = Markets.BtcUsd();
        m.ApplyLevel(1, 10, Side.Buy, 59_990, 2_000_000, 1);
        m.ApplyLevel(1, 10, Side.Sell, 60_010, 3_000_000, 2);
        Assert.True(m.EndInput());
        m.Pending.Clear();
        Assert.False(m.CheckTop(1, new BestBidOffer(1, 59_990, 2_000_000, 60_010, 3_000_000)));
        Assert.Empty(m.Pending);
        Assert.Equal(0, m.Repairs);
    }

    [Fact]
    public void A_lost_update_is_found_by_the_next_best_bid_offer_and_the_top_repaired_from_it()
    {
        var m = Markets.BtcUsd();
        m.ApplyLevel(1, 10, Side.Buy, 59_990, 2_000_000, 1);
        m.ApplyLevel(2, 10, Side.Buy, 59_980, 1_000_000, 1);
        m.ApplyLevel(3, 10, Side.Sell, 60_010, 3_000_000, 2);
        m.Pending.Clear();
        // Updates lost: the 59,990 bid was taken and the ask at 60,010 partly filled; a new best ask at 60,008 arrived.
        Assert.True(m.CheckTop(9, new BestBidOffer(1, 59_980, 1_000_000, 60_008, 1_000_000)));
        Assert.Equal([59_980L], m.Bids(0).Select(l => l.Price));
        Assert.Equal([60_008L, 60_010L], m.Asks(0).Select(l => l.Price));
        Assert.Equal(1_000_000, m.Asks(1).Single().Quantity);
        Assert.Equal(1, m.Repairs);
        // The repair is part of the input's increment, so subscribers get it too.
        Assert.Contains(m.Pending, p => p.Side == Side.Buy && p.Level.Price == 59_990 && p.Level.Quantity == 0);
        Assert.Contains(m.Pending, p => p.Side == Side.Sell && p.Level.Price == 60_008 && p.Level.Quantity == 1_000_000);
    }

    [Fact]
    public void An_empty_side_in_the_best_bid_offer_empties_that_side()
    {
        var m = Markets.BtcUsd();
        m.ApplyLevel(1, 10, Side.Sell, 60_010, 3_000_000, 2);
        Assert.True(m.CheckTop(2, new BestBidOffer(1, 0, 0, 0, 0)));
        Assert.Empty(m.Asks(0));
    }

    [Fact]
    public void Recent_trades_keep_the_newest_and_candles_follow_the_sequencer_clock()
    {
        var m = Markets.BtcUsd();
        long minute = 60_000_000_000L;
        for (int i = 0; i < 6; i++) m.AddTrade(i + 1, 10 * minute + i * 20_000_000_000L, new Trade(1, i + 1, 60_000 + i, 1_000_000, Side.Buy));
        Assert.Equal([3L, 4, 5, 6], m.RecentTrades(10).Select(t => t.TradeId));
        // The door feeds each trade to every interval's series; trades at 10:00, 10:20, 10:40 fall in minute 10, the
        // next three in minute 11.
        var oneMinute = m.Series("1m")!;
        foreach (var t in m.RecentTrades(10).Prepend(new TradePrint(0, 10 * minute + 20_000_000_000L, 2, 60_001, 1_000_000, Side.Buy))
            .Prepend(new TradePrint(0, 10 * minute, 1, 60_000, 1_000_000, Side.Buy)))
            oneMinute.Add(t.Timestamp, t.Price, t.Quantity);
        var candles = oneMinute.Newest(10).ToList();
        Assert.Equal(2, candles.Count);
        Assert.Equal((60_000L, 60_002L, 60_000L, 60_002L, 3_000_000L, 3), (candles[0].Open, candles[0].High, candles[0].Low, candles[0].Close, candles[0].Volume, candles[0].Trades));
        Assert.Equal(11 * minute, candles[1].Start);
        Assert.Equal(60_005, candles[1].Close);
    }

    [Fact]
    public void A_rebuild_takes_the_snapshot_then_the_updates_after_its_sequence_and_ignores_older_ones_that_come_late()
    {
        var m = Markets.BtcUsd();
        m.ApplyLevel(1, 10, Side.Buy, 59_990, 2_000_000, 1);        // a book that lost updates: this level is gone
        m.RebuildRequest = 7;
        m.ApplyLevel(12, 10, Side.Sell, 60_020, 1_000_000, 1);      // market data ahead of the snapshot
        m.ApplyLevel(9, 10, Side.Buy, 59_970, 5_000_000, 2);        // at or before the snapshot: in it already
        m.AddSnapshotLevel(Side.Buy, 59_980, 1_000_000, 1);
        m.AddSnapshotLevel(Side.Buy, 59_970, 4_000_000, 2);
        m.AddSnapshotLevel(Side.Sell, 60_010, 3_000_000, 2);
        long version = m.Version;
        m.Rebuild(10);

        Assert.Equal([(59_980L, 1_000_000L), (59_970L, 4_000_000L)], m.Bids(0).Select(l => (l.Price, l.Quantity)));
        Assert.Equal([60_010L, 60_020L], m.Asks(0).Select(l => l.Price));
        Assert.Equal((1L, (ulong?)null, 10L), (m.Rebuilds, m.RebuildRequest, m.SnapshotSequence));
        Assert.True(m.Version > version);
        // An update of sequence 10 or earlier arriving now is in the snapshot already; a later one applies.
        m.ApplyLevel(10, 10, Side.Buy, 59_980, 0, 0);
        m.ApplyLevel(11, 10, Side.Sell, 60_010, 0, 0);
        Assert.Equal([59_980L, 59_970L], m.Bids(0).Select(l => l.Price));
        Assert.Equal([60_020L], m.Asks(0).Select(l => l.Price));
        Assert.False(m.CheckTop(10, new BestBidOffer(1, 1, 1, 2, 2)));
    }
}
